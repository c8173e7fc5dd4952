"""Maximal covering (MCLP) and backup coverage: by hand, against brute force, swaps."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from coverage.siting import MCLP, BackupCoverage, coverage_curve

from .cases import HAND_W, brute_cover, close, hand_cost, random_instance, random_sets


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_hand_mclp(method):
    # Cover sets within 15 min: c0 {d0,d1}=30, c1 {d1,d2}=50, c2 {d3,d4}=20, c3 {d0,d5}=50.
    # k=2: c1+c3 = 20+30+10+40 = 100 beats c2+c3 = 70, c1+c2 = 70, c0+c3 = 70, c0+c1 = 60.
    m = MCLP.from_cost_matrix(hand_cost(), HAND_W, 2).solve(method)
    assert set(m.selected) == {1, 3}
    assert m.objective == pytest.approx(100)
    assert m.gains.tolist() == [50.0, 50.0]
    assert m.curve.tolist() == [0.0, 50.0, 100.0]
    assert m.covered_share == pytest.approx(100 / 120)
    assert m.covered.tolist() == [True, True, True, False, False, True]
    assert m.coverage_count.tolist() == [1, 1, 1, 0, 0, 1]
    if method == "milp":
        assert m.status == "optimal" and m.gap == 0.0


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 3])
def test_mclp_brute_force(seed, k):
    cost, w, dense = random_instance(seed)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    expected = brute_cover(dense, w, k, existing=ex, excluded=no)
    m = MCLP.from_cost_matrix(cost, w, k, existing=ex, excluded=no).solve()
    assert close(m.objective, expected)
    assert close(m.covered_weight, expected)
    assert len(m.selected) <= k and not set(m.selected) & set(ex + no)
    g = MCLP.from_cost_matrix(cost, w, k, existing=ex, excluded=no).solve("greedy")
    assert g.objective <= expected + 1e-9
    assert g.bound >= expected - 1e-9
    assert g.bound <= w.sum() + 1e-9  # never above covering everyone
    assert m.objective <= m.bound + 1e-7


@pytest.mark.parametrize("seed", range(6))
def test_mclp_backup_weight_brute_force(seed):
    cost, w, dense = random_instance(seed)
    expected = brute_cover(dense, w, 3, b=1e-3)
    m = MCLP.from_cost_matrix(cost, w, 3, backup_weight=1e-3).solve(mip_rel_gap=0)
    assert m.objective == pytest.approx(expected, abs=1e-7)
    assert m.covered_weight == pytest.approx(brute_cover(dense, w, 3))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [2, 3])
def test_backup_brute_force(seed, k):
    cost, w, dense = random_instance(seed, density=0.45)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    expected = brute_cover(dense, w, k, a=0.0, b=1.0, existing=ex, excluded=no)
    m = BackupCoverage.from_cost_matrix(cost, w, k, existing=ex, excluded=no).solve()
    assert close(m.objective, expected)
    assert close(m.backup_covered_weight, expected)
    g = BackupCoverage.from_cost_matrix(cost, w, k, existing=ex, excluded=no).solve("greedy")
    assert g.objective == pytest.approx(g.backup_covered_weight)  # true value, not surrogate
    assert g.objective <= expected + 1e-9 <= g.bound + 2e-9
    # weighted with primary coverage
    expected = brute_cover(dense, w, k, a=0.5, b=1.0, existing=ex, excluded=no)
    m = BackupCoverage.from_cost_matrix(
        cost, w, k, existing=ex, excluded=no, primary_weight=0.5
    ).solve()
    assert close(m.objective, expected)


def test_swaps_escape_the_greedy_trap():
    """Sets A = {0,1,2}, B = {3,4,5}, M = {1,2,4,5}, unit weights, k = 2. Greedy takes M (4) and
    then A or B (+1) = 5; the optimum A + B = 6. One swap (M out, the other in) finds it."""
    rows = {0: [0, 1, 2], 1: [3, 4, 5], 2: [1, 2, 4, 5]}  # A, B, M
    r = [i for i, cols in rows.items() for _ in cols]
    c = [j for cols in rows.values() for j in cols]
    cost = sparse.csr_matrix((np.full(len(r), 5.0), (r, c)), shape=(3, 6))
    w = np.ones(6)
    g = MCLP.from_cost_matrix(cost, w, 2).solve("greedy")
    assert g.objective == 6 and sorted(g.selected) == [0, 1]
    # Bound: after M, level 4 + the two largest gains (1 + 1) = 6, so 6 is proven optimal.
    assert g.bound == 6 and g.gap == 0.0


def test_milp_skipped_when_greedy_is_proven_close_enough():
    # Two disjoint sites, k = 2: greedy is optimal and its bound proves it, so HiGHS never runs.
    cost = sparse.csr_matrix(np.array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 1.0]]))
    m = MCLP.from_cost_matrix(cost, np.ones(4), 2).solve("milp")
    assert m.status == "optimal" and m.gap == 0.0 and np.isnan(m.solver_bound)
    assert "proven within mip_rel_gap" in m.solver_status


def test_default_threshold_is_read_at_call_time(monkeypatch):
    from coverage import settings

    # Site 0 reaches demand 0 in 5 min and demand 1 in 12; site 1 reaches demand 2 in 8.
    cost = np.array([[5.0, 12.0, 30.0], [30.0, 30.0, 8.0]])
    w = np.array([1.0, 2.0, 4.0])
    monkeypatch.setattr(settings, "threshold_min", 15.0)
    assert MCLP.from_cost_matrix(cost, w, 2).solve("greedy").objective == pytest.approx(7.0)
    monkeypatch.setattr(settings, "threshold_min", 10.0)  # demand 1 (12 min) drops out
    assert MCLP.from_cost_matrix(cost, w, 2).solve("greedy").objective == pytest.approx(5.0)
    assert coverage_curve(cost, w, [0, 1, 2])["covered_weight"].tolist() == [0.0, 4.0, 5.0]
