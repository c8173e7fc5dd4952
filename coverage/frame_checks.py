"""Checks of an analyst's own frames and numbers, each failing with one line that names them.

The command line reads registers through :mod:`coverage.inputs`, which names file, row and field;
the Python API is handed frames, arrays and numbers instead, and a slip there (a negative
threshold, a frame without CRS, a tier name with a typo) must fail as clearly, naming the
argument and the rows, not deep in geopandas, GEOS or scipy, and never run on to a silently
wrong answer. Used by :mod:`coverage.analysis`, :mod:`coverage.catchment_layers` and
:mod:`coverage.planning`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import vocab
from coverage.errors import first_rows
from coverage.network import WalkNetwork

__all__ = [
    "check_net",
    "check_points",
    "check_rows",
    "check_zones",
    "non_negative",
    "tier_codes",
    "tier_minutes",
]


def check_net(net: object) -> None:
    """A :class:`~coverage.network.WalkNetwork`, or one TypeError naming what was given."""
    if not isinstance(net, WalkNetwork):
        raise TypeError(
            f"net must be a WalkNetwork (coverage.network.load), not {type(net).__name__}"
        )


def non_negative(name: str, default: float, value: Any) -> float:
    """``value`` (``default`` when None) as a number >= 0, else a ValueError naming ``name``.

    A negative or NaN threshold would leave everybody uncovered without a word.
    """
    value = default if value is None else value
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not float(value) >= 0:
        raise ValueError(f"{name} must be a number >= 0, not {value!r}")
    return float(value)


def tier_minutes(per_tier: Mapping[str, Any] | None) -> dict[str, float]:
    """Per-tier thresholds keyed by tier code; a key that names no tier is an error.

    Otherwise a misspelt tier (``{"驿栈": 10}``) would keep the default threshold silently.
    """
    out: dict[str, float] = {}
    for key, value in (per_tier or {}).items():
        code = vocab.normalize_tier(key)
        if code is None:
            raise ValueError(f"tier_threshold_min: {vocab.unknown_tier(key)}")
        out[code] = non_negative(f"tier_threshold_min[{key!r}]", 0.0, value)
    return out


def tier_codes(facilities: gpd.GeoDataFrame) -> list[str]:
    """The tier code of each facility (``"服务站点"`` → ``"point"``), as the command line reads them.

    A blank tier, or a name no tier of the active vocabulary has (``"服务战点"``), is a
    ValueError naming its rows: kept as written, it would be a tier of its own with the default
    threshold. A value written as a code (``nursing_room``) is kept as the code of a type a
    scenario declares, whose vocabulary need not be the active one here.
    """
    raw = facilities["tier"].to_numpy()
    codes = [
        vocab.normalize_tier(t)
        or (t if isinstance(t, str) and vocab.CODE_PATTERN.fullmatch(t) else None)
        for t in raw
    ]
    blank = np.array([vocab.name_key(t) == "" for t in raw], dtype=bool)
    check_rows("facilities", facilities.index, blank, "no tier")
    unknown = np.array([c is None for c in codes], dtype=bool)
    if unknown.any():
        first = raw[np.flatnonzero(unknown)[0]]
        check_rows("facilities", facilities.index, unknown, str(vocab.unknown_tier(first)))
    return [str(c) for c in codes]


def check_points(what: str, gdf: Any) -> None:
    """A GeoDataFrame with a CRS and a finite geometry in every row, or one clear error."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"{what} must be a GeoDataFrame, not {type(gdf).__name__}: e.g. "
            "geopandas.GeoDataFrame(df, geometry=geopandas.points_from_xy(lon, lat), crs=4326)"
        )
    if gdf.crs is None:
        raise ValueError(
            f"{what}: no CRS; set the one the coordinates are in, e.g. .set_crs(4326) "
            "for WGS-84 (GCJ-02 or BD-09 coordinates: coverage.datum.to_wgs84 first)"
        )
    geoms = gdf.geometry.to_numpy()
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    xy, row = shapely.get_coordinates(geoms, return_index=True)
    bad[row[~np.isfinite(xy).all(axis=1)]] = True
    check_rows(what, gdf.index, bad, "no geometry, or a coordinate that is not a number")
    kinds = shapely.get_type_id(geoms)
    check_rows(
        what, gdf.index, kinds != 0, "not a point (e.g. .representative_point() of a polygon)"
    )


def check_zones(zones: Any) -> None:
    """Sub-district polygons: a GeoDataFrame with a CRS, or one clear error."""
    if not isinstance(zones, gpd.GeoDataFrame):
        raise TypeError(
            f"subdistricts must be a GeoDataFrame of polygons, not {type(zones).__name__}"
        )
    if zones.crs is None:
        raise ValueError(
            "subdistricts: no CRS; set the one its coordinates are in, e.g. .set_crs(4326)"
        )


def check_rows(what: str, index: pd.Index, bad: Any, reason: str) -> None:
    """Name the first rows (by the caller's index) where ``bad`` holds."""
    bad = np.asarray(bad, dtype=bool)
    if bad.any():
        raise ValueError(f"{what}, rows {first_rows(index[bad])}: {reason}")
