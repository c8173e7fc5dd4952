"""Coverage after the plan, as the report shows it: numbers, sites and catchments.

The plan's own numbers, the proposed sites ranked, and their catchments drawn as a "proposed" tier
for the static map.

Nothing is routed again for the numbers (:func:`coverage.planning.plan_coverage`); only the
proposed sites' catchment polygons are drawn, from the run's network handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage import maps
from coverage.i18n import lang_or_default, t
from coverage.summary import OUTSIDE, subdistricts_after

if TYPE_CHECKING:
    from coverage.results import PlanResult, Run

__all__ = ["OUTSIDE", "AfterPlan", "after_plan", "proposed_label", "subdistrict_after"]


def proposed_label(tier: str, lang: str) -> str:
    """Legend label of proposed sites: a free-form tier, so the static map draws them apart."""
    label = maps.tier_label(tier, lang)
    if lang == "en":
        label = label[:1].lower() + label[1:]  # "Proposed service point"
    return t(lang, "report.proposed_tier", tier=label)


@dataclass
class AfterPlan:
    """Coverage with the proposed sites added, under the run's per-tier thresholds.

    ``covered``/``n_reach`` are per demand point (rows of ``run.coverage.demand``);
    ``curve`` has ``k``, ``covered_weight`` and ``covered_share`` after the first k proposed sites
    (:func:`coverage.planning.plan_coverage`, as in ``coverage_curve.csv`` and the plan map);
    ``sites`` are the proposed sites (ranked) with ``added`` (workers newly covered, in that
    order) and ``cumulative_share``; ``tier_catchments`` are the run's plus the new sites'.

    Attributes
    ----------
    covered
        Whether each demand point is covered with the plan.
    n_reach
        Facilities and proposed sites within reach of each demand point.
    curve
        Covered weight and share after the first k proposed sites.
    sites
        The proposed sites, ranked.
    tier_catchments
        Catchments per tier and band, the proposed sites' included, or None.
    bands_min
        The bands drawn, in minutes.
    """

    covered: np.ndarray
    n_reach: np.ndarray
    curve: pd.DataFrame
    sites: gpd.GeoDataFrame
    tier_catchments: gpd.GeoDataFrame | None
    bands_min: list[float]

    @property
    def k(self) -> int:
        """Number of proposed sites."""
        return len(self.sites)


def after_plan(
    run: Run, plan: PlanResult, *, lang: str | None = None, catchments: bool = True
) -> AfterPlan:
    """Coverage after adding the plan's proposed sites to the existing facilities.

    The numbers are the plan's own (:attr:`coverage.planning.PlanRun.after`: the coverage of the
    run it was made from, ``run``, then each proposed site in plan order), so nothing is routed
    again for them. With
    ``catchments`` the new sites' walking catchments (bands up to their tier's threshold, as the
    planner drew them) are shown too, labelled as a "proposed" tier for the static map.

    Parameters
    ----------
    run
        The scenario's run (:func:`coverage.pipeline.run`).
    plan
        A plan for it (:func:`coverage.pipeline.plan`).
    lang
        ``"zh"`` or ``"en"``: the label of the proposed tier (default: the run's scenario's
        ``lang``, which is :data:`coverage.settings.lang` when its file sets none).
    catchments
        Whether to draw the proposed sites' catchments.

    Returns
    -------
    AfterPlan
        Coverage with the plan, its curve, the proposed sites and their catchments.
    """
    lang = lang_or_default(run.scenario.lang if lang is None else lang)
    after = plan.after
    prop = plan.proposed.reset_index(drop=True)
    prop = prop.assign(
        added=after.gains, cumulative_share=after.curve["covered_share"].to_numpy()[1:]
    )
    tc: gpd.GeoDataFrame | None = None
    bands: list[float] = []
    if catchments and len(prop):
        tc, bands = _proposed_catchments(run, plan, lang)
    return AfterPlan(after.covered, after.n_reach, after.curve, prop, tc, bands)


def _proposed_catchments(
    run: Run, plan: PlanResult, lang: str
) -> tuple[gpd.GeoDataFrame, list[float]]:
    """The run's tier catchments plus the proposed sites' (a "proposed" tier each), and bands.

    The bands run up to the new sites' longest threshold, which is always drawn; the planner
    drew the catchments (:attr:`coverage.planning.PlanRun.catchments`), at these bands among
    others.
    """
    thr = max(float(p.threshold_min) for p in plan.plans if len(p.proposed))
    spec = run.scenario.catchment_spec()
    bands = sorted({float(b) for b in spec.bands_min if b < thr} | {thr})
    by_tier = plan.catchments
    if by_tier is not None:  # labelled as a free-form tier, so the static map draws them apart
        by_tier = by_tier[by_tier["band_min"].isin(bands)]
        by_tier = by_tier.assign(tier=[proposed_label(str(t), lang) for t in by_tier["tier"]])
    tc = pd.concat([run.tier_catchments, by_tier], ignore_index=True)
    return gpd.GeoDataFrame(tc, geometry="geometry", crs=4326), bands


def subdistrict_after(run: Run, after: AfterPlan) -> pd.Series:
    """Share covered after the plan per sub-district (summary keys; empty without them).

    The plan workbook's figures (:func:`coverage.summary.subdistricts_after`).
    """
    table = subdistricts_after(run.coverage, after.covered)
    if "after_share" not in table:
        return pd.Series(dtype=float)
    return table.set_index("key")["after_share"].rename(None)
