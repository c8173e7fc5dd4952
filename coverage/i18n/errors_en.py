"""The messages that stop a run, in English: what the console prints after ``error:``.

Raised as :class:`~coverage.errors.CoverageError` subclasses carrying a
:class:`~coverage.errors.Msg` with one of these keys, and worded in the console's language when
printed (``str(exc)`` is English). The same keys and fields as :mod:`coverage.i18n.errors_zh`;
:mod:`coverage.i18n.en` merges these words into its catalogue. Fields hold the planner's own
text (file names, values, keys as typed) or the system's reason for a failed read, as is.
"""

from __future__ import annotations

__all__ = ["WORDS"]

WORDS: dict[str, str] = {
    # --- Where: file, row and field
    "error.where.row": "row {row}",
    "error.where.field": "field '{field}'",
    "error.where.sep": ", ",
    "error.where.end": ": ",
    "error.unknown_tier": (
        "unknown tier {value}{more}; known tiers: {known}; to use a new facility type, declare "
        "it in the scenario: [types.<code>] label_zh = {label} (code: lower-case letters, "
        "digits, '_')"
    ),
    # --- Scenario and audit files
    "error.text": "{text}",
    "error.scenario.line": "{file}: {where}: ",
    "error.settings.value": "setting {setting}: ",
    "error.value.missing": "required",
    "error.value.extra_forbidden": "unknown key (check the spelling)",
    "error.value.finite_number": "must be a finite number, got {input}",
    "error.value.int_type": "must be a whole number, got {input}",
    "error.value.int_parsing": "must be a whole number, got {input}",
    "error.value.int_from_float": "must be a whole number, got {input}",
    "error.value.float_type": "must be a number, got {input}",
    "error.value.float_parsing": "must be a number, got {input}",
    "error.value.string_type": "must be text in quotes, got {input}",
    "error.value.bool_type": "must be true or false, got {input}",
    "error.value.bool_parsing": "must be true or false, got {input}",
    "error.value.list_type": "must be a list [...], got {input}",
    "error.value.tuple_type": "must be a list [...], got {input}",
    "error.value.dict_type": "must be a table, got {input}",
    "error.value.model_type": "must be a table, got {input}",
    "error.value.literal_error": "must be one of {expected}, got {input}",
    "error.value.enum": "must be one of {expected}, got {input}",
    "error.value.greater_than": "must be greater than {gt}, got {input}",
    "error.value.greater_than_equal": "must be at least {ge}, got {input}",
    "error.value.less_than": "must be less than {lt}, got {input}",
    "error.value.less_than_equal": "must be at most {le}, got {input}",
    "error.value.too_short": "needs at least {min_length} item(s), got {input}",
    "error.value.too_long": "takes at most {max_length} item(s), got {input}",
    "error.where.top_level": "(top level)",
    "error.read.scenario_not_found": "scenario file not found",
    "error.read.audit_not_found": "audit file not found",
    "error.read.scenario_unreadable": "cannot read the scenario file: {reason}",
    "error.read.audit_unreadable": "cannot read the audit file: {reason}",
    "error.read.not_utf8": "not UTF-8 text ({reason}); save it as UTF-8",
    "error.read.invalid": "not valid TOML: {reason}",
    "error.scenario.file_not_found": "{scenario}: {setting}: file not found: {file}",
    "error.scenario.name_chars": "use letters, digits, '-', '_' or '.' (it names output files)",
    "error.scenario.crs": 'unknown coordinate system {value}; use {names}, cgcs2000 (cgcs; EPSG:4490) or an EPSG code such as 4326, "EPSG:4326" or 32650 (case, spaces, hyphens and underscores do not matter)',
    "error.scenario.select_empty": "select needs at least one field, e.g. {example}",
    "error.scenario.network_source": "give exactly one network source: path, place, bbox or polygon = true",
    "error.scenario.got": " (got {given})",
    "error.scenario.bbox": "bbox must be [west, south, east, north] in degrees",
    "error.scenario.cell_size": "catchment_cell_m ({cell}) must be at most half of walk_off_m ({walk_off})",
    "error.scenario.layer_source": "give a path, or osm_buildings = true (demand), not both",
    "error.scenario.columns_field": "unknown field {fields}: a key of columns is a standard field ({known})",
    "error.scenario.buildings_kinds": "building_types and floor_area_per_person_m2 must name the same demand kinds: building_types names {kinds}, floor_area_per_person_m2 names {areas}",
    "error.scenario.buildings_case": "{setting}: building type {value} must be lower case, without spaces around (write {fixed})",
    "error.scenario.buildings_type": "{setting}: building type {value} is not counted by building_types (counted: {known}); check the spelling",
    "error.scenario.buildings_without_osm": "buildings settings need osm_buildings = true",
    "error.scenario.raster_only": "band and max_cell_m are for population rasters (.tif)",
    "error.scenario.layer_not_table": (
        "layer picks a workbook's sheet or a GeoPackage's layer: a population raster or "
        "osm_buildings has none; remove the setting"
    ),
    "error.scenario.add_and_target": "give add or target, not both",
    "error.scenario.tiers_twice": "tiers names {tiers} more than once",
    "error.scenario.stage_not_tier": "stage_add names {stray}, not among tiers = {tiers}",
    "error.scenario.in": "{where}: ",
    "error.scenario.tianditu_key": 'basemap = "tianditu" needs a key: set [output] tianditu_key or the TIANDITU_KEY environment variable (a free key from tianditu.gov.cn)',
    "error.scenario.print_suffix": "a .png or .pdf file, not {name}",
    "error.scenario.threshold_twice": "tier_threshold_min: {name} is '{code}', which is set twice",
    "error.scenario.threshold_in_type": "tier_threshold_min: '{code}' has threshold_min in [types.{code}] too; set it in one place",
    "error.scenario.no_layers": "a scenario needs at least one [[facilities]] or [[candidates]] layer",
    "error.scenario.demand_weight": 'name the weight column of {path} with weight = "..."',
    "error.scenario.not_a_register": "a register of points (CSV, Excel, GIS file) is needed; rasters and osm_buildings are for [[demand]]",
    "error.scenario.raster_needs_area": "raster and osm_buildings demand need a study area: set [area] path",
    "error.scenario.area_path_only": "{setting} picks from the study area file (path), which is not set; a subdistricts file is read whole: set path or remove {setting}",
    "error.scenario.area_subdistricts_only": "{setting} is a setting of the sub-districts file (subdistricts), which is not set: set subdistricts or remove {setting}",
    "error.scenario.area_crs_unused": "crs is the datum of path and subdistricts, and neither is set: set one or remove crs",
    "error.scenario.plan_unknown_tier": "unknown tier {tiers} (known: {known})",
    "error.scenario.option": "{option} {value}: ",
    "error.scenario.argument": "{name}={value}: ",
    "error.scenario.and": "; ",
    "error.scenario.write_outside": "{scenario}: {name} = {value} is outside the scenario's folder ({folder}) and the working directory ({cwd}); a scenario file may only write inside them: {instead}",
    "error.scenario.instead.out": 'pass --out on the command line instead (from Python: scenario.set_output("dir", path))',
    "error.scenario.instead.map": 'pass --map on the command line instead (from Python: scenario.set_output("map", path))',
    "error.scenario.instead.print": 'remove it and pass --print to `coverage map` instead (from Python: scenario.set_output("print_map", path))',
    "error.scenario.instead.cache": "move the cache there, or run the command from a folder that holds it",
    "error.audit.dir_outside": "output.dir = {value} is outside the audit's folder and the working directory; give --out (from Python: run_audit(..., out=path)) to write elsewhere",
    "error.audit.cache_outside": "network.cache_dir = {value} is outside the audit's folder and the working directory; move the cache there, or run the command from a folder that holds it",
    "error.scenario.use_lang": "use zh or en",
    "error.scenario.method": "'{method}' is not 'grid' or 'exact'",
    "error.scenario.bands_list": "not a list of minutes, e.g. 5,10,15",
    "error.scenario.bands_positive": "every band must be a number of minutes above 0",
    "error.audit.no_code_field": "no field '{field}' for the district codes; the fields are: {fields}; set [districts] code_field",
    "error.audit.no_code": "district without a code",
    "error.audit.code_twice": "code {code} is also the code of row {row}, named {name}: the parts of one district share its code and name, different districts need different codes",
    "error.audit.same_folder": "code {code} and code {other} give the same folder name {folder}; use codes of letters, digits, '-', '_' or '.'",
    "error.audit.scheduler": "cannot start or reach the dask scheduler {scheduler}: {reason}",
    "error.audit.local_cluster": "cannot start or reach a local dask cluster: {reason}",
    "error.audit.not_run": "not run",
    "error.scenario.threshold_unknown_tier": "tier_threshold_min: unknown tier {value} (known: {known}; names such as {example} are accepted; declare a new facility type with [types.<code>])",
    # --- Input files
    "error.input.file_not_found": "file not found",
    "error.input.wrong_encoding": "cannot read the file as {encoding}: {reason}",
    "error.input.bad_utf16": "the file is not valid UTF-16 text ({reason})",
    "error.input.binary_csv": (
        "not a text (CSV) file: it holds binary data (a damaged file, or a file of another type "
        "renamed); open it in Excel and save it as CSV UTF-8 or .xlsx"
    ),
    "error.input.not_utf8_gbk": (
        "the file is neither UTF-8 nor GBK/GB18030 text ({reason}); save it as UTF-8 CSV, or "
        'name its encoding in the layer\'s settings (encoding = "big5", for example)'
    ),
    "error.input.not_gbk_text": (
        "the file is neither UTF-8 nor GBK/GB18030 text: read as GBK its column names and values "
        'come out garbled; name its encoding in the layer\'s settings (encoding = "big5" for '
        "traditional Chinese Big5, for example), or save it as UTF-8 CSV; if it is GBK after all "
        '(Greek or Japanese letters in its names), encoding = "gb18030" reads it as it is'
    ),
    "error.input.value_too_long": (
        'a value is longer than {limit:,} characters (line {line} of the file): a quote (") '
        "opened and never closed makes the rest of the file one value; close the quote or remove it"
    ),
    "error.input.csv_unparsable": "cannot parse the CSV file (line {line}): {reason}",
    "error.input.html_as_excel": (
        "this is an HTML/XML file with a spreadsheet name; open it in Excel and save it as .xlsx"
    ),
    "error.input.not_a_workbook": (
        "not an Excel workbook: the file is neither an xlsx (zip) nor an xls workbook nor text, "
        "so it is damaged or of another type renamed {suffix}; open it in Excel and save it as "
        ".xlsx"
    ),
    "error.input.empty_file": "the file is empty",
    "error.input.unreadable": "cannot read the file: {reason} (is it damaged, or not really {suffix}?)",
    "error.input.unsupported_type": (
        "unsupported file type '{suffix}' (use CSV, Excel, GeoJSON, GeoPackage or Shapefile)"
    ),
    "error.input.no_sheet": "no sheet '{sheet}' in the workbook; sheets are {names}",
    "error.input.layer_of_csv": (
        "layer = '{layer}' is set, but a CSV file has a single table (layer picks a workbook's "
        "sheet or a GeoPackage's layer): remove the setting"
    ),
    "error.input.layer_of_csv_named": (
        "layer = '{layer}' is set, but this {suffix} file is a CSV text file, not a workbook, "
        "and has a single table: remove the setting (or save the file as .xlsx in Excel)"
    ),
    "error.input.bad_xlsx": (
        "not a readable Excel workbook (xlsx): the file is damaged, truncated or not a workbook "
        "({reason}); open it in Excel and save it again"
    ),
    "error.input.bad_xlsx_sheet": (
        "not a readable Excel workbook (xlsx): a sheet is damaged ({reason}); open it in Excel "
        "and save it again"
    ),
    "error.input.bad_xls": (
        "not a readable Excel 97-2003 workbook (xls): {reason}{hint}; open it in Excel and save "
        "it as .xlsx"
    ),
    "error.input.xls_password": " (a password-protected workbook? remove the password)",
    "error.input.bad_xls_sheet": (
        "not a readable Excel 97-2003 workbook (xls): a sheet is damaged ({reason}); open it in "
        "Excel and save it as .xlsx"
    ),
    "error.input.mapped_column_missing": (
        "column '{col}' (mapped to {field}) not found; columns are {columns}"
    ),
    "error.input.missing_column": (
        "missing required column for '{field}' (recognised names: {names}); columns are {columns}"
    ),
    "error.input.no_lon_column": "no longitude column found (recognised: {names}); columns are {columns}",
    "error.input.no_lat_column": "no latitude column found (recognised: {names}); columns are {columns}",
    "error.input.one_cell_coordinates": (
        "; column '{col}' holds two numbers in every cell (e.g. '{example}'): split it into a "
        "longitude and a latitude column"
    ),
    "error.input.several_sheets": (
        "sheets '{sheet}' and {names} each hold a register, and a layer reads one sheet: set "
        "{setting} for this layer, and add a layer for each other sheet to read ({other})"
    ),
    "error.input.column_datum_undeclared": (
        "the column says its coordinates are {looks}, but the layer sets no crs, so they would "
        "be read as WGS-84: set {setting} for this layer ({wgs84} if they are WGS-84)"
    ),
    "error.input.other_sheets": (
        " (read sheet '{sheet}'; the workbook also has sheets {names}: set the layer's "
        "{setting} in the scenario)"
    ),
    "error.input.unknown_crs": (
        "unknown coordinate system {value}; use {names} or an EPSG code such as 4326, "
        '"EPSG:4326" or 32650 (case, spaces, hyphens and underscores do not matter)'
    ),
    "error.input.columns_swapped": (
        "every row's latitude is out of range and the values fit with the two coordinates "
        "exchanged: column '{lon}' holds latitudes and '{lat}' longitudes; swap them in the "
        "scenario's column mapping or in the file"
    ),
    "error.input.columns_swapped_xy": (
        "every row's point is outside the CRS's area and the values fit with the two coordinates "
        "exchanged: column '{lon}' holds northings (Y) and '{lat}' eastings (X); swap them in the "
        "scenario's column mapping or in the file"
    ),
    "error.input.no_crs_not_lonlat": (
        "the file has no coordinate reference system and its coordinates (e.g. {x:g}, {y:g}) are "
        "not longitude/latitude; add a .prj file or declare the layer's crs (an EPSG code)"
    ),
    "error.input.latlon_order": (
        "every feature's coordinates are out of range as longitude/latitude and valid with the "
        "two exchanged (e.g. {x:g}, {y:g}): the file holds latitude before longitude; re-export "
        "it with longitude first (x = longitude)"
    ),
    "error.input.no_crs": (
        "the file has no coordinate system; declare the layer's crs (e.g. {examples} or an EPSG "
        "code)"
    ),
    "error.input.crs_mismatch": (
        "the scenario declares crs = {said} but the file is in {file_crs}; make them agree "
        "(re-project the file or correct the crs)"
    ),
    "error.input.projected_for_lonlat": (
        "the scenario declares crs = {said} (projected, metres) but the file holds "
        "longitudes/latitudes ({file_crs}); correct the crs"
    ),
    "error.input.not_lonlat_extent": (
        "coordinates span x {x0:g}…{x1:g}, y {y0:g}…{y1:g}: not longitudes/latitudes as {crs} "
        "says; declare the layer's crs (an EPSG code such as 32650)"
    ),
    "error.input.no_select_field": "no field '{name}' to select on; the fields are: {fields}",
    "error.input.no_feature_value": "no feature has {name} = {value}{among}; the values are: {values}",
    "error.input.among_selected": " among the features the other fields select",
    "error.rows.more": "{shown} …",
    "error.rows.count": " ({n} rows)",
    "error.input.listing_more": "{shown}, … ({n} in all)",
    "error.input.no_name_field": "no field '{field}' for the names; the fields are: {fields}",
    "error.input.no_polygon": "no polygon to read",
    "error.input.no_polygon_selected": "no polygon to read among the selected features",
    "error.input.no_layer": "no layer '{layer}'; the layers are: {layers}",
    "error.input.polygons_unreadable": "cannot read polygons: {reason}",
    "error.input.no_geometries": "the file has no geometries (a plain table?)",
    "error.input.no_features": "the layer has no features (an empty file or layer)",
    "error.input.not_polygons": (
        "expected polygons, found {kinds} ({n} features, the first is feature {first})"
    ),
    "error.input.not_polygons_one": (
        "expected polygons, found {kinds} ({n} feature, the first is feature {first})"
    ),
    "error.input.raster_unreadable": "cannot read the raster: {reason}",
    "error.input.no_band": "no band {band}; the raster has {count} band(s)",
    "error.input.rotated_grid": "rotated or sheared grids are not supported; warp it first",
    "error.input.bad_scale": "scale must be a positive number, not {value}",
    "error.input.bad_kind": "kind must be a name such as {example}, not {value}",
    "error.input.raster_outside": (
        "the raster (x {rx0:g}…{rx1:g}, y {ry0:g}…{ry1:g}) does not cover the area (x {x0:g}…"
        "{x1:g}, y {y0:g}…{y1:g}); check the raster's crs"
    ),
    "error.input.no_tier_allowed": "no tier column: every facility needs one of the tiers {tiers}",
    "error.input.no_tier_known": (
        "no tier column: every facility needs a tier ({known}, or a declared type)"
    ),
    "error.input.also_rows": " (also rows {rows})",
    "error.input.also_rows_more": " (also rows {rows} and {n} more)",
    "error.input.no_names_column": (
        "no column '{field}' for sub-district names (columns: {columns}); set {setting}"
    ),
    "error.input.no_tier_column": (
        "no tier column and no default: add a tier column ({tiers}) or set {setting} for this "
        "layer in the scenario"
    ),
    "error.input.tier_column_named": (
        "; if one of the unused columns {columns} holds it, set {setting}"
    ),
    "error.input.tier_column_found": (
        "; column '{column}' names tiers (row {row}: '{value}'): to read the tiers from it, "
        "set {setting}"
    ),
    "error.input.tier_default_contradicted": (
        "names the tier '{value}' ({label}), but the layer has no tier column, so its default "
        "{default} would stand for every row (another tier in {n} of its rows): to "
        "read the tiers from this column, set {setting}"
    ),
    "error.input.area_needed": "raster and {what} demand need a study area: set {setting}",
    "error.input.no_layer_section": "no [[{section}]] layer: coverage needs at least one",
    "error.input.facility": "facility",
    "error.input.demand": "demand",
    "error.input.no_data_rows": "no usable {what} rows: {names} has no data rows",
    "error.input.no_usable_rows": (
        "no usable {what} rows in {names}: {skipped}, {n} problems{listed}; the first:"
    ),
    "error.input.no_usable_rows_one": (
        "no usable {what} rows in {names}: {skipped}, {n} problem{listed}; the first:"
    ),
    "error.input.rows_skipped": "{n} rows skipped",
    "error.input.rows_skipped_one": "{n} row skipped",
    "error.input.layer_unusable": (
        "{file}: all {n} data rows skipped, so no {what} of this layer counts "
        "(each reason is in {table})"
    ),
    "error.input.layer_unusable_one": (
        "{file}: its {n} data row skipped, so no {what} of this layer counts (the reason is in "
        "{table})"
    ),
    "error.input.all_listed": " (all listed in {path})",
    "error.input.reason_line": "  {text}",
    "error.input.and_more": "  … and {n} more",
    "error.input.and_more_in": "  … and {n} more in {path}",
    "error.input.datum_declared": (
        "the points are declared {declared} ({said}) but fit the streets as {best}: {evidence}; "
        "{fix}, or set {keep} to keep going"
    ),
    "error.input.datum_default": (
        "the layer sets no crs, so the points were read as {declared} ({said}, the default) but "
        "fit the streets as {best}: {evidence}; {fix}, or set {keep} to keep going"
    ),
    "error.input.datum_evidence": (
        "median {here} from a street as {declared}, {there} as {best}; {s_there:.0%} of points "
        "within {near:.0f} m as {best} ({s_here:.0%} as {declared}, {chance:.0%} by chance)"
    ),
    "error.input.datum_fix": "set {setting} for this layer",
    "error.input.datum_fix_projected": (
        "re-project the points from {best} longitudes/latitudes converted to WGS-84"
    ),
    "error.input.datum_swapped": (
        "{finding}; exchange the two columns in the scenario's column mapping or in the file, or "
        "set {keep} to keep going"
    ),
    "error.input.buildings_no_crs": (
        "the building layer has no coordinate system; set one (e.g. EPSG:4326) before use"
    ),
    "error.input.buildings_not_polygon": (
        "buildings can only be downloaded for a polygon, not {kind}"
    ),
    "error.input.area_invalid": "the area polygon is invalid ({reason})",
    "error.input.area_not_lonlat": (
        "the area polygon is not in longitude/latitude degrees (WGS-84)"
    ),
    "error.input.cache_is_file": (
        "the cache folder is a file, not a folder; give a cache folder you can write to"
    ),
    "error.input.cache_unwritable": (
        "cannot write the building cache there ({reason}); give a cache folder you can write to"
    ),
    "error.input.buildings_download": (
        "download of OSM buildings failed (the first run needs internet, later runs use the "
        "cache in {cache}): {reason}"
    ),
    "error.input.buildings_cache_unreadable": (
        "the cached download is unreadable ({reason}); delete the file to download it again"
    ),
    "error.input.buildings_unsaved": (
        "cannot save the downloaded buildings ({reason}); give a cache folder you can write to"
    ),
    "error.input.levels_unreadable": (
        "{n} buildings with unreadable {tag} (e.g. {values}): type default used"
    ),
    "error.input.levels_unreadable_one": (
        "{n} building with unreadable {tag} (e.g. {values}): type default used"
    ),
    "error.input.unknown_building_kind": "unknown demand kind '{kind}' for buildings; known: {known}",
    "error.input.no_buildings": "OpenStreetMap has no building in the area polygon",
    # --- Network, outputs and planning
    "error.network.speed": "walking speed must be positive, got {speed} km/h",
    "error.network.missing_columns": "{file}: edge table lacks column(s) {missing}; need u, v, geometry",
    "error.network.no_crs": "{file}: edge table has no CRS",
    "error.network.not_lines": "{file}: row {row} has a {kind} geometry; street segments must be lines ({n} such row(s))",
    "error.network.no_segments": "{file}: no street segments",
    "error.network.cache_is_file": "{folder}: the network cache folder is a file, not a folder; set network.cache_dir in the scenario to a folder you can write to",
    "error.network.cache_unwritable": "{folder}: cannot write the network cache there ({reason}); set network.cache_dir in the scenario to a folder you can write to",
    "error.network.cache_save": "{file}: cannot save the downloaded data in the cache ({reason}); free some space, or set network.cache_dir in the scenario to another folder",
    "error.network.cache_unreadable": "{file}: the cached download is unreadable ({reason}); delete the file to download it again",
    "error.download.unreachable": "cannot reach {url}: {reason}",
    "error.network.download_query": "download needs exactly one of place, polygon or bbox",
    "error.network.what_bbox": "bbox {bbox}",
    "error.network.what_area": "the area polygon",
    "error.network.download_failed": "download of the walking network failed ({what}; the first run needs internet, later runs use the cache in {cache}): {reason}",
    "error.network.landcover_failed": "water and green areas could not be downloaded ({reason}); the maps go without them (delete {cache} to download both again)",
    "error.network.geocode_failed": "could not find the boundary of '{place}' (the first run needs internet; later runs use the cache in {cache}): {reason}",
    "error.network.geocode_not_area": "'{place}' geocodes to {kinds}, not an area; give [area] path",
    "error.network.unreadable": "{file}: not a readable {kind} file, truncated or corrupt? ({reason})",
    "error.network.kind_bz2": "bzip2-compressed OSM XML",
    "error.network.kind_network": "network",
    "error.network.no_street": "the study area contains no street of the network (check CRS and area)",
    "error.network.no_edges": "{file}: the graph has no edges",
    "error.network.not_osmnx": "{file}: not an osmnx street graph (nodes need x, y and the graph a crs; {reason})",
    "error.network.not_found": "network file not found: {file}",
    "error.network.unknown_format": "{file}: unknown network format; use {formats}, or an edge table ({tables})",
    "error.network.no_walkable": "{file}: no walkable street among its {n} ways",
    "error.network.no_walkable_one": "{file}: its {n} way is not a walkable street",
    "error.network.left_out": " (left out: {shown})",
    "error.network.ways_cut": "{file}: {n} street ways cut at nodes missing from the file",
    "error.network.ways_cut_one": "{file}: {n} street way cut at nodes missing from the file",
    "error.network.polygon_needs_area": "network.polygon = true needs an [area] path",
    "error.output.cells_cut": (
        "{book}, sheet '{sheet}', column '{column}': {n} cells hold more than the {limit:,} "
        'characters a cell of Excel can, and were cut to them, ending with "…" (rows {rows})'
    ),
    "error.output.cells_cut_one": (
        "{book}, sheet '{sheet}', column '{column}': {n} cell holds more than the {limit:,} "
        'characters a cell of Excel can, and was cut to them, ending with "…" (row {rows})'
    ),
    "error.output.reason.disk_full": "the disk is full; free some space or choose another output folder",
    "error.output.reason.quota": "the disk quota is exhausted; free some space or choose another output folder",
    "error.output.reason.denied": "permission denied (the folder is read-only?); choose another output folder",
    "error.output.reason.read_only": "the file system is read-only; choose another output folder",
    "error.output.reason.folder_in_way": "a folder of that name is in the way; remove it or choose another name",
    "error.output.reason.name_too_long": "the name is too long for the file system",
    "error.output.not_utf8": "the path is not valid UTF-8 (a name written in another encoding), which the GeoPackage writer (GDAL) cannot use; rename the folder or choose another one",
    "error.output.is_file": "the output folder is a file, not a folder; remove the file or choose another output folder",
    "error.output.parent_is_file": "the output folder is a file, not a folder ('{blocker}' is a file); remove the file or choose another output folder",
    "error.output.cannot_create": "cannot create the output folder: {reason}",
    "error.output.cannot_write_in": "cannot write in the output folder: {reason}",
    "error.output.cannot_remove": (
        "left by an earlier run (not from this run) and cannot be removed: {reason}"
    ),
    "error.output.cannot_write": "cannot write: {reason}",
    "error.output.report_is_folder": "the report path is a folder; give a file name ending in .html",
    "error.output.map_is_folder": "the map path is a folder; give a file name ending in .html",
    "error.output.paper": "A4 or A3",
    "error.output.print_suffix": "a .png or .pdf file",
    "error.output.layers_suffix": "a .gpkg (GeoPackage), .geojson or .json (GeoJSON) file",
    "error.output.edges_suffix": "a .parquet (GeoParquet) or .gpkg (GeoPackage) file",
    "error.output.no_cjk_font": "no Chinese font found for matplotlib: Chinese names and titles will not show on the printed map and figures, whose labels are in English; install one (Debian/Ubuntu: sudo apt-get install fonts-wqy-zenhei or fonts-noto-cjk) and run again",
    "error.plan.no_facility_rows": "no usable facility rows",
    "error.plan.time_limit": "give seconds, more than 0",
    "error.plan.no_candidate_rows": "no site may be chosen: {files} has no usable row with role candidate ({existing} existing, {excluded} excluded, {skipped} skipped as unusable); mark sites as candidate, or set [plan] grid_spacing_m above 0 or [plan] osm_features = true",
    "error.plan.no_candidates": "no candidate sites: add [[candidates]] layers, set [plan] grid_spacing_m above 0 (a grid of street nodes) or set [plan] osm_features = true (OSM community centres, libraries, town halls, malls and government offices)",
    "error.plan.add_needs_candidates": "--add, --target, --stage and the other plan options need candidate sites: add [[candidates]] layers, set [plan] grid_spacing_m above 0 (a grid of street nodes) or set [plan] osm_features = true (OSM community centres, libraries, town halls, malls and government offices)",
    "error.plan.unknown_role": "unknown role '{role}' (use candidate, existing or excluded)",
    "error.plan.osm_features": "plan.osm_features needs an .osm network file, a place or an area",
    "error.plan.osm_download": (
        "download of OpenStreetMap features for candidate sites failed (plan.osm_features needs "
        "the internet unless the network is an .osm file): {reason}"
    ),
    "error.plan.add_and_target": "give --add or --target, not both",
    "error.plan.whole_sites": "give a whole number of new sites, at least 1",
    "error.plan.share": "give a share between 0 and 1, e.g. 0.95",
    "error.plan.use": "use {choices}",
    "error.plan.model_needs_target": "{model} finds the fewest new sites for a target share: give {ask}",
    "error.plan.model_needs_count": "{model} places a given number of new sites: give {ask}",
    "error.plan.tier_staged": "--tier is for a one-stage plan; the stages' tiers are [plan] tiers",
    "error.plan.unknown_tier": "unknown tier (known: {known})",
    "error.plan.add_or_target": "give --add N or --target SHARE (or [plan] add / target)",
    "error.plan.not_staged": "{tier} is not a staged tier ([plan] tiers = {tiers})",
    "error.plan.stage_and_add": "--stage {stage} and --add/--target both set the {tier} stage: give one",
    "error.plan.stage_count": "say how many {tier} sites to add: --stage {tier}=N, or [plan] stage_add = {{ {tier} = N }}",
    "error.plan.stage_form": "write TIER=N, e.g. {example}",
    "error.plan.stage_twice": "{tier} is given more than once",
    "error.plan.highs_resolve": "HiGHS returned a solution that does not match its objective; re-solving",
    "error.plan.target_unreachable": "the target share {target} cannot be reached: at most {best} of the demand is within {minutes} min of an existing or allowed site ({points} demand points with {weight} people in all are out of reach); ask for {suggest} or less ({ask}), or add candidate sites",
    "error.plan.ask_target": "--target or [plan] target",
    "error.plan.capacity_ignored": "[plan] capacity = true applies to the maximal covering (mclp) and p-median models only; the {model} stage is planned without capacities",
    "error.plan.no_capacity": "[plan] capacity = true, but no candidate site has a capacity (a capacity column in the candidates file): the plan is made without capacities",
    "error.plan.node_lp": "a node LP of the branch-and-bound was not solved; its part of the search is left at its bound",
    # The same, worded for Python callers (coverage.plan(add=…)): keyword arguments, not options
    "error.plan.api.add_and_target": "give add= or target=, not both",
    "error.plan.api.add_or_target": "give add=N or target=SHARE (or [plan] add / target)",
    "error.plan.api.tier_staged": "tier= is for a one-stage plan; the stages' tiers are [plan] tiers",
    "error.plan.api.unknown_tier": "unknown tier; known tiers: {known}",
    "error.plan.api.stage_and_add": "stage_add={stage} and add=/target= both set the {tier} stage: give one",
    "error.plan.api.stage_count": "say how many {tier} sites to add: stage_add={{'{tier}': N}}, or [plan] stage_add = {{ {tier} = N }}",
    "error.plan.api.add_needs_candidates": "add=, target=, stage_add= and the other plan settings need candidate sites: add [[candidates]] layers, set [plan] grid_spacing_m above 0 (a grid of street nodes) or set [plan] osm_features = true (OSM community centres, libraries, town halls, malls and government offices)",
    "error.plan.api.ask_target": "target= or [plan] target",
    # --- Optional packages
    "error.package.missing": "{purpose} needs the Python package '{package}', which is not installed or does not import ({reason}); install it with: pip install {package}",
    "error.purpose.osm_candidates": "finding candidate sites in OpenStreetMap",
    "error.purpose.osm_files": "reading OSM files (.osm, .osm.bz2, .osm.pbf)",
    "error.purpose.osmnx": "reading OSM files and GraphML, and downloading networks",
    "error.purpose.figures": "drawing the static maps and the coverage curve",
    "error.purpose.buildings": "downloading building footprints",
}
