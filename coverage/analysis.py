"""Coverage of demand by facilities on the walking network, tier by tier.

A facility *covers* a demand point when the walk between them (access walk to the street, along
the streets, access walk off the street) takes at most the threshold of the facility's tier.
Every share here is **weighted by demand** (workers, residents), not a count of points.

Data flow: facilities and demand (WGS-84) are projected to the network CRS and snapped; one
bounded multi-source routing gives the sparse facility × demand times; everything else (times to
the nearest facility of each tier, cross-coverage counts, per-facility reach, summaries) is read
from those times or from one ``min_only`` Dijkstra per tier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy import sparse

from coverage import routing, vocab
from coverage.counts import shown_counts
from coverage.frame_checks import (
    check_net,
    check_points,
    check_rows,
    check_zones,
    non_negative,
    tier_codes,
    tier_minutes,
)
from coverage.network import WalkNetwork
from coverage.scenario.defaults import setting
from coverage.summary import circle_counts, circle_pairs, summarize

__all__ = [
    "Coverage",
    "evaluate",
    "circle_counts",
    "circle_pairs",
    "node_times",
    "summarize",
    "tier_order",
]


@dataclass
class Coverage:
    """Result of :func:`evaluate`.

    Attributes
    ----------
    facilities
        Input facilities (WGS-84) with ``fid``, ``snap_m``, ``snapped``, ``threshold_min``,
        ``demand_reached`` (points) and ``workers_reached`` (weight within the threshold).
    demand
        Input demand (WGS-84) with ``snap_m``, ``snapped``, ``t_<tier>`` (minutes to the nearest
        facility of each tier, inf if none), ``covered_<tier>``, ``nearest_min``, ``nearest_fid``,
        ``n_reach`` (facilities within their tier's threshold: cross-coverage), ``covered``,
        ``n_circle``/``covered_circle`` (straight-line circle) and ``subdistrict`` when given.
    times
        Facility × demand walking times in minutes (CSR); a stored entry is a pair within the
        largest threshold (explicit zeros are real times).
    covers
        Facility × demand boolean CSR: pair within the facility's own tier threshold.
    summary
        Weighted coverage table (see :func:`summarize`).
    thresholds
        Threshold in minutes per tier.
    facility_snap, demand_snap
        Where facilities and demand points were placed on the streets (:func:`coverage.routing.snap`).
    circle_radius_m
        Radius of the straight-line comparison circle.
    extra
        Room for a caller's own figures; the package leaves it empty.
    """

    facilities: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    times: sparse.csr_matrix
    covers: sparse.csr_matrix
    summary: pd.DataFrame
    thresholds: dict[str, float]
    facility_snap: routing.Snapped | None = None
    demand_snap: routing.Snapped | None = None
    circle_radius_m: float = field(default_factory=lambda: setting("circle_radius_m"))
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def uncovered(self) -> gpd.GeoDataFrame:
        """Demand points no facility covers, heaviest first."""
        d = self.demand[~self.demand["covered"]]
        return d.sort_values("weight", ascending=False)

    def kpis(self) -> dict[str, float]:
        """Headline numbers for maps and reports.

        Counts of people (``uncovered_weight``, ``unreachable_weight``, ``kind_uncovered:*``)
        are the whole numbers the tables show (:func:`coverage.counts.shown_counts`), so a map's
        panel and the report name the same people.
        """
        s = self.summary.set_index(["scope", "key"])
        shown = shown_counts(self.summary)
        out: dict[str, float] = {}
        for tier in tier_order(self.thresholds):
            if ("tier", tier) in s.index:
                out[f"share_{tier}"] = float(s.loc[("tier", tier), "share"])
        if ("overall", "all") in s.index:
            row = s.loc[("overall", "all")]
            out["share_any"] = float(row["share"])
            out["share_cross"] = float(row["cross_share"])
            out["share_circle"] = float(row["circle_share"])
            out["uncovered_weight"] = float(shown.loc[("overall", "all"), "uncovered"])
            out["total_weight"] = float(row["weight"])
            far = shown.loc[("overall", "all")].get("unreachable", 0)
            if far > 0:  # under half a person reads 0: the panel says nothing of it
                out["unreachable_weight"] = float(far)
        kinds = self.summary[self.summary["scope"] == "kind"]
        if len(kinds) > 1:  # one kind is the overall figure already
            for _, r in kinds.iterrows():
                out[f"kind_share:{r['key']}"] = float(r["share"])
                out[f"kind_uncovered:{r['key']}"] = float(
                    shown.loc[("kind", r["key"]), "uncovered"]
                )
        return out


def tier_order(tiers: Sequence[str] | Mapping[str, Any]) -> list[str]:
    """Tier codes in display order.

    Known tiers top-down first (centre … outdoor_station, declared types), then the others
    alphabetically (see :func:`coverage.vocab.tier_order`).

    Parameters
    ----------
    tiers
        Tier codes (or a mapping keyed by them).

    Returns
    -------
    list of str
        The codes in display order.
    """
    return vocab.tier_order(tiers)


def _threshold_of(
    tiers: np.ndarray, default_min: float, per_tier: Mapping[str, float]
) -> npt.NDArray[np.float64]:
    return np.array([float(per_tier.get(t, default_min)) for t in tiers], dtype=float)


def _projected(gdf: gpd.GeoDataFrame, net: WalkNetwork) -> gpd.GeoSeries:
    return gdf.geometry.to_crs(net.crs)


def _tonon_negative(m: sparse.csr_matrix) -> sparse.csr_matrix:
    # Build anew rather than ``m / 60`` so explicit zeros (site on the demand point) survive.
    return sparse.csr_matrix((m.data / 60.0, m.indices, m.indptr), shape=m.shape)


def _within(times: sparse.csr_matrix, limit_per_row: np.ndarray) -> sparse.csr_matrix:
    """Boolean CSR of the stored entries with time ≤ the row's limit (zeros kept)."""
    rows = np.repeat(np.arange(times.shape[0]), np.diff(times.indptr))
    keep = times.data <= limit_per_row[rows] + 1e-9
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=times.shape[0]))])
    return sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=bool), times.indices[keep], indptr), shape=times.shape
    )


def evaluate(
    net: WalkNetwork,
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    *,
    threshold_min: float | None = None,
    tier_threshold_min: Mapping[str, float] | None = None,
    max_snap_m: float | None = None,
    include_access: bool = True,
    circle_radius_m: float | None = None,
    subdistricts: gpd.GeoDataFrame | None = None,
    name_field: str = "name",
    services: Sequence[str] | None = None,
) -> Coverage:
    """Walking coverage of demand by facilities, per tier, with cross-coverage counts.

    Parameters
    ----------
    net
        Walking network (projected CRS).
    facilities
        Points (a GeoDataFrame with a CRS) with a ``tier`` column: codes or names
        (``"服务站点"``; :func:`coverage.vocab.normalize_tier`); optional ``type``,
        ``services``, ``name``.
    demand
        Points (a GeoDataFrame with a CRS) with a ``weight`` column (workers, residents).
    threshold_min, tier_threshold_min
        Coverage threshold in minutes (default :data:`coverage.settings.threshold_min`), and
        per-tier overrides (keyed by tier codes or names).
    max_snap_m
        Points farther than this from a walkable street are not routed (reported as unsnapped);
        default :data:`coverage.settings.max_snap_m`.
    include_access
        Count the straight-line walk between a point and its street.
    circle_radius_m
        Radius of the naive straight-line circle coverage reported beside network coverage;
        default :data:`coverage.settings.circle_radius_m`.
    subdistricts
        Optional polygons; demand gets the name (``name_field``) of the one containing it.
    name_field
        The sub-districts' name column.
    services
        Services to summarise (default: all found in ``facilities.services``); one string is
        one service.

    Returns
    -------
    Coverage
        Per-facility and per-demand-point results, the sparse times and the summary table.

    Raises
    ------
    TypeError
        ``net`` is not a WalkNetwork, or ``facilities`` or ``demand`` is not a GeoDataFrame.
    ValueError
        One has no CRS or lacks its column, or rows without a usable point, tier or weight, or
        with a tier no tier has (named by the caller's index); a threshold, distance or
        radius that is not a number >= 0, or a ``tier_threshold_min`` key that names no tier.
    """
    check_net(net)
    threshold_min = non_negative(
        "threshold_min", 0.0, setting("threshold_min") if threshold_min is None else threshold_min
    )
    max_snap_m = non_negative(
        "max_snap_m", 0.0, setting("max_snap_m") if max_snap_m is None else max_snap_m
    )
    circle_radius_m = non_negative(
        "circle_radius_m",
        0.0,
        setting("circle_radius_m") if circle_radius_m is None else circle_radius_m,
    )
    per_tier = tier_minutes(tier_threshold_min)
    fac, dem = _inputs(facilities, demand)
    if isinstance(services, str):  # one service, not its characters
        services = [services]
    if subdistricts is not None and len(subdistricts):
        check_zones(subdistricts)
    tiers = tier_order(pd.unique(fac["tier"]).tolist())
    thresholds = {t: float(per_tier.get(t, threshold_min)) for t in tiers}
    f_limit = _threshold_of(fac["tier"].to_numpy(), threshold_min, per_tier)
    fac["threshold_min"] = f_limit

    fac_xy, dem_xy = _projected(fac, net), _projected(dem, net)  # once: snapping and circles
    fs = routing.snap(net, fac_xy, max_dist_m=max_snap_m, include_access=include_access)
    ds = routing.snap(net, dem_xy, max_dist_m=max_snap_m, include_access=include_access)
    fac["snap_m"] = fs.dist_m
    fac["snapped"] = fs.ok
    dem.attrs.update(circle_radius_m=circle_radius_m, metric_crs=net.crs)
    dem["snap_m"] = ds.dist_m
    dem["snapped"] = ds.ok

    limit_s = float(f_limit.max() if len(f_limit) else threshold_min) * 60.0
    r = routing.reach(net, fs, limit_s)
    times = _tonon_negative(routing.point_times(net, r, ds, limit_s))
    # Unsnapped demand is never covered: it has no place on the network.
    if not ds.ok.all():
        times = _keep(times, ds.ok[times.indices])
    covers = _within(times, f_limit)

    _cross_coverage(fac, dem, covers)
    _nearest_by_tier(net, fac, dem, fs, ds, covers, tiers)

    # The straight-line circle that many plans quote, beside the walking coverage.
    circles = circle_pairs(fac_xy, dem_xy, circle_radius_m)
    n_circle = np.asarray(circles.sum(axis=0), np.int64).ravel()
    dem["n_circle"] = n_circle
    dem["covered_circle"] = n_circle > 0

    fac_zone = None
    if subdistricts is not None and len(subdistricts):
        dem["subdistrict"] = _label(dem, subdistricts, name_field)
        # Kept apart from the facilities table: a register may have its own 街道 column.
        fac_zone = _label(fac, subdistricts, name_field)

    summary = summarize(
        fac,
        dem,
        covers,
        thresholds,
        services=services,
        facility_subdistricts=fac_zone,
        circles=circles,
    )
    return Coverage(
        facilities=fac,
        demand=dem,
        times=times,
        covers=covers,
        summary=summary,
        thresholds=thresholds,
        facility_snap=fs,
        demand_snap=ds,
        circle_radius_m=circle_radius_m,
    )


def _inputs(
    facilities: gpd.GeoDataFrame, demand: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Copies of the inputs, checked, with tier codes and facility ids (``fid``).

    A caller's own frame fails here with one line naming the frame, column and rows, not deep
    in geopandas or GEOS; tier names (``"服务站点"``) become codes, so their threshold applies.
    """
    for what, gdf, column in (("facilities", facilities, "tier"), ("demand", demand, "weight")):
        check_points(what, gdf)
        if column not in gdf:
            raise ValueError(
                f"{what} {'need' if what == 'facilities' else 'needs'} a {column!r} column"
            )
    fac = facilities.reset_index(drop=True).copy()
    dem = demand.reset_index(drop=True).copy()
    weight = pd.to_numeric(dem["weight"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(weight) | (weight < 0)
    check_rows("demand", demand.index, bad, "'weight' is not a number ≥ 0")
    dem["weight"] = weight
    fac["tier"] = tier_codes(facilities)
    fac["fid"] = np.arange(len(fac))
    return fac, dem


def _cross_coverage(
    fac: gpd.GeoDataFrame, dem: gpd.GeoDataFrame, covers: sparse.csr_matrix
) -> None:
    """Set cross-coverage on ``dem`` and each facility's reach on ``fac``.

    ``dem`` gets ``n_reach`` and ``covered``; ``fac`` gets ``demand_reached`` and
    ``workers_reached``.
    """
    w = dem["weight"].to_numpy(dtype=float)
    cov_csc = covers.tocsc()
    n_reach = np.diff(cov_csc.indptr)
    dem["n_reach"] = n_reach
    dem["covered"] = n_reach > 0
    fac["demand_reached"] = np.diff(covers.indptr)
    fac["workers_reached"] = np.asarray(covers.astype(float) @ w).ravel()


def _nearest_by_tier(
    net: WalkNetwork,
    fac: gpd.GeoDataFrame,
    dem: gpd.GeoDataFrame,
    fs: routing.Snapped,
    ds: routing.Snapped,
    covers: sparse.csr_matrix,
    tiers: list[str],
) -> None:
    """Set the nearest facility of each tier on ``dem``, without a threshold.

    Columns ``t_<tier>``, ``covered_<tier>``, ``nearest_min`` and ``nearest_fid``: how far off
    the uncovered are.
    """
    fac_tier = fac["tier"].to_numpy()
    nearest_any = np.full(len(dem), np.inf)
    nearest_fid = np.full(len(dem), -1)
    for tier in tiers:
        idx = np.flatnonzero(fac_tier == tier)
        best, who = routing.nearest_point_times(net, fs.take(idx), ds)
        best = np.where(ds.ok, best / 60.0, np.inf)
        dem[f"t_{tier}"] = best
        tier_cov = np.asarray(covers[idx].sum(axis=0)).ravel() > 0
        dem[f"covered_{tier}"] = tier_cov
        better = best < nearest_any
        nearest_any = np.where(better, best, nearest_any)
        nearest_fid = np.where(better & (who >= 0), idx[np.maximum(who, 0)], nearest_fid)
    dem["nearest_min"] = nearest_any
    dem["nearest_fid"] = nearest_fid


def node_times(
    net: WalkNetwork,
    facilities: gpd.GeoDataFrame,
    *,
    max_snap_m: float | None = None,
    include_access: bool = True,
    limit_min: float = np.inf,
) -> gpd.GeoDataFrame:
    """Minutes from every network node to the nearest facility of each tier (whole-city view).

    One ``min_only`` multi-source Dijkstra per tier, so the cost barely grows with the number of
    facilities. Returns the nodes (network CRS) with ``t_<tier>`` (inf beyond ``limit_min`` or
    unreachable) and ``nearest_<tier>`` (facility position, -1 if none). ``max_snap_m`` defaults
    to :data:`coverage.settings.max_snap_m`.

    Parameters
    ----------
    net
        The walking network.
    facilities
        Facilities (WGS-84) with ``tier``.
    max_snap_m
        Largest distance to a street (see above).
    include_access
        Whether the walk from a facility to its street counts.
    limit_min
        Time limit in minutes (default: none).

    Returns
    -------
    GeoDataFrame
        One row per network node (network CRS) with ``t_<tier>`` and ``nearest_<tier>`` per
        tier code (tier names such as ``"服务站点"`` are read as their code).

    Raises
    ------
    TypeError, ValueError
        As :func:`evaluate` for ``net`` and ``facilities``; ``limit_min`` or ``max_snap_m``
        not a number >= 0.
    """
    check_net(net)
    limit_min = non_negative("limit_min", np.inf, limit_min)
    max_snap_m = non_negative(
        "max_snap_m", 0.0, setting("max_snap_m") if max_snap_m is None else max_snap_m
    )
    check_points("facilities", facilities)
    if "tier" not in facilities:
        raise ValueError("facilities need a 'tier' column")
    fac = facilities.reset_index(drop=True)
    fs = routing.snap(
        net, _projected(fac, net), max_dist_m=max_snap_m, include_access=include_access
    )
    out = net.nodes_gdf()
    tiers = np.asarray(tier_codes(facilities), dtype=object)
    for tier in tier_order(pd.unique(tiers).tolist()):
        idx = np.flatnonzero(tiers == tier)
        t, who = routing.nearest(net, fs.take(idx), limit_min * 60.0)
        out[f"t_{tier}"] = t / 60.0
        out[f"nearest_{tier}"] = np.where(who >= 0, idx[np.maximum(who, 0)], -1)
    return out


def _keep(m: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=m.shape[0]))])
    return sparse.csr_matrix((m.data[keep], m.indices[keep], indptr), shape=m.shape)


def _label(
    dem: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, name_field: str
) -> npt.NDArray[np.object_]:
    """Name of the zone containing each point ('' outside every zone; first zone on overlaps)."""
    if name_field not in zones:
        raise ValueError(
            f"sub-district layer has no '{name_field}' column (columns: {list(zones.columns)})"
        )
    z = zones.to_crs(dem.crs)
    names = z[name_field].astype(str).to_numpy()
    tree = shapely.STRtree(z.geometry.values)
    p_idx, z_idx = tree.query(dem.geometry.values, predicate="intersects")
    out = np.full(len(dem), "", dtype=object)
    first = np.unique(p_idx, return_index=True)[1]
    out[p_idx[first]] = names[z_idx[first]]
    return out
