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
    assert m.method == m.summary()["method"] == "greedy"  # what ran, not what was asked


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


# --- the strengthened backup formulation ---------------------------------------------------------


def original_backup(dense, w, k, a, b, existing=(), excluded=(), relax=False):
    """The original backup MILP (or its LP), written out whole and solved by HiGHS via scipy:
    max a·Σ w y1 + b·Σ w y2, y1 <= e + Σx, 2·y2 <= e + Σx, Σx <= k, all 0/1 (x fixed for
    existing and excluded sites, which k does not count)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    cover = (dense <= 15.0).astype(float).T  # demand × sites
    m, n = cover.shape
    ex, no = set(existing), set(excluded)
    lo = np.array([1.0 if j in ex else 0.0 for j in range(n)] + [0.0] * 2 * m)
    hi = np.array([0.0 if j in no else 1.0 for j in range(n)] + [1.0] * 2 * m)
    budget = np.concatenate([[0.0 if j in ex else 1.0 for j in range(n)], np.zeros(2 * m)])
    once = np.hstack([-cover, np.eye(m), np.zeros((m, m))])
    twice = np.hstack([-cover, np.zeros((m, m)), 2 * np.eye(m)])
    cons = [
        LinearConstraint(budget[None], -np.inf, k),
        LinearConstraint(np.vstack([once, twice]), -np.inf, 0.0),
    ]
    c = -np.concatenate([np.zeros(n), a * w, b * w])
    res = milp(c, constraints=cons, bounds=Bounds(lo, hi), integrality=0 if relax else 1)
    assert res.status == 0
    return -res.fun


def test_hand_backup_strengthened_lp_is_tighter():
    # One demand point (weight 1), two sites both covering it, k = 1, primary weight 1. The
    # original LP opens x = 1 (one site) and credits y1 = 1, y2 = 1/2: 1.5. The strengthened
    # rows y1 + y2 <= Σx = 1 allow only 1, the true optimum (one site covers it once).
    dense = np.array([[1.0], [2.0]])
    w = np.array([1.0])
    assert original_backup(dense, w, 1, 1.0, 1.0, relax=True) == pytest.approx(1.5)
    cost = sparse.csr_matrix(dense)
    model = BackupCoverage.from_cost_matrix(cost, w, 1, primary_weight=1.0)
    assert lp_value(model) == pytest.approx(1.0)
    assert model.solve(mip_rel_gap=0).objective == pytest.approx(1.0)


def lp_value(model):
    """LP relaxation of the MILP `_cover_milp` builds for ``model`` (captured, then relaxed)."""
    from scipy.optimize import linprog

    from coverage.siting import covering

    seen = []

    def capture(mip, opts, warm):
        seen.append(mip)
        return real(mip, opts, warm)

    real = covering._run_highs
    covering._run_highs = capture
    try:
        model.solve("milp", mip_rel_gap=0)
    finally:
        covering._run_highs = real
    if not seen:  # solved without HiGHS (greedy proven optimal): the LP is not needed
        return None
    mip = seen[0]
    a = sparse.csr_matrix(mip.a)
    finite_hi, finite_lo = np.isfinite(mip.row_upper), np.isfinite(mip.row_lower)
    a_ub = sparse.vstack([a[finite_hi], -a[finite_lo]])
    b_ub = np.concatenate([mip.row_upper[finite_hi], -mip.row_lower[finite_lo]])
    res = linprog(-mip.cost, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    return -res.fun + mip.offset


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_backup_strengthened_matches_original_milp(seed, alpha):
    # Mid-size random instances; odd seeds with an existing and an excluded site.
    cost, w, dense = random_instance(seed, n_c=18, n_d=70, density=0.2)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    k = 2 + seed % 3
    expected = original_backup(dense, w, k, alpha, 1.0, ex, no)
    model = BackupCoverage.from_cost_matrix(
        cost, w, k, existing=ex, excluded=no, primary_weight=alpha
    )
    m = model.solve(mip_rel_gap=0)
    assert close(m.objective, expected)
    assert m.status == "optimal"
    lp = lp_value(
        BackupCoverage.from_cost_matrix(cost, w, k, existing=ex, excluded=no, primary_weight=alpha)
    )
    assert lp is not None  # HiGHS ran: greedy alone is not proven optimal on these
    old_lp = original_backup(dense, w, k, alpha, 1.0, ex, no, True)
    # Valid (never below the optimum) and strictly tighter than the original LP here.
    assert expected - 1e-7 <= lp < old_lp - 1e-6
