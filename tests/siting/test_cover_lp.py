"""The covering LP in one HiGHS instance and its Lagrangian bound (coverage.siting.cover_lp).

Expected values come from brute force over every plan, with the objective recomputed from the
0/1 coverage matrix, and from scipy's linprog on the LP relaxation written out here.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from coverage.siting.cover_lp import _CoverLP, _rows
from tests.siting.cases import T, random_instance

AB = [(1.0, 0.0), (0.5, 1.0), (0.0, 1.0)]


def instance(seed: int, a: float, b: float, k: int = 3):
    """Covering rows of a random instance with one existing site: (rows, p, w, e, const)."""
    cost, w, dense = random_instance(seed, n_c=9, n_d=30)
    ex = [seed % 9]
    free = [j for j in range(9) if j not in ex]
    within = dense <= T
    keep = (w > 0) & within[free].any(0)
    n_ex = within[ex].sum(0)
    const = float(a * w[~keep & (n_ex >= 1)].sum() + b * w[~keep & (n_ex >= 2)].sum())
    p = within[free].T[keep].astype(float)
    e = np.minimum(n_ex, 2).astype(float)[keep]
    rows = _rows(sparse.csr_matrix(p), w[keep], e, a, b, k, const)
    return rows, p, w[keep], e, const


def truth(p, w, e, a, b, x):
    s = e + p @ x
    return float(a * w[s >= 1].sum() + b * w[s >= 2].sum())


def plans(n, k, lower, upper):
    """Every 0/1 plan of at most k sites with ``lower`` open and only ``upper`` allowed."""
    free = [j for j in range(n) if upper[j] and not lower[j]]
    forced = [j for j in range(n) if lower[j]]
    for q in range(k - len(forced) + 1):
        for combo in itertools.combinations(free, q):
            x = np.zeros(n)
            x[forced + list(combo)] = 1.0
            yield x


def random_fixing(rng, n, k):
    upper = rng.random(n) < 0.8
    lower = np.zeros(n, dtype=bool)
    allowed = np.flatnonzero(upper)
    lower[rng.choice(allowed, size=min(k - 1, len(allowed)), replace=False)] = True
    lower &= rng.random(n) < 0.5
    return lower, upper


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ab", AB)
def test_value_is_the_true_objective(seed, ab):
    a, b = ab
    rows, p, w, e, const = instance(seed, a, b)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        x = (rng.random(rows.n) < 0.3).astype(float)
        assert rows.value(x) == pytest.approx(const + truth(p, w, e, a, b, x), abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("ab", AB)
def test_node_bound_valid_for_any_duals_and_fixing(seed, ab):
    # L_F(μ) bounds every plan of the node (sites ``lower`` open, only ``upper`` allowed).
    a, b = ab
    rows, p, w, e, const = instance(seed, a, b)
    rng = np.random.default_rng(seed)
    for _ in range(30):
        lower, upper = random_fixing(rng, rows.n, rows.k)
        best = max(const + truth(p, w, e, a, b, x) for x in plans(rows.n, rows.k, lower, upper))
        mu1 = rng.uniform(0, 12, len(rows.c1)) * (rng.random(len(rows.c1)) < 0.7)
        mu2 = rng.uniform(0, 12, len(rows.c2)) * (rng.random(len(rows.c2)) < 0.7)
        rest, g = rows.parts(mu1, mu2)
        assert rows.node_bound(rest, g, lower, upper) >= best - 1e-9
    # Without fixing it is the plain L(μ).
    none, every = np.zeros(rows.n, dtype=bool), np.ones(rows.n, dtype=bool)
    rest, g = rows.parts(mu1, mu2)
    assert rows.node_bound(rest, g, none, every) == pytest.approx(rows.bound(mu1, mu2)[0])


def lp_with_bounds(p, w, e, a, b, k, lower, upper):
    """The strengthened LP (uniform rows, as in test_colgen) with x_j in [lower_j, upper_j]."""
    m, n = p.shape
    cost = -np.concatenate([np.zeros(n), a * w, b * w])
    rows, ub = [np.concatenate([np.ones(n), np.zeros(2 * m)])], [k]
    for i in range(m):
        one = np.eye(m)[i]
        rows += [np.concatenate([-p[i], one, np.zeros(m)]), np.concatenate([-p[i], one, one])]
        rows.append(np.concatenate([np.zeros(n), -one, one]))
        ub += [e[i], e[i], 0.0]
    reach = e + p.sum(1)
    bounds = [(float(lo), float(hi)) for lo, hi in zip(lower, upper, strict=True)]
    bounds += [(1 if e[i] >= 1 else 0, 1) for i in range(m)]
    bounds += [(0, 0) if reach[i] < 2 else (0, 1) for i in range(m)]
    res = linprog(cost, A_ub=np.array(rows), b_ub=ub, bounds=bounds, method="highs")
    return -res.fun


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ab", AB)
def test_generate_reaches_the_lp_of_the_node(seed, ab):
    # One LP object, nodes one after another (warm starts, sites added on the way): each
    # converged bound is the LP optimum of that node's bounds, from linprog on the whole LP.
    a, b = ab
    rows, p, w, e, const = instance(seed, a, b)
    lp = _CoverLP(rows)
    lp.add(np.array([0]))
    rng = np.random.default_rng(seed)
    for _ in range(5):
        lower, upper = random_fixing(rng, rows.n, rows.k)
        out = lp.generate(lower, upper, -np.inf, np.inf)
        assert out is not None and out.converged
        want = const + lp_with_bounds(p, w, e, a, b, rows.k, lower, upper)
        assert out.bound == pytest.approx(want, rel=1e-7, abs=1e-7)
        assert np.all(out.x[~upper] <= 1e-9) and np.all(out.x[lower] >= 1 - 1e-9)
