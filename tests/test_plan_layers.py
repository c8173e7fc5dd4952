"""What a plan changes, as layers: newly covered points, sub-districts after it, by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy import sparse

from coverage import plan_layers, planning


def test_newly_covered_is_covered_after_and_not_before():
    before = [True, False, False, True]
    after = [True, True, False, True]
    assert plan_layers.newly_covered(before, after).tolist() == [False, True, False, False]


def _plan():
    """Sites E (built; reaches d0 in 4 min), A (d0 1, d1 8), B (d2 1, d3 1), C (d1 2); MCLP
    with one new site and a 10-minute threshold picks B: d2, d3 (30 + 40) beat A's d1 (20)."""
    times = {0: {0: 4.0}, 1: {0: 1.0, 1: 8.0}, 2: {2: 1.0, 3: 1.0}, 3: {1: 2.0}}
    r = [i for i, row in times.items() for _ in row]
    c = [j for row in times.values() for j in row]
    t = [v for row in times.values() for v in row.values()]
    sites = gpd.GeoDataFrame(
        {"name": list("EABC"), "role": ["existing"] + ["candidate"] * 3},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0], [3, 0]]),
        crs=4326,
    )
    cost = sparse.csr_matrix((t, (r, c)), shape=(4, 4))
    weights = np.array([10.0, 20.0, 30.0, 40.0])
    return planning.propose(cost, weights, sites, k=1, threshold_min=10.0, curve=False)


def test_plan_demand_marks_the_points_only_the_plan_covers():
    plan = _plan()
    assert plan.proposed["name"].tolist() == ["B"]
    # d0 covered before (by E, twice: n_reach 2 before); d3 covered before by something else.
    demand = gpd.GeoDataFrame(
        {"weight": [10.0, 20.0, 30.0, 40.0], "covered": [True, False, False, True],
         "n_reach": [2, 0, 0, 1]},
        geometry=shapely.points([[0, 0]] * 4),
        crs=4326,
    )  # fmt: skip
    after = planning.after_coverage(
        [[2, 3]], demand["weight"], demand["covered"], demand["n_reach"]
    )
    out = plan_layers.plan_demand(demand, plan_layers.nearest_proposed([plan], 4), after)
    assert out["plan_added"].tolist() == [False, False, True, False]  # d3 was covered already
    assert out["covered"].tolist() == [True, False, True, True]
    # The covered keep their own reach; the newly covered count the new site.
    assert out["n_reach"].tolist() == [2, 0, 1, 1]
    # B walks 1 minute to d2 and d3; nothing proposed reaches d0 or d1.
    assert out["plan_min"].tolist() == [np.inf, np.inf, 1.0, 1.0]
    assert demand["covered"].tolist() == [True, False, False, True]  # the input untouched


def test_plan_subdistricts_before_after_added_in_whole_people():
    # Three sub-districts and the outside; added 2.5, 2.5, 0.4 and 0.6 (total 6): largest
    # remainder gives 3, 2, 0, 1 (ties to the earlier part), adding up to 6.
    frame = gpd.GeoDataFrame(
        {"name": ["N", "S", "W"], "note": ["n", "s", "w"], "facilities": [1, 0, 2],
         "demand_points": [3, 2, 1], "weight": [10, 8, 5], "covered_weight": [4, 0, 5],
         "share": [0.41, 0.0, 1.0], "cross_weight": [1, 0, 2], "cross_share": [0.1, 0.0, 0.4],
         "circle_share": [1.0, 1.0, 1.0], "uncovered_points": [2, 2, 0],
         "unreachable_weight": [0, 0, 0]},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)],
        crs=4326,
    )  # fmt: skip
    after = pd.DataFrame(
        {"key": ["N", "S", "W", "(outside)"], "after_share": [0.66, 0.31, 1.0, 0.5],
         "added_weight": [2.5, 2.5, 0.4, 0.6]}
    )  # fmt: skip
    out = plan_layers.plan_subdistricts(frame, after, "name")
    assert list(out.columns) == [
        "name", "note", "geometry", "existing_facilities", "demand_points", "weight",
        "before_weight", "before_share", "after_weight", "after_share", "added_weight",
        "unreachable_weight",
    ]  # fmt: skip
    assert out["existing_facilities"].tolist() == [1, 0, 2]
    assert out["before_weight"].tolist() == [4, 0, 5]
    assert out["added_weight"].tolist() == [3, 2, 0]
    assert out["after_weight"].tolist() == [7, 2, 5]
    assert out["after_share"].tolist() == pytest.approx([0.66, 0.31, 1.0])
    assert out["before_share"].tolist() == pytest.approx([0.41, 0.0, 1.0])


def test_subdistricts_after_adds_whole_people_as_the_map_shows_them():
    # plan.xlsx's by_subdistrict and the plan map's popups show the same added people: whole
    # numbers adding up to the plan's total. Added 2.5, 2.5, 0.4 and 0.6 outside (total 6):
    # largest remainder gives 3, 2, 0, 1 (plain rounding would show 3, 3, 0, 1 in Excel: 7).
    from types import SimpleNamespace

    summary = pd.DataFrame(
        {"scope": "subdistrict", "key": ["N", "S", "W", "(outside)"],
         "demand_points": [2, 1, 1, 1], "weight": [3.0, 2.5, 0.4, 0.6],
         "covered_weight": [0.5, 0.0, 0.0, 0.0], "share": [0.5 / 3, 0.0, 0.0, 0.0]}
    )  # fmt: skip
    demand = pd.DataFrame(
        {"subdistrict": ["N", "N", "S", "W", None], "weight": [0.5, 2.5, 2.5, 0.4, 0.6],
         "covered": [True, False, False, False, False]}
    )  # fmt: skip
    cov = SimpleNamespace(summary=summary, demand=demand)
    out = plan_layers.subdistricts_after(cov, np.ones(5, dtype=bool))
    assert out["key"].tolist() == ["N", "S", "W", "(outside)"]
    assert out["added_weight"].tolist() == [3, 2, 0, 1]
    assert out["after_share"].tolist() == pytest.approx([1.0, 1.0, 1.0, 1.0])
    # The map's popups take these as they are.
    frame = gpd.GeoDataFrame(
        {"name": ["N", "S", "W"], "weight": [3, 3, 0], "covered_weight": [1, 0, 0],
         "share": [0.5 / 3, 0.0, 0.0]},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)],
        crs=4326,
    )  # fmt: skip
    subs = plan_layers.plan_subdistricts(frame, out, "name")
    assert subs["added_weight"].tolist() == [3, 2, 0]


def test_the_people_a_plan_adds_never_exceed_those_left_uncovered():
    # A: 100 people, 60.6 covered before (shown 61 by largest remainder beside B's 40.4); the
    # plan covers A's other 39.4 and 0.3 of B's: 39.7 added, shown as 40. Plain largest
    # remainder gives A 40 (0.4 > 0.3), so A would show 61 + 40 = 101 covered of 100; A has
    # only 39 left to add, so the 40th goes to B: A 100 of 100, B 40 + 1.
    from types import SimpleNamespace

    summary = pd.DataFrame(
        {"scope": ["overall", "subdistrict", "subdistrict"], "key": ["all", "A", "B"],
         "demand_points": [5, 2, 3], "weight": [200.0, 100.0, 100.0],
         "covered_weight": [101.0, 60.6, 40.4], "share": [101 / 200, 0.606, 0.404]}
    )  # fmt: skip
    demand = pd.DataFrame(
        {"subdistrict": ["A", "A", "B", "B", "B"], "weight": [60.6, 39.4, 40.4, 0.3, 59.3],
         "covered": [True, False, True, False, False]}
    )  # fmt: skip
    cov = SimpleNamespace(summary=summary, demand=demand)
    out = plan_layers.subdistricts_after(cov, np.array([True, True, True, True, False]))
    assert out["added_weight"].tolist() == [39, 1]
    frame = gpd.GeoDataFrame(
        {"name": ["A", "B"], "weight": [100, 100], "covered_weight": [61, 40],
         "share": [0.606, 0.404]},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(2)],
        crs=4326,
    )  # fmt: skip
    subs = plan_layers.plan_subdistricts(frame, out, "name")
    assert subs["after_weight"].tolist() == [100, 41]
