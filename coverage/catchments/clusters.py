"""Clusters of nearby street segments, with the least distance to each cluster kept per grid point.

Overlapping catchments reach the same whole segments again and again (on Wuhan each segment of
a 15-minute catchment is reached by about fifteen facilities), and next to each other: every
grid point near a street is near several segments. The grid table keeps the distance from each
segment to its grid points; a cluster keeps, per grid point, the least distance to any of its
segments, computed once per table. A source that reaches every segment of a cluster whole takes
the cluster's entries (about half as many) in place of its segments'. The minimum over the same
distances is the same number, so the traced outlines do not change.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from coverage._arrays import ranges
from coverage._threads import thread_count

__all__: list[str] = []

#: Side of a cluster's square, in grid cells (segments are clustered by their box centres).
CLUSTER_CELLS = 10

#: Most segments in a cluster: one bit each in a 64-bit word.
_MOST = 64

#: Table entries reduced at once (a chunk of clusters, on threads) when the clusters are made.
_ENTRIES_PER_CHUNK = 262_144


class Clusters:
    """Segments (table rows) grouped in clusters, and each cluster's least distances.

    Parameters
    ----------
    box
        Per row: the box ``(i0, i1, j0, j1)`` of the grid points its entries lie in.
    lo, hi
        Per row: its entries ``lo:hi`` in ``g`` and ``d``.
    g, d
        Grid point (row-major in a grid ``ni`` wide) and distance of every entry.
    ni
        Grid width.
    """

    def __init__(
        self,
        box: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        g: np.ndarray,
        d: np.ndarray,
        ni: int,
    ) -> None:
        self.cluster, self.bit, self.mask = _assign(box)
        n = len(self.mask)
        rows = np.flatnonzero(self.cluster >= 0)
        order = rows[np.argsort(self.cluster[rows], kind="stable")]
        starts = np.flatnonzero(np.r_[True, np.diff(self.cluster[order]) != 0]) if n else order
        if not n:
            self.ptr, self.g, self.d = np.zeros(1, np.int64), g[:0], d[:0]
            return
        # each cluster's box: its entries are reduced in a dense block over the box
        box = np.stack(
            [np.minimum.reduceat(box[order, 0], starts), np.maximum.reduceat(box[order, 1], starts),
             np.minimum.reduceat(box[order, 2], starts), np.maximum.reduceat(box[order, 3], starts)],
            axis=1,
        )  # fmt: skip
        # clusters in contiguous chunks of about _ENTRIES_PER_CHUNK entries, on threads (numpy
        # releases the GIL; a chunk's temporaries are reused from the heap), in order
        size = np.add.reduceat(hi[order] - lo[order], starts)
        total = np.cumsum(size)
        cuts = np.unique(
            np.r_[
                0,
                np.searchsorted(
                    total, np.arange(_ENTRIES_PER_CHUNK, total[-1], _ENTRIES_PER_CHUNK)
                ),
                n,
            ]
        )
        ends = np.r_[starts[1:], len(order)]

        def reduce(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            c0, c1 = cuts[k], cuts[k + 1]
            rows = order[starts[c0] : ends[c1 - 1]]
            return _least(box[c0:c1], self.cluster[rows] - c0, lo[rows], hi[rows], g, d, ni)

        if len(cuts) <= 2:
            parts = [reduce(0)]
        else:
            with ThreadPoolExecutor(max_workers=thread_count()) as pool:
                parts = list(pool.map(reduce, range(len(cuts) - 1)))
        self.g = np.concatenate([p[0] for p in parts])
        self.d = np.concatenate([p[1] for p in parts])
        self.ptr = np.concatenate([[0], np.cumsum(np.concatenate([p[2] for p in parts]))])

    def split(self, src: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which whole stretches ``(src, rows)`` lie in a cluster their source reaches whole.

        Returns that flag per stretch, and the (source, cluster) pairs reached whole, once each.
        A stretch listed twice counts once (bits are or-ed, not added).
        """
        full = np.zeros(len(rows), dtype=bool)
        cl = self.cluster[rows]
        inside = np.flatnonzero(cl >= 0)
        if not len(inside):
            return full, np.zeros(0, np.int64), np.zeros(0, np.int64)
        s, c = src[inside], cl[inside]
        # sources and clusters numbered densely: their (source, cluster) words form a small block
        s_id, s_n, s_of = _dense_ids(s)
        c_id, c_n, c_of = _dense_ids(c)
        key = s_id[s] * c_n + c_id[c]
        words = np.zeros(s_n * c_n, dtype=np.uint64)
        np.bitwise_or.at(words, key, self.bit[rows[inside]])
        done = words == np.tile(self.mask[c_of], s_n)
        full[inside] = done[key]
        pair = np.flatnonzero(done)
        return full, s_of[pair // c_n], c_of[pair % c_n]


def _least(
    box: np.ndarray,
    cluster: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    g: np.ndarray,
    d: np.ndarray,
    ni: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least distance at each grid point of some clusters: (g, distance, count per cluster).

    ``box`` holds the clusters' boxes, ``cluster`` (numbered from 0) and ``lo:hi`` the rows'
    clusters and entries. Results come by cluster, then by grid point.
    """
    w, h = box[:, 1] - box[:, 0] + 1, box[:, 3] - box[:, 2] + 1
    base = np.cumsum(w * h) - w * h
    pos, k = ranges(lo, hi - lo)
    c = cluster[k]
    gi, gj = g[pos] % ni, g[pos] // ni
    block = np.full(int((w * h).sum()), np.inf, dtype=d.dtype)
    np.minimum.at(block, base[c] + (gi - box[c, 0]) + (gj - box[c, 2]) * w[c], d[pos])
    flat = np.flatnonzero(block != np.inf)
    of = np.searchsorted(base, flat, side="right") - 1
    local = flat - base[of]
    at = (box[of, 2] + local // w[of]) * ni + box[of, 0] + local % w[of]
    return at, block[flat], np.bincount(of, minlength=len(box))


def _assign(box: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cluster of each row (-1: none), its bit in the cluster, and each cluster's full mask.

    Rows are clustered by the square of :data:`CLUSTER_CELLS` their box centre falls in, at most
    :data:`_MOST` per cluster (in row order); rows whose box is more than two squares
    wide or tall are left alone, so a cluster's box stays small (three squares a side at most).
    """
    n = len(box)
    side = CLUSTER_CELLS
    small = (box[:, 1] - box[:, 0] <= 2 * side) & (box[:, 3] - box[:, 2] <= 2 * side)
    rows = np.flatnonzero(small)
    ci = (box[rows, 0] + box[rows, 1]) // (2 * side)
    cj = (box[rows, 2] + box[rows, 3]) // (2 * side)
    cell = (ci - ci.min(initial=0)) * (int(cj.max(initial=0) - cj.min(initial=0)) + 1) + (
        cj - cj.min(initial=0)
    )
    order = np.argsort(cell, kind="stable")
    rows, cell = rows[order], cell[order]
    first = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]]) if len(rows) else rows
    rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    new = np.r_[True, (cell[1:] != cell[:-1]) | (rank[1:] % _MOST == 0)] if len(rows) else rows
    cluster = np.full(n, -1, dtype=np.int64)
    cluster[rows] = np.cumsum(new) - 1
    bit = np.zeros(n, dtype=np.uint64)
    bit[rows] = np.left_shift(np.uint64(1), (rank % _MOST).astype(np.uint64))
    size = np.bincount(cluster[rows], minlength=int(new.sum()))
    mask = np.where(
        size >= _MOST,
        np.uint64(np.iinfo(np.uint64).max),
        np.left_shift(np.uint64(1), np.minimum(size, _MOST - 1).astype(np.uint64)) - np.uint64(1),
    ).astype(np.uint64)
    return cluster, bit, mask


def _dense_ids(values: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Dense numbers of the distinct non-negative ``values``, in increasing order.

    Returns the number of each value (indexed by value), how many there are, and the values.
    """
    seen = np.zeros(int(values.max()) + 1, dtype=bool)
    seen[values] = True
    distinct = np.flatnonzero(seen)
    ids = np.cumsum(seen) - 1
    return ids, len(distinct), distinct
