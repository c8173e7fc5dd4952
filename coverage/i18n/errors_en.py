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
    # --- Scenario and audit files
    "error.text": "{text}",
    "error.scenario.line": "{file}: {where}: ",
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
    "error.scenario.crs": "unknown coordinate system {value}; use {names}, cgcs2000 (cgcs; EPSG:4490) or an EPSG code such as 4326, \"EPSG:4326\" or 32650 (case, spaces, hyphens and underscores do not matter)",
    "error.scenario.select_empty": "select needs at least one field, e.g. {example}",
    "error.scenario.network_source": "give exactly one network source: path, place, bbox or polygon = true",
    "error.scenario.got": " (got {given})",
    "error.scenario.bbox": "bbox must be [west, south, east, north] in degrees",
    "error.scenario.cell_size": "catchment_cell_m ({cell}) must be at most half of walk_off_m ({walk_off})",
    "error.scenario.layer_source": "give a path, or osm_buildings = true (demand), not both",
    "error.scenario.buildings_without_osm": "buildings settings need osm_buildings = true",
    "error.scenario.raster_only": "band and max_cell_m are for population rasters (.tif)",
    "error.scenario.add_and_target": "give add or target, not both",
    "error.scenario.tiers_twice": "tiers names {tiers} more than once",
    "error.scenario.stage_not_tier": "stage_add names {stray}, not among tiers = {tiers}",
    "error.scenario.in": "{where}: ",
    "error.scenario.unknown_tier": "unknown tier {value}; known tiers: {known}; to use a new facility type, declare it in the scenario: [types.<code>] label_zh = {label} (code: lower-case letters, digits, '_')",
    "error.scenario.print_suffix": "a .png or .pdf file, not {name}",
    "error.scenario.threshold_twice": "tier_threshold_min: {name} is '{code}', which is set twice",
    "error.scenario.threshold_in_type": "tier_threshold_min: '{code}' has threshold_min in [types.{code}] too; set it in one place",
    "error.scenario.no_layers": "a scenario needs at least one [[facilities]] or [[candidates]] layer",
    "error.scenario.demand_weight": "name the weight column of {path} with weight = \"...\"",
    "error.scenario.not_a_register": "a register of points (CSV, Excel, GIS file) is needed; rasters and osm_buildings are for [[demand]]",
    "error.scenario.raster_needs_area": "raster and osm_buildings demand need a study area: set [area] path",
    "error.scenario.plan_unknown_tier": "unknown tier {tiers} (known: {known})",
    "error.scenario.option": "{option} {value}: ",
    "error.scenario.and": "; ",
    "error.scenario.write_outside": "{scenario}: {name} = {value} is outside the scenario's folder ({folder}) and the working directory ({cwd}); a scenario file may only write inside them: {instead}",
    "error.scenario.instead.out": "pass --out on the command line instead",
    "error.scenario.instead.map": "pass --map on the command line instead",
    "error.scenario.instead.print": "remove it and pass --print to `coverage map` instead",
    "error.scenario.instead.cache": "move the cache there, or run the command from a folder that holds it",
    "error.audit.dir_outside": "output.dir = {value} is outside the audit's folder and the working directory; give --out to write elsewhere",
    # --- Input files
    # --- Network, outputs and planning
}
