"""Proposing new sites: candidates, the candidate × demand walking times, and staged plans.

This module connects the scenario data to the location models in :mod:`coverage.siting`:

1. :func:`candidate_sites` gathers candidates from files (roles ``candidate``/``existing``/
   ``excluded``), from a spacing grid over the network nodes, and from OSM features (community
   centres, libraries, townhalls, malls…) when the network comes from OSM;
2. :func:`site_times` routes every site to every demand point within the threshold (sparse);
3. :func:`propose` runs one model (MCLP for a number of sites, LSCP for a target share,
   backup coverage, p-median) with the existing facilities counted as already open;
4. :func:`staged_plan` runs the tiers in order (sub-centres, then points given the sub-centres).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse

from coverage import routing, settings, siting
from coverage.errors import InputError
from coverage.network import WalkNetwork

__all__ = [
    "OSM_TAGS",
    "Plan",
    "candidate_sites",
    "covered_gains",
    "grid_candidates",
    "osm_candidates",
    "site_times",
    "within_row_limits",
    "propose",
    "staged_plan",
]

Model = Literal["mclp", "lscp", "backup", "pmedian"]

#: OSM features that make plausible union service sites (shared community premises).
OSM_TAGS: dict[str, Any] = {
    "amenity": ["community_centre", "social_centre", "townhall", "library", "arts_centre"],
    "shop": ["mall"],
    "office": ["government"],
}


#: Role words planners write in Chinese registers.
_ROLE_WORDS = {"候选": "candidate", "备选": "candidate", "已建": "existing", "现有": "existing",
               "排除": "excluded", "不可用": "excluded"}  # fmt: skip


# --- candidates -----------------------------------------------------------------------------


def grid_candidates(
    net: WalkNetwork, spacing_m: float, area: shapely.Geometry | None = None
) -> gpd.GeoDataFrame:
    """One candidate per grid cell: the street node nearest to the cell centre.

    Parameters
    ----------
    net
        Walking network (projected).
    spacing_m
        Cell size in metres.
    area
        WGS-84 area; only nodes inside it are used.

    Returns
    -------
    GeoDataFrame (WGS-84) with ``name``, ``role`` = ``candidate``, ``source`` = ``grid``.
    """
    if spacing_m <= 0:
        raise ValueError("grid spacing must be positive")
    x, y = net.x, net.y
    keep = np.ones(net.n_nodes, dtype=bool)
    if area is not None:
        a = gpd.GeoSeries([area], crs=4326).to_crs(net.crs).iloc[0]
        keep = shapely.contains_xy(a, x, y)
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return _empty_sites()
    cx = np.floor(x[idx] / spacing_m)
    cy = np.floor(y[idx] / spacing_m)
    d = np.hypot(x[idx] - (cx + 0.5) * spacing_m, y[idx] - (cy + 0.5) * spacing_m)
    order = np.lexsort((d, cy, cx))
    cells = np.c_[cx, cy][order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(cells[1:] != cells[:-1], axis=1)
    pick = idx[order[first]]
    pts = gpd.GeoSeries(shapely.points(x[pick], y[pick]), crs=net.crs).to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "name": [f"grid-{i + 1:05d}" for i in range(len(pick))],
            "role": "candidate",
            "source": "grid",
        },
        geometry=pts.values,
        crs=4326,
    )


def osm_candidates(
    *,
    osm_file: str | Path | None = None,
    place: str | None = None,
    polygon: shapely.Geometry | None = None,
    tags: dict[str, Any] | None = None,
) -> gpd.GeoDataFrame:
    """Candidate sites from OSM features (community centres, libraries, …) via osmnx.

    Give an ``.osm`` XML file (offline), or a place name / WGS-84 polygon (Overpass download,
    cached by osmnx). Areas become their representative point.
    """
    import osmnx as ox

    tags = tags or OSM_TAGS
    try:
        if osm_file is not None:
            feats = ox.features_from_xml(osm_file, tags=tags)
        elif place is not None:
            feats = ox.features_from_place(place, tags=tags)
        elif polygon is not None:
            feats = ox.features_from_polygon(polygon, tags=tags)
        else:
            raise ValueError("give osm_file, place or polygon")
    except ox._errors.InsufficientResponseError:
        return _empty_sites()
    feats = feats.reset_index()
    kind = pd.Series("", index=feats.index, dtype=object)
    for key in tags:  # the first tag that matched, e.g. "amenity=library"
        if key in feats:
            hit = (kind == "") & feats[key].notna()
            kind[hit] = key + "=" + feats.loc[hit, key].astype(str)
    names = feats["name"] if "name" in feats else pd.Series(None, index=feats.index)
    geom = feats.geometry.to_crs(feats.estimate_utm_crs()).representative_point().to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "name": names.fillna(kind).astype(str).to_numpy(),
            "role": "candidate",
            "source": "osm",
            "osm_tag": kind.to_numpy(),
        },
        geometry=geom.values,
        crs=4326,
    )


def _empty_sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [], "role": [], "source": []}, geometry=[], crs=4326)


def candidate_sites(
    files: gpd.GeoDataFrame | None = None,
    *,
    net: WalkNetwork | None = None,
    grid_spacing_m: float = 0.0,
    area: shapely.Geometry | None = None,
    osm: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """All candidate sites: from files (with their roles), a node grid and OSM features.

    Roles: ``candidate`` (may be chosen), ``existing`` (already built: counted as open),
    ``excluded`` (may not be chosen, e.g. a site the landlord refused).
    """
    parts = []
    if files is not None and len(files):
        f = files.copy()
        if "role" not in f:
            f["role"] = "candidate"
        f["role"] = f["role"].fillna("candidate").astype(str).str.strip().str.lower()
        f["role"] = f["role"].replace(_ROLE_WORDS).replace("", "candidate")
        bad = ~f["role"].isin(["candidate", "existing", "excluded"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            row = f["row"].iloc[i] if "row" in f else None
            raise InputError(
                f"unknown role '{f['role'].iloc[i]}' (use candidate, existing or excluded)",
                f["layer"].iloc[i] if "layer" in f else None,
                row=int(row) if row is not None else None,
                field="role",
            )
        f["source"] = "file"
        parts.append(f)
    if grid_spacing_m and net is not None:
        parts.append(grid_candidates(net, grid_spacing_m, area))
    if osm is not None and len(osm):
        parts.append(osm)
    if not parts:
        return _empty_sites()
    out = pd.concat(parts, ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=4326)
    if "name" not in out:
        out["name"] = ""
    unnamed = out["name"].isna() | (out["name"].astype(str).str.strip() == "")
    out.loc[unnamed, "name"] = [f"site-{i + 1}" for i in np.flatnonzero(unnamed.to_numpy())]
    return out


# --- times ----------------------------------------------------------------------------------


def site_times(
    net: WalkNetwork,
    sites: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    threshold_min: float,
    *,
    max_snap_m: float = settings.max_snap_m,
    include_access: bool = True,
    demand_snap: routing.Snapped | None = None,
) -> tuple[sparse.csr_matrix, routing.Snapped]:
    """Site × demand walking times (minutes) within the threshold, sparse; and the site snaps.

    Sites farther than ``max_snap_m`` from a street get an empty row (they reach nobody).
    """
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
    keep = ds.ok[t.indices]
    rows = np.repeat(np.arange(t.shape[0]), np.diff(t.indptr))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=t.shape[0]))])
    out = sparse.csr_matrix((t.data[keep] / 60.0, t.indices[keep], indptr), shape=t.shape)
    return out, ss


def within_row_limits(times: sparse.csr_matrix, limits: np.ndarray) -> sparse.csr_matrix:
    """Keep each row's entries within that row's limit (minutes); explicit zeros survive."""
    rows = np.repeat(np.arange(times.shape[0]), np.diff(times.indptr))
    keep = times.data <= np.asarray(limits, dtype=float)[rows] + 1e-9
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=times.shape[0]))])
    return sparse.csr_matrix((times.data[keep], times.indices[keep], indptr), shape=times.shape)


def _swap_rows(into: sparse.csr_matrix, src: sparse.csr_matrix, rows: np.ndarray):
    """``into`` with the given rows taken from ``src`` (same shape), built from arrays so that
    explicit zeros (a site on its demand point) survive."""
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
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sparse.csr_matrix((np.concatenate(data), np.concatenate(idx), indptr), shape=into.shape)


# --- plans ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One planning stage: the model, the proposed sites and coverage before/after."""

    tier: str
    model: Any
    proposed: gpd.GeoDataFrame
    curve: pd.DataFrame | None
    before_share: float
    after_share: float
    threshold_min: float
    info: dict[str, Any] = field(default_factory=dict)
    #: Workers covered after the stage (existing and new sites), and those the new sites add.
    covered_weight: float = np.nan
    added_weight: float = np.nan

    def summary(self) -> dict[str, Any]:
        """The stage as one table row.

        ``covered_weight``/``covered_share`` are the workers covered after the stage and
        ``added_weight`` those the new sites add, whatever the model optimised; ``objective`` is
        the model's own (MCLP: covered weight, LSCP: sites, p-median: weighted minutes) and
        ``served_weight``/``served_share`` the weight the model assigns to a site (less than
        covered when p-median leaves far demand unserved or capacity runs out).
        """
        out = {
            "tier": self.tier,
            "threshold_min": self.threshold_min,
            "before_share": self.before_share,
            "after_share": self.after_share,
            "proposed": int(len(self.proposed)),
            "added_weight": self.added_weight,
        }
        s = self.model.summary()
        s.pop("selected", None)
        s["served_weight"] = s.pop("covered_weight", np.nan)
        s["served_share"] = s.pop("covered_share", np.nan)
        s["covered_weight"] = self.covered_weight
        s["covered_share"] = self.after_share
        return {**out, **s, **self.info}


def propose(
    times: sparse.csr_matrix,
    weights: np.ndarray,
    sites: gpd.GeoDataFrame,
    *,
    model: Model = "mclp",
    k: int | None = None,
    target: float | None = None,
    threshold_min: float = settings.threshold_min,
    capacity: np.ndarray | None = None,
    backup_weight: float = 0.0,
    method: Literal["milp", "greedy"] = "milp",
    time_limit: float | None = 120.0,
    mip_rel_gap: float = 0.005,
    tier: str = "point",
    curve: bool = True,
    cover_limit: float | None = None,
) -> Plan:
    """Choose new sites among ``sites`` (rows of ``times``).

    ``sites.role`` says which rows are already built (``existing``: counted as open) and which
    may not be chosen (``excluded``). ``model``: ``mclp`` (``k`` sites, most weight covered),
    ``lscp`` (fewest sites to cover ``target`` of the weight), ``backup`` (``k`` sites, most weight
    covered twice) or ``pmedian`` (``k`` sites, least weighted walking time).

    ``threshold_min`` is the new sites' walking threshold. When rows were already cut to their
    own limits (existing facilities of other tiers, see :func:`within_row_limits`), pass the
    largest stored time as ``cover_limit``: every stored pair then counts as covering.

    The proposed sites come ranked, with ``gain`` (workers each site newly covers, in rank
    order: :func:`covered_gains`, for every model) and ``cumulative_share``; p-median sites also
    carry ``time_saved`` (the weighted minutes each saves, the model's own gain), backup and
    capacitated models ``objective_gain``.
    """
    role = (
        sites["role"].astype(str).to_numpy()
        if "role" in sites
        else np.full(len(sites), "candidate")
    )
    existing = np.flatnonzero(role == "existing")
    excluded = np.flatnonzero(role == "excluded")
    limit = threshold_min if cover_limit is None else max(cover_limit, threshold_min)
    common = {"threshold": limit, "existing": existing, "excluded": excluded}
    if model == "lscp":
        if target is None:
            raise ValueError("LSCP needs a target share (e.g. 0.95)")
        m = siting.LSCP.from_cost_matrix(times, weights, target, **common)
    else:
        if k is None:
            raise ValueError(f"{model} needs a number of new sites (k)")
        if model == "mclp":
            m = siting.MCLP.from_cost_matrix(
                times, weights, k, capacity=capacity, backup_weight=backup_weight, **common
            )
        elif model == "backup":
            m = siting.BackupCoverage.from_cost_matrix(
                times, weights, k, primary_weight=1.0, **common
            )
        elif model == "pmedian":
            m = siting.PMedian.from_cost_matrix(
                times, weights, k, capacity=capacity, unreachable_penalty=2 * threshold_min,
                **common,
            )  # fmt: skip
        else:
            raise ValueError(f"unknown model {model!r}")
    m.solve(method, time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    info: dict[str, Any] = {}
    if model == "mclp" and capacity is None and len(m.selected) > 1:
        # MCLP maximises coverage, not thrift: when k is more than enough it may spend more
        # sites than needed. If it covers every coverable worker, ask LSCP for the fewest.
        reachable = m.problem.total_weight - m.uncoverable_weight
        if m.covered_weight >= reachable - 1e-9 * max(1.0, reachable) and m.covered_share > 0:
            fewest = siting.LSCP.from_cost_matrix(times, weights, m.covered_share, **common)
            fewest.solve(method, time_limit=time_limit, mip_rel_gap=mip_rel_gap)
            if len(fewest.selected) < len(
                m.selected
            ) and fewest.covered_weight >= m.covered_weight - 1e-9 * max(1.0, reachable):
                info["mclp_sites"] = len(m.selected)
                info["note"] = (
                    f"{len(m.selected)} sites from MCLP reach every coverable worker; "
                    f"{len(fewest.selected)} suffice (set covering), so those are proposed"
                )
                m = fewest
    before = siting.MCLP.from_cost_matrix(times, weights, 0, **common).solve("greedy")
    gain = covered_gains(m.problem, m.selected)
    after_count = m.problem.counts(np.union1d(existing, m.selected))
    total = float(np.sum(weights))
    covered_after = float(np.sum(weights[after_count > 0]))
    after = covered_after / total if total > 0 else np.nan
    prop = sites.iloc[m.selected].copy()
    prop.insert(0, "rank", np.arange(1, len(m.selected) + 1))
    prop["gain"] = gain
    if model == "pmedian":
        prop["time_saved"] = m.gains  # the model's own currency: worker-minutes
    elif model == "backup" or backup_weight > 0 or capacity is not None:
        prop["objective_gain"] = m.gains  # twice-covered or capacity-served weight
    prop["tier"] = tier
    prop["cumulative_share"] = (before.covered_weight + np.cumsum(gain)) / total
    prop["site_row"] = m.selected
    crv = None
    if curve and model != "pmedian" and len(m.selected):
        crv = siting.coverage_curve(m)
    return Plan(
        tier=tier,
        model=m,
        proposed=prop.reset_index(drop=True),
        curve=crv,
        before_share=before.covered_share,
        after_share=after,
        threshold_min=threshold_min,
        info=info,
        covered_weight=covered_after,
        added_weight=float(gain.sum()),
    )


def covered_gains(problem: Any, selected: np.ndarray) -> np.ndarray:
    """Workers each new site covers that nothing before it did, in the order given.

    The covered-worker gain whatever the model optimised: a demand point counts once, when the
    first open site (existing ones included) reaches it within the problem's threshold. The sum
    is the covered weight after the plan minus the covered weight before it.

    Parameters
    ----------
    problem
        The model's problem (``model.problem``): ``reach`` (sites × demand within the threshold),
        ``weights`` and ``existing`` rows.
    selected
        Rows of the new sites, in the order they are reported.

    Returns
    -------
    numpy.ndarray
        Newly covered weight per site (float, ≥ 0).
    """
    reach, w = problem.reach, problem.weights
    covered = problem.counts(problem.existing) > 0
    out = np.zeros(len(selected))
    for i, j in enumerate(np.asarray(selected, dtype=np.int64)):
        hit = reach.indices[reach.indptr[j] : reach.indptr[j + 1]]
        fresh = hit[~covered[hit]]
        out[i] = float(w[fresh].sum())
        covered[fresh] = True
    return out


def staged_plan(
    times_by_tier: dict[str, sparse.csr_matrix],
    weights: np.ndarray,
    sites: gpd.GeoDataFrame,
    stages: Sequence[tuple[str, Model, int | None, float | None]],
    thresholds: dict[str, float],
    **kwargs: Any,
) -> list[Plan]:
    """Run the tiers in order; each stage's proposed sites count as existing for the next.

    ``stages`` lists ``(tier, model, k, target)``, e.g. ``[("subcentre", "pmedian", 3, None),
    ("point", "mclp", 50, None)]``. ``times_by_tier`` holds each tier's site × demand times
    (computed with that tier's threshold).
    """
    plans = []
    role = (
        sites["role"].astype(str).to_numpy().copy()
        if "role" in sites
        else np.full(len(sites), "candidate")
    )
    built: list[tuple[str, np.ndarray]] = []  # sites chosen so far, with their tier
    for tier, model, k, target in stages:
        s = sites.assign(role=role)
        times = times_by_tier[tier]
        for earlier, rows in built:  # sites built in earlier stages reach as their own tier
            times = _swap_rows(times, times_by_tier[earlier], rows)
        stored = float(times.data.max()) if times.nnz else 0.0
        plan = propose(
            times, weights, s, model=model, k=k, target=target,
            threshold_min=thresholds[tier], tier=tier, cover_limit=stored, **kwargs,
        )  # fmt: skip
        plan.info["requested"] = k if k is not None else np.nan
        role[plan.model.selected] = "existing"
        built.append((tier, plan.model.selected))
        plans.append(plan)
    return plans
