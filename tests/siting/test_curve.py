"""coverage_curve: diminishing returns of greedy covering."""

from __future__ import annotations

import numpy as np
import pytest

from coverage.siting import MCLP, coverage_curve

from .cases import random_instance


def test_coverage_curve_diminishing_returns():
    cost, w, _ = random_instance(1, n_c=9, n_d=25)
    df = coverage_curve(cost, w, [0, 1, 2, 3, 20])
    assert df["k"].tolist() == [0, 1, 2, 3, 20]
    assert df["covered_weight"].is_monotonic_increasing
    gains = df["gain"].to_numpy()[1:4]
    assert (np.diff(gains) <= 1e-9).all()  # greedy gains never rise
    m = MCLP.from_cost_matrix(cost, w, 3).solve("greedy")
    assert df["covered_weight"].iloc[3] == pytest.approx(m.objective)
    curve = coverage_curve(m)
    assert curve["covered_weight"].tolist() == pytest.approx(m.curve.tolist())


def test_curve_rows_are_the_nested_greedy_plans_whatever_ks():
    # Sites A {d1-d4}, B {d0-d2}, C {d3-d5}, every demand point weighing 1. Greedy takes A (4),
    # then B or C (+1): 4, 5, 6. The best pair is B + C (6), so a 2-site MCLP whose swaps find
    # it would start the curve at B (3): asking for ks = [0, 1, 2] gave 0, 3, 6 instead.
    reach = {0: [1, 2, 3, 4], 1: [0, 1, 2], 2: [3, 4, 5]}
    cost = np.full((3, 6), np.nan)
    for site, demand in reach.items():
        cost[site, demand] = 5.0
    w = np.ones(6)
    short = coverage_curve(cost, w, [0, 1, 2], threshold=10.0)
    assert short["covered_weight"].tolist() == [0.0, 4.0, 5.0]
    assert short["site"].tolist()[:2] == [-1, 0]
    whole = coverage_curve(cost, w, threshold=10.0)
    assert whole["covered_weight"].tolist() == [0.0, 4.0, 5.0, 6.0]
    with pytest.raises(ValueError, match=r"ks must be whole numbers of sites >= 0"):
        coverage_curve(cost, w, [0, -1], threshold=10.0)
