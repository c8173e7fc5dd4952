"""Location models (coverage.siting) against brute force, by hand, and for honest bounds.

Expected optima are computed independently here: by enumerating every k-subset of candidates on
the dense time matrix, and for capacitated models by solving each subset's assignment LP with
scipy's linprog.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from coverage.siting import LSCP, MCLP, BackupCoverage, PMedian, coverage_curve

T = 15.0  # threshold (minutes)


# --- instances and brute force ------------------------------------------------------------------


def random_instance(seed: int, n_c: int = 8, n_d: int = 18, density: float = 0.35):
    """Sparse cost (with some explicit 0.0 times), weights (some zero), and the dense matrix
    with inf for absent pairs."""
    rng = np.random.default_rng(seed)
    mask = rng.random((n_c, n_d)) < density
    times = np.round(rng.uniform(0, 22, (n_c, n_d)), 1)
    times[rng.random((n_c, n_d)) < 0.08] = 0.0
    rows, cols = np.nonzero(mask)
    cost = sparse.csr_matrix((times[rows, cols], (rows, cols)), shape=(n_c, n_d))
    assert cost.nnz == len(rows)  # explicit zeros are stored
    dense = np.full((n_c, n_d), np.inf)
    dense[rows, cols] = times[rows, cols]
    weights = rng.integers(0, 10, n_d).astype(float)
    return cost, weights, dense


def free_sites(n_c, existing=(), excluded=()):
    return [j for j in range(n_c) if j not in set(existing) | set(excluded)]


def counts(dense, sites, thr=T):
    sites = list(sites)
    if not sites:
        return np.zeros(dense.shape[1], dtype=int)
    return (dense[sites] <= thr).sum(axis=0)


def subsets(dense, k, existing=(), excluded=()):
    free = free_sites(dense.shape[0], existing, excluded)
    for combo in itertools.combinations(free, min(k, len(free))):
        yield combo, list(existing) + list(combo)


def brute_cover(dense, w, k, *, a=1.0, b=0.0, existing=(), excluded=()):
    best = -np.inf
    for _, open_ in subsets(dense, k, existing, excluded):
        c = counts(dense, open_)
        best = max(best, a * w[c >= 1].sum() + b * w[c >= 2].sum())
    return best


def brute_lscp(dense, w, target, existing=(), excluded=()):
    free = free_sites(dense.shape[0], existing, excluded)
    for q in range(len(free) + 1):
        for combo in itertools.combinations(free, q):
            c = counts(dense, list(existing) + list(combo))
            if w[c >= 1].sum() >= target * w.sum() - 1e-9:
                return q
    return None


def brute_median(dense, w, p, *, penalty=None, thr=T, existing=(), excluded=()):
    allowed = list(existing) + free_sites(dense.shape[0], existing, excluded)
    d = np.where(dense <= thr, dense, np.inf)
    must = np.isfinite(d[allowed].min(axis=0)) & (w > 0)
    best = np.inf
    for _, open_ in subsets(dense, p, existing, excluded):
        t = d[open_].min(axis=0) if open_ else np.full(dense.shape[1], np.inf)
        if penalty is None:
            if not np.isfinite(t[must]).all():
                continue
            best = min(best, float(np.sum(w[must] * t[must])))
        else:
            best = min(best, float(np.sum(w * np.minimum(t, penalty))))
    return best


def assignment_lp(dense, w, open_, cap, *, median, penalty=None, thr=T):
    """Served weight (covering) or weighted time (p-median, unserved weight at ``penalty``) of
    ``open_`` under capacity, by scipy's linprog over z_ij >= 0 for pairs within ``thr``."""
    pairs = [(i, j) for j in open_ for i in range(dense.shape[1]) if dense[j, i] <= thr]
    n_d, nz = dense.shape[1], len(pairs)
    nv = nz + (n_d if median else 0)  # p-median: u_i = unserved fraction
    dem = np.zeros((n_d, nv))
    for e, (i, _) in enumerate(pairs):
        dem[i, e] = 1.0
    capped = [j for j in open_ if np.isfinite(cap[j])]
    a_cap = np.zeros((len(capped), nv))
    for e, (i, j) in enumerate(pairs):
        if j in capped:
            a_cap[capped.index(j), e] = w[i]
    b_cap = np.array([cap[j] for j in capped])
    if median:
        dem[:, nz:] = np.eye(n_d)
        c = np.concatenate([[w[i] * dense[j, i] for i, j in pairs], penalty * w])
        res = linprog(c, A_ub=a_cap, b_ub=b_cap, A_eq=dem, b_eq=np.ones(n_d), bounds=(0, 1))
        return res.fun
    c = -np.array([w[i] for i, _ in pairs])
    res = linprog(
        c, A_ub=np.vstack([dem, a_cap]), b_ub=np.concatenate([np.ones(n_d), b_cap]), bounds=(0, 1)
    )
    return -res.fun


def brute_capacitated(dense, w, k, cap, *, median, penalty=None, existing=()):
    vals = [
        assignment_lp(dense, w, open_, cap, median=median, penalty=penalty)
        for _, open_ in subsets(dense, k, existing)
    ]
    return min(vals) if median else max(vals)


def close(value, expected, rel=1e-4):
    """Within HiGHS's relative MIP gap (1e-4 by default) of the expected optimum."""
    return abs(value - expected) <= rel * max(abs(expected), 1.0) + 1e-7


# --- a hand-computed instance -------------------------------------------------------------------

#        d0   d1   d2    d3    d4   d5          weights 10, 20, 30, 5, 15, 40 (total 120)
# c0      3   14    .     .     .    .
# c1      .    8  15.0  20.0    .    .          (15.0 is within 15 minutes, 20.0 is not)
# c2      .    .    .    0.0    7  16.0         (0.0: site on top of d3 -> covered)
# c3      9    .    .     .     .    2
HAND = np.array(
    [
        [3, 14, np.inf, np.inf, np.inf, np.inf],
        [np.inf, 8, 15.0, 20.0, np.inf, np.inf],
        [np.inf, np.inf, np.inf, 0.0, 7, 16.0],
        [9, np.inf, np.inf, np.inf, np.inf, 2],
    ]
)
HAND_W = np.array([10.0, 20, 30, 5, 15, 40])


def hand_cost():
    rows, cols = np.nonzero(np.isfinite(HAND))
    return sparse.csr_matrix((HAND[rows, cols], (rows, cols)), shape=HAND.shape)


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


def test_hand_lscp_and_backup():
    # Full cover: d2 only by c1, d3/d4 only by c2, d5 only by c3 -> {1,2,3} (d0 by c3, d1 by c1).
    m = LSCP.from_cost_matrix(hand_cost(), HAND_W, 1.0).solve()
    assert sorted(m.selected) == [1, 2, 3] and m.objective == 3
    assert m.covered_share == 1.0
    # Twice-coverable: d0 (c0, c3) = 10 and d1 (c0, c1) = 20. k=2 -> {c0, c1}: 20.
    # k=3 -> {c0, c1, c3}: 10 + 20 = 30.
    b2 = BackupCoverage.from_cost_matrix(hand_cost(), HAND_W, 2).solve()
    assert sorted(b2.selected) == [0, 1] and b2.objective == pytest.approx(20)
    b3 = BackupCoverage.from_cost_matrix(hand_cost(), HAND_W, 3).solve()
    assert sorted(b3.selected) == [0, 1, 3] and b3.backup_covered_weight == pytest.approx(30)


def test_hand_pmedian_with_penalty():
    # p=2, within 15 min, unserved at 30 min. {c1,c3}:
    #   d0 9*10=90 (c3), d1 8*20=160, d2 15*30=450, d3 30*5=150, d4 30*15=450, d5 2*40=80 -> 1380
    # next best {c2,c3}: 90 + 30*20 + 30*30 + 0 + 7*15 + 80 = 1775.
    m = PMedian.from_cost_matrix(hand_cost(), HAND_W, 2, threshold=T, unreachable_penalty=30)
    m.solve()
    assert sorted(m.selected) == [1, 3]
    assert m.objective == pytest.approx(1380)
    assert m.assignment.tolist() == [3, 1, 1, -1, -1, 3]
    # served weight 10+20+30+40 = 100; time 90+160+450+80 = 780 -> mean 7.8 min
    assert m.covered_weight == pytest.approx(100)
    assert m.mean_time == pytest.approx(7.8)
    assert m.curve[-1] == pytest.approx(1380)


# --- brute force on random instances ------------------------------------------------------------


def random_sets(seed, n_c):
    rng = np.random.default_rng(seed + 1000)
    perm = rng.permutation(n_c)
    return perm[:1].tolist(), perm[1:2].tolist()  # one existing, one excluded


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


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("share", [0.5, 0.8, "max"])
def test_lscp_brute_force(seed, share):
    cost, w, dense = random_instance(seed, density=0.4)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    allowed = ex + free_sites(dense.shape[0], ex, no)
    max_share = w[counts(dense, allowed) >= 1].sum() / w.sum()
    target = max_share if share == "max" else min(share, max_share)
    expected = brute_lscp(dense, w, target, ex, no)
    model = LSCP.from_cost_matrix(cost, w, target, existing=ex, excluded=no)
    assert model.max_share == pytest.approx(max_share)
    m = model.solve()
    assert m.objective == expected == len(m.selected)
    assert m.covered_share >= target - 1e-7
    g = LSCP.from_cost_matrix(cost, w, target, existing=ex, excluded=no).solve("greedy")
    assert g.objective >= expected >= g.bound
    assert g.covered_share >= target - 1e-9


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("penalty", [None, 25.0])
def test_pmedian_brute_force(seed, penalty):
    cost, w, dense = random_instance(seed, density=0.45)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    p = 3
    expected = brute_median(dense, w, p, penalty=penalty, existing=ex, excluded=no)
    model = PMedian.from_cost_matrix(
        cost, w, p, threshold=T, existing=ex, excluded=no, unreachable_penalty=penalty
    )
    if not np.isfinite(expected):
        with pytest.raises(ValueError, match="cannot serve"):
            model.solve()
        return
    m = model.solve()
    assert close(m.objective, expected)
    assert m.curve[-1] == pytest.approx(m.objective, rel=1e-6)
    g = PMedian.from_cost_matrix(
        cost, w, p, threshold=T, existing=ex, excluded=no, unreachable_penalty=penalty
    )
    try:
        g.solve("greedy")
    except ValueError:
        assert penalty is None  # greedy may miss a feasible plan only without a penalty
    else:
        assert g.objective >= expected - 1e-7 and g.bound <= expected + 1e-7


def test_pmedian_threshold_none_uses_all_pairs():
    # p=1 over every stored pair; only c1 reaches d1, d2, d3 together? brute force decides.
    cost, w, dense = random_instance(3, density=0.6)
    expected = brute_median(dense, w, 2, penalty=60.0, thr=np.inf)
    m = PMedian.from_cost_matrix(cost, w, 2, unreachable_penalty=60.0).solve()
    assert close(m.objective, expected)


@pytest.mark.parametrize("seed", range(4))
def test_capacitated_mclp_brute_force(seed):
    cost, w, dense = random_instance(seed, n_c=7, n_d=14, density=0.45)
    rng = np.random.default_rng(seed)
    cap = rng.uniform(5, 25, dense.shape[0])
    cap[0] = np.nan  # uncapacitated
    ex = [1] if seed % 2 else []
    expected = brute_capacitated(dense, w, 2, cap, median=False, existing=ex)
    m = MCLP.from_cost_matrix(cost, w, 2, capacity=cap, existing=ex).solve()
    assert close(m.objective, expected)
    assert m.covered_weight == pytest.approx(m.objective, rel=1e-6)
    # no site serves more than its capacity
    served_by = np.bincount(
        m.assignment[m.assignment >= 0], weights=(w * m.served)[m.assignment >= 0], minlength=7
    )
    assert m.curve[-1] == pytest.approx(m.objective, rel=1e-6)
    g = MCLP.from_cost_matrix(cost, w, 2, capacity=cap, existing=ex).solve("greedy")
    assert g.objective <= expected + 1e-7 <= g.bound + 2e-7
    assert served_by.sum() == pytest.approx(m.covered_weight)


@pytest.mark.parametrize("seed", range(4))
def test_capacitated_pmedian_brute_force(seed):
    cost, w, dense = random_instance(seed, n_c=7, n_d=14, density=0.5)
    rng = np.random.default_rng(seed)
    cap = rng.uniform(10, 40, dense.shape[0])
    ex = [2] if seed % 2 else []
    expected = brute_capacitated(dense, w, 2, cap, median=True, penalty=30.0, existing=ex)
    m = PMedian.from_cost_matrix(
        cost, w, 2, threshold=T, capacity=cap, unreachable_penalty=30.0, existing=ex
    ).solve()
    assert close(m.objective, expected)
    g = PMedian.from_cost_matrix(
        cost, w, 2, threshold=T, capacity=cap, unreachable_penalty=30.0, existing=ex
    ).solve("greedy")
    assert g.objective >= expected - 1e-6 and g.bound <= expected + 1e-6


def test_capacity_integral_by_hand():
    # Two candidates both reach all three demand points (weights 4, 4, 4 = 12).
    # Capacity 5 each: k=1 serves 5; k=2 serves 10 (fractions allowed).
    cost = sparse.csr_matrix(np.ones((2, 3)))
    m1 = MCLP.from_cost_matrix(cost, [4, 4, 4], 1, capacity=[5, 5]).solve()
    m2 = MCLP.from_cost_matrix(cost, [4, 4, 4], 2, capacity=[5, 5]).solve()
    assert m1.objective == pytest.approx(5) and m2.objective == pytest.approx(10)
    assert m2.covered_share == pytest.approx(10 / 12)
    assert m2.served.sum() == pytest.approx(10 / 4)


# --- existing, excluded, explicit zeros ---------------------------------------------------------


def test_existing_sites_forced_open_not_counted():
    cost, w, dense = random_instance(2)
    ex = [0, 4]
    m = MCLP.from_cost_matrix(cost, w, 2, existing=ex).solve()
    assert len(m.selected) <= 2 and not set(m.selected) & set(ex)
    open_ = ex + m.selected.tolist()
    assert m.coverage_count.tolist() == counts(dense, open_).tolist()
    assert m.curve[0] == pytest.approx(w[counts(dense, ex) >= 1].sum())
    as_mask = np.zeros(dense.shape[0], dtype=bool)
    as_mask[ex] = True
    m2 = MCLP.from_cost_matrix(cost, w, 2, existing=as_mask).solve()
    assert m2.objective == pytest.approx(m.objective)


def test_excluded_sites_never_chosen():
    cost, w, dense = random_instance(4)
    best = MCLP.from_cost_matrix(cost, w, 2).solve()
    for method in ["milp", "greedy"]:
        m = MCLP.from_cost_matrix(cost, w, 2, excluded=best.selected).solve(method)
        assert not set(m.selected) & set(best.selected.tolist())
        p = PMedian.from_cost_matrix(cost, w, 2, excluded=best.selected, unreachable_penalty=40)
        assert not set(p.solve(method).selected) & set(best.selected.tolist())
    with pytest.raises(ValueError, match="both existing and excluded"):
        MCLP.from_cost_matrix(cost, w, 2, existing=[1], excluded=[1])


def test_explicit_zero_times_are_covered():
    # Every time is an explicit 0.0: all pairs are reachable.
    cost = sparse.csr_matrix(
        (np.zeros(3), (np.array([0, 0, 1]), np.array([0, 1, 2]))), shape=(2, 3)
    )
    assert cost.nnz == 3
    # c0 reaches d0, d1 (1 + 2 = 3); c1 reaches d2 (4).
    w = [1.0, 2.0, 4.0]
    m = MCLP.from_cost_matrix(cost, w, 1).solve()
    assert m.selected.tolist() == [1] and m.objective == 4.0
    assert MCLP.from_cost_matrix(cost, w, 1).solve("greedy").selected.tolist() == [1]
    assert LSCP.from_cost_matrix(cost, w, 1.0).solve().objective == 2
    p = PMedian.from_cost_matrix(cost, w, 2).solve()
    assert p.objective == 0.0 and p.assignment.tolist() == [0, 0, 1]


def test_absent_nan_and_out_of_threshold_are_not_covered():
    dense = np.array([[np.nan, 15.0, 15.01]])
    m = MCLP.from_cost_matrix(dense, [1.0, 1.0, 1.0], 1).solve()
    assert m.covered.tolist() == [False, True, False]
    assert m.uncoverable.tolist() == [True, False, True]


# --- greedy vs exact, honest gaps ---------------------------------------------------------------


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


def test_time_limit_is_reported_honestly():
    rng = np.random.default_rng(7)
    n_c, n_d, nnz = 400, 3000, 60_000
    rows = rng.integers(0, n_c, nnz)
    cols = rng.integers(0, n_d, nnz)
    cost = sparse.csr_matrix((rng.uniform(0, 25, nnz), (rows, cols)), shape=(n_c, n_d))
    w = rng.uniform(0, 100, n_d)
    m = MCLP.from_cost_matrix(cost, w, 30).solve(time_limit=0.05)
    assert m.status in {"optimal", "time_limit"}
    if m.status == "optimal":
        assert m.gap <= 1e-4
    else:
        assert m.gap > 0
    assert np.isfinite(m.objective) and m.objective <= m.bound + 1e-6
    assert m.gap == pytest.approx((m.bound - m.objective) / m.objective, abs=1e-6)
    g = MCLP.from_cost_matrix(cost, w, 30).solve("greedy")
    assert m.objective >= g.objective - 1e-6  # warm-started from greedy
    assert g.bound >= m.objective - 1e-6
    assert m.covered_weight >= m.objective - 1e-6


# --- aggregation, infeasible target, curve ------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_aggregation_preserves_optimum(seed):
    cost, w, _ = random_instance(seed, n_c=8, n_d=20, density=0.3)
    # Repeat every demand point three times (different weights): lots of identical columns.
    big = sparse.hstack([cost, cost, cost]).tocsr()
    ww = np.concatenate([w, w * 2, w + 1])
    for model in [
        lambda: MCLP.from_cost_matrix(big, ww, 3),
        lambda: BackupCoverage.from_cost_matrix(big, ww, 3),
        lambda: LSCP.from_cost_matrix(big, ww, 0.6),
        lambda: PMedian.from_cost_matrix(big, ww, 3, threshold=T, unreachable_penalty=30),
        lambda: MCLP.from_cost_matrix(big, ww, 2, capacity=np.full(8, 40.0)),
    ]:
        a = model().solve(mip_rel_gap=0)
        b = model().solve(mip_rel_gap=0, aggregate=False)
        assert a.objective == pytest.approx(b.objective, rel=1e-9, abs=1e-7)
        # at most one merged point per distinct original column
        assert a.n_demand_aggregated <= 20 and a.n_demand_aggregated < a.n_demand_model
        assert b.n_demand_aggregated == b.n_demand_model


def test_lscp_infeasible_target_names_max_share():
    cost, w, dense = random_instance(5)
    model = LSCP.from_cost_matrix(cost, w, 1.0)
    assert model.uncoverable_weight > 0  # this instance has out-of-reach demand
    share = model.max_share
    with pytest.raises(ValueError, match=f"max achievable share {share:.6f}"):
        model.solve()
    assert LSCP.from_cost_matrix(cost, w, share).solve().covered_share == pytest.approx(share)


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


def test_summary_and_trivial_cases():
    cost, w, _ = random_instance(0)
    m = MCLP.from_cost_matrix(cost, w, 0).solve()
    assert m.status == "optimal" and len(m.selected) == 0 and m.objective == 0
    s = MCLP.from_cost_matrix(cost, w, 2).solve().summary()
    assert s["model"] == "mclp" and s["n_selected"] == len(s["selected"])
    assert {"gap", "bound", "status", "covered_share", "n_demand_aggregated"} <= s.keys()
    assert LSCP.from_cost_matrix(cost, w, 0.0).solve().objective == 0


# --- swaps, early stops and a HiGHS inconsistency -----------------------------------------------


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


@pytest.mark.parametrize("seed", range(8))
def test_greedy_with_swaps_never_beats_the_optimum(seed):
    cost, w, dense = random_instance(seed, n_c=9, n_d=20)
    for k in (2, 3):
        best = brute_cover(dense, w, k)
        g = MCLP.from_cost_matrix(cost, w, k).solve("greedy")
        assert g.objective <= best + 1e-9 <= g.bound + 2e-9
        assert close(g.covered_weight, g.objective)


def test_milp_skipped_when_greedy_is_proven_close_enough():
    # Two disjoint sites, k = 2: greedy is optimal and its bound proves it, so HiGHS never runs.
    cost = sparse.csr_matrix(np.array([[1.0, 1.0, 0, 0], [0, 0, 1.0, 1.0]]))
    m = MCLP.from_cost_matrix(cost, np.ones(4), 2).solve("milp")
    assert m.status == "optimal" and m.gap == 0.0 and np.isnan(m.solver_bound)
    assert "proven within mip_rel_gap" in m.solver_status


def test_inconsistent_warm_start_answer_is_solved_again(monkeypatch):
    """HiGHS 1.16 once reported an optimum its returned solution did not have (warm start +
    presolve). When objective and solution disagree, the model is solved again from scratch."""
    from coverage import siting

    cost, w, dense = random_instance(3, n_c=9, n_d=25)
    calls = []
    real = siting._consistent

    def first_fails(h, c, off):
        calls.append(1)
        return False if len(calls) == 1 else real(h, c, off)

    monkeypatch.setattr(siting, "_consistent", first_fails)
    m = LSCP.from_cost_matrix(cost, w, 0.8).solve("milp")
    assert len(calls) == 1  # checked once (the warm-started run), then solved without a start
    assert close(m.objective, brute_lscp(dense, w, 0.8))


# --- dominated sites ---------------------------------------------------------------------------


def test_dominated_sites_by_hand():
    from coverage.siting import _full_values, _keep_sites, _Outcome, _reduced_start

    # sites: 0 {0, 1} ⊂ 1 {0, 1, 2}; 2 {2, 3} = 3 {2, 3} (the lower index stays); 4 covers
    # nothing (kept: nothing covers a superset of nothing in the overlap product, and it is
    # harmless); 5 {3} ⊂ 3 ⊂ … → its representative is 2, following the chain
    cover = {0: [0, 1], 1: [0, 1, 2], 2: [2, 3], 3: [2, 3], 4: [], 5: [3]}
    rows = [i for j in cover for i in cover[j]]
    cols = [j for j in cover for _ in cover[j]]
    pattern = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(4, 6))
    rep = _keep_sites(pattern)
    assert rep.tolist() == [1, 1, 2, 2, 4, 2]
    keep = np.flatnonzero(rep == np.arange(6))
    assert keep.tolist() == [1, 2, 4]
    # a warm start choosing dominated sites 0 and 3 becomes their representatives 1 and 2
    assert _reduced_start(np.array([0, 3]), rep, keep, 6).tolist() == [1.0, 1.0, 0.0]
    # solutions on the kept sites come back in the full layout, extra columns after them
    out = _Outcome("optimal", "Optimal", 1.0, 1.0, 0.0, np.array([1.0, 0.0, 1.0, 0.5]), 0.0)
    assert _full_values(out, keep, 6).values.tolist() == [0, 1, 0, 0, 1, 0, 0.5]


def nested_instance(seed: int, n_c: int = 10, n_d: int = 16):
    """Half of the candidates cover a random subset of another candidate's demand."""
    rng = np.random.default_rng(seed)
    base = rng.random((n_c // 2, n_d)) < 0.4
    mask = np.vstack([base, base & (rng.random(base.shape) < 0.6)])[rng.permutation(n_c)]
    times = np.where(mask, np.round(rng.uniform(0, T, mask.shape), 1), np.inf)
    rows, cols = np.nonzero(mask)
    cost = sparse.csr_matrix((times[rows, cols], (rows, cols)), shape=mask.shape)
    return cost, rng.integers(1, 10, n_d).astype(float), times


@pytest.mark.parametrize("seed", range(6))
def test_models_with_dominated_sites_match_brute_force(seed):
    from coverage.siting import _keep_sites

    cost, w, dense = nested_instance(seed)
    pattern = sparse.csr_matrix(np.isfinite(dense).T.astype(float))
    rep = _keep_sites(pattern)
    assert (rep != np.arange(len(rep))).sum() >= 3  # the instance really has dominated sites
    for j, r in enumerate(rep):  # each representative covers a superset
        assert set(np.flatnonzero(np.isfinite(dense[j]))) <= set(
            np.flatnonzero(np.isfinite(dense[r]))
        )
    for k in (1, 2, 3):
        m = MCLP.from_cost_matrix(cost, w, k).solve("milp", mip_rel_gap=0)
        assert close(m.covered_weight, brute_cover(dense, w, k)), k
    max_share = w[np.isfinite(dense).any(axis=0)].sum() / w.sum()
    for target in (0.6, max_share):  # the full target: every coverable demand point
        m = LSCP.from_cost_matrix(cost, w, target).solve("milp", mip_rel_gap=0)
        assert m.objective == brute_lscp(dense, w, target) == len(m.selected)
