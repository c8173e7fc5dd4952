"""The maximal-covering LP in its dual form (coverage.siting.cover_dual).

Expected values come from scipy's linprog on the primal LP written out in test_cover_lp, node
after node on one LP object; the sites' x read from the duals are checked as a primal solution
of the same value.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from coverage.siting.cover_dual import _DualCoverLP, _site_lp
from coverage.siting.cover_lp import _CoverLP
from tests.siting.test_cover_lp import instance, lp_with_bounds, plans, random_fixing, truth


@pytest.mark.parametrize("seed", range(8))
def test_dual_form_reaches_the_lp_of_each_node(seed):
    rows, p, w, e, const = instance(seed, 1.0, 0.0)
    lp = _DualCoverLP(rows)
    lp.add(np.array([0]))
    rng = np.random.default_rng(seed)
    for _ in range(6):
        lower, upper = random_fixing(rng, rows.n, rows.k)
        # Start from an earlier basis, with rows added since (as a child from its parent's).
        basis = lp.h.getBasis() if rng.random() < 0.7 else None
        lp.add(rng.choice(rows.n, size=2, replace=False))
        out = lp.generate(lower, upper, -np.inf, np.inf, basis)
        assert out is not None and out.converged
        want = const + lp_with_bounds(p, w, e, 1.0, 0.0, rows.k, lower, upper)
        assert out.bound == pytest.approx(want, rel=1e-7, abs=1e-7)
        x = out.x
        assert np.all(x[~upper] <= 1e-9) and np.all(x[lower] >= 1 - 1e-9)
        assert x.min() >= -1e-9 and x.max() <= 1 + 1e-9 and x.sum() <= rows.k + 1e-7
        # The duals are a primal optimum: each row covered min(1, Σx) gives the same value.
        value = rows.offset + float(rows.c1 @ np.minimum(1.0, rows.p1 @ x))
        assert value == pytest.approx(want, rel=1e-7, abs=1e-7)


def test_site_lp_takes_the_dual_form_for_maximal_covering_only():
    assert isinstance(_site_lp(instance(0, 1.0, 0.0)[0]), _DualCoverLP)
    for a, b in [(0.5, 1.0), (0.0, 1.0)]:
        rows = instance(0, a, b)[0]
        assert isinstance(_site_lp(rows), _CoverLP)
        with pytest.raises(ValueError, match="once-rows"):
            _DualCoverLP(rows)


def group_lp(p, w, e, k, lower, upper, groups):
    """The maximal-covering LP with group rows, by linprog; x_j >= 0 unbounded above if free
    (as in the dual form), None if infeasible."""
    m, n = p.shape
    cost = -np.concatenate([np.zeros(n), w])
    a_ub = [np.concatenate([np.ones(n), np.zeros(m)])]
    b_ub = [k]
    for i in range(m):
        a_ub.append(np.concatenate([-p[i], np.eye(m)[i]]))
        b_ub.append(e[i])
    for sites, sense, rhs in groups:
        row = np.zeros(n + m)
        row[sites] = sense
        a_ub.append(row)
        b_ub.append(sense * rhs)
    free = zip(lower, upper, strict=True)
    bounds = [(1.0, 1.0) if lo else (0.0, None if hi else 0.0) for lo, hi in free]
    bounds += [(0.0, 1.0)] * m
    res = linprog(cost, A_ub=np.array(a_ub), b_ub=b_ub, bounds=bounds, method="highs")
    return None if res.status == 2 else -res.fun


def random_groups(rng, n, k):
    out = []
    for _ in range(rng.integers(1, 4)):
        sites = np.sort(rng.choice(n, size=rng.integers(2, 5), replace=False))
        out.append((sites, int(rng.choice([1, -1])), int(rng.integers(0, k + 1))))
    return out


def obeys(x, groups):
    return all(sense * x[sites].sum() <= sense * rhs for sites, sense, rhs in groups)


@pytest.mark.parametrize("seed", range(10))
def test_group_rows_reach_the_lp_with_them(seed):
    # Node after node on one LP object, each with random fixings and group rows: the bound of
    # a converged node is linprog's LP value (-inf where that LP has no solution), and at
    # least the best plan of the node that obeys the group rows (brute force).
    rows, p, w, e, const = instance(seed, 1.0, 0.0)
    lp = _DualCoverLP(rows)
    lp.add(np.array([0]))
    rng = np.random.default_rng(seed)
    for _ in range(8):
        lower, upper = random_fixing(rng, rows.n, rows.k)
        groups = random_groups(rng, rows.n, rows.k)
        ids = tuple(lp.group(*g) for g in groups)
        basis = lp.h.getBasis() if rng.random() < 0.7 else None
        out = lp.generate(lower, upper, -np.inf, np.inf, basis, ids)
        assert out is not None and out.converged
        # Counted without the LP: too many forced open in a <= row, too few allowed in a >=.
        hopeless = any(
            (sense > 0 and lower[sites].sum() > rhs) or (sense < 0 and upper[sites].sum() < rhs)
            for sites, sense, rhs in groups
        )
        want = None if hopeless else group_lp(p, w, e, rows.k, lower, upper, groups)
        if want is None:
            assert out.bound == -np.inf
            continue
        assert out.bound == pytest.approx(const + want, rel=1e-7, abs=1e-7)
        good = [x for x in plans(rows.n, rows.k, lower, upper) if obeys(x, groups)]
        best = max((const + truth(p, w, e, 1.0, 0.0, x) for x in good), default=-np.inf)
        assert out.bound >= best - 1e-9


@pytest.mark.parametrize("seed", range(10))
def test_group_bound_holds_for_any_duals(seed):
    # L_F(μ, ν) with random μ >= 0 and ν >= 0 bounds every plan of the node obeying the rows.
    rows, p, w, e, const = instance(seed, 1.0, 0.0)
    lp = _DualCoverLP(rows)
    rng = np.random.default_rng(seed)
    for _ in range(20):
        lower, upper = random_fixing(rng, rows.n, rows.k)
        groups = random_groups(rng, rows.n, rows.k)
        lp.active = np.array([lp.group(*g) for g in groups])
        lp.nu = rng.uniform(0, 20, len(lp.groups)) * (rng.random(len(lp.groups)) < 0.7)
        good = [x for x in plans(rows.n, rows.k, lower, upper) if obeys(x, groups)]
        if not good:
            continue
        best = max(const + truth(p, w, e, 1.0, 0.0, x) for x in good)
        mu = rng.uniform(0, 12, len(rows.c1)) * (rng.random(len(rows.c1)) < 0.7)
        rest, g = rows.parts(mu, np.zeros(0))
        gg, c = lp.adjust(g)
        assert rows.node_bound(rest + c, gg, lower, upper) >= best - 1e-9
