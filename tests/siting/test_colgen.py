"""Site generation for large covering models (coverage.siting.colgen).

Optima come from brute force (cases.py) or from HiGHS on the whole model (the path colgen
replaces); the LP bound from scipy's linprog on the whole LP relaxation written out here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from coverage import siting
from coverage.siting import covering
from coverage.siting.cover_dual import _DualCoverLP
from coverage.siting.cover_lp import _CoverLP, _rows, _seed
from tests.siting.cases import T, brute_cover, close, random_instance


def spatial_instance(seed: int, n_c: int, n_d: int, radius: float = 0.3):
    """Sites and demand at random points of the unit square; time = distance × 50 within reach."""
    rng = np.random.default_rng(seed)
    cs, ds = rng.random((n_c, 2)), rng.random((n_d, 2))
    d = np.sqrt(((cs[:, None] - ds[None]) ** 2).sum(-1))
    r, c = np.nonzero(d <= radius)
    cost = sparse.csr_matrix((d[r, c] * T / radius, (r, c)), shape=d.shape)
    return cost, rng.integers(1, 40, n_d).astype(float)


@pytest.fixture
def colgen_always(monkeypatch):
    monkeypatch.setattr(covering, "_COLGEN_MIN_NNZ", 0)


def test_lagrangian_bound_by_hand():
    # 3 sites, 4 demand points (weights 1, 2, 3, 4); site 0 covers {0, 1}, site 1 {1, 2},
    # site 2 {3}; k = 1, no existing sites.
    pattern = sparse.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], float))
    w = np.array([1.0, 2.0, 3.0, 4.0])
    rows = _rows(pattern, w, np.zeros(4), 1.0, 0.0, 1, 0.0)
    # μ = w: every site earns its own weight (3, 5, 4); the best one bounds: 5.
    assert rows.bound(w, np.zeros(0))[0] == pytest.approx(5.0)
    # μ = 0: nothing is priced, every weight counts: 10.
    assert rows.bound(np.zeros(4), np.zeros(0))[0] == pytest.approx(10.0)
    # μ = (1, 1, 3, 4): 2 - 1 left on point 1, sites earn (2, 4, 4): 1 + 4 = 5.
    assert rows.bound(np.array([1.0, 1.0, 3.0, 4.0]), np.zeros(0))[0] == pytest.approx(5.0)
    # Values outside the box are clipped, so any input is a valid bound: 5 again.
    assert rows.bound(np.full(4, 9.0), np.zeros(0))[0] == pytest.approx(5.0)


def lp_relaxation(pattern, w, e, a, b, k):
    """max a·w·y1 + b·w·y2, y1 <= Σx (e = 0), 2·y2 <= e + Σx (e <= 1), Σx <= k, all in [0, 1]."""
    p = pattern.toarray()
    m, n = p.shape
    d1 = np.flatnonzero(e == 0)
    d2 = np.flatnonzero(e <= 1)
    n1, n2 = len(d1), len(d2)
    cost = -np.concatenate([np.zeros(n), a * w[d1], b * w[d2]])
    rows = [np.concatenate([np.ones(n), np.zeros(n1 + n2)])]
    ub = [k]
    for r, i in enumerate(d1):
        rows.append(np.concatenate([-p[i], np.eye(n1)[r], np.zeros(n2)]))
        ub.append(0.0)
    for r, i in enumerate(d2):
        rows.append(np.concatenate([-p[i], np.zeros(n1), 2 * np.eye(n2)[r]]))
        ub.append(e[i])
    res = linprog(cost, A_ub=np.array(rows), b_ub=ub, bounds=(0, 1), method="highs")
    fixed = a * w[e >= 1].sum() + b * w[e >= 2].sum()
    return -res.fun + fixed


def strong_lp_relaxation(pattern, w, e, a, b, k):
    """The strengthened LP, written uniformly: every demand point has y1 and y2 in [0, 1] with
    y1 <= e + Σx, y1 + y2 <= e + Σx, y2 <= y1 (y1 = 1 when e >= 1; y2 = 0 when e + |N| < 2)."""
    p = pattern.toarray()
    m, n = p.shape
    cost = -np.concatenate([np.zeros(n), a * w, b * w])
    rows, ub = [np.concatenate([np.ones(n), np.zeros(2 * m)])], [k]
    for i in range(m):
        one, two = np.eye(m)[i], np.zeros(m)
        rows.append(np.concatenate([-p[i], one, two]))
        ub.append(e[i])
        rows.append(np.concatenate([-p[i], one, one]))
        ub.append(e[i])
        rows.append(np.concatenate([np.zeros(n), -one, one]))
        ub.append(0.0)
    reach = e + p.sum(1)
    bounds = [(0, 1)] * n + [(1 if e[i] >= 1 else 0, 1) for i in range(m)]
    bounds += [(0, 0) if reach[i] < 2 else (0, 1) for i in range(m)]
    res = linprog(cost, A_ub=np.array(rows), b_ub=ub, bounds=bounds, method="highs")
    return -res.fun


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("b", "form"), [(0.0, _CoverLP), (0.0, _DualCoverLP), (0.5, _CoverLP)])
def test_site_generation_reaches_the_lp_bound(seed, b, form):
    cost, w = spatial_instance(seed, 30, 60)
    pattern = sparse.csr_matrix(cost.T.toarray() > 0, dtype=float)
    rng = np.random.default_rng(seed)
    e = (rng.random(60) < 0.2).astype(float) if b > 0 else np.zeros(60)
    k = 3
    rows = _rows(pattern, w, e, 1.0, b, k, 0.0)
    lp = form(rows)  # site generation at the root: every site allowed, none forced
    lp.add(_seed(rows, np.arange(2)))
    priced = lp.generate(np.zeros(rows.n, bool), np.ones(rows.n, bool), -np.inf, np.inf)
    assert priced is not None and priced.converged
    bound = priced.bound
    assert bound == pytest.approx(strong_lp_relaxation(pattern, w, e, 1.0, b, k), rel=1e-6)
    # The strengthened rows never loosen the old LP bound (2·y2 <= e + Σx).
    assert bound <= lp_relaxation(pattern, w, e, 1.0, b, k) * (1 + 1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_colgen_matches_brute_force(colgen_always, seed, k):
    cost, w, dense = random_instance(seed, n_c=9, n_d=30)
    ex = [seed % 9]
    m = siting.MCLP.from_cost_matrix(cost, w, k, threshold=T, existing=ex).solve(mip_rel_gap=0)
    assert close(m.objective, brute_cover(dense, w, k, existing=ex))
    assert m.status == "optimal" and m.bound >= m.objective - 1e-9
    b = siting.BackupCoverage.from_cost_matrix(
        cost, w, k, threshold=T, existing=ex, primary_weight=0.5
    ).solve(mip_rel_gap=0)
    assert close(b.objective, brute_cover(dense, w, k, a=0.5, b=1.0, existing=ex))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("model", ["mclp", "backup"])
def test_colgen_matches_the_whole_milp(monkeypatch, seed, model):
    """Mid-size spatial instances, where dominance, fixing and branching all act."""
    cost, w = spatial_instance(seed, 50, 250, radius=0.3)
    ex = np.arange(3) if seed == 2 else None
    results = []
    for limit in (10**12, 0):  # whole MILP first, then site generation
        monkeypatch.setattr(covering, "_COLGEN_MIN_NNZ", limit)
        if model == "mclp":
            m = siting.MCLP.from_cost_matrix(cost, w, 4, threshold=T, existing=ex)
        else:
            m = siting.BackupCoverage.from_cost_matrix(
                cost, w, 3, threshold=T, existing=ex, primary_weight=1.0
            )
        results.append(m.solve(mip_rel_gap=1e-9))
    whole, gen = results
    assert whole.status == gen.status == "optimal"
    assert gen.objective == pytest.approx(whole.objective, rel=1e-9)
    # The objective is that of the plan returned, recomputed from the matrix.
    open_ = np.union1d(gen.selected, [] if ex is None else ex).astype(int)
    count = np.zeros(cost.shape[1])
    for j in open_:
        count[cost[j].indices] += 1
    truth = w[count >= 1].sum() + (w[count >= 2].sum() if model == "backup" else 0.0)
    assert gen.objective == pytest.approx(truth, rel=1e-9)
    assert gen.bound >= gen.objective - 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_lagrangian_bound_valid_for_any_duals(seed):
    # L(μ) of the strengthened rows bounds the optimum for every μ >= 0 (brute force here).
    cost, w, dense = random_instance(seed, n_c=9, n_d=30)
    ex = [seed % 9]
    free = [j for j in range(9) if j not in ex]
    within = dense <= T
    pattern = sparse.csr_matrix(within[free].T.astype(float))
    e = np.minimum(within[ex].sum(0), 2).astype(float)
    keep = w > 0
    pattern, w_m, e_m = pattern[keep], w[keep], e[keep]
    rows = _rows(sparse.csr_matrix(pattern), w_m, e_m, 0.5, 1.0, 2, 0.0)
    best = brute_cover(dense, w, 2, a=0.5, b=1.0, existing=ex)
    rng = np.random.default_rng(seed)
    for _ in range(50):
        mu1 = rng.uniform(0, 12, len(rows.c1)) * (rng.random(len(rows.c1)) < 0.7)
        mu2 = rng.uniform(0, 12, len(rows.c2)) * (rng.random(len(rows.c2)) < 0.7)
        assert rows.bound(mu1, mu2)[0] >= best - 1e-9
