"""Walking times on a network's chains (:mod:`coverage.network.chains`) once the core is routed.

The Dijkstra of :func:`coverage.routing.reach` runs on the core graph. For a group of sources
routed together, every (source, chain) with an end reached, or that the source starts inside,
is a *pair*, with the times at the chain's two ends. From the pairs follow the times at the
chains' inner nodes (:func:`node_times`) and, without those, the times to points snapped on the
chains' segments (:func:`point_times`): every segment lies on exactly one chain, so each
(source, point) comes from one pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coverage._arrays import ranges
from coverage.network.chains import Chains, Incidence, incidence

__all__ = [
    "Entries",
    "enter",
    "Group",
    "group",
    "Pairs",
    "pairs",
    "node_times",
    "Places",
    "places",
    "point_times",
]


@dataclass
class Entries:
    """Where sources enter the core graph, and the chains they start inside.

    Attributes
    ----------
    ptr, node, time
        Arcs from each source (by position) to core nodes (by index), CSR-like: the fastest
        to each node, directly or along the chain the source starts in.
    chain1, pos1, time1, chain2, pos2, time2
        Per source, up to two inner nodes it enters directly: their chain (-1: none), position
        and time.
    """

    ptr: np.ndarray
    node: np.ndarray
    time: np.ndarray
    chain1: np.ndarray
    pos1: np.ndarray
    time1: np.ndarray
    chain2: np.ndarray
    pos2: np.ndarray
    time2: np.ndarray


def enter(ch: Chains, k: int, src: np.ndarray, node: np.ndarray, t: np.ndarray) -> Entries:
    """Entry arcs ``src → node`` (time ``t``) of ``k`` sources, moved onto the core graph.

    An arc to a chain's inner node goes on along the chain to both its ends (where walkable).

    Parameters
    ----------
    ch
        The network's chains.
    k
        Number of sources.
    src, node, t
        Entry arcs: source position, network node, time.

    Returns
    -------
    Entries
        Arcs to core nodes, and the inner nodes entered directly.
    """
    c = ch.chain[node]
    inner = c >= 0
    cc, p, ti, si = c[inner], ch.at[node[inner]], t[inner], src[inner]
    s = np.concatenate([src[~inner], si, si])
    to = np.concatenate([ch.local[node[~inner]], ch.a[cc], ch.b[cc]])
    tt = np.concatenate([t[~inner], ti + ch.to_a[p], ti + ch.to_b[p]])
    ok = np.isfinite(tt)
    s, to, tt = s[ok], to[ok], tt[ok]
    order = np.lexsort((tt, to, s))
    s, to, tt = s[order], to[order], tt[order]
    keep = np.ones(len(s), dtype=bool)
    keep[1:] = (s[1:] != s[:-1]) | (to[1:] != to[:-1])
    s, to, tt = s[keep], to[keep], tt[keep]
    ptr = np.concatenate([[0], np.cumsum(np.bincount(s, minlength=k))])
    # at most two inner nodes per source (its segment's ends): the first and the second met
    chain1, chain2 = np.full(k, -1, dtype=np.int64), np.full(k, -1, dtype=np.int64)
    pos1, pos2 = np.zeros(k, dtype=np.int64), np.zeros(k, dtype=np.int64)
    time1, time2 = np.full(k, np.inf), np.full(k, np.inf)
    again = np.zeros(len(si), dtype=bool)
    order = np.argsort(si, kind="stable")
    again[order[1:]] = si[order[1:]] == si[order[:-1]]
    one, two = ~again, again
    chain1[si[one]], pos1[si[one]], time1[si[one]] = cc[one], p[one], ti[one]
    chain2[si[two]], pos2[si[two]], time2[si[two]] = cc[two], p[two], ti[two]
    return Entries(ptr, to, tt, chain1, pos1, time1, chain2, pos2, time2)


@dataclass
class Group:
    """What a group of sources routed together reaches on the core graph.

    Attributes
    ----------
    sources
        The group's sources (positions); rows below index into it.
    nodes
        The core nodes (indices, ascending) routed for the group.
    d
        Rows × (1 + ``nodes``) times: column 0 is never reached (inf), then ``nodes``.
    core_row, core_node, core_time
        Reached core nodes (indices) and their times, by row.
    """

    sources: np.ndarray
    nodes: np.ndarray
    d: np.ndarray
    core_row: np.ndarray
    core_node: np.ndarray
    core_time: np.ndarray


def group(grp: np.ndarray, nodes: np.ndarray, d: np.ndarray) -> Group:
    """A group's routing, from its Dijkstra times.

    Parameters
    ----------
    grp
        The group's sources (positions).
    nodes
        The core nodes (indices, ascending) routed for the group.
    d
        Group × (1 + ``nodes``) times: column 0 is never reached (inf), then ``nodes``.

    Returns
    -------
    Group
        The routing, with the reached core nodes.
    """
    r, c = np.nonzero(d[:, 1:] != np.inf)
    return Group(grp, nodes, d, r, nodes[c], d[r, c + 1])


@dataclass
class Pairs:
    """The (row, chain) pairs of a group: chains with an end reached, or a source inside.

    Attributes
    ----------
    row, chain, ta, tb
        Each pair with the times at the chain's ends (inf: not reached); first the ``n_own``
        chains the sources start inside.
    n_own
        How many pairs come first as the sources' own chains.
    """

    row: np.ndarray
    chain: np.ndarray
    ta: np.ndarray
    tb: np.ndarray
    n_own: int


def pairs(ch: Chains, ent: Entries, g: Group, inc: Incidence, on: np.ndarray | None) -> Pairs:
    """The group's pairs among the chains of ``inc`` (and, marked ``on``, of its own chains).

    Parameters
    ----------
    ch
        The network's chains.
    ent
        The sources' entries (:func:`enter`).
    g
        The group.
    inc
        The chains to pair, by end node.
    on
        Per chain: whether a source's own chain counts (None: all do).

    Returns
    -------
    Pairs
        Each (row, chain) once.
    """
    col = np.zeros(len(ch.core), dtype=np.int64)  # a core node's column in d (0: none)
    col[g.nodes] = np.arange(1, len(g.nodes) + 1)
    d, r, y, t = g.d, g.core_row, g.core_node, g.core_time
    c1, c2 = ent.chain1[g.sources], ent.chain2[g.sources]
    if on is not None:
        c1 = np.where((c1 >= 0) & on[np.maximum(c1, 0)], c1, -1)
        c2 = np.where((c2 >= 0) & on[np.maximum(c2, 0)], c2, -1)
    own = np.zeros(ch.n_chains, dtype=bool)  # the chains the group's sources start inside
    own[c1[c1 >= 0]] = True
    own[c2[c2 >= 0]] = True
    # each (source, chain) once: from the ``a`` end if reached there, else from the ``b`` end
    # (a source's own chains apart, first); the end it comes from has its time at hand
    q, o = ranges(inc.a_ptr[y], inc.a_ptr[y + 1] - inc.a_ptr[y])
    row_a, chain_a, ta_a = r[o], inc.a_chain[q], t[o]
    tb_a = d[row_a, col[ch.b[chain_a]]]
    q, o = ranges(inc.b_ptr[y], inc.b_ptr[y + 1] - inc.b_ptr[y])
    row_b, chain_b, tb_b = r[o], inc.b_chain[q], t[o]
    ta_b = d[row_b, col[ch.a[chain_b]]]
    keep_a = _not_own(own, c1, c2, row_a, chain_a)
    keep_b = (ta_b == np.inf) & _not_own(own, c1, c2, row_b, chain_b)
    r1 = np.flatnonzero(c1 >= 0)
    r2 = np.flatnonzero((c2 >= 0) & (c2 != c1))
    own_row = np.concatenate([r1, r2])
    own_chain = np.concatenate([c1[r1], c2[r2]])
    return Pairs(
        row=np.concatenate([own_row, row_a[keep_a], row_b[keep_b]]),
        chain=np.concatenate([own_chain, chain_a[keep_a], chain_b[keep_b]]),
        ta=np.concatenate([d[own_row, col[ch.a[own_chain]]], ta_a[keep_a], ta_b[keep_b]]),
        tb=np.concatenate([d[own_row, col[ch.b[own_chain]]], tb_a[keep_a], tb_b[keep_b]]),
        n_own=len(own_row),
    )


def _not_own(
    own: np.ndarray, c1: np.ndarray, c2: np.ndarray, row: np.ndarray, chain: np.ndarray
) -> np.ndarray:
    """Whether each (row, chain) is not one of that row's own chains."""
    keep: np.ndarray = ~own[chain]
    maybe = np.flatnonzero(~keep)  # few: only chains some source of the group starts inside
    keep[maybe] = (chain[maybe] != c1[row[maybe]]) & (chain[maybe] != c2[row[maybe]])
    return keep


def _at_positions(
    ch: Chains,
    ent: Entries,
    g: Group,
    pr: Pairs,
    at: tuple[np.ndarray, np.ndarray],
    ends: tuple[np.ndarray, np.ndarray],
    n_own: int,
) -> np.ndarray:
    """Times at chain positions ``at[0]`` of pairs ``at[1]``, given their chain end times.

    An end keeps its own time; an inner node's comes from both ends and, for the first
    ``n_own`` (in the sources' own chains), from the entries inside.
    """
    pos, pair = at
    ta, tb = ends
    t: np.ndarray = np.minimum(ta + ch.from_a[pos], tb + ch.from_b[pos])
    if n_own:
        op, pp = pos[:n_own], pair[:n_own]
        oc, s = pr.chain[pp], g.sources[pr.row[pp]]
        inner = ch.chain[ch.node[op]] >= 0  # an end keeps its core time
        t1 = np.where((ent.chain1[s] == oc) & inner, ent.time1[s], np.inf)
        t2 = np.where((ent.chain2[s] == oc) & inner, ent.time2[s], np.inf)
        t1 = _from_inside(ch, op, ent.pos1[s], t1)
        t2 = _from_inside(ch, op, ent.pos2[s], t2)
        t[:n_own] = np.minimum(t[:n_own], np.minimum(t1, t2))
    return t


def _from_inside(ch: Chains, pos: np.ndarray, e: np.ndarray, te: np.ndarray) -> np.ndarray:
    """Time at positions ``pos`` from an entry at position ``e`` of the same chain (time ``te``)."""
    ahead = (pos >= e) & (ch.fwd_cut[pos] == ch.fwd_cut[e])
    behind = (pos <= e) & (ch.back_cut[pos] == ch.back_cut[e])
    fwd = np.where(ahead, te + (ch.fwd[pos] - ch.fwd[e]), np.inf)
    back = np.where(behind, te + (ch.back[e] - ch.back[pos]), np.inf)
    out: np.ndarray = np.minimum(fwd, back)
    return out


def node_times(
    ch: Chains, ent: Entries, g: Group, limit_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, network node and time of every node the group reaches within the limit.

    Parameters
    ----------
    ch
        The network's chains.
    ent
        The sources' entries.
    g
        The group (:func:`group`).
    limit_s
        Time limit in seconds.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Core nodes first (rows ascending), then inner nodes (rows in ascending runs).
    """
    pr = pairs(ch, ent, g, ch.inner, None)
    first = ch.ptr[pr.chain] + 1
    pos, pair = ranges(first, ch.ptr[pr.chain + 1] - first - 1)
    n_own = int(np.searchsorted(pair, pr.n_own))
    t = _at_positions(ch, ent, g, pr, (pos, pair), (pr.ta[pair], pr.tb[pair]), n_own)
    ok = t <= limit_s
    return (
        np.concatenate([g.core_row, pr.row[pair[ok]]]),
        np.concatenate([ch.core[g.core_node], ch.node[pos[ok]]]),
        np.concatenate([g.core_time, t[ok]]),
    )


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
        t_lo[:n_own] = _at_positions(ch, ent, g, pr, (pl.lo[own[0]], own[1]), ends, n_own)
        t_hi[:n_own] = _at_positions(ch, ent, g, pr, (pl.lo[own[0]] + 1, own[1]), ends, n_own)
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
