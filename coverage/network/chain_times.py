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

from coverage._arrays import fastest_arcs, ranges
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
    "BLOCK_CELLS",
    "node_matrix",
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
    ptr, to, tt = fastest_arcs(s[ok], to[ok], tt[ok], k)
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
    w = len(g.nodes) + 1  # the width of d: (row, core node) is d[row * w + col[node]]
    col = np.zeros(len(ch.core), dtype=np.int64)  # a core node's column in d (0: none)
    col[g.nodes] = np.arange(1, w)
    d, r, y, t = g.dense().ravel(), g.core_row, g.core_node, g.core_time
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
    tb_a = d[row_a * w + col[ch.b[chain_a]]]
    q, o = ranges(inc.b_ptr[y], inc.b_ptr[y + 1] - inc.b_ptr[y])
    row_b, chain_b, tb_b = r[o], inc.b_chain[q], t[o]
    ta_b = d[row_b * w + col[ch.a[chain_b]]]
    keep_a = _not_own(own, c1, c2, row_a, chain_a)
    keep_b = (ta_b == np.inf) & _not_own(own, c1, c2, row_b, chain_b)
    r1 = np.flatnonzero(c1 >= 0)
    r2 = np.flatnonzero((c2 >= 0) & (c2 != c1))
    own_row = np.concatenate([r1, r2])
    own_chain = np.concatenate([c1[r1], c2[r2]])
    return Pairs(
        row=np.concatenate([own_row, row_a[keep_a], row_b[keep_b]]),
        chain=np.concatenate([own_chain, chain_a[keep_a], chain_b[keep_b]]),
        ta=np.concatenate([d[own_row * w + col[ch.a[own_chain]]], ta_a[keep_a], ta_b[keep_b]]),
        tb=np.concatenate([d[own_row * w + col[ch.b[own_chain]]], tb_a[keep_a], tb_b[keep_b]]),
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


#: Most (row, node) cells of the dense block :func:`node_matrix` orders times on at a time.
BLOCK_CELLS = 1 << 22


def node_matrix(
    ch: Chains, ent: Entries, groups: list[Group], k: int, limit_s: float
) -> sparse.csr_matrix:
    """Sources × network nodes times of a routing within the limit, CSR with sorted indices.

    Each group's times (:func:`node_times`) are put in (row, node) order on a dense block of
    its rows × the nodes it reaches (at most :data:`BLOCK_CELLS` cells, rows at a time): marks
    set and read back in order instead of a sort, the block reused from group to group.

    Parameters
    ----------
    ch
        The network's chains.
    ent
        The sources' entries.
    groups
        The routing's groups.
    k
        Number of sources.
    limit_s
        Time limit in seconds.

    Returns
    -------
    csr_matrix
        Seconds; a stored entry (explicit zeros included) is reached.
    """
    n = len(ch.local)
    seen = np.zeros(n, dtype=bool)
    col = np.zeros(n, dtype=np.int64)
    block = np.zeros(0, dtype=bool), np.empty(0)
    none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    parts = []
    for g in groups:
        row, node, t = node_times(ch, ent, g, limit_s)
        seen[node] = True
        used = np.flatnonzero(seen)  # the nodes the group reaches, in order
        seen[used] = False
        col[used] = np.arange(len(used))
        step = max(1, BLOCK_CELLS // max(len(used), 1))  # rows a block holds
        shape = (len(g.sources), len(used))
        block, (r, c, v) = _cells_in_order((row, col[node], t), none, shape, step, np.inf, block)
        parts.append((r, used[c], v))
    matrix = by_source([g.sources for g in groups], parts, k, n)
    matrix.has_sorted_indices = True  # each row's nodes came in order
    return matrix


#: (row, column, value) triplets.
_Cells = tuple[np.ndarray, np.ndarray, np.ndarray]

#: A dense block's scratch space: marks (all False between uses) and values.
_Block = tuple[np.ndarray, np.ndarray]


def _cells_in_order(
    found: _Cells, same: _Cells, shape: tuple[int, int], step: int, cap: float, block: _Block
) -> tuple[_Block, _Cells]:
    """(row, column, value) in row-major order, by a dense block of ``step`` rows at a time.

    Cells are marked on the block and read back in order instead of a sort. Where ``same``
    (walks along a shared segment) reaches a cell too, the faster counts, if within ``cap``.

    Parameters
    ----------
    found
        Row, column and value of each cell once; rows in any order.
    same
        Further (row, column, value) within ``cap``: the faster counts where both reach.
    shape
        Number of rows and columns.
    step
        Most rows on the block at a time.
    cap
        Largest value of ``same`` kept.
    block
        Scratch space (marks all False, values), grown when too small; its marks are left
        False.

    Returns
    -------
    (_Block, _Cells)
        The block (to reuse), and the cells: rows ascending, columns ascending within a row.
    """
    rows, width = shape
    if rows <= step:
        return _on_block(found, same, rows, width, cap, block)
    # each block's entries sliced, not found by a scan per block: grouped by block (a stable
    # sort keeps a cell's writes in their order; a radix sort for up to 2**16 blocks)
    n_blocks = -(-rows // step)
    small = np.uint16 if n_blocks <= 1 << 16 else np.int64
    by, cut = [], []
    for x in (found[0], same[0]):
        key = (x // step).astype(small)
        by.append(np.argsort(key, kind="stable"))
        cut.append(np.concatenate([[0], np.cumsum(np.bincount(key, minlength=n_blocks))]))
    chunks = []
    for i, r0 in enumerate(range(0, rows, step)):
        f, s = (o[c[i] : c[i + 1]] for o, c in zip(by, cut, strict=True))
        block, (r, c, v) = _on_block(
            (found[0][f] - r0, found[1][f], found[2][f]),
            (same[0][s] - r0, same[1][s], same[2][s]),
            min(step, rows - r0),
            width,
            cap,
            block,
        )
        chunks.append((r + r0, c, v))
    r, c, v = (np.concatenate(y) for y in zip(*chunks, strict=True))
    return block, (r, c, v)


def _on_block(
    found: _Cells, same: _Cells, rows: int, width: int, cap: float, block: _Block
) -> tuple[_Block, _Cells]:
    """:func:`_cells_in_order` of ``rows`` rows on one block."""
    size = rows * width
    if len(block[0]) < size:
        block = np.zeros(size, dtype=bool), np.empty(size)
    mark, value = block
    row, col, t = found
    cell = row * width + col
    value[cell] = t  # one per cell
    mark[cell] = True
    s_row, s_col, s_t = same
    cell = s_row * width + s_col
    best = np.minimum(np.where(mark[cell], value[cell], np.inf), s_t)
    ok = best <= cap
    value[cell[ok]] = best[ok]
    mark[cell[ok]] = True
    flat = np.flatnonzero(mark[:size])
    mark[flat] = False  # clean for the next block
    r, c = np.divmod(flat, max(width, 1))
    return block, (r, c, value[flat])


def by_source(
    groups: list[np.ndarray],
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    k: int,
    n: int,
) -> sparse.csr_matrix:
    """Each group's (row, column, value) triplets, rows in ascending runs, as sources × ``n`` CSR.

    Each row's run is written straight to its source's place in the result: no sort, and no
    array of the whole but the result's own.
    """
    counts = np.zeros(k, dtype=np.int64)
    per_group = []
    for grp, (row, _, _) in zip(groups, parts, strict=True):
        per_row = np.bincount(row, minlength=len(grp))
        counts[grp] = per_row
        per_group.append(per_row)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    col = np.empty(indptr[-1], dtype=np.int32)
    val = np.empty(indptr[-1])
    for grp, (row, c, v), per_row in zip(groups, parts, per_group, strict=True):
        # the run of a row starts at its source's place, not where it starts in the group
        dest = np.repeat(indptr[grp] - (np.cumsum(per_row) - per_row), per_row)
        dest += np.arange(len(row))
        col[dest] = c
        val[dest] = v
    return sparse.csr_matrix((val, col, indptr), shape=(k, n))
