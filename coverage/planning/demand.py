"""The demand as it stands after a plan: the proposed sites counted with the existing facilities.

A planner reads "uncovered after the plan" as what existing **and** proposed sites leave: how far
each such point is from the nearest of them, and of each tier. :func:`demand_after` gives the
run's demand table with those columns recomputed; the plan workbook's sheet of what the plan
leaves uncovered shows it.

The times to the nearest site are whole-network walks (one nearest-site search per planned tier,
as the run's own ``t_<tier>``), not the plan's site × demand times, which stop at the threshold
and so say nothing of the points the plan leaves uncovered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np

from coverage import routing
from coverage.planning.after import _site_hits
from coverage.siting._sparse import Bools
from coverage.summary import circle_counts

if TYPE_CHECKING:
    from coverage.planning.plan_run import PlanRun

__all__ = ["demand_after"]


def demand_after(result: PlanRun) -> gpd.GeoDataFrame:
    """The run's demand after the plan, every proposed site open as a facility of its tier.

    Parameters
    ----------
    result
        A plan (:func:`coverage.pipeline.plan`).

    Returns
    -------
    geopandas.GeoDataFrame
        The run's demand rows (same order) with, after the plan: ``covered`` and ``n_reach``
        (as :attr:`PlanRun.after`), ``covered_<tier>`` and ``t_<tier>`` for each planned tier,
        ``nearest_min`` (to the nearest existing facility or proposed site), ``nearest_fid``
        (the facility's id, -1 when a proposed site is nearer), ``nearest_proposed`` (that
        site's row in :attr:`PlanRun.proposed`, else -1), ``nearest_new`` (whether it is a
        proposed site) and ``n_circle``/``covered_circle`` with the proposed sites counted.
    """
    before = result.before
    cov = before.coverage
    dem = cov.demand.copy()
    after = result.after
    dem["covered"] = after.covered
    dem["n_reach"] = after.n_reach
    prop = result.proposed
    n = len(dem)
    nearest = dem["nearest_min"].to_numpy(dtype=float).copy()
    fid = dem["nearest_fid"].to_numpy(dtype=np.int64).copy()
    site = np.full(n, -1, dtype=np.int64)
    if len(prop) and n:
        walk = before.scenario.walk_model()
        net = before.network
        xy = prop.geometry.to_crs(net.crs)
        snapped = routing.snap(
            net, xy, max_dist_m=walk.max_snap_m, include_access=walk.include_access
        )
        ds = cov.demand_snap
        if ds is None:  # a coverage computed without keeping its snaps
            ds = routing.snap(
                net,
                dem.geometry.to_crs(net.crs),
                max_dist_m=walk.max_snap_m,
                include_access=walk.include_access,
            )
        tiers = prop["tier"].astype(str).to_numpy()
        for tier in dict.fromkeys(tiers):
            rows = np.flatnonzero(tiers == tier)
            secs, who = routing.nearest_point_times(net, snapped.take(rows), ds)
            new = np.where(ds.ok & (who >= 0), secs / 60.0, np.inf)
            col = f"t_{tier}"
            old = dem[col].to_numpy(dtype=float) if col in dem else np.full(n, np.inf)
            dem[col] = np.fmin(old, new)
            better = new < nearest
            nearest = np.where(better, new, nearest)
            site = np.where(better, rows[np.maximum(who, 0)], site)
            fid = np.where(better, -1, fid)
            hit = _reached(result, tier, n)
            done = dem[f"covered_{tier}"].to_numpy(dtype=bool) if f"covered_{tier}" in dem else hit
            dem[f"covered_{tier}"] = done | hit
        circles = circle_counts(xy, dem.geometry.to_crs(net.crs), cov.circle_radius_m)
        if "n_circle" in dem:
            dem["n_circle"] = dem["n_circle"].to_numpy(dtype=np.int64) + circles
            dem["covered_circle"] = dem["n_circle"] > 0
    dem["nearest_min"] = nearest
    dem["nearest_fid"] = fid
    dem["nearest_proposed"] = site
    dem["nearest_new"] = site >= 0
    return dem


def _reached(result: PlanRun, tier: str, n: int) -> Bools:
    """Per demand point: within reach of a proposed site of ``tier`` (its stage's threshold)."""
    hit = np.zeros(n, dtype=bool)
    for p in result.plans:
        if p.tier == tier:
            for h in _site_hits(p.model.problem.reach, p.model.selected):
                hit[h] = True
    return hit
