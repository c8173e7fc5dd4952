"""Walking times on a network's chains (:mod:`coverage.network.chains`) once the core is routed.

The Dijkstra of :func:`coverage.routing.reach` runs on the core graph. For a group of sources
routed together, every (source, chain) with an end reached, or that the source starts inside,
is a *pair*, with the times at the chain's two ends. From the pairs follow the times at the
chains' inner nodes (:func:`node_times`) and, without those, the times to points snapped on the
chains' segments (:mod:`coverage.network.chain_points`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from coverage._arrays import ranges
from coverage.network.chains import Chains, Incidence

__all__ = [
    "Entries",
    "enter",
    "Group",
    "group",
    "Pairs",
    "pairs",
    "at_positions",
    "node_times",
    "by_source",
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

    Only the reached core nodes are kept (the group's dense times are rebuilt when pairs are
    made): a routing of many sources holds no dense block per group.

    Attributes
    ----------
    sources
        The group's sources (positions); rows below index into it.
    nodes
        The core nodes (indices, ascending) routed for the group.
    core_row, core_col, core_time
        Reached core nodes by row: their index in ``nodes``, and their times.
    """

    sources: np.ndarray
    nodes: np.ndarray
    core_row: np.ndarray
    core_col: np.ndarray
    core_time: np.ndarray

    @property
    def core_node(self) -> np.ndarray:
        """The reached core nodes (indices)."""
        out: np.ndarray = self.nodes[self.core_col]
        return out

    def dense(self) -> np.ndarray:
        """Rows × (1 + ``nodes``) times: column 0 is never reached (inf), then ``nodes``."""
        d = np.full((len(self.sources), len(self.nodes) + 1), np.inf)
        d[self.core_row, self.core_col + 1] = self.core_time
        return d


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
        The routing, by reached core node.
    """
    r, c = np.nonzero(d[:, 1:] != np.inf)
    return Group(grp, nodes, r, c, d[r, c + 1])


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
    d, r, y, t = g.dense(), g.core_row, g.core_node, g.core_time
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


def at_positions(
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
    t = at_positions(ch, ent, g, pr, (pos, pair), (pr.ta[pair], pr.tb[pair]), n_own)
    ok = t <= limit_s
    return (
        np.concatenate([g.core_row, pr.row[pair[ok]]]),
        np.concatenate([ch.core[g.core_node], ch.node[pos[ok]]]),
        np.concatenate([g.core_time, t[ok]]),
    )


def by_source(
    groups: list[np.ndarray],
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    k: int,
    n: int,
    *,
    ordered: bool = False,
) -> sparse.csr_matrix:
    """Each group's (row, column, value) triplets as one sources × ``n`` CSR matrix.

    Rows are put in order (unless ``ordered`` already) with a stable radix sort per group (rows
    are small integers), then each source's run is gathered in source order: no sort of the
    whole.
    """
    counts = np.zeros(k, dtype=np.int64)
    start = np.zeros(k, dtype=np.int64)
    cols, vals = [], []
    offset = 0
    for grp, (row, c, v) in zip(groups, parts, strict=True):
        if ordered:
            cols.append(c)
            vals.append(v)
        else:
            small = np.int8 if len(grp) <= 127 else np.int64
            order = np.argsort(row.astype(small), kind="stable")
            cols.append(c[order])
            vals.append(v[order])
        per_row = np.bincount(row, minlength=len(grp))
        counts[grp] = per_row
        start[grp] = offset + np.cumsum(per_row) - per_row
        offset += len(row)
    pos = ranges(start, counts)[0]
    col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    val = np.concatenate(vals) if vals else np.zeros(0)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sparse.csr_matrix((val[pos], col[pos].astype(np.int32), indptr), shape=(k, n))
