"""The input problems in English: what ``problems.csv`` and the report's data notes say.

Keys are ``problem.<what>``; the readers and checks in :mod:`coverage.inputs` name them in a
:class:`~coverage.errors.Msg`, worded when the problems are written. :mod:`coverage.i18n.en`
merges these words into its catalogue; :mod:`coverage.i18n.problems_zh` holds the same keys and
fields in Chinese. A clause that follows a message (``problem.hint_*``, ``problem.allowed``…)
starts with its own punctuation.
"""

from __future__ import annotations

__all__ = ["WORDS"]

WORDS: dict[str, str] = {
    "problem.audit.near_no_district": (
        "{n} rows are near no audited district, so no district's results include them "
        "(rows {rows}); check their coordinates if they should be"
    ),
    "problem.audit.near_no_district_one": (
        "{n} row is near no audited district, so no district's results include it (row {rows});"
        " check its coordinates if it should be"
    ),
    # --- Rows and cells (coverage.inputs.validation, points, coordinates, values)
    "problem.missing_geometry": "missing geometry",
    "problem.missing_lon": "missing longitude",
    "problem.missing_lat": "missing latitude",
    "problem.totals_row": "a totals row, not a place",
    "problem.formula_no_value": (
        "formula {formula} without a saved value: open and save the file in Excel/WPS"
    ),
    "problem.not_a_number": "not a number: '{value}'",
    "problem.ambiguous_number": (
        "'{text}' is ambiguous: {dec} with a decimal comma or {thou} with a thousands separator; "
        "write {dec} or {thou}"
    ),
    "problem.value_left_empty": "; value left empty",
    "problem.no_weight_column": "no weight column: every demand point counts as 1",
    "problem.missing_weight": "missing weight",
    "problem.weight_not_positive": "weight must be positive, got {v:g}",
    "problem.weight_too_large": "weight {v:g} is more people than one point can hold (at most "
    "{most:,.0f}): a fill value or a slip",
    "problem.capacity_not_positive": "capacity should be positive, got {v:g}",
    "problem.missing_tier": "missing tier",
    "problem.unknown_tier": "unknown tier '{value}'",
    "problem.allowed": " (allowed: {values})",
    "problem.missing_tier_known": "missing tier (known: {known})",
    "problem.unknown_service": "unknown service {names} ignored (known: {known})",
    "problem.unknown_services": "unknown services {names} ignored (known: {known})",
    "problem.services_joined": (
        "{n} rows list services joined by spaces or slashes that are not all known services: "
        "{names} (rows {rows}); each was counted as one service, as written. Separate services "
        "with semicolons (or list the known ones in the scenario's services) to count them apart"
    ),
    "problem.services_joined_one": (
        "{n} row lists services joined by spaces or slashes that are not all known services: "
        "{names} (row {rows}); it was counted as one service, as written. Separate services "
        "with semicolons (or list the known ones in the scenario's services) to count them apart"
    ),
    "problem.outside_area": "outside the study area",
    "problem.outside_area_kept": (
        "outside the study area; kept because it may serve people across the boundary"
    ),
    "problem.no_street": "no walkable street found nearby",
    "problem.far_from_street": "{d:.0f} m from the nearest walkable street (limit {limit:.0f} m)",
    "problem.row_too_wide": (
        "row has {n} values but the header has {width} columns (a comma inside an unquoted value?)"
    ),
    "problem.workbook_named": (
        "the file is an Excel workbook ({kind}) named {suffix}; read as {kind}"
    ),
    "problem.workbook_no_suffix": (
        "the file is an Excel workbook ({kind}) named without a suffix; read as {kind}"
    ),
    "problem.merged_filled": (
        "merged cells: the value of each merged range ({n} in all) was copied into every cell "
        "the range covers, as Excel shows it"
    ),
    "problem.several_columns": (
        "several columns could be '{field}': {found}; used '{col}' (map the field in the scenario "
        "to choose another)"
    ),
    # The fields a column can stand for (coverage.inputs.columns.ALIASES), as a scenario names them
    "problem.field.lon": "lon",
    "problem.field.lat": "lat",
    "problem.field.name": "name",
    "problem.field.id": "id",
    "problem.field.tier": "tier",
    "problem.field.type": "type",
    "problem.field.services": "services",
    "problem.field.capacity": "capacity",
    "problem.field.weight": "weight",
    "problem.field.area": "area",
    "problem.field.address": "address",
    "problem.field.role": "role",
    "problem.field.district": "district",
    "problem.field.subdistrict": "subdistrict",
    "problem.column_datum": (
        "column '{col}' looks like {looks} but the layer is declared {declared}; check the crs "
        "setting"
    ),
    # --- Coordinates (coverage.inputs.coordinates, points)
    "problem.lat_out_of_range": "latitude {v:g} is out of range (-90 to 90)",
    "problem.lon_out_of_range": "longitude {v:g} is out of range (-180 to 180)",
    "problem.lonlat_out_of_range": (
        "coordinates ({x:g}, {y:g}) are out of range for longitude/latitude"
    ),
    "problem.hint_swap_china": "; the values fit China if longitude and latitude are swapped",
    "problem.hint_swap_points": (
        "; swapped, the values fall among the file's other points: check that longitude and "
        "latitude are not exchanged"
    ),
    "problem.outside_crs_swapped": (
        "({x:.2f}, {y:.2f}) lies outside the area of {crs}; the values fit it if X and Y are "
        "swapped"
    ),
    "problem.not_transformable": "({x:.2f}, {y:.2f}) cannot be transformed from {crs}",
    "problem.not_transformable_g": "({x:g}, {y:g}) cannot be transformed from {crs}",
    "problem.outside_china": (
        "outside China although the layer is declared {crs}: the {crs} shift is only defined in "
        "China"
    ),
    "problem.outside_china_unchanged": ", so its coordinates were used unchanged",
    # --- Duplicates and ids (coverage.inputs.duplicates)
    "problem.duplicate_name": "duplicate of row {row} (same name '{name}', {d:.1f} m apart)",
    "problem.duplicate_in_file": (
        "duplicate of {file} row {row} (same name '{name}' and tier, {d:.1f} m apart)"
    ),
    "problem.duplicate_in_file_kind": (
        "duplicate of {file} row {row} (same name '{name}' and demand kind, {d:.1f} m apart)"
    ),
    "problem.role_twin": (
        "a nameless site at the place of {file} row {row} ({d:.1f} m apart), which says "
        "'{role}': the stricter role stands, so this row is not used"
    ),
    "problem.duplicate_attrs": "duplicate of row {row} (same attributes, {d:.1f} m apart)",
    "problem.same_place_named": (
        "{d:.1f} m from row {row} ('{name}'): same place, different name; check that it is not "
        "the same facility"
    ),
    "problem.same_place": (
        "{d:.1f} m from row {row}: same place, different name; check that it is not the same "
        "facility"
    ),
    "problem.same_place_other_tier": (
        "{d:.1f} m from row {row}, same name in another tier: kept as a facility of each tier; "
        "check that the register means both"
    ),
    "problem.same_name_far": (
        "same name as row {row} ('{name}') but {d:.0f} m away; check that it is a different "
        "facility"
    ),
    "problem.duplicate_id": "duplicate id '{id}': row {row} has the same id (ids must be unique)",
    # --- Boundaries (coverage.inputs.boundaries); GEOS's reasons keep their place [x y]
    "problem.no_name": "no name",
    "problem.subdistrict_unnamed": (
        "no name: counted as '{label}' in the tables and on the map; give it a name in {field}"
    ),
    "problem.district_merged": (
        "{n} features share the code '{code}' and name '{name}' (rows {rows}): audited as one "
        "district, their polygons joined, as the parts of one district should be"
    ),
    "problem.subdistrict_merged": (
        "{n} polygons share the name '{name}' (rows {rows}): counted as one sub-district in the "
        "tables and on the map, as the parts of one sub-district should be; give them different "
        "names to count them apart"
    ),
    "problem.missing_geometry_skipped": "missing geometry; skipped",
    "problem.empty_polygon": "empty polygon; skipped",
    "problem.after_wgs84": " after conversion to WGS-84",
    "problem.invalid_polygon_lost": (
        "invalid polygon{stage} ({reason}) with no area left once repaired; skipped"
    ),
    "problem.invalid_polygon_repaired": (
        "invalid polygon{stage} ({reason}); repaired with make_valid"
    ),
    "problem.geos.self_intersection": "Self-intersection{at}",
    "problem.geos.ring_self_intersection": "Ring Self-intersection{at}",
    "problem.geos.hole_outside_shell": "Hole lies outside shell{at}",
    "problem.geos.nested_holes": "Nested holes{at}",
    "problem.geos.nested_shells": "Nested shells{at}",
    "problem.geos.interior_disconnected": "Interior is disconnected{at}",
    "problem.geos.too_few_points": "Too few points in geometry component{at}",
    "problem.geos.duplicate_rings": "Duplicate Rings{at}",
    "problem.geos.invalid_coordinate": "Invalid Coordinate{at}",
    "problem.geos.ring_not_closed": "Ring is not closed{at}",
    "problem.geos.other": "{reason}",
    # --- Rasters (coverage.inputs.raster)
    "problem.raster_negative": (
        "{n} cells inside the area hold negative values ({people:,.1f} people); skipped"
    ),
    "problem.raster_negative_one": (
        "{n} cell inside the area holds a negative value ({people:,.1f} people); skipped"
    ),
    "problem.raster_nodata": "{n} cells inside the area hold no data; skipped",
    "problem.raster_nodata_one": "{n} cell inside the area holds no data; skipped",
    "problem.raster_not_finite": "{n} cells inside the area are NaN or infinite; skipped",
    "problem.raster_not_finite_one": "{n} cell inside the area is NaN or infinite; skipped",
    "problem.raster_too_large": (
        "{n} cells inside the area hold more than {most:,.0f} people each (a fill value the "
        "file does not declare as nodata?); skipped"
    ),
    "problem.raster_too_large_one": (
        "{n} cell inside the area holds more than {most:,.0f} people (a fill value the file "
        "does not declare as nodata?); skipped"
    ),
    "problem.raster_partial": (
        "the raster covers only {share:.1%} of the area; people outside its extent are not counted"
    ),
    # --- The datum check (coverage.inputs.datum_words); {here} and {there} are worded distances
    "problem.as_written": "{text}",
    "problem.datum.metres": "{m:.0f} m",
    "problem.datum.more_than": "more than {m:.0f} m",
    "problem.datum.beyond": "beyond the search radius",
    "problem.datum.looks": (
        "the points fit the streets as {best}, not as {declared} (the declared datum): median "
        "{here} from a street as {declared}, {there} as {best}; {s_there:.0%} of points within "
        "{near:.0f} m as {best} ({s_here:.0%} as {declared}, {chance:.0%} by chance); declare "
        'crs = "{crs_key}"'
    ),
    "problem.datum.kept_as_declared": "; kept as declared",
    "problem.datum.may_be": (
        "the points may be {best} coordinates although the layer is declared {declared}: "
        "median {here} from a street as {declared}, {there} as {best}; {s_there:.0%} of points "
        "within {near:.0f} m as {best} ({s_here:.0%} as {declared}, {chance:.0%} by chance), "
        "{closer:.0%} of the points move closer; too few sit on a street under either datum "
        "for a firm verdict: check the crs setting"
    ),
    "problem.datum.far": (
        "points are far from the streets under every datum (median {here} as declared, {at_a} "
        "if read as {a}, {at_b} if read as {b}): the street network may not cover them, or the "
        "coordinate system is wrong"
    ),
    "problem.datum.out_of_range": (
        "{n} of {total} points have a latitude beyond ±90° or a longitude beyond ±180° (rows {rows})"
    ),
    "problem.datum.out_of_range_one": (
        "{n} of {total} points has a latitude beyond ±90° or a longitude beyond ±180° (row {rows})"
    ),
    "problem.datum.swapped_china": (
        "{n} of {total} points fit China only with longitude and latitude swapped (rows {rows}): "
        "check that the longitude column holds values of about 73–135 and the latitude column "
        "18–54"
    ),
    "problem.datum.swapped_china_one": (
        "{n} of {total} points fits China only with longitude and latitude swapped (row {rows}): "
        "check that the longitude column holds values of about 73–135 and the latitude column "
        "18–54"
    ),
    "problem.datum.swapped_extent": (
        "{n} of {total} points fit the street network's extent only with longitude and latitude "
        "swapped (rows {rows}): the longitude column seems to hold latitudes and the latitude "
        "column longitudes"
    ),
    "problem.datum.swapped_extent_one": (
        "{n} of {total} points fits the street network's extent only with longitude and latitude "
        "swapped (row {rows}): the longitude column seems to hold latitudes and the latitude "
        "column longitudes"
    ),
    "problem.datum.outside_china": (
        "{n} of {total} points are outside China although the layer is declared {declared} (rows "
        "{rows}): the {declared} shift is only defined in China"
    ),
    "problem.datum.outside_china_one": (
        "{n} of {total} points is outside China although the layer is declared {declared} (row "
        "{rows}): the {declared} shift is only defined in China"
    ),
    "problem.datum.unchanged": ", so {n} of them were used unchanged",
    "problem.datum.unchanged_one": ", so {n} of them was used unchanged",
    "problem.datum.check_coordinates": "; check the coordinates or the declared coordinate system",
    "problem.datum.row_other": (
        "fits the streets as {other}, not as {declared} (the layer's crs): {there:.0f} m from "
        "a street as {other}, {here} as {declared}"
    ),
    "problem.datum.closer": " ({m:.0f} m closer)",
    "problem.datum.row_kept": (
        "; kept as {declared} — check this row's coordinates (copied from a {other} map?)"
    ),
    "problem.datum.row_swapped": (
        "the point fits the streets only with longitude and latitude swapped"
    ),
    # --- Unusual scenario values (coverage.scenario.checks), row = the scenario file's line
    "problem.unusual": "{value:g} {unit} is unusual (usually {usual} {unit}: {why}); used as given",
    "problem.usual_range": "{low:g} to {high:g}",
    "problem.usual_max": "at most {high:g}",
    "problem.unit.km_h": "km/h",
    "problem.unit.min": "min",
    "problem.unit.m": "m",
    "problem.unit.times": "×",
    "problem.why.walk_speed_kmh": "walking is 3–6 km/h",
    "problem.why.walk_threshold_min": "a walking threshold is minutes, not hours",
    "problem.why.walk_max_snap_m": "points this far from a street are not on it",
    "problem.why.walk_walk_off_m": "it widens every catchment by that much",
    "problem.why.walk_steps_penalty": "steps take a few times longer, not more",
    "problem.why.walk_circle_radius_m": "the straight-line circle is usually 1 km",
    "problem.why.network_margin_m": "the network clip margin is a walking range",
    "problem.kind_close": "kind '{kind}' is not a usual demand kind but is close to '{code}': its people are shown as a kind of their own (write '{code}' to count them as {label})",
    "problem.bands_above": "bands {bands} min are above every threshold ({limit:g} min): the map draws catchments beyond what counts as covered",
    "problem.default_bands_above": "the default bands {bands} min are above every threshold ({limit:g} min): the map draws catchments beyond what counts as covered",
    # --- How each layer was read (the console's and the report's data notes; run.json in English)
    "problem.note.file": "{file}: {text}",
    "problem.note.sep": "; ",
    "problem.note.comma": ", ",
    "problem.note.format_named": "{kind} (named {suffix})",
    "problem.note.file_format": "file",
    "problem.note.utf8_bom": "UTF-8 with BOM",
    "problem.note.sheet": "sheet '{name}'",
    "problem.note.layer": "layer '{name}'",
    "problem.note.header_row": "header on row {row}",
    "problem.note.column": "{field} ← '{col}' ({how})",
    "problem.note.recognised": "recognised",
    "problem.note.mapped": "scenario",
    "problem.note.unused": "not used: {columns}",
    "problem.note.raster": (
        "{file} band {band} ({crs}): {people:,.0f} {kind} in {used:,} of {cells:,} cells inside the area"
    ),
    "problem.note.split": ", each split in {a}×{b}",
    "problem.note.skipped": "; skipped {items}",
    "problem.note.cells.nodata": "{n} cells with no data",
    "problem.note.cells.nodata_one": "{n} cell with no data",
    "problem.note.cells.negative": "{n} negative cells",
    "problem.note.cells.negative_one": "{n} negative cell",
    "problem.note.cells.not_finite": "{n} non-finite cells",
    "problem.note.cells.not_finite_one": "{n} non-finite cell",
    "problem.note.cells.too_large": "{n} cells of more than {most:,.0f} people",
    "problem.note.cells.too_large_one": "{n} cell of more than {most:,.0f} people",
    "problem.note.buildings": "{people:,.0f} {kind} in {used:,} of {total:,} buildings",
    "problem.note.bld.tag": "{n} {tag}",
    "problem.note.bld.no_geometry": "{n} no geometry",
    "problem.note.bld.no_footprint": "{n} no footprint ({kind})",
    "problem.note.bld.zero_area": "{n} zero footprint area",
    "problem.note.assumptions": "{name} assumptions: {values}",
    "problem.note.far": (
        "{name}: {people:,.0f} {kind} ({share:.1%}) are farther than {m:g} m from any walkable "
        "street: kept, counted as not reachable on foot"
    ),
    "problem.note.level": "[{level}] {text}",
    "problem.note.level_warning": "warning",
    "problem.note.level_info": "info",
    "problem.note.datum_ok": (
        "{name} confirmed: the median distance to the nearest street is {here} as declared ({others})"
    ),
    "problem.note.if_read_as": "{at} if read as {name}",
    "problem.note.few_near": (
        "only {n} of {total} points are within {m:.0f} m of the streets: the street network may not "
        "cover this layer, so its datum was not checked"
    ),
    "problem.note.few_near_one": (
        "only {n} of {total} points is within {m:.0f} m of the streets: the street network may not "
        "cover this layer, so its datum was not checked"
    ),
    "problem.note.none_in_china": (
        "no point is in China, where WGS-84, GCJ-02 and BD-09 differ: nothing to check"
    ),
    "problem.note.few_in_china": (
        "too few points in China ({n}) to check the datum against the streets"
    ),
    "problem.note.rows_other": (
        "{n} of {total} points fit the streets much better under another datum than {name} (rows "
        "{rows}); they were kept as {name}"
    ),
    "problem.note.rows_other_one": (
        "{n} of {total} points fits the streets much better under another datum than {name} (row "
        "{rows}); it was kept as {name}"
    ),
    # How the coordinates were read (a layer's crs label)
    "problem.crs.converted": "{crs}, converted to WGS-84 with prcoords (precise inverse)",
    "problem.crs.assumed": "{crs} (assumed: the file has no CRS)",
    "problem.crs.file": "{crs} (file CRS {file_crs})",
    "problem.crs.projected_from": "{crs} from {datum}",
    "problem.crs.undeclared_china": (
        "no crs declared: read in the file's own CRS ({crs}); Amap/DataV boundaries declare "
        "EPSG:4326 but are GCJ-02 (~500 m off): set {gcj} if the file comes from them, or "
        "declare its datum ({wgs}) to confirm it"
    ),
    "problem.crs.own": "{crs} of the file, read as {datum}",
    "problem.crs.declared": "{crs} (declared; the file says {file_crs})",
    # The field column: the program's own words (the planner's column names stay as written)
    "problem.column.geometry": "geometry",
    "problem.column.band": "band {band}",
    "problem.column.coordinates": "coordinates",
}
