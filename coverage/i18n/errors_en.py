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
    # --- Input files
    # --- Network, outputs and planning
}
