"""What a plan changes, as layers: demand and sub-districts after it, its sites' catchments.

The plan map (:func:`coverage.export_maps.write_plan_map`) and the plan workbook (``plan.xlsx``,
sheet ``by_subdistrict``) show the situation with the plan from the numbers the plan already
has (:func:`coverage.planning.plan_coverage`): nothing is routed again, except the proposed
sites' catchment outlines (:func:`proposed_catchments`, a fraction of a second for tens of
sites).

* :func:`newly_covered`: demand points covered only thanks to the plan;
* :func:`plan_demand`: the run's demand points with coverage after the plan, the points the
  plan newly covers (``plan_added``) and their walk to the nearest proposed site (``plan_min``);
* :func:`subdistricts_after` (from :mod:`coverage.summary`): per sub-district, the share
  before and after and the workers added (the workbook's sheet);
* :func:`plan_subdistricts`: the same on the sub-district polygons for the map's popups, people
  as whole numbers that add up (:mod:`coverage.counts`);
* :func:`proposed_catchments`: the proposed sites' walking catchments at their tier's threshold
  or at given bands (drawn once per plan, :attr:`coverage.planning.PlanRun.catchments`, for the
  plan map and the report's figure), and :func:`at_own_thresholds` the plan map's bands;
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from coverage.catchment_layers import catchments_for
from coverage.counts import whole_parts
from coverage.summary import subdistricts_after

if TYPE_CHECKING:
    from coverage.planning import AfterCoverage, Plan
    from coverage.results import PlanStage, Run

__all__ = [
    "PLAN_SUBDISTRICT_COLUMNS",
    "at_own_thresholds",
    "nearest_proposed",
    "newly_covered",
    "plan_demand",
    "plan_subdistricts",
    "proposed_catchments",
    "subdistricts_after",
]

#: Sub-district summary columns the plan map's popups show (after the boundary file's own):
#: the existing facilities (the summary's ``facilities``, named so: the proposed sites are not
#: among them), people covered before, after and added by the plan. The run's other figures (cross
#: coverage, the 1 km circle, points left uncovered) describe the situation before the plan
#: and are left to the run's own map.
PLAN_SUBDISTRICT_COLUMNS: tuple[str, ...] = (
    "existing_facilities",
    "demand_points",
    "weight",
    "before_weight",
    "before_share",
    "after_weight",
    "after_share",
    "added_weight",
    "unreachable_weight",
)

#: Summary columns the plan map's sub-district popups leave out (see above), and with
#: :data:`PLAN_SUBDISTRICT_COLUMNS` every column the summary merges onto the polygons (the
#: others are the boundary file's own).
_BEFORE_ONLY = ("covered_weight", "share", "cross_weight", "cross_share", "circle_share")
_SUMMARY_COLUMNS = frozenset(
    PLAN_SUBDISTRICT_COLUMNS + _BEFORE_ONLY + ("facilities", "uncovered_points")
)


def newly_covered(covered_before: ArrayLike, covered_after: ArrayLike) -> np.ndarray:
    """Per demand point: covered after the plan but not before it (only thanks to the plan)."""
    out: np.ndarray = np.asarray(covered_after, dtype=bool) & ~np.asarray(covered_before, bool)
    return out


def nearest_proposed(plans: Sequence[Plan], n_demand: int) -> np.ndarray:
    """Minutes from each demand point to the nearest proposed site within its reach (else inf).

    Read from the stages' own site × demand times (each site within its tier's threshold), so
    a point the plan covers has a finite time, at most that threshold.
    """
    best = np.full(n_demand, np.inf)
    for p in plans:
        if len(p.model.selected):
            times, _ = p.model.problem.nearest(p.model.selected)
            best = np.fmin(best, times)
    return best


def plan_demand(
    demand: gpd.GeoDataFrame,
    plan_min: ArrayLike,
    after: AfterCoverage,
    walks: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The run's demand points as the plan map draws them: coverage after the plan.

    ``covered`` becomes coverage after the plan; ``plan_added`` marks the points covered only
    thanks to the plan (:func:`newly_covered`) and ``plan_min`` is each point's walk to the
    nearest proposed site reaching it (:func:`nearest_proposed`, as
    :attr:`coverage.planning.PlanRun.plan_min`). The points covered before keep their own
    ``n_reach`` (the run's map's classes, one facility or two or more); the newly covered get the
    proposed sites reaching them. With ``walks``, the demand after the plan
    (:func:`coverage.planning.demand_after`, same rows), its ``nearest_min`` and ``t_<tier>``
    replace the run's: a popup's walks and the minutes beyond the standard of the points left
    uncovered are then those with the proposed sites open, as the plan workbook says.
    """
    before = demand["covered"].fillna(False).to_numpy(dtype=bool)
    added = newly_covered(before, after.covered)
    n_reach = demand["n_reach"].fillna(0).to_numpy(dtype=np.int64)
    out = demand.copy()
    if walks is not None:
        for col in walks.columns:
            if col == "nearest_min" or (isinstance(col, str) and col.startswith("t_")):
                out[col] = walks[col].to_numpy(dtype=float)
    out["covered"] = np.asarray(after.covered, dtype=bool)
    out["n_reach"] = np.where(added, after.n_reach, n_reach)
    out["plan_added"] = added
    out["plan_min"] = np.asarray(plan_min, dtype=float)
    return out


def plan_subdistricts(
    frame: gpd.GeoDataFrame, after: pd.DataFrame, name_field: str
) -> gpd.GeoDataFrame:
    """The sub-district polygons with the people covered before, after and added by the plan.

    Parameters
    ----------
    frame
        The run map's sub-district layer: polygons with the summary merged on ``name_field``,
        ``weight`` and ``covered_weight`` already whole numbers that add up to the report's
        totals (``coverage.run_layers.subdistrict_layer(run, shown=True)``).
    after
        :func:`subdistricts_after` of the plan (``key``, ``before_share``, ``after_share``,
        ``added_weight``; the ``(outside)`` row too).
    name_field
        The sub-district name column of ``frame``.

    Returns
    -------
    geopandas.GeoDataFrame
        ``frame``'s own columns, then :data:`PLAN_SUBDISTRICT_COLUMNS`: ``existing_facilities``
        is the summary's ``facilities``; ``before_weight`` is
        the run's covered people as the run's map shows them; ``added_weight`` the people the
        plan adds, whole numbers adding up to the plan's total (largest remainder: the
        workbook's figures when ``after`` is :func:`subdistricts_after`); ``after_weight``
        their sum; the shares are the workbook's.
    """
    added = np.zeros(len(after))
    if "added_weight" in after:
        added = pd.to_numeric(after["added_weight"], errors="coerce").to_numpy(dtype=float)
    shares = after["after_share"] if "after_share" in after else np.full(len(after), np.nan)
    by_key = pd.DataFrame(
        {
            "after_share": np.asarray(shares, dtype=float),
            "added_weight": whole_parts(added, round(float(np.nansum(added)))),
        },
        index=after["key"].astype(str).to_numpy(),
    )
    keys = frame[name_field].astype(str)
    out = frame.copy()
    if "facilities" in out:
        out["existing_facilities"] = out["facilities"]
    out["before_weight"] = out["covered_weight"]
    out["before_share"] = out["share"]
    out["added_weight"] = keys.map(by_key["added_weight"]).to_numpy()
    out["after_weight"] = out["before_weight"] + out["added_weight"]
    out["after_share"] = keys.map(by_key["after_share"]).to_numpy()
    own = [c for c in frame.columns if c not in _SUMMARY_COLUMNS]
    shown = [c for c in PLAN_SUBDISTRICT_COLUMNS if c in out]
    return gpd.GeoDataFrame(out[own + shown], geometry=frame.geometry.name, crs=frame.crs)


def proposed_catchments(
    run: Run, plans: Sequence[Plan], bands_min: Sequence[float] | None = None
) -> gpd.GeoDataFrame | None:
    """The proposed sites' walking catchments, one polygon per stage's tier and band (WGS-84).

    Each stage's sites are drawn on the run's network as the scenario draws catchments, at
    ``bands_min`` or, without them, at the stage's own threshold (the one its model counted
    them to cover with); ``tier`` and ``band_min`` say which. The plan map draws the latter,
    the report's figure the former under its own labels. None without proposed sites.
    """
    s = run.scenario
    spec, walk = s.catchment_spec(), s.walk_model()
    parts = []
    for p in plans:
        if not len(p.proposed):
            continue
        sites = gpd.GeoDataFrame(
            {"tier": [p.tier] * len(p.proposed)}, geometry=p.proposed.geometry.values, crs=4326
        )
        bands = [float(p.threshold_min)] if bands_min is None else [float(b) for b in bands_min]
        _, by_tier = catchments_for(
            run.network, sites, spec.with_(bands_min=bands), max_snap_m=walk.max_snap_m
        )
        parts.append(by_tier)
    if not parts:
        return None
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326)


def at_own_thresholds(
    catchments: gpd.GeoDataFrame | None, plans: Sequence[PlanStage]
) -> gpd.GeoDataFrame | None:
    """The proposed sites' catchments (:func:`proposed_catchments`), each stage's at its threshold.

    The plan map draws a stage's sites at the threshold its model counted them to cover with;
    the plan's catchments (:attr:`coverage.planning.PlanRun.catchments`) hold other bands too.
    """
    if catchments is None:
        return None
    own = {(p.tier, float(p.threshold_min)) for p in plans if len(p.proposed)}
    keys = zip(catchments["tier"].astype(str), catchments["band_min"].astype(float), strict=True)
    keep = [key in own for key in keys]
    return gpd.GeoDataFrame(catchments[keep].reset_index(drop=True), geometry="geometry", crs=4326)
