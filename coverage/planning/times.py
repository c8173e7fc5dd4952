"""Site × demand walking times for planning: routed once, then cut to each row's own limit.

Every matrix here is built from (data, indices, indptr) arrays, so explicit zeros (a site on its
demand point, a real time of 0.0) survive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike

from coverage import routing
from coverage.frame_checks import check_net, check_points, non_negative
from coverage.i18n import t
from coverage.network import WalkNetwork
from coverage.scenario.defaults import setting
from coverage.siting._sparse import CSR, Bools, _csr, _indptr, _row_ids
from coverage.vocab import unknown_tier

if TYPE_CHECKING:
    from coverage.results import Run
    from coverage.scenario import Scenario

__all__ = ["site_times", "stage_times", "within_row_limits"]


def _noop(_: str) -> None:
    pass


def site_times(
    net: WalkNetwork,
    sites: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    threshold_min: float,
    *,
    max_snap_m: float | None = None,
    include_access: bool = True,
    demand_snap: routing.Snapped | None = None,
) -> tuple[CSR, routing.Snapped]:
    """Site × demand walking times (minutes) within the threshold, sparse; and the site snaps.

    Sites farther than ``max_snap_m`` from a street get an empty row (they reach nobody).

    Parameters
    ----------
    net
        The walking network.
    sites
        Planning sites (WGS-84 points).
    demand
        Demand points (WGS-84).
    threshold_min
        Walking limit in minutes: longer times are not stored.
    max_snap_m
        Largest distance from a street (default :data:`coverage.settings.max_snap_m`).
    include_access
        Whether the walk between a point and its street counts.
    demand_snap
        The demand's snaps, when the caller has them already (snapped here otherwise).

    Returns
    -------
    (CSR, Snapped)
        Times in minutes (sites × demand) and the sites' snaps.

    Raises
    ------
    TypeError, ValueError
        ``net`` not a WalkNetwork, ``sites`` or ``demand`` not points with a CRS (rows named),
        or ``threshold_min`` or ``max_snap_m`` not a number >= 0.
    """
    check_net(net)
    threshold_min = non_negative(
        "threshold_min", 0.0, setting("threshold_min") if threshold_min is None else threshold_min
    )
    max_snap_m = non_negative(
        "max_snap_m", 0.0, setting("max_snap_m") if max_snap_m is None else max_snap_m
    )
    check_points("sites", sites)
    if demand_snap is None:
        check_points("demand", demand)
    ss = routing.snap(
        net, sites.geometry.to_crs(net.crs), max_dist_m=max_snap_m, include_access=include_access
    )
    ds = demand_snap
    if ds is None:
        ds = routing.snap(
            net,
            demand.geometry.to_crs(net.crs),
            max_dist_m=max_snap_m,
            include_access=include_access,
        )
    limit = threshold_min * 60.0
    r = routing.reach(net, ss, limit)
    t = routing.point_times(net, r, ds, limit)
    keep = ds.ok[t.indices]  # unsnapped demand is never covered
    return _kept(t, keep, per=60.0), ss


def within_row_limits(times: CSR, limits: ArrayLike) -> CSR:
    """Keep each row's entries within that row's limit (minutes); explicit zeros survive.

    Parameters
    ----------
    times
        Site × demand times in minutes (sparse).
    limits
        One limit in minutes per row (a single number: the same for every row).

    Returns
    -------
    CSR
        The entries within their row's limit.
    """
    n = times.shape[0]
    lim = np.asarray(limits, dtype=float)
    lim = np.full(n, float(lim)) if lim.ndim == 0 else lim.ravel()
    if lim.shape != (n,):
        raise ValueError(f"limits has {lim.size} values for {n} rows of times")
    if not (lim >= 0).all():  # NaN too: its row would keep nothing, without a word
        raise ValueError("limits must be minutes >= 0")
    rows = _row_ids(times)
    keep = times.data <= lim[rows] + 1e-9
    return _kept(times, keep)


def stage_times(
    s: Scenario,
    before: Run,
    sites: gpd.GeoDataFrame,
    tiers: Sequence[str],
    progress: Callable[[str], None] = _noop,
) -> dict[str, CSR]:
    """Each stage tier's site × demand times, every row within its own limit.

    Existing facilities keep their own tier's threshold (as in ``coverage run``), candidates get
    the stage tier's. The sites are routed once, to the longest of these limits.

    Parameters
    ----------
    s
        The scenario (walking thresholds, snapping).
    before
        Its coverage run (network, demand and the demand's snaps).
    sites
        :func:`coverage.planning.planning_sites`: ``role``, and ``facility_tier`` for facilities.
    tiers
        The stages' tiers: codes or names (``"驿站"``), read with the scenario's vocabulary.
    progress
        Receives a short message before routing.

    Returns
    -------
    dict
        Tier → site × demand times (minutes, CSR).
    """
    cov = before.coverage
    walk = s.walk_model()
    codes = [s.vocabulary.normalize(t) for t in tiers]
    if None in codes:  # a stage of no tier would walk the general threshold, without a word
        unknown = tiers[codes.index(None)]
        raise ValueError(f"tiers: {unknown_tier(unknown, s.vocabulary)}")
    thresholds = {str(t): walk.threshold_for(str(t)) for t in codes}
    own = np.array(
        [walk.threshold_for(str(t)) if r == "existing" else np.nan
         for r, t in zip(sites["role"], sites.get("facility_tier", sites["role"]), strict=True)]
    )  # fmt: skip
    limits = {t: np.where(np.isnan(own), thresholds[t], own) for t in thresholds}
    longest = max(float(np.max(v)) for v in limits.values())
    points = t(s.lang, "console.step.points", n=len(cov.demand))
    progress(t(s.lang, "console.step.routing", n=len(sites), points=points, minutes=f"{longest:g}"))
    all_times, _ = site_times(
        before.network,
        sites,
        cov.demand,
        longest,
        max_snap_m=walk.max_snap_m,
        include_access=walk.include_access,
        demand_snap=cov.demand_snap,
    )
    return {t: within_row_limits(all_times, limits[t]) for t in thresholds}


def _kept(m: CSR, keep: Bools, per: float = 1.0) -> CSR:
    """The stored entries of ``m`` where ``keep`` holds, data divided by ``per`` (s → min)."""
    rows = _row_ids(m)
    indptr = _indptr(np.bincount(rows[keep], minlength=m.shape[0]))
    return _csr(m.data[keep] / per, m.indices[keep], indptr, m.shape)


def _swap_rows(into: CSR, src: CSR, rows: ArrayLike) -> CSR:
    """``into`` with the given rows taken from ``src`` (same shape).

    It is built from arrays so that explicit zeros (a site on its demand point) survive.
    """
    take = np.zeros(into.shape[0], dtype=bool)
    take[np.asarray(rows, dtype=np.int64)] = True
    n_into, n_src = np.diff(into.indptr), np.diff(src.indptr)
    counts = np.where(take, n_src, n_into)
    data, idx = [], []
    for r in range(into.shape[0]):
        m = src if take[r] else into
        a, b = m.indptr[r], m.indptr[r + 1]
        data.append(m.data[a:b])
        idx.append(m.indices[a:b])
    return _csr(np.concatenate(data), np.concatenate(idx), _indptr(counts), into.shape)
