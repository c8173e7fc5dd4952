"""Instances, brute force and tolerances shared by the siting tests.

Expected optima are computed independently here: by enumerating every k-subset of candidates on
the dense time matrix (the capacitated models' brute force, with scipy's linprog, is in
test_capacity.py and the p-median one in test_median.py).
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy import sparse

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


def close(value, expected, rel=1e-4):
    """Within HiGHS's relative MIP gap (1e-4 by default) of the expected optimum."""
    return abs(value - expected) <= rel * max(abs(expected), 1.0) + 1e-7


def random_sets(seed, n_c):
    rng = np.random.default_rng(seed + 1000)
    perm = rng.permutation(n_c)
    return perm[:1].tolist(), perm[1:2].tolist()  # one existing, one excluded


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
