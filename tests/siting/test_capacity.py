"""Capacitated MCLP and p-median against brute force (each plan's assignment LP by scipy)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from coverage.siting import MCLP, PMedian

from .cases import T, close, random_instance, subsets


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


@pytest.mark.parametrize("seed", range(3))
def test_order_gains_are_each_prefix_plans_served_weight(seed):
    """The curve of a capacitated plan: each prefix of the order evaluated on its own sites only
    (the assignment LP of the open sites; before: of every candidate, 10 minutes on the sample)
    equals scipy's assignment LP of the same prefix."""
    cost, w, dense = random_instance(seed + 10, n_c=8, n_d=16, density=0.45)
    rng = np.random.default_rng(seed)
    cap = rng.uniform(5, 25, dense.shape[0])
    cap[3] = np.nan
    ex = [1] if seed % 2 else []
    m = MCLP.from_cost_matrix(cost, w, 3, capacity=cap, existing=ex).solve()
    for i in range(len(m.selected) + 1):
        open_ = [*ex, *m.selected[:i]]
        want = assignment_lp(dense, w, open_, cap, median=False) if open_ else 0.0
        assert m.curve[i] == pytest.approx(want, rel=1e-6, abs=1e-9)
    p = PMedian.from_cost_matrix(
        cost, w, 3, threshold=T, capacity=cap, unreachable_penalty=30.0, existing=ex
    ).solve()
    for i in range(len(p.selected) + 1):
        open_ = [*ex, *p.selected[:i]]
        want = (
            assignment_lp(dense, w, open_, cap, median=True, penalty=30.0)
            if open_
            else 30.0 * w.sum()  # nothing open: everyone unserved
        )
        assert p.curve[i] == pytest.approx(want, rel=1e-6, abs=1e-9)


def test_no_milp_plan_in_the_time_keeps_greedys():
    """With a time limit too short for HiGHS to find any plan, the capacitated models gave an
    empty plan (objective NaN); greedy's plan, evaluated by its assignment LP, stands instead."""
    cost, w, dense = random_instance(3, n_c=30, n_d=200, density=0.3)
    cap = np.full(30, 20.0)
    m = MCLP.from_cost_matrix(cost, w, 3, capacity=cap, threshold=T).solve(time_limit=1e-6)
    g = MCLP.from_cost_matrix(cost, w, 3, capacity=cap, threshold=T).solve("greedy")
    assert len(m.selected) == 3 and m.objective == pytest.approx(g.objective)
    assert m.objective == pytest.approx(
        assignment_lp(dense, w, list(m.selected), cap, median=False)
    )
    assert "within the time limit" in m.solver_status
    kw = {"threshold": T, "capacity": cap, "unreachable_penalty": 30.0}
    p = PMedian.from_cost_matrix(cost, w, 3, **kw).solve(time_limit=1e-6)
    assert len(p.selected) == 3 and np.isfinite(p.objective)
    want = assignment_lp(dense, w, list(p.selected), cap, median=True, penalty=30.0)
    assert p.objective == pytest.approx(want) and p.bound <= p.objective
