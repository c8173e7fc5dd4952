"""Values as the map shows them: missing values, numbers, shares, minutes, ids."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coverage.counts import UNDEFINED, shown_share
from coverage.excel import minutes_up

__all__ = [
    "band_text",
    "clean",
    "count_or_value",
    "fid_key",
    "is_count",
    "is_share",
    "minutes",
    "missing",
    "number",
    "percent",
]

#: Figures that count people, facilities or sites (``*weight``, ``n_*``): whole numbers.
_COUNT_KEYS = frozenset({"population", "workers"})


def missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers (lists and arrays are not missing)."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays
        return False


def number(value: Any, *, digits: int = 0) -> str:
    """Thousands-separated number; '–' for missing, '∞'-free (inf reads as missing)."""
    if missing(value):
        return UNDEFINED
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return UNDEFINED
    if digits == 0 or float(v).is_integer():
        return f"{round(v):,}"
    return f"{v:,.{digits}f}"


def percent(value: Any) -> str:
    """A share as a percentage with one decimal; '–' for missing or infinite.

    99.96 % reads "99.9%", not "100.0%" (:func:`coverage.counts.shown_share`).
    """
    return UNDEFINED if missing(value) else shown_share(value)


def is_share(key: str) -> bool:
    """Whether a figure named ``key`` is a share (shown as a percentage)."""
    return "share" in key or key.endswith("_rate") or key.startswith("pct")


def band_text(band: float) -> str:
    """Minutes of a catchment band as written in keys and labels (``15``, ``7.5``)."""
    return f"{band:g}"


def is_count(key: str) -> bool:
    """Whether a figure named ``key`` counts people, facilities or sites."""
    return key.endswith("weight") or key.startswith("n_") or key in _COUNT_KEYS


def count_or_value(key: str, value: Any) -> str:
    """A figure as a person reads it: counts whole (round half to even), others to 2 places."""
    return number(value) if is_count(key) else number(value, digits=2)


def clean(value: Any) -> Any:
    """JSON-safe scalar: NaN/inf → None, numpy → Python."""
    if missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def minutes(values: Any) -> list[float | None]:
    """Minutes rounded up to a tenth, as the tables show them; None if missing or infinite.

    Rounded up (:func:`coverage.excel.minutes_up`) so that a popup never shows 15.0 minutes on
    a point the map draws as not covered.
    """
    arr = minutes_up(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float))
    return [float(v) if math.isfinite(v) else None for v in arr]


def fid_key(value: Any, fallback: int) -> str:
    """A facility id (or rank) as a registry key: ``3.0`` → ``"3"``; missing → ``fallback``."""
    if missing(value):
        return str(fallback)
    try:
        f = float(value)
        if f.is_integer():
            return str(int(f))
    except (TypeError, ValueError):
        pass
    return str(value)
