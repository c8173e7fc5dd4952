"""Catchment layers of facility points: per-facility bands and their union per tier (WGS-84).

The step that turns facilities on a walking network into the polygons the map, the GeoPackage
and the report draw: snap, reach, then :mod:`coverage.catchments` draws. It lives apart from the
pipeline so that the report can draw proposed sites' catchments from results handed to it,
without importing (or running) the pipeline; ``coverage.pipeline.facility_catchments`` is the
same function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import geopandas as gpd
import numpy as np

from coverage import catchments, network, routing, vocab
from coverage.frame_checks import check_points
from coverage.preflight import check_catchment_args
from coverage.scenario import CatchmentSpec
from coverage.scenario.defaults import setting

__all__ = ["catchments_for", "facility_catchments"]


def _noop(_: str) -> None:
    pass


def facility_catchments(
    net: network.WalkNetwork,
    facilities: gpd.GeoDataFrame,
    bands_min: list[float],
    walk_off_m: float | None = None,
    *,
    snapped: routing.Snapped | None = None,
    max_snap_m: float | None = None,
    method: Literal["grid", "exact"] = "grid",
    cell_m: float | None = None,
    progress: Callable[[str], None] = _noop,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Per-facility catchment bands and their union per tier (both WGS-84).

    ``facilities`` needs ``tier`` (codes, or names as registers write them: ``"服务站点"``; any
    other value groups the polygons as written); ``fid`` and ``name`` are copied to the
    polygons when present.
    ``method`` and ``cell_m`` are passed to :func:`coverage.catchments.catchments`.

    Parameters
    ----------
    net
        The walking network.
    facilities
        Facilities (WGS-84) with ``tier``.
    bands_min
        Bands in minutes.
    walk_off_m
        Walk-off around reached streets (default :data:`coverage.settings.walk_off_m`).
    snapped
        The facilities' snaps, when the caller has them (snapped here otherwise).
    max_snap_m
        Largest distance to a street (default :data:`coverage.settings.max_snap_m`).
    method
        ``"grid"`` or ``"exact"``.
    cell_m
        Grid spacing; None: 0.4 × ``walk_off_m``.
    progress
        Called with a line for each step; default: nothing.

    Returns
    -------
    (GeoDataFrame, GeoDataFrame)
        Catchments per facility and band, and their union per tier and band.
    """
    check_catchment_args(bands_min, method)  # "5,10" or [0]: one line, not a TypeError
    if bands_min is None or len(bands_min) == 0:
        raise ValueError("bands_min: give at least one band in minutes, e.g. [5, 10, 15]")
    bands_min = [float(b) for b in bands_min]  # numpy numbers or an array: plain minutes
    walk_off_m = setting("walk_off_m") if walk_off_m is None else walk_off_m
    max_snap_m = setting("max_snap_m") if max_snap_m is None else max_snap_m
    check_points("facilities", facilities)
    if "tier" not in facilities:
        raise ValueError("facilities need a 'tier' column")
    # Tier names as the command line reads them ("服务站点" and "point" are one tier's union);
    # any other value is a group of its own, as written (the report groups proposed sites by
    # their shown label).
    tiers = [vocab.normalize_tier(t) or t for t in facilities["tier"].to_numpy()]
    fac = facilities.reset_index(drop=True).assign(tier=tiers)
    if "fid" not in fac:
        fac = fac.assign(fid=np.arange(len(fac)))
    fs = snapped
    if fs is None:
        fs = routing.snap(net, fac.geometry.to_crs(net.crs), max_dist_m=max_snap_m)
    r = routing.reach(net, fs, max(bands_min) * 60.0)
    catch = catchments.catchments(
        net,
        r,
        bands_min,
        walk_off_m,
        on_done=lambda d, n: progress(f"{d}/{n}"),  # a count only: the step's words came before
        method=method,
        cell_m=cell_m,
    )
    catch["fid"] = fac["fid"].to_numpy()[catch["source"].to_numpy()]
    catch["tier"] = fac["tier"].to_numpy()[catch["source"].to_numpy()]
    if "name" in fac:
        catch["name"] = fac["name"].to_numpy()[catch["source"].to_numpy()]
    tiers = fac["tier"].to_numpy()
    if method == "exact":  # the facility polygons are drawn already: union them, not redraw
        by_tier = catchments.union_by(catch, tiers, "tier")
    else:
        by_tier = catchments.group_catchments(
            net, r, tiers, bands_min, walk_off_m, name="tier", cell_m=cell_m
        )
    catch = catch.drop(columns="source")
    return catch.to_crs(4326), by_tier.to_crs(4326)


def catchments_for(
    net: network.WalkNetwork,
    facilities: gpd.GeoDataFrame,
    spec: CatchmentSpec,
    *,
    max_snap_m: float | None = None,
    snapped: routing.Snapped | None = None,
    progress: Callable[[str], None] = _noop,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """:func:`facility_catchments` drawn as ``spec`` says (e.g. ``s.catchment_spec()``).

    Parameters
    ----------
    net
        The walking network.
    facilities
        Facilities (WGS-84) with ``tier``.
    spec
        Bands, walk-off, method and cell.
    max_snap_m
        Largest distance to a street (default :data:`coverage.settings.max_snap_m`).
    snapped
        The facilities' snaps, when the caller has them.
    progress
        Called with a line for each step; default: nothing.

    Returns
    -------
    (GeoDataFrame, GeoDataFrame)
        As :func:`facility_catchments`.
    """
    max_snap_m = setting("max_snap_m") if max_snap_m is None else max_snap_m
    return facility_catchments(
        net,
        facilities,
        list(spec.bands_min),
        spec.walk_off_m,
        snapped=snapped,
        max_snap_m=max_snap_m,
        method=spec.method,
        cell_m=spec.cell_m,
        progress=progress,
    )
