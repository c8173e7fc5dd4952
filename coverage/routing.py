"""Snapping points onto the network and distance-bounded shortest paths on the CSR graph.

A point is snapped (:mod:`coverage.network.snapping`, re-exported here) to its nearest position
on a street segment (not just the nearest node), so a facility half-way along a long block
starts half-way along it. Its walking time then counts:
the straight walk from the point to the street (``access``), and the walk along the segment to
either end node (only towards ``u`` when the segment may be walked backwards).

Each source gets a virtual node with arcs to its segment's end nodes; scipy's Dijkstra runs from
these virtual nodes. Virtual nodes have no incoming arcs, so no path can pass through one.
:func:`reach` routes on the core graph (:mod:`coverage.network.chains`: chains of two-neighbour
nodes as single arcs), in groups of nearby sources (:mod:`coverage.network.boxes`); node times
along the chains (:mod:`coverage.network.chain_times`) and point times
(:mod:`coverage.network.chain_points`) follow from the chains' ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from coverage._arrays import fastest_arcs, ranges
from coverage.network import boxes, chain_points, chain_times, chains
from coverage.network.graph import WalkNetwork
from coverage.network.snapping import Snapped, snap, snapped_points

__all__ = [
    "Snapped",
    "snap",
    "snapped_points",
    "Reach",
    "Routed",
    "reach",
    "nearest",
    "same_edge_pairs",
    "point_times",
    "nearest_point_times",
]


def _entry_arcs(net: WalkNetwork, src: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs from each source (by position) to the end nodes of its segment: (source, node, time)."""
    e = net.edges
    idx = np.flatnonzero(src.ok)
    edge = src.edge[idx]
    t_e = e["time_s"].to_numpy()[edge]
    f = src.frac[idx]
    a = src.access_s[idx]
    to_v = (idx, e["v_idx"].to_numpy()[edge], a + (1 - f) * t_e)
    back = e["two_way"].to_numpy()[edge]
    to_u = (idx[back], e["u_idx"].to_numpy()[edge][back], (a + f * t_e)[back])
    out = tuple(np.concatenate([x, y]) for x, y in zip(to_v, to_u, strict=True))
    return out  # type: ignore[return-value]


def _virtual_rows(net: WalkNetwork, src: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of the sources' virtual nodes: (indptr over the sources, node, time), CSR-like.

    Same rules as the base graph (``_csr_min``): the fastest of duplicate arcs, weights kept
    positive; no self-loop test, as a virtual node is never a real one.
    """
    indptr, node, t = fastest_arcs(*_entry_arcs(net, src), len(src))
    return indptr, node, np.maximum(t, 1e-6).astype(float)


def _augmented(net: WalkNetwork, src: Snapped) -> sparse.csr_matrix:
    """The network graph with one virtual source node per source appended after the real nodes.

    The base graph's CSR arrays are reused as they are: the virtual rows (a few arcs each) are
    appended by concatenation, so the cost grows with the sources, not with the network.
    """
    ptr, node, t = _virtual_rows(net, src)
    n, k = net.n_nodes, len(src)
    base = net.csr
    indptr = np.concatenate([base.indptr, base.indptr[-1] + ptr[1:]])
    indices = np.concatenate([base.indices, node.astype(base.indices.dtype)])
    data = np.concatenate([base.data, t])
    return sparse.csr_matrix((data, indices, indptr), shape=(n + k, n + k))


@dataclass
class Routed:
    """How :func:`reach` routed its sources: on the core graph, in groups.

    Node and point times follow from it (see :mod:`coverage.network.chain_times`).
    """

    chains: chains.Chains
    entries: chain_times.Entries
    groups: list[chain_times.Group]


class Reach:
    """Walking times from sources to network nodes within a limit.

    Attributes
    ----------
    times
        CSR matrix (sources × nodes), seconds. A stored entry means "reached"; absent means
        beyond ``limit_s`` (or source unsnapped). Explicit zeros are valid times. Nodes are in
        order within a row. Built on first use from ``routed`` when :func:`reach` made it.
    limit_s
        The time limit used.
    sources
        The snapped sources.
    routed
        The routing on the core graph (from :func:`reach`), or None.
    """

    def __init__(
        self,
        times: sparse.csr_matrix | None,
        limit_s: float,
        sources: Snapped,
        routed: Routed | None = None,
    ) -> None:
        if times is None and routed is None:
            raise ValueError("Reach needs its times or the routing they come from")
        self._times = times
        self.limit_s = limit_s
        self.sources = sources
        self.routed = routed

    @property
    def times(self) -> sparse.csr_matrix:
        """Sources × nodes times (s), CSR (see the class attributes)."""
        if self._times is None:
            assert self.routed is not None
            ro = self.routed
            self._times = chain_times.node_matrix(
                ro.chains, ro.entries, ro.groups, len(self.sources), self.limit_s
            )  # nodes in order within a row, as the readers expect
        return self._times

    def node_times(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Reached node positions and their times (s) for source ``i``.

        Parameters
        ----------
        i
            The source's position.
        """
        a, b = self.times.indptr[i], self.times.indptr[i + 1]
        return self.times.indices[a:b], self.times.data[a:b]


def _check_limit(limit_s: object) -> None:
    ok = isinstance(limit_s, (int, float, np.integer, np.floating)) and not isinstance(
        limit_s, bool
    )
    if not ok or not float(limit_s) >= 0:  # type: ignore[arg-type]
        raise ValueError(f"limit_s must be a number of seconds >= 0, not {limit_s!r}")


def reach(net: WalkNetwork, sources: Snapped, limit_s: float) -> Reach:
    """Per-source walking times to every node reachable within ``limit_s`` (sparse result).

    Nearby sources are routed together on the part of the network they can possibly reach (the
    nodes within ``limit_s`` × the fastest straight-line arc speed of their segments' ends), so
    the work grows with what is reached, not with the size of the whole network. The Dijkstra
    runs on the core graph (:mod:`coverage.network.chains`); the nodes along chains get their
    times from the chains' ends afterwards.

    Parameters
    ----------
    net
        The walking network.
    sources
        Snapped sources (unsnapped ones reach nothing).
    limit_s
        Time limit in seconds.

    Returns
    -------
    Reach
        Sources × nodes times in seconds (CSR).

    Raises
    ------
    ValueError
        ``limit_s`` is not a number >= 0 (a negative or NaN limit would reach nothing).
    """
    _check_limit(limit_s)
    k = len(sources)
    ch = chains.chains(net)
    src, node, t = _entry_arcs(net, sources)
    ent = chain_times.enter(
        ch, k, src, node, np.maximum(t, 1e-6)
    )  # weights positive, as the graph's
    speed = boxes.arc_bound(net)
    radius = limit_s * speed * (1 + 1e-9) + 1e-6  # a hair more: rounding must not cut a path
    cx, cy = net.x[ch.core], net.y[ch.core]
    found = []
    col = np.zeros(len(ch.core), dtype=np.int64)  # a core node's column in d (0: none)
    for grp in boxes.groups(
        net, sources.ok, sources.edge, radius if np.isfinite(radius) else np.inf
    ):
        lo, hi = ent.ptr[grp], ent.ptr[grp + 1]
        pos = ranges(lo, hi - lo)[0]
        entries = ent.node[pos]
        nodes = np.zeros(0, dtype=np.int64)
        if len(entries):
            ex, ey = cx[entries], cy[entries]
            box = (ex.min() - radius, ex.max() + radius, ey.min() - radius, ey.max() + radius)
            nodes = boxes.in_box(net, ch.core, box)
        col[nodes] = np.arange(1, len(nodes) + 1)
        d = boxes.route(ch, nodes, hi - lo, entries, ent.time[pos], col, limit_s)
        found.append(chain_times.group(grp, nodes, d))
        col[nodes] = 0  # clean for the next group
    return Reach(None, float(limit_s), sources, Routed(ch, ent, found))


def nearest(
    net: WalkNetwork, sources: Snapped, limit_s: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Time (s) from the nearest source to every node, and which source it is (-1: none).

    One multi-source Dijkstra (``min_only``), so the cost does not grow with the number of sources.

    Parameters
    ----------
    net
        The walking network.
    sources
        Snapped sources.
    limit_s
        Time limit in seconds (default: none).

    Returns
    -------
    (ndarray, ndarray)
        Per node: seconds to the nearest source (inf beyond the limit) and its position (-1: none).
    """
    _check_limit(limit_s)
    n = net.n_nodes
    if not sources.ok.any():
        return np.full(n, np.inf), np.full(n, -1)
    g = _augmented(net, sources)
    virt = n + np.flatnonzero(sources.ok)
    d, _, src = csgraph.dijkstra(
        g, directed=True, indices=virt, limit=limit_s, min_only=True, return_predecessors=True
    )
    src = np.where(src >= n, src - n, -1)
    return d[:n], src[:n]


def _exit_offsets(net: WalkNetwork, dst: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How targets are reached from nodes: (target, node, time from node to target)."""
    e = net.edges
    idx = np.flatnonzero(dst.ok)
    edge = dst.edge[idx]
    t_e = e["time_s"].to_numpy()[edge]
    g = dst.frac[idx]
    a = dst.access_s[idx]
    from_u = (idx, e["u_idx"].to_numpy()[edge], a + g * t_e)  # along u→v: always allowed
    back = e["two_way"].to_numpy()[edge]
    from_v = (idx[back], e["v_idx"].to_numpy()[edge][back], (a + (1 - g) * t_e)[back])
    out = tuple(np.concatenate([x, y]) for x, y in zip(from_u, from_v, strict=True))
    return out  # type: ignore[return-value]


def same_edge_pairs(
    net: WalkNetwork, src: Snapped, dst: Snapped
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direct walks along a shared segment, which never pass a node: (source, target, time).

    Parameters
    ----------
    net
        The walking network.
    src
        Snapped sources.
    dst
        Snapped targets.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Source positions, target positions and walking times in seconds.
    """
    si, dj = np.flatnonzero(src.ok), np.flatnonzero(dst.ok)
    # every (source, target) pair on one segment: targets sorted by segment, a range per source
    order = np.argsort(dst.edge[dj], kind="stable")
    d_edge = dst.edge[dj][order]
    lo = np.searchsorted(d_edge, src.edge[si], "left")
    count = np.searchsorted(d_edge, src.edge[si], "right") - lo
    pos, owner = ranges(lo, count)
    i, j = si[owner], dj[order[pos]]
    edge = dst.edge[j]
    e = net.edges
    t_e = e["time_s"].to_numpy()[edge]
    df = dst.frac[j] - src.frac[i]
    allowed = (df >= 0) | e["two_way"].to_numpy()[edge]
    t = np.abs(df) * t_e + src.access_s[i] + dst.access_s[j]
    return i[allowed], j[allowed], t[allowed]


def point_times(
    net: WalkNetwork, r: Reach, targets: Snapped, limit_s: float | None = None
) -> sparse.csr_matrix:
    """Source × target walking times (s) within the limit, from per-source node times.

    A target on segment (u, v) is reached through ``u`` (walking on along the segment), through
    ``v`` (walking back, if two-way), or directly when source and target share the segment.

    Parameters
    ----------
    net
        The walking network.
    r
        Per-source node times from :func:`reach`.
    targets
        Snapped targets (unsnapped ones are never reached).
    limit_s
        Time limit in seconds (default ``r.limit_s``).

    Returns
    -------
    csr_matrix
        Sources × targets, seconds; a stored entry (explicit zeros included) is reached.
    """
    limit = r.limit_s if limit_s is None else limit_s
    # the block's unreached cells hold inf: with no limit, the largest float keeps them out
    cap = limit + 1e-9 if np.isfinite(limit) else np.finfo(float).max
    si, tj, tt = same_edge_pairs(net, r.sources, targets)  # by source, ascending
    if r.routed is not None:
        return _routed_point_times(net, r, r.routed, targets, cap, (si, tj, tt))
    # per side (towards u, towards v), node → exits: each target is an exit of one node a side
    sides = _exits_by_node(net, targets)
    k, m = len(r.sources), len(targets)
    ptr, nodes, times = r.times.indptr, r.times.indices, r.times.data
    # Sources in chunks of about _CHUNK_REACHED reached nodes and at most _BLOCK_CELLS (source,
    # target) cells: a chunk's arrays stay small and are reused from the heap, rather than
    # fresh pages for one large set per call, and its block of cells is one dense array.
    step = max(1, _BLOCK_CELLS // max(m, 1))
    bounds = np.unique(
        np.r_[
            0,
            np.searchsorted(ptr, np.arange(_CHUNK_REACHED, ptr[-1], _CHUNK_REACHED)),
            np.arange(step, k, step),
            k,
        ]
    )
    cut_same = np.searchsorted(si, bounds)
    # one block for every chunk: its pages are touched once per call, not once per chunk
    cells = np.empty(int(np.diff(bounds).max(initial=0)) * m)
    out_r, out_c, out_v = [], [], []
    for j, (r0, r1) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        a, b = ptr[r0], ptr[r1]
        col, t = nodes[a:b], times[a:b]
        row = np.repeat(np.arange(r1 - r0) * m, np.diff(ptr[r0 : r1 + 1]))
        # the fastest way to each (source, target): a minimum over the chunk's dense block,
        # then the block's cells within the limit, in row-major order (CSR order). A side
        # holds each (source, target) once, so a side's minimum is a plain gather and scatter.
        block = cells[: (r1 - r0) * m]
        block.fill(np.inf)
        for first, (ex_ptr, ex_tgt, ex_off) in zip((True, False), sides, strict=True):
            counts = ex_ptr[col + 1] - ex_ptr[col]
            pos = ranges(ex_ptr[col], counts)[0]
            cell = np.repeat(row, counts) + ex_tgt[pos]
            val = np.repeat(t, counts) + ex_off[pos]
            block[cell] = val if first else np.minimum(block[cell], val)
        s0, s1 = cut_same[j], cut_same[j + 1]
        cell = (si[s0:s1] - r0) * m + tj[s0:s1]
        block[cell] = np.minimum(block[cell], tt[s0:s1])
        flat = np.flatnonzero(block <= cap)
        out_r.append(flat // m + r0)
        out_c.append(flat % m)
        out_v.append(block[flat])
    rc = np.concatenate(out_r) if out_r else np.zeros(0, dtype=np.int64)
    cc = np.concatenate(out_c) if out_c else np.zeros(0, dtype=np.int64)
    vc = np.concatenate(out_v) if out_v else np.zeros(0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rc, minlength=k))])
    return sparse.csr_matrix((vc, cc.astype(np.int32), indptr), shape=(k, m))


def _exits_by_node(
    net: WalkNetwork, targets: Snapped
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
    """Per side of the targets' segments (``u``, then ``v`` where two-way): node → exits.

    CSR-like: indptr over the nodes, target, time from the node to the target.
    """
    tgt, node, off = _exit_offsets(net, targets)
    n_u = int(targets.ok.sum())  # _exit_offsets lists the u side first, then the v side
    out = []
    for lo, hi in ((0, n_u), (n_u, len(tgt))):
        order = np.argsort(node[lo:hi], kind="stable")
        ptr = np.concatenate([[0], np.cumsum(np.bincount(node[lo:hi], minlength=net.n_nodes))])
        # offsets rounded as the incidence matrix that held them (as off + 1) stored them
        out.append((ptr, tgt[lo:hi][order], (off[lo:hi][order] + 1.0) - 1.0))
    return tuple(out)


def _routed_point_times(
    net: WalkNetwork,
    r: Reach,
    routed: Routed,
    targets: Snapped,
    cap: float,
    same: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> sparse.csr_matrix:
    """:func:`point_times` from the chains' pairs of a routing, without node times."""
    pl = _places(net, routed.chains, targets)
    return chain_points.routed_point_times(
        routed.chains, routed.entries, routed.groups, pl, same,
        (len(r.sources), len(targets)), (r.limit_s, cap), _BLOCK_CELLS,
    )  # fmt: skip


def _places(net: WalkNetwork, ch: chains.Chains, targets: Snapped) -> chain_points.Places:
    """The snapped targets located on the network's chains, with their exit times.

    Kept on ``targets`` for the next call on the same chains: the same demand is timed from
    one set of sites after another (planning stages), and its places do not change.
    """
    key = (ch, targets.edge, targets.frac, targets.access_s)
    cached = getattr(targets, "_places", None)
    if cached is not None and all(a is b for a, b in zip(cached[0], key, strict=True)):
        return cached[1]  # type: ignore[no-any-return]
    found = _locate(net, ch, targets)
    targets._places = (key, found)  # type: ignore[attr-defined]
    return found


def _locate(net: WalkNetwork, ch: chains.Chains, targets: Snapped) -> chain_points.Places:
    """:func:`_places`, computed."""
    tgt, node, off = _exit_offsets(net, targets)
    n_u = int(targets.ok.sum())  # _exit_offsets lists the u side first, then the v side
    idx = tgt[:n_u]
    e = net.edges
    back = e["two_way"].to_numpy()[targets.edge[idx]]
    # offsets rounded as the incidence matrix that held them (as off + 1) stored them
    offs = np.full((n_u, 2), np.inf)
    offs[:, 0] = (off[:n_u] + 1.0) - 1.0
    offs[back, 1] = (off[n_u:] + 1.0) - 1.0
    v = e["v_idx"].to_numpy()[targets.edge[idx]]
    return chain_points.places(ch, len(targets), idx, node[:n_u], v, offs)


#: Reached (source, node) pairs :func:`point_times` handles at a time.
_CHUNK_REACHED = 16_384

#: Most (source, target) cells of the dense block :func:`point_times` reduces at a time.
_BLOCK_CELLS = 1 << 22


def nearest_point_times(
    net: WalkNetwork, sources: Snapped, targets: Snapped, limit_s: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Time (s) from the nearest source to each target and the source's index (-1: none/beyond).

    Parameters
    ----------
    net
        The walking network.
    sources
        Snapped sources.
    targets
        Snapped targets.
    limit_s
        Time limit in seconds (default: none).

    Returns
    -------
    (ndarray, ndarray)
        Per target: seconds to the nearest source (inf: none within the limit) and its position
        (-1).
    """
    node_t, node_src = nearest(net, sources, limit_s)
    tgt, node, off = _exit_offsets(net, targets)
    t = node_t[node] + off
    si, tj, tt = same_edge_pairs(net, sources, targets)
    tgt = np.concatenate([tgt, tj])
    t = np.concatenate([t, tt])
    src = np.concatenate([node_src[node], si])
    best = np.full(len(targets), np.inf)
    who = np.full(len(targets), -1)
    order = np.lexsort((t, tgt))
    first = np.ones(len(order), dtype=bool)
    first[1:] = tgt[order][1:] != tgt[order][:-1]
    pick = order[first]
    best[tgt[pick]] = t[pick]
    who[tgt[pick]] = src[pick]
    beyond = best > limit_s
    best[beyond] = np.inf
    who[beyond | ~np.isfinite(best)] = -1
    return best, who
