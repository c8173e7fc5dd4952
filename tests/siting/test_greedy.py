"""Lazy greedy against the exact optimum: never better, and its bounds hold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.siting import MCLP

from .cases import brute_cover, close, random_instance


@given(seed=st.integers(0, 10_000), k=st.integers(1, 5))
@settings(max_examples=25, deadline=None)
def test_greedy_never_beats_milp_and_bounds_hold(seed, k):
    cost, w, _ = random_instance(seed, n_c=9, n_d=25, density=0.3)
    exact = MCLP.from_cost_matrix(cost, w, k).solve(mip_rel_gap=0)
    greedy = MCLP.from_cost_matrix(cost, w, k).solve("greedy")
    assert greedy.objective <= exact.objective + 1e-9
    assert greedy.bound >= exact.objective - 1e-9
    assert exact.objective <= exact.bound + 1e-7
    assert greedy.gap == pytest.approx((greedy.bound - greedy.objective) / greedy.objective)
    # the greedy order gains add up to the covered weight
    assert greedy.curve[-1] == pytest.approx(greedy.covered_weight)


@pytest.mark.parametrize("seed", range(8))
def test_greedy_with_swaps_never_beats_the_optimum(seed):
    cost, w, dense = random_instance(seed, n_c=9, n_d=20)
    for k in (2, 3):
        best = brute_cover(dense, w, k)
        g = MCLP.from_cost_matrix(cost, w, k).solve("greedy")
        assert g.objective <= best + 1e-9 <= g.bound + 2e-9
        assert close(g.covered_weight, g.objective)
