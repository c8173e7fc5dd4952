"""p-median Lagrangian bound, fixing and swap search: by hand and against brute force / HiGHS."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from scipy import sparse

from coverage.siting import PMedian, lagrange, median_milp
from coverage.siting.lagrange import _bound, _fixing, _Lagrangian, _Pairs

from .cases import close, random_instance, random_sets
from .test_median import brute_median


def pairs_of(dense, w, f, p, const=0.0):
    """_Pairs of a dense demand × site matrix (inf = no pair; pairs kept only below f)."""
    mask = np.isfinite(dense) & (dense < f[:, None])
    csr = sparse.csr_matrix((dense[mask], np.nonzero(mask)), shape=dense.shape)
    csr.sort_indices()
    return _Pairs.from_csr(csr, np.asarray(w, float), np.asarray(f, float), p, const)


def brute(pr, dense, p):
    """Cheapest plan of p sites on the dense matrix (each row: nearest open site or f)."""
    best, plan = np.inf, None
    for combo in itertools.combinations(range(dense.shape[1]), p):
        t = np.minimum(dense[:, list(combo)].min(axis=1), pr.f)
        v = pr.const + float(pr.w @ t)
        if v < best:
            best, plan = v, combo
    return best, plan


HAND = np.array(
    [  # demand × sites, minutes; inf: out of reach
        [2.0, 6.0, np.inf],
        [5.0, 1.0, np.inf],
        [np.inf, 4.0, 3.0],
    ]
)


def test_bound_by_hand():
    # w = (1, 2, 1), f = 10, p = 1, u = (6, 5, 4):
    #   Σ w·min(u, f) = 6 + 10 + 4 = 20
    #   σ0 = 1·(6-2) + 2·(5-5) = 4;  σ1 = 1·(6-6) + 2·(5-1) + 1·(4-4) = 8;  σ2 = 1·(4-3) = 1
    #   L = 20 - 8 = 12 <= the optimum: site 1 alone costs 6 + 2 + 4 = 12 (site 0: 2+10+10 = 22).
    pr = pairs_of(HAND, [1, 2, 1], np.full(3, 10.0), 1, const=0.0)
    value, sigma, top = _bound(pr, np.array([6.0, 5.0, 4.0]))
    assert sigma.tolist() == pytest.approx([4.0, 8.0, 1.0])
    assert top.tolist() == [1]
    assert value == pytest.approx(12.0)
    assert pr.value(np.array([1])) == pytest.approx(12.0)
    assert pr.value(np.array([0])) == pytest.approx(22.0)
    # u above f is clipped to f = 10: Σ w·f = 40, and by hand
    #   σ0 = 1·8 + 2·5 = 18, σ1 = 1·4 + 2·9 + 1·6 = 28, σ2 = 1·7 = 7 -> L = 40 - 28 = 12.
    value, sigma, _ = _bound(pr, np.full(3, 99.0))
    assert sigma.tolist() == pytest.approx([18.0, 28.0, 7.0])
    assert value == pytest.approx(12.0)


def random_pairs(seed, n_d=14, n_s=7, p=2):
    rng = np.random.default_rng(seed)
    dense = np.round(rng.uniform(0, 20, (n_d, n_s)), 1)
    dense[rng.random((n_d, n_s)) < 0.4] = np.inf
    f = np.round(rng.uniform(5, 25, n_d), 1)
    w = rng.integers(1, 9, n_d).astype(float)
    return pairs_of(dense, w, f, p, const=3.5), dense


@pytest.mark.parametrize("seed", range(8))
def test_bound_never_exceeds_the_optimum(seed):
    pr, dense = random_pairs(seed, p=1 + seed % 3)
    opt, _ = brute(pr, dense, pr.p)
    rng = np.random.default_rng(100 + seed)
    for _ in range(30):  # any u gives a valid bound
        value, _, _ = _bound(pr, rng.uniform(0, 30, len(pr.f)))
        assert value <= opt + 1e-9
    lag = lagrange._lagrangian(pr, np.arange(pr.p), pr.f.copy(), 0.0, time.perf_counter() + 30)
    assert lag.bound <= opt + 1e-9 <= lag.best + 2e-9
    assert lag.best == pytest.approx(pr.value(lag.plan))
    # Subgradient on a small instance gets close to the optimum (LP gap of the p-median is small).
    assert lag.bound >= 0.8 * opt


@pytest.mark.parametrize("seed", range(8))
def test_fixing_keeps_every_better_plan(seed):
    pr, dense = random_pairs(seed, p=2)
    opt, plan = brute(pr, dense, pr.p)
    lag = lagrange._lagrangian(pr, np.arange(pr.p), pr.f.copy(), 0.0, time.perf_counter() + 30)
    # Against a slightly worse incumbent, no plan at or below the optimum may use a dropped site
    # or miss a needed one.
    incumbent = opt * 1.01
    needed, useless = _fixing(lag, pr.p, incumbent)
    for combo in itertools.combinations(range(dense.shape[1]), pr.p):
        if pr.value(np.array(combo)) <= incumbent:
            assert not set(combo) & set(useless.tolist())
            assert set(needed.tolist()) <= set(combo)
    assert not set(plan) & set(useless.tolist())


def test_fixing_by_hand():
    # σ = (9, 5, 1), p = 1, L = 100: forcing site 1 in gives 100 + 9 - 5 = 104, site 2 108;
    # forcing site 0 out gives 100 + 9 - 5 = 104. Incumbent 105: site 2 is useless, none needed;
    # incumbent 103: sites 1 and 2 useless, site 0 needed.
    lag = _Lagrangian(100.0, np.zeros(1), np.array([9.0, 5.0, 1.0]), 105.0, np.array([0]), 0)
    needed, useless = _fixing(lag, 1, 105.0)
    assert needed.tolist() == [] and useless.tolist() == [2]
    needed, useless = _fixing(lag, 1, 103.0)
    assert needed.tolist() == [0] and useless.tolist() == [1, 2]


@pytest.mark.parametrize("seed", range(8))
def test_best_swap_saving_is_the_true_change(seed):
    pr, dense = random_pairs(seed, p=3)
    sites = np.array([0, 2, 4])
    base = pr.value(sites)
    saving, out, into = lagrange._best_swap(pr, sites)
    best = -np.inf
    for r in sites:
        for j in range(pr.n):
            if j in sites:
                continue
            new = np.sort(np.append(sites[sites != r], j))
            best = max(best, base - pr.value(new))
    assert saving == pytest.approx(best)
    new = np.sort(np.append(sites[sites != out], into))
    assert base - pr.value(new) == pytest.approx(saving)
    plan, value = lagrange._local_search(pr, sites, time.perf_counter() + 30)
    assert value == pytest.approx(pr.value(plan)) and value <= base + 1e-9
    assert len(plan) == 3


@pytest.fixture
def lagrange_always(monkeypatch):
    monkeypatch.setattr(median_milp, "_LAGRANGE_MIN_NNZ", 0)


@pytest.mark.parametrize("seed", range(6))
def test_large_path_matches_brute_force(lagrange_always, seed):
    cost, w, dense = random_instance(seed, density=0.45)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    expected = brute_median(dense, w, 3, penalty=25.0, existing=ex, excluded=no)
    m = PMedian.from_cost_matrix(
        cost, w, 3, threshold=15.0, existing=ex, excluded=no, unreachable_penalty=25.0
    ).solve()
    assert m.status == "optimal"
    assert close(m.objective, expected)
    assert m.bound <= expected + 1e-7


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("p", [4, 10])
def test_large_path_matches_the_whole_milp(monkeypatch, seed, p):
    """Mid-size spatial instance: bound <= HiGHS's optimum <= plan, equal when proven."""
    rng = np.random.default_rng(seed)
    sites, demand = rng.uniform(0, 10, (60, 2)), rng.uniform(0, 10, (400, 2))
    times = np.round(
        3.0 * np.hypot(*(sites[:, None, :] - demand[None, :, :]).transpose(2, 0, 1)), 1
    )
    rows, cols = np.nonzero(times <= 15.0)
    cost = sparse.csr_matrix((times[rows, cols], (rows, cols)), shape=times.shape)
    w = rng.integers(1, 20, 400).astype(float)

    def solve(limit, **kw):
        monkeypatch.setattr(median_milp, "_LAGRANGE_MIN_NNZ", limit)
        m = PMedian.from_cost_matrix(cost, w, p, threshold=15.0, unreachable_penalty=30.0)
        return m.solve(mip_rel_gap=1e-6, **kw)

    whole = solve(10**12)
    assert whole.status == "optimal"
    opt = whole.objective
    fast = solve(0)
    assert fast.bound <= opt * (1 + 1e-6) and fast.objective >= opt * (1 - 1e-6)
    assert fast.status == "optimal" and fast.objective == pytest.approx(opt, rel=1e-6)
    # Stopped early: the bound and plan stay on the right sides, the status says so.
    early = solve(0, time_limit=0.3)
    assert early.bound <= opt * (1 + 1e-6) and early.objective >= opt * (1 - 1e-6)
    assert (early.status == "optimal") == (early.gap <= 1e-6)
