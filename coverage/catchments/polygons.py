"""Catchment polygons of every source, or of groups of sources, for each time band."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely

from coverage.catchments.exact import _exact_catchments
from coverage.catchments.grid import _grid_catchments, _regroup
from coverage.catchments.stretches import _incidence, reached_stretches
from coverage.network import WalkNetwork
from coverage.routing import Reach
from coverage.scenario.defaults import setting

__all__ = ["catchments", "group_catchments", "union_by"]


def _prepare(
    net: WalkNetwork,
    r: Reach,
    bands_min: Sequence[float],
    walk_off_m: float,
    method: str,
    cell_m: float | None,
) -> tuple[list[float], list[tuple[np.ndarray, ...]], float]:
    """Check the arguments; reached stretches per band and the grid cell."""
    for b in bands_min:  # a band <= 0 or NaN would be drawn as an empty polygon, without a word
        if isinstance(b, (str, bool)) or not float(b) > 0:
            raise ValueError(f"bands_min must be minutes > 0, not {list(bands_min)!r}")
    if not walk_off_m > 0:
        raise ValueError(f"walk_off_m must be positive, got {walk_off_m}")
    bands = sorted(float(b) for b in bands_min)
    if bands and bands[-1] * 60 > r.limit_s + 1e-6:
        raise ValueError(f"band {bands[-1]} min exceeds the routing limit {r.limit_s / 60:.1f} min")
    if walk_off_m <= 0:
        raise ValueError(f"walk_off_m must be positive, got {walk_off_m}")
    if method not in ("grid", "exact"):
        raise ValueError(f"unknown method {method!r}; use 'grid' or 'exact'")
    cell = 0.4 * walk_off_m if cell_m is None else float(cell_m)
    if method == "grid" and not 0 < cell <= walk_off_m / 2:
        # a reached node must have its whole grid cell inside the outline
        raise ValueError(f"cell_m must be in (0, walk_off_m / 2 = {walk_off_m / 2}], got {cell}")
    inc = _incidence(net)
    return bands, [reached_stretches(net, r, b * 60, inc) for b in bands], cell


def _frame(
    net: WalkNetwork,
    keys: list[tuple[Any, float]],
    polys: Sequence[shapely.Geometry],
    name: str,
    method: str,
    simplify_m: float | None,
) -> gpd.GeoDataFrame:
    """One row per (name, band) key: the polygons, simplified, sorted, with their areas."""
    if simplify_m is None:
        simplify_m = 2.0 if method == "exact" else 0.0
    geoms = np.asarray(polys, dtype=object)
    if simplify_m and len(geoms):
        geoms = shapely.simplify(geoms, simplify_m)
    out = gpd.GeoDataFrame(
        {name: [k[0] for k in keys], "band_min": [k[1] for k in keys]},
        geometry=geoms,
        crs=net.edges.crs,
    )
    out = out.sort_values([name, "band_min"], kind="stable").reset_index(drop=True)
    out["area_km2"] = out.geometry.area / 1e6
    return out


def catchments(
    net: WalkNetwork,
    r: Reach,
    bands_min: Sequence[float] | None = None,
    walk_off_m: float | None = None,
    simplify_m: float | None = None,
    on_done: Callable[[int, int], None] | None = None,
    method: Literal["grid", "exact"] = "grid",
    cell_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Catchment polygons of every source for each time band.

    Parameters
    ----------
    net
        The walking network.
    r
        Per-source node times from :func:`coverage.routing.reach`, computed with a limit at least
        the largest band.
    bands_min
        Time bands in minutes (e.g. 5, 10, 15); default :data:`coverage.settings.bands_min`.
    walk_off_m
        How far off a reached street a place still counts as reached (> 0); default
        :data:`coverage.settings.walk_off_m`.
    simplify_m
        Tolerance for simplifying the polygons; default 2 m for ``"exact"`` (keeps files and maps
        small) and none for ``"grid"``, whose outline has one vertex per grid cell crossed
        already (simplifying it only cuts into the round ends).
    on_done
        Called as ``on_done(done, total)`` while polygons are built (for progress bars).
    method
        ``"grid"`` (fast; outline within half a cell of the exact one) or ``"exact"``
        (buffers and union; see the module docstring).
    cell_m
        Grid spacing for ``method="grid"``; default ``0.4 * walk_off_m`` (20 m for the default
        walk-off), at most half of it. Smaller cells are closer to the exact outline and slower.

    Returns
    -------
    GeoDataFrame
        One row per (source, band): ``source`` (position in the source list), ``band_min``,
        ``area_km2`` and the polygon, in the network CRS. Unsnapped sources get no rows.
    """
    bands_min = setting("bands_min") if bands_min is None else bands_min
    walk_off_m = setting("walk_off_m") if walk_off_m is None else walk_off_m
    bands, per_band, cell = _prepare(net, r, bands_min, walk_off_m, method, cell_m)
    ok = np.flatnonzero(r.sources.ok)
    keys = [(int(s), b) for b in bands for s in ok]
    if method == "grid":
        polys = _grid_catchments(net, per_band, ok, walk_off_m, cell, on_done)
    else:
        polys = _exact_catchments(net, per_band, ok, walk_off_m, on_done)
    return _frame(net, keys, polys, "source", method, simplify_m)


def group_catchments(
    net: WalkNetwork,
    r: Reach,
    groups: np.ndarray | Sequence[Hashable],
    bands_min: Sequence[float] | None = None,
    walk_off_m: float | None = None,
    name: str = "group",
    simplify_m: float | None = None,
    method: Literal["grid", "exact"] = "grid",
    cell_m: float | None = None,
) -> gpd.GeoDataFrame:
    """The union of the catchments of each group of sources (e.g. per tier), for each band.

    With ``method="grid"`` each group is traced once from the smallest distance to any of its
    sources' reached stretches (the union of the sets ``distance < walk_off_m``), instead of
    unioning hundreds of overlapping polygons; with ``"exact"`` the exact catchments are unioned.

    Parameters
    ----------
    net
        The walking network.
    r
        Per-source node times from :func:`coverage.routing.reach`, as for :func:`catchments`.
    groups
        The group of each source (one value per source of ``r``).
    bands_min
        Time bands in minutes; default :data:`coverage.settings.bands_min`.
    walk_off_m
        How far off a reached street a place still counts as reached (> 0); default
        :data:`coverage.settings.walk_off_m`.
    name
        Name of the group column in the result.
    simplify_m
        Tolerance for simplifying the polygons, as for :func:`catchments`.
    method
        ``"grid"`` (each group traced once) or ``"exact"`` (the exact catchments unioned).
    cell_m
        Grid spacing for ``method="grid"``; default ``0.4 * walk_off_m``.

    Returns
    -------
    GeoDataFrame
        One row per (group, band) with a snapped source: ``name``, ``band_min``, ``area_km2`` and
        the polygon, in the network CRS.
    """
    bands_min = setting("bands_min") if bands_min is None else bands_min
    walk_off_m = setting("walk_off_m") if walk_off_m is None else walk_off_m
    groups = np.asarray(groups)
    if len(groups) != r.times.shape[0]:
        raise ValueError(f"groups has {len(groups)} values for {r.times.shape[0]} sources")
    if method == "exact":
        catch = catchments(net, r, bands_min, walk_off_m, simplify_m, method="exact")
        return union_by(catch, groups, name)
    bands, per_band, cell = _prepare(net, r, bands_min, walk_off_m, method, cell_m)
    ok = np.flatnonzero(r.sources.ok)
    labels, code = np.unique(groups[ok], return_inverse=True)
    of_source = np.full(len(groups), -1, dtype=np.int64)
    of_source[ok] = code
    regrouped = [_regroup(of_source, *p) for p in per_band]
    polys = _grid_catchments(net, regrouped, np.arange(len(labels)), walk_off_m, cell, None)
    keys = [(labels[g], b) for b in bands for g in range(len(labels))]
    return _frame(net, keys, polys, name, method, simplify_m)


def union_by(
    catch: gpd.GeoDataFrame, key: np.ndarray | Sequence[Hashable], name: str = "group"
) -> gpd.GeoDataFrame:
    """Union catchments per group (e.g. per tier) and band.

    Parameters
    ----------
    catch
        Catchments from :func:`catchments` (a ``source`` and a ``band_min`` column).
    key
        The group of each source (indexed by ``source``).
    name
        Name of the group column in the result.

    Returns
    -------
    GeoDataFrame
        One row per (group, band): ``name``, ``band_min``, the polygon and ``area_km2``.
    """
    df = catch.assign(**{name: np.asarray(key)[catch["source"].to_numpy()]})
    out = df.dissolve(by=[name, "band_min"], as_index=False)[[name, "band_min", "geometry"]]
    out["area_km2"] = out.geometry.area / 1e6
    return out
