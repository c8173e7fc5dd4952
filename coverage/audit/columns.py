"""The district table's columns and the words people read for them.

The CSV, the workbook, the GeoPackage (:mod:`coverage.audit.results`) and the choropleth page
(:mod:`coverage.audit.choropleth`) all label the table this way.
"""

from __future__ import annotations

import pandas as pd

from coverage import vocab
from coverage.counts import UNDEFINED
from coverage.i18n import t

__all__ = ["COLUMNS", "NOT_APPLICABLE", "SHARES", "labelled"]

#: The district table's first columns, in order; per-tier and per-kind shares follow (their
#: words, like every header and status word, are in :mod:`coverage.i18n`, ``excel.audit.*``).
COLUMNS: tuple[str, ...] = (
    "code", "name", "status", "error", "note", "population", "evaluable_share", "share_any",
    "cross_share", "workers_uncovered", "facilities_in", "facilities_serving",
    "facilities_per_10k", "unreachable", "demand", "covered", "seconds", "map",
)  # fmt: skip
_SCOPES = ("share_tier", "share_kind", "weight_kind", "uncovered_kind", "unreachable_kind")
#: What the workbook and the choropleth show for a figure that does not apply or is unknown
#: (a share of nobody); the CSV and the GeoPackage leave it empty.
NOT_APPLICABLE = UNDEFINED  # as the maps and the report
#: The columns that are shares of people (fractions; percentages in the workbook).
SHARES = ("evaluable_share", "share_any", "cross_share")


def _label(column: str, lang: str) -> str:
    if column in COLUMNS:
        return t(lang, f"excel.audit.col.{column}")
    scope, _, key = column.partition(":")
    if scope == "share_tier":
        return t(lang, "excel.audit.col.share_tier", label=vocab.tier_label(key, lang))
    if scope in _SCOPES:
        return t(lang, f"excel.audit.col.{scope}", kind=vocab.kind_label(key, lang))
    return column


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with headers and status words in ``lang``, as people read it."""
    out = table.copy()
    words = {s: t(lang, f"excel.audit.status.{s}") for s in ("done", "failed", "skipped")}
    out["status"] = out["status"].map(lambda s: words.get(s, s))
    return out.rename(columns={c: _label(c, lang) for c in out.columns})
