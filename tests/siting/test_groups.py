"""Groups of similar sites to branch on (coverage.siting.groups), and the search using them.

Clusters and picks are checked on blocks of sites built to have them; the search's optimum
against brute force over every plan of small instances made of twin sites.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from coverage.siting.branch import _Search
from coverage.siting.cover_dual import _DualCoverLP
from coverage.siting.cover_lp import _rows, _seed
from coverage.siting.groups import _Groups


def blocks():
    """16 sites in 4 blocks of 3 rows each; in a block sites 0, 1 reach rows 0, 1 and sites
    2, 3 rows 1, 2 (block-relative): twin pairs inside blocks, blocks apart."""
    reach = []
    for b in range(4):
        reach += [[3 * b, 3 * b + 1]] * 2 + [[3 * b + 1, 3 * b + 2]] * 2
    s1 = sparse.csr_matrix(
        (np.ones(32), np.concatenate(reach), np.arange(0, 33, 2)), shape=(16, 12)
    )
    return s1, np.arange(1.0, 13.0)


def test_clusters_are_the_twins_and_the_blocks():
    s1, c1 = blocks()
    groups = _Groups(s1, c1, np.arange(3))  # 16 sites: all clustered, the LP's ignored
    got = {tuple(m) for m in groups.members}
    want = {tuple(range(4 * b + i, 4 * b + i + 2)) for b in range(4) for i in (0, 2)}
    want |= {tuple(range(4 * b, 4 * b + 4)) for b in range(4)}  # at most 16 // 4 sites
    assert got == want


def test_pick_takes_the_largest_group_with_a_fractional_sum():
    s1, c1 = blocks()
    groups = _Groups(s1, c1, np.arange(16))
    none, every = np.zeros(16, dtype=bool), np.ones(16, dtype=bool)
    x = np.zeros(16)
    x[[0, 1, 2]] = [0.5, 0.5, 0.5]  # block 0 sums to 1.5: the block, not a pair
    sites, s = groups.pick(x, none, every)
    assert list(sites) == [0, 1, 2, 3] and s == pytest.approx(1.5)
    x[2] = 0.1  # block 0 at 1.1 (too near 1): pair (0, 1) at 1.0, pair (2, 3) at 0.1
    x[[4, 5]] = [0.3, 0.4]  # pair (4, 5) at 0.7, block 1 at 0.7: the block again
    sites, s = groups.pick(x, none, every)
    assert list(sites) == [4, 5, 6, 7] and s == pytest.approx(0.7)
    # Forced-open sites count 1 whatever their x; shut ones 0.
    lower, upper = none.copy(), every.copy()
    lower[6], upper[5] = True, False
    x[:] = 0.0
    x[[4, 6]] = [0.5, 0.0]
    sites, s = groups.pick(x, lower, upper)
    assert list(sites) == [4, 5, 6, 7] and s == pytest.approx(1.5)
    assert groups.pick(np.zeros(16), none, every) is None


def twins(seed, k, c=8, m=30):
    """Sites in twin pairs at c places; each of m rows is reached by both twins of 2-3 random
    places, and each site reaches one row of its own (so twins differ a little)."""
    rng = np.random.default_rng(seed)
    n = 2 * c
    p = np.zeros((m + n, n))
    for i in range(m):
        place = rng.choice(c, size=rng.integers(2, 4), replace=False)
        p[i, np.concatenate([2 * place, 2 * place + 1])] = 1
    p[m + np.arange(n), np.arange(n)] = 1
    w = np.concatenate([rng.integers(5, 30, m), rng.integers(0, 3, n)]).astype(float)
    rows = _rows(sparse.csr_matrix(p), w, np.zeros(len(w)), 1.0, 0.0, k, 0.0)
    return rows, p, w


@pytest.mark.parametrize("k", [2, 3])
def test_search_with_group_rows_matches_brute_force(k):
    branched = 0
    for seed in range(10):
        rows, p, w = twins(seed, k)
        best = max(
            float(w[p[:, list(c)].sum(1) > 0].sum())
            for c in itertools.combinations(range(rows.n), k)
        )
        lp = _DualCoverLP(rows)
        lp.add(_seed(rows, np.zeros(0, np.int64)))
        res = _Search(rows, lp, np.zeros(rows.n), 0.0, np.inf).run()
        assert res.finished and res.value == pytest.approx(best, abs=1e-9)
        assert best - 1e-9 <= res.bound <= best + 1e-6 * best
        branched += len(lp.groups) > 0
    assert branched >= 5  # most searches branched on groups
