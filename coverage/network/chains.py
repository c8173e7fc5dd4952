"""Chains of two-neighbour nodes, contracted for routing.

A node with exactly two neighbours (arcs either way) only passes walks on: a shortest walk
reaches it from one neighbour and, if it goes on, leaves to the other. The *core* nodes (all
others) with one arc per chain and direction therefore have the same shortest times as the
whole graph, and the times at a chain's inner nodes follow from the times at its two ends (or
from a source snapped inside the chain). Street data keeps most shape points of a street as such
nodes (Wuhan: 73 % of 65.6k nodes), so a Dijkstra on the core settles a fraction of the nodes.

A chain is stored as its positions ``a, x1 … xk, b`` (``a``, ``b`` core nodes, possibly the
same one), with the walking times along it summed from each end. A ring of two-neighbour nodes
with no core node on it gets its lowest node as a core node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from coverage._arrays import ranges
from coverage.network.graph import WalkNetwork, _csr_min

__all__ = ["Chains", "chains", "Incidence", "incidence"]


@dataclass
class Incidence:
    """Chains by end node.

    ``a_chain[a_ptr[i]:a_ptr[i + 1]]`` start at core node ``i``, ``b_chain[b_ptr[i]:b_ptr[i +
    1]]`` end there.
    """

    a_ptr: np.ndarray
    a_chain: np.ndarray
    b_ptr: np.ndarray
    b_chain: np.ndarray


@dataclass
class Chains:
    """The core graph of a network and its chains of two-neighbour nodes.

    Attributes
    ----------
    core
        Positions (in the network) of the core nodes, ascending.
    local
        Per network node: its index among the core nodes (-1 for a chain's inner node).
    graph
        Core × core walking times (s): the core nodes' own arcs and one arc per chain and
        direction that can be walked, the fastest of parallel ones.
    ptr
        Chain ``c`` occupies positions ``ptr[c]`` to ``ptr[c + 1] - 1``: first ``a``, last ``b``.
    node
        Network node at each position.
    chain, at
        Per network node: its chain and position (-1 for core nodes).
    from_a, to_b, to_a, from_b
        Per position: walking time from ``a`` to it, from it to ``b``, from it to ``a`` and
        from ``b`` to it along the chain (inf where an arc on the way cannot be walked); times
        from an end are summed arc by arc from that end, as a walk from it adds them up.
        ``from_a`` is inf at ``b`` and ``from_b`` at ``a``: an end's time is its own.
    fwd, fwd_cut, back, back_cut
        Per position: the time from ``a`` (forward) and to ``a`` (backward) with missing arcs
        counted as 0, and how many are missing on the way; the difference of two positions is
        the time between them, when no arc between them is missing.
    a_ptr, a_chain
        Per core node (by index): the chains it starts (``a_chain[a_ptr[i]:a_ptr[i + 1]]``).
    inner
        The same for the chains with inner nodes only.
    tail
        Tail (core index) of each arc of :attr:`graph`, in CSR order.
    a, b
        Per chain: its end nodes (core indices). Neighbouring core nodes make a chain of two
        positions (no inner node), so that every segment lies on exactly one chain.
    """

    core: np.ndarray
    local: np.ndarray
    graph: sparse.csr_matrix
    ptr: np.ndarray
    node: np.ndarray
    chain: np.ndarray
    at: np.ndarray
    from_a: np.ndarray
    to_b: np.ndarray
    to_a: np.ndarray
    from_b: np.ndarray
    fwd: np.ndarray
    fwd_cut: np.ndarray
    back: np.ndarray
    back_cut: np.ndarray
    a_ptr: np.ndarray
    a_chain: np.ndarray
    inner: Incidence
    tail: np.ndarray
    a: np.ndarray
    b: np.ndarray

    @property
    def n_chains(self) -> int:
        """Number of chains."""
        return len(self.ptr) - 1


def chains(net: WalkNetwork) -> Chains:
    """The chains and core graph of ``net.csr``, built once per graph and kept on the network.

    Parameters
    ----------
    net
        The walking network.

    Returns
    -------
    Chains
        Core nodes, their graph and the chains between them.
    """
    g = net.csr
    cached: tuple[sparse.csr_matrix, Chains] | None = getattr(net, "_chains", None)
    if cached is None or cached[0] is not g:
        cached = (g, _build(g))
        net._chains = cached  # type: ignore[attr-defined]
    return cached[1]


def _build(g: sparse.csr_matrix) -> Chains:
    n = g.shape[0]
    und = (abs(g) + abs(g).T).tocsr()  # who neighbours whom, whatever the direction
    und.sort_indices()
    deg = np.diff(und.indptr)
    core = deg != 2
    walk = _walks(und, core)
    inner = ~core
    seen = np.zeros(n, dtype=bool)
    seen[walk[1]] = True
    if (inner & ~seen).any():  # rings: their lowest node becomes a core node
        ring = inner & ~seen
        sub = und[ring][:, ring]
        _, label = sparse.csgraph.connected_components(sub, directed=False)
        idx = np.flatnonzero(ring)
        first = np.full(label.max() + 1, n)
        np.minimum.at(first, label, idx)
        core[first] = True
        walk = _walks(und, core)
    # every pair of neighbouring core nodes, once, as a chain without inner nodes: then every
    # segment lies on exactly one chain
    tail = np.repeat(np.arange(n), deg)
    pair = core[tail] & core[und.indices] & (tail < und.indices)
    ptr = np.concatenate([walk[0], walk[0][-1] + 2 * np.arange(1, pair.sum() + 1)])
    node = np.concatenate([walk[1], np.c_[tail[pair], und.indices[pair]].ravel()])
    chain = np.full(n, -1, dtype=np.int64)
    at = np.full(n, -1, dtype=np.int64)
    n_chains = len(ptr) - 1
    owner = np.repeat(np.arange(n_chains), np.diff(ptr))
    is_inner = np.ones(len(node), dtype=bool)
    is_inner[ptr[:-1]] = False
    is_inner[ptr[1:] - 1] = False
    chain[node[is_inner]] = owner[is_inner]
    at[node[is_inner]] = np.flatnonzero(is_inner)
    step = np.ones(len(node), dtype=bool)  # positions followed by one of the same chain
    step[ptr[1:] - 1] = False
    p = np.flatnonzero(step)
    w_f = np.full(len(node), np.inf)
    w_b = np.full(len(node), np.inf)
    both = _arc_times(g, node[np.r_[p, p + 1]], node[np.r_[p + 1, p]])  # one search, both ways
    w_f[p], w_b[p] = both[: len(p)], both[len(p) :]
    by_length = _by_length(ptr)
    from_a = _along(by_length, w_f)
    to_a = _along(by_length, w_b)
    to_b = _along(by_length, w_f, reverse=True)
    from_b = _along(by_length, w_b, reverse=True)
    a_to_b, b_to_a = from_a[ptr[1:] - 1].copy(), to_a[ptr[1:] - 1]
    from_a[ptr[1:] - 1] = np.inf
    from_b[ptr[:-1]] = np.inf
    fwd, fwd_cut = _finite_along(ptr, by_length, w_f)
    back, back_cut = _finite_along(ptr, by_length, w_b)
    core_ids = np.flatnonzero(core)
    local = np.full(n, -1, dtype=np.int64)
    local[core_ids] = np.arange(len(core_ids))
    a, b = node[ptr[:-1]], node[ptr[1:] - 1]
    graph = _core_graph(g, local, a, b, a_to_b, b_to_a)
    a_ptr, a_chain = _incidence(local[a], len(core_ids))
    with_inner = np.flatnonzero(np.diff(ptr) > 2)
    return Chains(
        core=core_ids,
        local=local,
        graph=graph,
        ptr=ptr,
        node=node,
        chain=chain,
        at=at,
        from_a=from_a,
        to_b=to_b,
        to_a=to_a,
        from_b=from_b,
        fwd=fwd,
        fwd_cut=fwd_cut,
        back=back,
        back_cut=back_cut,
        a_ptr=a_ptr,
        a_chain=a_chain,
        inner=_subset(local[a], local[b], with_inner, len(core_ids)),
        tail=np.repeat(np.arange(len(core_ids)), np.diff(graph.indptr)),
        a=local[a],
        b=local[b],
    )


def incidence(ch: Chains, chosen: np.ndarray) -> Incidence:
    """The chains ``chosen`` (ascending) by end node.

    Parameters
    ----------
    ch
        The network's chains.
    chosen
        Chain numbers.

    Returns
    -------
    Incidence
        Those chains by the core node they start at and by the one they end at.
    """
    return _subset(ch.a, ch.b, chosen, len(ch.core))


def _subset(a: np.ndarray, b: np.ndarray, chosen: np.ndarray, n: int) -> Incidence:
    a_ptr, a_order = _incidence(a[chosen], n)
    b_ptr, b_order = _incidence(b[chosen], n)
    return Incidence(a_ptr, chosen[a_order], b_ptr, chosen[b_order])


def _incidence(end: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Chains by end node: indptr over the ``n`` core nodes, and the chains."""
    ptr = np.concatenate([[0], np.cumsum(np.bincount(end, minlength=n))])
    return ptr, np.argsort(end, kind="stable")


def _walks(und: sparse.csr_matrix, core: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every chain once, as (ptr, positions' nodes), walked from all core nodes in step.

    Each chain is walked from both ends; the walk from the lower end (or, on a loop from a core
    node back to itself, the one whose first inner node is lower) is kept.
    """
    n = len(core)
    nb, ptr = und.indices, und.indptr
    tail = np.repeat(np.arange(n), np.diff(ptr))
    first = core[tail] & ~core[nb]
    start, prev, cur = tail[first], tail[first], nb[first]
    n_walks = len(start)
    steps_walk, steps_node = [np.arange(n_walks)], [start]
    active = np.arange(n_walks)
    while len(active):
        steps_walk.append(active)
        steps_node.append(cur)
        p0, p1 = nb[ptr[cur]], nb[ptr[cur] + 1]
        nxt = np.where(p0 == prev, p1, p0)
        done = core[nxt]
        steps_walk.append(active[done])  # the end node, in the same step
        steps_node.append(nxt[done])
        active, prev, cur = active[~done], cur[~done], nxt[~done]
    walk_of = np.concatenate(steps_walk)
    nodes = np.concatenate(steps_node)
    order = np.argsort(walk_of, kind="stable")  # walk by walk, steps in order
    walk_of, nodes = walk_of[order], nodes[order]
    wptr = np.concatenate([[0], np.cumsum(np.bincount(walk_of, minlength=n_walks))])
    a, b = nodes[wptr[:-1]], nodes[wptr[1:] - 1]
    x1, xk = nodes[wptr[:-1] + 1], nodes[wptr[1:] - 2]
    keep = (a < b) | ((a == b) & (x1 < xk))
    lengths = np.diff(wptr)[keep]
    pos = ranges(wptr[:-1][keep], lengths)[0]
    return np.concatenate([[0], np.cumsum(lengths)]), nodes[pos]


def _arc_times(g: sparse.csr_matrix, tail: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Time of each arc ``tail → head`` of ``g`` (inf where there is none)."""
    n = g.shape[1]
    keys = np.repeat(np.arange(g.shape[0], dtype=np.int64), np.diff(g.indptr)) * n + g.indices
    want = tail.astype(np.int64) * n + head
    i = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    return np.where(keys[i] == want, g.data[i], np.inf) if len(keys) else np.full(len(want), np.inf)


def _by_length(ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chains, longest first, for :func:`_along`: their first and last positions, and more.

    The third array holds, per ``j``, how many chains have more than ``j`` positions: those
    that step ``j`` of :func:`_along` adds to.
    """
    length = np.diff(ptr)
    order = np.argsort(-length, kind="stable")
    longer = np.searchsorted(-length[order], -np.arange(length.max(initial=0)), "left")
    return ptr[:-1][order], ptr[1:][order] - 1, longer


def _along(
    by_length: tuple[np.ndarray, np.ndarray, np.ndarray], w: np.ndarray, *, reverse: bool = False
) -> np.ndarray:
    """Per position, the sum of ``w`` from its chain's first position (last, if ``reverse``).

    ``w[p]`` is the arc between positions ``p`` and ``p + 1``. The sums are taken arc by arc
    from the chain's end, in the order a walk from that end adds them up: step ``j`` adds the
    ``j``-th arc of every chain that long (``by_length`` from :func:`_by_length`).
    """
    first, last, longer = by_length
    out = np.zeros(len(w))
    for j in range(1, len(longer)):
        if reverse:
            p = last[: longer[j]] - j
            out[p] = out[p + 1] + w[p]
        else:
            p = first[: longer[j]] + j
            out[p] = out[p - 1] + w[p - 1]
    return out


def _finite_along(
    ptr: np.ndarray, by_length: tuple[np.ndarray, np.ndarray, np.ndarray], w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per position, the sum from the chain's start of the arcs that exist, and the missing."""
    missing = ~np.isfinite(w)
    cut = np.zeros(len(w), dtype=np.int64)
    cut[1:] = np.cumsum(missing[:-1])
    cut -= np.repeat(cut[ptr[:-1]], np.diff(ptr))
    return _along(by_length, np.where(missing, 0.0, w)), cut


def _core_graph(
    g: sparse.csr_matrix,
    local: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    a_to_b: np.ndarray,
    b_to_a: np.ndarray,
) -> sparse.csr_matrix:
    """Core × core graph: arcs between core nodes, plus each chain's walkable directions."""
    tail = np.repeat(np.arange(g.shape[0]), np.diff(g.indptr))
    head = g.indices
    both = (local[tail] >= 0) & (local[head] >= 0)
    ok_f, ok_b = np.isfinite(a_to_b), np.isfinite(b_to_a)
    rows = np.concatenate([local[tail[both]], local[a[ok_f]], local[b[ok_b]]])
    cols = np.concatenate([local[head[both]], local[b[ok_f]], local[a[ok_b]]])
    vals = np.concatenate([g.data[both], a_to_b[ok_f], b_to_a[ok_b]])
    m = int(local.max(initial=-1)) + 1
    return _csr_min(rows, cols, vals, m, m)
