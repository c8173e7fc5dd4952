"""Groups of similar sites to branch on: how many of them open, rather than whether one does.

The covering LP of a street network opens many near-twin sites a little each (on the Wuhan
sample, MCLP k = 25 opens 138 sites fractionally at the root). Forcing one of them shut moves
the bound little, as a twin takes its place; fixing how many of a group of similar sites open
(Σ_G x <= ⌊s⌋ or >= ⌈s⌉, s the group's LP sum) moves it further. The groups are the clusters of
a hierarchical clustering (average linkage) of the sites by the weighted Jaccard distance of
the demand they reach, at most a quarter of the sites each; branching takes the largest cluster
whose LP sum is fractional enough. Every site is clustered, not only the LP's: a group row
must hold the twins outside the LP too, or they come in and take the place of those it shuts
(on MCLP k = 25, clustering only the root LP's sites gave a bound worse than single sites).
MCLP k = 25 after 100 nodes: bound 448,727 against 448,923 branching on single sites (the
optimum is 448,376.5 or more); after 60 s (load 3, with the kicks of `coverage.siting.branch`)
448,758 against 448,844. A node takes longer (the first group rows move the LP far), so the
gain shows from about 20 s on.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import squareform

from coverage.siting._sparse import CSR, Bools, Floats, Ints

__all__: list[str] = []

#: A group's LP sum must be at least this far from an integer to branch on.
_MIN_FRACTION = 0.2
#: Past this many sites only those of the root LP are clustered (the distances are dense).
_MAX_SITES = 2500


class _Groups:
    """The clusters of two sites up to a quarter of them in a hierarchical clustering.

    Parameters
    ----------
    s1
        Sites × demand rows they reach (0/1).
    c1
        Weight of each demand row.
    lp_sites
        The sites of the root LP: clustered instead of all once there are over `_MAX_SITES`.
    """

    def __init__(self, s1: CSR, c1: Floats, lp_sites: Ints) -> None:
        n = s1.shape[0]
        sites = np.arange(n) if n <= _MAX_SITES else np.asarray(lp_sites, dtype=np.int64)
        largest = len(sites) // 4
        self.members: list[Ints] = []
        if len(sites) >= 2:
            a = s1[sites].astype(np.float64)
            shared = (a.multiply(c1[None, :]).tocsr() @ a.T).toarray()
            size = np.diag(shared).copy()
            union = size[:, None] + size[None, :] - shared
            dist = 1.0 - np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
            np.fill_diagonal(dist, 0.0)
            tree = linkage(squareform(dist, checks=False), "average")
            parts: list[Ints] = [np.array([j]) for j in sites]
            for left, right, _, _ in tree:
                parts.append(np.concatenate([parts[int(left)], parts[int(right)]]))
                if len(parts[-1]) <= largest:
                    self.members.append(np.sort(parts[-1]))
        sizes = np.array([len(m) for m in self.members], dtype=np.int64)
        self.sizes = sizes
        idx = np.concatenate(self.members) if self.members else np.zeros(0, np.int64)
        ptr = np.concatenate([[0], np.cumsum(sizes)])
        self.matrix: CSR = sparse.csr_matrix(
            (np.ones(len(idx)), idx, ptr), shape=(len(self.members), n)
        )

    def pick(self, x: Floats, lower: Bools, upper: Bools) -> tuple[Ints, float] | None:
        """The largest group whose LP sum (forced sites included) is fractional, and the sum.

        None when every group's sum is within `_MIN_FRACTION` of an integer.
        """
        if not self.members:
            return None
        value = np.where(upper & ~lower, x, 0.0) + lower
        s = np.asarray(self.matrix @ value, dtype=np.float64)
        frac = np.minimum(s - np.floor(s), np.ceil(s) - s)
        ok = np.flatnonzero(frac >= _MIN_FRACTION)
        if not len(ok):
            return None
        i = int(ok[np.argmax(self.sizes[ok])])
        return self.members[i], float(s[i])
