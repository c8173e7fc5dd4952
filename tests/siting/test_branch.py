"""Branch-and-bound over site generation (coverage.siting.branch).

Optima by brute force over every plan of the rows (objective recomputed from the 0/1 coverage
matrix); the whole-model comparisons on spatial instances are in test_colgen.py.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from coverage.siting.branch import _branch_and_bound, _Search, _Swap
from coverage.siting.cover_dual import _site_lp
from tests.siting.test_cover_lp import AB, instance, plans, truth


def brute(rows, p, w, e, a, b, const):
    none, every = np.zeros(rows.n, dtype=bool), np.ones(rows.n, dtype=bool)
    return max(const + truth(p, w, e, a, b, x) for x in plans(rows.n, rows.k, none, every))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("ab", AB)
@pytest.mark.parametrize("k", [1, 3])
def test_matches_brute_force(seed, ab, k):
    a, b = ab
    rows, p, w, e, const = instance(seed, a, b, k)
    best = brute(rows, p, w, e, a, b, const)
    res = _branch_and_bound(rows, np.zeros(rows.n), 0.0, np.inf, np.zeros(0, np.int64))
    assert res.finished
    assert res.value == pytest.approx(best, abs=1e-9)
    assert rows.value(res.plan) == pytest.approx(res.value, abs=1e-12)
    assert res.plan.sum() <= k
    assert best - 1e-9 <= res.bound <= best + 1e-6 * max(best, 1.0)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("ab", AB)
def test_gap_and_time_limit_stay_honest(seed, ab):
    a, b = ab
    rows, p, w, e, const = instance(seed, a, b, 3)
    best = brute(rows, p, w, e, a, b, const)
    # A loose gap: the bound still covers the optimum, and the plan is within the gap of it.
    res = _branch_and_bound(rows, np.zeros(rows.n), 0.2, np.inf, np.zeros(0, np.int64))
    assert res.finished and res.bound >= best - 1e-9
    assert res.bound - res.value <= 0.2 * abs(res.value) + 1e-9
    # No time at all: the search stops after the root, and its bound still holds.
    res = _branch_and_bound(rows, np.zeros(rows.n), 0.0, time.perf_counter() - 1, np.arange(1))
    assert res.bound >= best - 1e-9 and res.value <= best + 1e-9
    assert res.nodes <= 1


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("ab", AB)
def test_swaps_end_at_a_local_optimum(seed, ab):
    a, b = ab
    rows, p, w, e, const = instance(seed, a, b, 3)
    rng = np.random.default_rng(seed)
    start = np.zeros(rows.n)
    start[rng.choice(rows.n, 3, replace=False)] = 1.0
    x = _Swap(rows).improve(start, np.inf)
    assert x.sum() == 3 and rows.value(x) >= rows.value(start) - 1e-12
    # No single swap (checked one by one on the true objective) does better.
    value = const + truth(p, w, e, a, b, x)
    for r in np.flatnonzero(x):
        for j in np.flatnonzero(x == 0):
            y = x.copy()
            y[r], y[j] = 0.0, 1.0
            assert const + truth(p, w, e, a, b, y) <= value + 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_kicks_keep_k_sites_and_never_lose_the_incumbent(seed):
    rows, p, w, e, const = instance(seed, 1.0, 0.0, 3)
    rng = np.random.default_rng(seed)
    start = np.zeros(rows.n)
    start[rng.choice(rows.n, 3, replace=False)] = 1.0
    search = _Search(rows, _site_lp(rows), start, 0.0, np.inf)
    for _ in range(10):
        before = search.value
        search.kick(rng.random(rows.n))
        assert search.value >= before and search.plan.sum() == 3
        assert search.value == pytest.approx(const + truth(p, w, e, 1.0, 0.0, search.plan))
