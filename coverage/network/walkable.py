"""The walk rule: which streets pedestrians may use, read from OSM tags, and why others are not.

The rule itself (street types closed to walkers, ``foot`` and ``access`` values) lives in
:mod:`coverage.settings` and is read at each call, so a changed setting applies to the next load.
Tags come either as OSM writes them (one value) or as osmnx stores merged ways (a list, or its
string form).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from coverage import settings

__all__ = ["WalkRules", "walk_rules"]

# A way with no ``highway`` tag is reported by the first of these it has (key=value, except
# buildings: their values — yes, house, apartments… — only split the count).
_FEATURE_KEYS = (
    "railway",
    "waterway",
    "aeroway",
    "aerialway",
    "public_transport",
    "building",
    "building:part",
    "landuse",
    "natural",
    "leisure",
    "amenity",
    "man_made",
    "barrier",
    "power",
    "boundary",
    "place",
    "area:highway",
    "indoor",
)


class WalkRules(NamedTuple):
    """The tag values of the walk rule (see :mod:`coverage.settings`), as one hashable value."""

    non_walkable_highways: frozenset[str]
    not_street_highways: frozenset[str]
    foot_allowed: frozenset[str]
    foot_forbidden: frozenset[str]
    access_forbidden: frozenset[str]


def walk_rules() -> WalkRules:
    """The walk rule as :mod:`coverage.settings` holds it now."""
    return WalkRules(
        frozenset(settings.non_walkable_highways),
        frozenset(settings.not_street_highways),
        frozenset(settings.foot_allowed),
        frozenset(settings.foot_forbidden),
        frozenset(settings.access_forbidden),
    )


def _first_tag(value: Any) -> str:
    """osmnx stores merged ways' tags as lists (or their string form); use the first value."""
    if isinstance(value, list | tuple | np.ndarray):
        return str(value[0]) if len(value) else ""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    s = str(value)
    if s.startswith("[") and s.endswith("]"):
        parts = [p.strip().strip("'\"") for p in s[1:-1].split(",") if p.strip()]
        return parts[0] if parts else ""
    return s


def _all_tags(value: Any) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value]
    s = _first_tag(value)
    if isinstance(value, str) and value.startswith("["):
        return [p.strip().strip("'\"") for p in value[1:-1].split(",") if p.strip()]
    return [s]


def _truthy(value: Any) -> bool:
    return _first_tag(value).lower() in {"yes", "true", "1", "-1"}


@lru_cache(maxsize=4096)
def _not_walkable(
    highways: tuple[str, ...], foot: str, access: str, rules: WalkRules
) -> str | None:
    """Why a way (or segment) with these tags is not a walkable street, or None if it is one.

    The reason is the report label, by tag: ``"highway=motorway"``, ``"foot=no"``,
    ``"access=private"``, ``"no highway tag"``.

    Parameters
    ----------
    highways
        The ``highway`` values (lower case). Segments osmnx merged carry several: such a segment
        is walkable when one of them is.
    foot, access
        The ``foot`` and ``access`` values (lower case, ``""`` when absent).
    rules
        The walk rule (:func:`walk_rules`); part of the cache key, so a changed setting is
        never answered from the cache.

    Returns
    -------
    str or None
    """
    highways = tuple(h for h in highways if h)
    if not highways:
        return "no highway tag"
    opened = foot in rules.foot_allowed
    usable = [
        h
        for h in highways
        if h not in rules.not_street_highways and (opened or h not in rules.non_walkable_highways)
    ]
    if not usable:
        return f"highway={highways[0]}"
    if foot in rules.foot_forbidden:
        return f"foot={foot}"
    if access in rules.access_forbidden and not opened:
        return f"access={access}"
    return None


def _distinct(column: pd.Series, fn: Callable[[Any], Hashable]) -> tuple[np.ndarray, list[Any]]:
    """``fn`` of every cell, computed once per distinct cell: ``(codes, results)``.

    ``fn(column[i]) == results[codes[i]]``. Only all-string columns (missing cells allowed) and
    non-object columns are grouped by value: in a mixed object column ``1``, ``1.0`` and ``True``
    hash alike but read differently, and list cells cannot be hashed, so there ``fn`` runs per
    cell (its results are still grouped, for the caller's combinations).
    """
    values = column.to_numpy(dtype=object) if column.dtype == object else column
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) not in (
        "string",
        "empty",
    ):
        index: dict[Hashable, int] = {}
        codes = np.fromiter(
            (index.setdefault(fn(v), len(index)) for v in values), np.int64, len(column)
        )
        return codes, list(index)
    codes, uniques = pd.factorize(column)
    codes = np.asarray(codes, dtype=np.int64)
    results = [fn(v) for v in uniques]
    if (na := codes < 0).any():
        # Missing cells read by their kind (None, NaN, pd.NA give different strings).
        kinds: dict[type, int] = {}
        na_rows = np.flatnonzero(na)
        for i, v in zip(na_rows, np.asarray(values, dtype=object)[na_rows], strict=True):
            if (k := kinds.get(type(v))) is None:
                k = kinds[type(v)] = len(results)
                results.append(fn(v))
            codes[i] = k
    return codes, results


def _map_distinct(column: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``column.map(fn)`` with ``fn`` computed once per distinct cell (see :func:`_distinct`)."""
    codes, results = _distinct(column, fn)
    table = np.empty(len(results), dtype=object)
    for i, r in enumerate(results):
        table[i] = r
    return pd.Series(table[codes], index=column.index, dtype=object, name=column.name)


def _lower_first(value: Any) -> str:
    return _first_tag(value).strip().lower()


def _lower_all(value: Any) -> tuple[str, ...]:
    return tuple(t.strip().lower() for t in _all_tags(value))


def _walkable_mask(edges: pd.DataFrame) -> tuple[np.ndarray, dict[str, int]]:
    """Which segments pedestrians may use, with counts of what is dropped, by tag.

    A table without a ``highway`` column is taken as streets only (a road layer from a GIS
    office has no OSM tags); with the column, a row without a value is not a street. The rule
    runs once per distinct combination of ``highway``, ``foot`` and ``access`` values.
    """
    if "highway" not in edges:
        return np.ones(len(edges), dtype=bool), {}
    rules = walk_rules()
    n = len(edges)
    hc, hv = _distinct(edges["highway"], _lower_all)
    fc, fv = (
        _distinct(edges["foot"], _lower_first) if "foot" in edges else (np.zeros(n, np.int64), [""])
    )
    ac, av = (
        _distinct(edges["access"], _lower_first)
        if "access" in edges
        else (np.zeros(n, np.int64), [""])
    )
    # Combine the codes pairwise (renumbering in between keeps the keys small).
    pair = np.unique(hc * len(fv) + fc, return_inverse=True)[1].ravel()
    _, first, inverse = np.unique(pair * len(av) + ac, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    reasons = [_not_walkable(hv[hc[i]], fv[fc[i]], av[ac[i]], rules) for i in first]
    walkable = np.array([r is None for r in reasons], dtype=bool)
    per_combo = np.bincount(inverse, minlength=len(first))
    dropped: Counter[str] = Counter()
    for r, k in zip(reasons, per_combo.tolist(), strict=True):
        if r is not None:
            dropped[r] += k
    return walkable[inverse], _count(dropped)


def _way_left_out(tags: dict[str, str], rules: WalkRules) -> str | None:
    """Why an OSM way is not a walkable street (its report label), or None if it is one."""
    highway = tags.get("highway", "").strip().lower()
    if not highway:
        for key in _FEATURE_KEYS:
            if key in tags:
                return key if key.startswith("building") else f"{key}={tags[key]}"
        return "untagged way" if not tags else "no highway tag"
    return _not_walkable(
        (highway,),
        tags.get("foot", "").strip().lower(),
        tags.get("access", "").strip().lower(),
        rules,
    )


def _count(labels: Iterable[str] | Mapping[str, int]) -> dict[str, int]:
    """Counts by label (of labels, or of a label → count mapping), largest first, ties by label.

    For the run report.
    """
    counts = Counter(labels)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
