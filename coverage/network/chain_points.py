"""Times to points on the network from a routing on the core graph, without node times.

Every segment lies on exactly one chain (:mod:`coverage.network.chains`), so each (source,
point) comes from one (source, chain) pair of :mod:`coverage.network.chain_times`: the point's
time is the faster way in from its segment's two ends, whose times follow from the chain's ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from coverage._arrays import ranges
from coverage.network.chain_times import (
    Entries,
    Group,
    _cells_in_order,
    at_positions,
    by_source,
    pairs,
)
from coverage.network.chains import Chains, Incidence, incidence

__all__ = ["Places", "places", "point_times", "routed_point_times"]


@dataclass
class Places:
    """Points on the network, by chain: the segment each lies on, and times along it.

    Attributes
    ----------
    ptr, point
        Chain ``c``'s points: ``point[ptr[c]:ptr[c + 1]]`` (positions in the snapped points).
    lo
        Per listed point: the position (on all chains) of its segment's first end; the
        segment joins ``lo`` and ``lo + 1``.
    a_lo, b_lo, a_hi, b_hi
        Per listed point: the times from the chain's ``a`` and ``b`` to its segment's ends,
        as ``from_a`` and ``from_b`` of :class:`~coverage.network.chains.Chains` hold them.
    off_lo, off_hi
        Per listed point: time to it from its segment's end at ``lo`` and from the one at
        ``lo + 1`` (inf: not walkable that way).
    inc, on
        The chains with points, by end node; and per chain, whether it has points.
    """

    ptr: np.ndarray
    point: np.ndarray
    lo: np.ndarray
    a_lo: np.ndarray
    b_lo: np.ndarray
    a_hi: np.ndarray
    b_hi: np.ndarray
    off_lo: np.ndarray
    off_hi: np.ndarray
    inc: Incidence
    on: np.ndarray


def places(
    ch: Chains, n: int, point: np.ndarray, u: np.ndarray, v: np.ndarray, off: np.ndarray
) -> Places:
    """Points located on chains, from their segments' ends and the times from them.

    Parameters
    ----------
    ch
        The network's chains.
    n
        Number of points.
    point, u, v
        Per snapped point: its position, and its segment's ``u`` and ``v`` nodes.
    off
        Per snapped point: times from ``u`` and from ``v`` (inf: not walkable), shape (k, 2).

    Returns
    -------
    Places
        The points by chain.
    """
    # the segment's inner end names the chain (its other end is a neighbour on it); two core
    # ends: the chain of two positions that joins them
    inner_u = ch.chain[u] >= 0
    x = np.where(inner_u, u, v)
    other = np.where(inner_u, v, u)
    c = ch.chain[x]
    at = ch.at[x]
    before = ch.node[at - 1] == other  # the other end comes first on the chain
    lo = np.where(before, at - 1, at)
    u_first = np.where(inner_u, ~before, before)
    both_core = c < 0
    if both_core.any():
        c[both_core] = _edge_chain(ch, u[both_core], v[both_core])
        lo[both_core] = ch.ptr[c[both_core]]
        u_first[both_core] = ch.node[lo[both_core]] == u[both_core]
    off_lo = np.where(u_first, off[:, 0], off[:, 1])
    off_hi = np.where(u_first, off[:, 1], off[:, 0])
    order = np.argsort(c, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(c, minlength=ch.n_chains))])
    lo = lo[order]
    return Places(
        ptr,
        point[order],
        lo,
        ch.from_a[lo],
        ch.from_b[lo],
        ch.from_a[lo + 1],
        ch.from_b[lo + 1],
        off_lo[order],
        off_hi[order],
        incidence(ch, np.flatnonzero(np.diff(ptr))),
        np.diff(ptr) > 0,
    )


def _edge_chain(ch: Chains, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The chain of two positions joining core nodes ``u`` and ``v`` (network positions)."""
    lu, lv = ch.local[u], ch.local[v]
    lo, hi = np.minimum(lu, lv), np.maximum(lu, lv)
    q, owner = ranges(ch.a_ptr[lo], ch.a_ptr[lo + 1] - ch.a_ptr[lo])
    cand = ch.a_chain[q]
    hit = (ch.ptr[cand + 1] - ch.ptr[cand] == 2) & (ch.b[cand] == hi[owner])
    out = np.full(len(u), -1, dtype=np.int64)
    out[owner[hit]] = cand[hit]
    return out


def point_times(
    ch: Chains, ent: Entries, g: Group, pl: Places, reach_s: float, cap: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, point and time of every (source, point) of a group within ``cap`` seconds.

    The same as the node times (those within ``reach_s``) plus each point's time from its
    segment's ends, the faster of the two, without the inner nodes' times.

    Parameters
    ----------
    ch
        The network's chains.
    ent
        The sources' entries.
    g
        The group (:func:`group`).
    pl
        The points by chain (:func:`places`).
    reach_s
        The routing's time limit: node times beyond it do not count.
    cap
        Largest time kept.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Rows in ascending runs; each (row, point) once.
    """
    pr = pairs(ch, ent, g, pl.inc, pl.on)
    q, pair = ranges(pl.ptr[pr.chain], pl.ptr[pr.chain + 1] - pl.ptr[pr.chain])
    ta, tb = pr.ta[pair], pr.tb[pair]
    t_lo = np.minimum(ta + pl.a_lo[q], tb + pl.b_lo[q])
    t_hi = np.minimum(ta + pl.a_hi[q], tb + pl.b_hi[q])
    n_own = int(np.searchsorted(pair, pr.n_own))
    if n_own:  # the sources' own chains: their entries inside count too
        own, ends = (q[:n_own], pair[:n_own]), (ta[:n_own], tb[:n_own])
        t_lo[:n_own] = at_positions(ch, ent, g, pr, (pl.lo[own[0]], own[1]), ends, n_own)
        t_hi[:n_own] = at_positions(ch, ent, g, pr, (pl.lo[own[0]] + 1, own[1]), ends, n_own)
    off_lo, off_hi = pl.off_lo[q], pl.off_hi[q]
    t = np.minimum(t_lo + off_lo, t_hi + off_hi)
    if cap > reach_s:
        # node times beyond the routing's limit do not count; they only matter where the
        # point's time is beyond it too (the node time is at most the point's)
        x = np.flatnonzero((t > reach_s) & (t <= cap))
        a, b = t_lo[x], t_hi[x]
        a[a > reach_s] = np.inf
        b[b > reach_s] = np.inf
        t[x] = np.minimum(a + off_lo[x], b + off_hi[x])
    ok = np.flatnonzero(t <= cap)
    return pr.row[pair[ok]], pl.point[q[ok]], t[ok]


def routed_point_times(
    ch: Chains,
    ent: Entries,
    groups: list[Group],
    pl: Places,
    same: tuple[np.ndarray, np.ndarray, np.ndarray],
    shape: tuple[int, int],
    limits: tuple[float, float],
    block_cells: int,
) -> sparse.csr_matrix:
    """Sources × points times of a routing, CSR with sorted indices.

    Each (source, point) comes from one pair, or also from a walk along a shared segment:
    the faster counts. A dense block of (group row, point) cells, of at most ``block_cells``,
    puts them in CSR order; only its marks are cleared, its values are read where marked.

    Parameters
    ----------
    ch
        The network's chains.
    ent
        The sources' entries.
    groups
        The routing's groups.
    pl
        The points by chain (:func:`places`).
    same
        Walks along a shared segment: source, point, time (sources ascending).
    shape
        Number of sources and of points.
    limits
        The routing's time limit, and the largest time kept.
    block_cells
        Most cells of the dense block.

    Returns
    -------
    csr_matrix
        Seconds; a stored entry (explicit zeros included) is reached.
    """
    (k, m), (reach_s, cap) = shape, limits
    si, tj, tt = same
    found = [point_times(ch, ent, g, pl, reach_s, cap) for g in groups]
    if k * m <= block_cells:  # one block for all sources: CSR order at once
        row = np.concatenate([g.sources[f[0]] for g, f in zip(groups, found, strict=True)]
                             + [np.zeros(0, np.int64)])  # fmt: skip
        pt = np.concatenate([f[1] for f in found] + [np.zeros(0, np.int64)])
        t = np.concatenate([f[2] for f in found] + [np.zeros(0)])
        block = np.zeros(0, dtype=bool), np.empty(0)
        _, (r, c, v) = _cells_in_order((row, pt, t), (si, tj, tt), (k, m), k, cap, block)
        indptr = np.searchsorted(r, np.arange(k + 1))
        return sparse.csr_matrix((v, c.astype(np.int32), indptr), shape=(k, m))
    # else block by block: the same-segment walks by group, rows within the group
    group_of = np.full(k, -1, dtype=np.int64)
    row_of = np.zeros(k, dtype=np.int64)
    for i, g in enumerate(groups):
        group_of[g.sources] = i
        row_of[g.sources] = np.arange(len(g.sources))
    by_group = np.argsort(group_of[si], kind="stable")
    cut = np.searchsorted(group_of[si][by_group], np.arange(len(groups) + 1))
    step = max(1, block_cells // max(m, 1))  # rows a block holds
    size = min(step, max((len(g.sources) for g in groups), default=0)) * m
    block = np.zeros(size, dtype=bool), np.empty(size)
    parts = []
    for i, (g, f) in enumerate(zip(groups, found, strict=True)):
        sel = by_group[cut[i] : cut[i + 1]]
        s = row_of[si[sel]], tj[sel], tt[sel]
        block, part = _cells_in_order(f, s, (len(g.sources), m), step, cap, block)
        parts.append(part)
    return by_source([g.sources for g in groups], parts, k, m)
