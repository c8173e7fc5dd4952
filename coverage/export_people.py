"""People in whole numbers in the written tables, as the report and the maps show them.

Demand weights are fractional (a WorldPop cell holds 12.37 people). The report and the maps
show whole people that add up (:mod:`coverage.counts`); the tables and workbooks
:mod:`coverage.export` writes give each demand point, sub-district and proposed site the
whole people that add up to those same figures, so a pivot table over a workbook finds what
the report says.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from coverage import analysis
from coverage.counts import shown_counts, shown_parts, whole_point_people
from coverage.summary import OUTSIDE

__all__ = ["demand_people", "people_after_plan", "shown_curve"]


def demand_people(
    weights: Any, covered: Any, shown: pd.DataFrame | None = None, demand: Any = None
) -> np.ndarray:
    """``weights`` in whole people adding up as the summary shows them.

    A WorldPop cell holds 12.37 people: rounded one by one, the sample's demand table summed to
    455,239 people under the 455,183 the summary, map and report show. The covered rows add up
    to the covered people shown, the others to the total shown less those; with ``shown``
    (:func:`coverage.counts.shown_counts`' frame) the rows of each demand kind and of each
    sub-district of ``demand`` too (pooled, the sample's 新华街道 rows summed to 45,038 people
    beside the report's 45,023): :func:`coverage.counts.whole_point_people`.

    Parameters
    ----------
    weights, covered
        Each demand point's exact people, and whether it is covered.
    shown
        The whole people shown per (``scope``, ``key``); None: covered and not only.
    demand
        The demand table, for each point's ``kind`` and ``subdistrict``.

    Returns
    -------
    numpy.ndarray
        Whole people, one per point.
    """
    groups: dict[str, np.ndarray] = {}
    if demand is not None and "kind" in demand:
        groups["kind"] = demand["kind"].fillna("").astype(str).to_numpy()
    if demand is not None and "subdistrict" in demand:
        names = demand["subdistrict"].fillna("").astype(str).to_numpy()
        groups["subdistrict"] = np.where(names == "", OUTSIDE, names)
    return whole_point_people(weights, covered, shown, groups)


def people_after_plan(
    cov: analysis.Coverage, covered: np.ndarray, subdistricts: pd.DataFrame
) -> pd.DataFrame:
    """People covered and not after a plan, per demand kind and sub-district, as shown.

    Like :func:`coverage.counts.shown_counts`; a sub-district's covered people are those
    covered before plus those the plan adds there, as the plan map's popups and the plan
    workbook show them (``subdistricts``: :func:`coverage.summary.subdistricts_after`).

    Parameters
    ----------
    cov
        The run's coverage.
    covered
        Per demand point: covered after the plan.
    subdistricts
        The plan's sub-district table, with ``added_weight``.

    Returns
    -------
    pandas.DataFrame
        ``weight``, ``covered`` and ``uncovered`` per (``scope``, ``key``).
    """
    d = cov.demand
    w = d["weight"].to_numpy(dtype=float)
    rows = [("overall", "all", w.sum(), w[covered].sum())]
    kinds = d["kind"].fillna("").astype(str).to_numpy() if "kind" in d else np.array([])
    for k in sorted(set(kinds) - {""}):
        m = kinds == k
        rows.append(("kind", k, w[m].sum(), w[m & covered].sum()))
    frame = pd.DataFrame(rows, columns=["scope", "key", "weight", "covered_weight"])
    out = shown_counts(frame)
    if "added_weight" in subdistricts and len(subdistricts):
        before = shown_counts(cov.summary).xs("subdistrict", level="scope", drop_level=False)
        got = before["covered"].to_numpy() + subdistricts["added_weight"].to_numpy(np.int64)
        after = pd.DataFrame(
            {"weight": before["weight"], "covered": got, "uncovered": before["weight"] - got},
            index=before.index,
        )
        out = pd.concat([out, after])
    return out


def shown_curve(curve: pd.DataFrame) -> pd.DataFrame:
    """The coverage curve in whole people as the proposed sites' table shows them.

    Each site's gain is :func:`coverage.counts.shown_parts` of the gains, as in
    ``proposed_sites.csv``, the console and the report; the people covered climb from those
    before the plan by exactly those gains. Rounded alone, the sample's 8th site added 636
    people in the sites' table and 452,326 - 451,689 = 637 in the curve.

    Parameters
    ----------
    curve
        The plan's curve (:attr:`coverage.planning.AfterCoverage.curve`).

    Returns
    -------
    pandas.DataFrame
        A copy, ``gain`` and ``covered_weight`` in whole people; shares left exact.
    """
    out = curve.copy()
    if not len(out) or not {"gain", "covered_weight"} <= set(out.columns):
        return out
    gains = shown_parts(out["gain"].to_numpy(dtype=float)[1:])  # row 0: before the plan
    out["gain"] = np.r_[0, gains]
    out["covered_weight"] = round(float(out["covered_weight"].iloc[0])) + np.cumsum(out["gain"])
    return out
