"""Snapping points onto the network and distance-bounded shortest paths on the CSR graph.

A point is snapped to its nearest position on a street segment (not just the nearest node), so
a facility half-way along a long block starts half-way along it. Its walking time then counts:
the straight walk from the point to the street (``access``), and the walk along the segment to
either end node (only towards ``u`` when the segment may be walked backwards).

Each source gets a virtual node with arcs to its segment's end nodes; scipy's Dijkstra runs from
these virtual nodes. Virtual nodes have no incoming arcs, so no path can pass through one.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from coverage import settings
from coverage._arrays import ranges
from coverage.network import chains
from coverage.network.graph import WalkNetwork
from coverage.network.nearest import nearest_segments as _nearest

__all__ = [
    "Snapped",
    "snap",
    "snapped_points",
    "Reach",
    "reach",
    "nearest",
    "same_edge_pairs",
    "point_times",
    "nearest_point_times",
]


@dataclass
class Snapped:
    """Points located on the network.

    Attributes
    ----------
    edge
        Row of ``network.edges`` each point lies on (-1 where it is too far from any street).
    frac
        Position along that segment from ``u`` (0) to ``v`` (1).
    dist_m
        Straight-line distance from the point to the street.
    access_s
        Time to walk ``dist_m`` (0 when access walking is not counted).
    """

    edge: np.ndarray
    frac: np.ndarray
    dist_m: np.ndarray
    access_s: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """Which points were snapped to a segment."""
        return self.edge >= 0

    def __len__(self) -> int:
        return len(self.edge)

    def take(self, idx: np.ndarray) -> Snapped:
        """The snapped points at positions ``idx``.

        Parameters
        ----------
        idx
            Positions (or a boolean mask).
        """
        return Snapped(self.edge[idx], self.frac[idx], self.dist_m[idx], self.access_s[idx])


def snap(
    net: WalkNetwork,
    points: gpd.GeoSeries | np.ndarray,
    *,
    max_dist_m: float | None = None,
    include_access: bool = True,
) -> Snapped:
    """Snap points (in the network CRS) to the nearest position on a walkable segment.

    Points farther than ``max_dist_m`` (default :data:`coverage.settings.max_snap_m`) from every
    segment get ``edge = -1``.

    Parameters
    ----------
    net
        The walking network.
    points
        Points in the network CRS (a GeoSeries, or an array of shapely points).
    max_dist_m
        Largest distance to a street in metres (see above).
    include_access
        Whether the walk from the point to its street counts in ``access_s``.

    Returns
    -------
    Snapped
        Segment, position along it, distance and access time of each point.
    """
    max_dist_m = settings.max_snap_m if max_dist_m is None else max_dist_m
    geoms = np.asarray(points.values if isinstance(points, gpd.GeoSeries) else points)
    n = len(geoms)
    edge, frac, dist = _nearest(net, geoms)
    far = ~(dist <= max_dist_m)
    edge[far], frac[far], dist[far] = -1, 0.0, np.inf
    access = (
        np.where(np.isfinite(dist), dist / net.speed_mps, 0.0) if include_access else np.zeros(n)
    )
    return Snapped(edge, frac, dist, access)


def snapped_points(net: WalkNetwork, snapped: Snapped) -> np.ndarray:
    """Positions on the street (network CRS) of snapped points; None where unsnapped.

    Parameters
    ----------
    net
        The walking network.
    snapped
        Points from :func:`snap`.

    Returns
    -------
    ndarray
        One shapely point (or None) per snapped point.
    """
    out = np.full(len(snapped), None, dtype=object)
    ok = snapped.ok
    out[ok] = shapely.line_interpolate_point(
        net.edges.geometry.values[snapped.edge[ok]], snapped.frac[ok], normalized=True
    )
    return out


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
    return tuple(np.concatenate([x, y]) for x, y in zip(to_v, to_u, strict=True))  # type: ignore[return-value]


def _virtual_rows(net: WalkNetwork, src: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows of the sources' virtual nodes: (indptr over the sources, node, time), CSR-like.

    Same rules as the base graph (``_csr_min``): the fastest of duplicate arcs, weights kept
    positive; no self-loop test, as a virtual node is never a real one.
    """
    s, node, t = _entry_arcs(net, src)
    order = np.lexsort((t, node, s))
    s, node, t = s[order], node[order], t[order]
    first = np.ones(len(s), dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (node[1:] != node[:-1])
    s, node, t = s[first], node[first], np.maximum(t[first], 1e-6)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(s, minlength=len(src)))])
    return indptr, node, t.astype(float)


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
class Reach:
    """Walking times from sources to network nodes within a limit.

    Attributes
    ----------
    times
        CSR matrix (sources × nodes), seconds. A stored entry means "reached"; absent means
        beyond ``limit_s`` (or source unsnapped). Explicit zeros are valid times.
    limit_s
        The time limit used.
    sources
        The snapped sources.
    """

    times: sparse.csr_matrix
    limit_s: float
    sources: Snapped

    def node_times(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Reached node positions and their times (s) for source ``i``.

        Parameters
        ----------
        i
            The source's position.
        """
        a, b = self.times.indptr[i], self.times.indptr[i + 1]
        return self.times.indices[a:b], self.times.data[a:b]


#: Most sources routed together in :func:`reach`.
_CHUNK = 64


def _arc_bound(net: WalkNetwork) -> tuple[np.ndarray, np.ndarray, float]:
    """Arc tails and heads of ``net.csr`` and the fastest straight-line speed along any arc.

    No walk of ``t`` seconds ends farther than ``t`` times that speed (m/s) from where it
    started, as the crow flies; a bound the data itself guarantees, whatever the speeds.
    """
    cached = getattr(net, "_arc_bound", None)
    if cached is None:
        g = net.csr
        tail = np.repeat(np.arange(net.n_nodes), np.diff(g.indptr))
        head = g.indices
        chord = np.hypot(net.x[head] - net.x[tail], net.y[head] - net.y[tail])
        speed = float((chord / g.data).max()) if g.nnz else 0.0
        cached = (tail, head, speed)
        net._arc_bound = cached  # type: ignore[attr-defined]
    return cached


def _box_nodes(net: WalkNetwork, x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    """Nodes inside the box, ascending: a slice of the nodes sorted by x, then filtered by y.

    The same nodes as scanning every node, at the cost of the box's x strip only.
    """
    return _in_box(net, None, (x0, x1, y0, y1))


def _in_box(net: WalkNetwork, ids: np.ndarray | None, box: tuple[float, ...]) -> np.ndarray:
    """Positions in ``ids`` (default: every node) of the nodes inside ``box`` (x0, x1, y0, y1).

    The x order of ``ids`` is kept on the network for the next call with the same array.
    """
    key = "_x_order" if ids is None else "_ids_x_order"
    cached: tuple[np.ndarray | None, np.ndarray, np.ndarray] | None = getattr(net, key, None)
    if cached is None or cached[0] is not ids:
        x = net.x if ids is None else net.x[ids]
        order = np.argsort(x, kind="stable")
        cached = (ids, order, x[order])
        setattr(net, key, cached)
    _, order, xs = cached
    x0, x1, y0, y1 = box
    strip = order[np.searchsorted(xs, x0, "left") : np.searchsorted(xs, x1, "right")]
    y = net.y[strip if ids is None else ids[strip]]
    return np.sort(strip[(y >= y0) & (y <= y1)])


def _groups(net: WalkNetwork, sources: Snapped, radius_m: float) -> list[np.ndarray]:
    """Snapped sources grouped by square cells (side ``2 radius_m``) of their segments' ``v``."""
    idx = np.flatnonzero(sources.ok)
    v = net.edges["v_idx"].to_numpy()[sources.edge[idx]]
    side = max(2 * radius_m, 1.0)
    key = np.c_[np.floor(net.x[v] / side), np.floor(net.y[v] / side)]
    _, label = np.unique(key, axis=0, return_inverse=True)
    order = np.argsort(label.ravel(), kind="stable")
    cuts = np.flatnonzero(np.diff(label.ravel()[order])) + 1
    groups = np.split(idx[order], cuts) if len(idx) else []
    # at most _CHUNK sources routed together: their dense rows (group × box nodes) stay small
    return [g[a : a + _CHUNK] for g in groups for a in range(0, len(g), _CHUNK)]


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
    """
    n, k = net.n_nodes, len(sources)
    ch = chains.chains(net)
    src, node, t = _entry_arcs(net, sources)
    ent = chains.enter(ch, k, src, node, np.maximum(t, 1e-6))  # weights positive, as the graph's
    speed = _arc_bound(net)[2]
    radius = limit_s * speed * (1 + 1e-9) + 1e-6  # a hair more: rounding must not cut a path
    cx, cy = net.x[ch.core], net.y[ch.core]
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    box_id = np.full(len(ch.core), -1, dtype=np.int64)  # a core node's column, else -1
    groups = _groups(net, sources, radius if np.isfinite(radius) else np.inf)
    for grp in groups:
        lo, hi = ent.ptr[grp], ent.ptr[grp + 1]
        pos = ranges(lo, hi - lo)[0]
        entries = ent.node[pos]
        nodes = np.zeros(0, dtype=np.int64)
        if len(entries):
            ex, ey = cx[entries], cy[entries]
            box = (ex.min() - radius, ex.max() + radius, ey.min() - radius, ey.max() + radius)
            nodes = _in_box(net, ch.core, box)
        box_id[nodes] = np.arange(len(nodes))
        d = _route(ch, nodes, hi - lo, entries, ent.time[pos], box_id, limit_s)
        r, c = np.nonzero(d != np.inf)
        core = (r, nodes[c])
        inner = chains.inner_times(ch, ent, grp, core, d, box_id, limit_s)
        box_id[nodes] = -1  # clean for the next group
        parts.append(_rows_first((r, ch.core[core[1]], d[r, c]), inner, n_rows=len(grp)))
    return Reach(_by_source(groups, parts, k, n), float(limit_s), sources)


def _route(
    ch: chains.Chains,
    nodes: np.ndarray,
    count: np.ndarray,
    entries: np.ndarray,
    entry_t: np.ndarray,
    box_id: np.ndarray,
    limit_s: float,
) -> np.ndarray:
    """Sources × ``nodes`` times on the core graph cut to ``nodes`` (inf: beyond the limit).

    ``count[i]`` entry arcs of source ``i`` (to ``entries``, core indices; ``entry_t``), in order;
    ``box_id`` holds each routed node's column (-1: not routed).
    """
    m, gs = len(nodes), len(count)
    if not m:
        return np.full((gs, 0), np.inf)
    g = ch.graph
    # the arcs between box nodes, in CSR order: the rows of the box nodes, heads in the box
    arc = ranges(g.indptr[nodes], g.indptr[nodes + 1] - g.indptr[nodes])[0]
    arc = arc[box_id[g.indices[arc]] >= 0]
    sub_tail = np.concatenate([box_id[ch.tail[arc]], np.repeat(m + np.arange(gs), count)])
    sub_head = np.concatenate([box_id[g.indices[arc]], box_id[entries]])
    data = np.concatenate([g.data[arc], entry_t])
    indptr = np.concatenate([[0], np.cumsum(np.bincount(sub_tail, minlength=m + gs))])
    sub = sparse.csr_matrix((data, sub_head.astype(np.int32), indptr), shape=(m + gs, m + gs))
    d: np.ndarray = csgraph.dijkstra(sub, directed=True, indices=m + np.arange(gs), limit=limit_s)
    return d[:, :m]


def _rows_first(
    *parts: tuple[np.ndarray, np.ndarray, np.ndarray], n_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, node, time) triplets ordered by row (stable), rows below ``n_rows``."""
    row, node, t = (np.concatenate(x) for x in zip(*parts, strict=True))
    dtype = np.int8 if n_rows <= 127 else np.int16 if n_rows <= 32767 else np.int64
    order = np.argsort(row.astype(dtype), kind="stable")  # a radix sort for small ints
    return row[order], node[order], t[order]


def _by_source(
    groups: list[np.ndarray],
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    k: int,
    n: int,
) -> sparse.csr_matrix:
    """Each group's (row, node, time) triplets, ordered by row, as sources × nodes CSR."""
    counts = np.zeros(k, dtype=np.int64)
    start = np.zeros(k, dtype=np.int64)
    offset = 0
    for grp, (row, _, _) in zip(groups, parts, strict=True):
        c = np.bincount(row, minlength=len(grp))
        counts[grp] = c
        start[grp] = offset + np.cumsum(c) - c
        offset += len(row)
    pos = ranges(start, counts)[0]
    node = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    t = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0)
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sparse.csr_matrix((t[pos], node[pos].astype(np.int32), indptr), shape=(k, n))


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
    return tuple(np.concatenate([x, y]) for x, y in zip(from_u, from_v, strict=True))  # type: ignore[return-value]


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
    tgt, node, off = _exit_offsets(net, targets)
    # Node → exits incidence: for every reached (source, node), every target that node leads to.
    exits = sparse.csr_matrix((off + 1.0, (node, tgt)), shape=(net.n_nodes, len(targets)))
    exits.sum_duplicates()
    ex_ptr, ex_idx, ex_val = exits.indptr, exits.indices, exits.data - 1.0
    si, tj, tt = same_edge_pairs(net, r.sources, targets)  # by source, ascending
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
        counts = ex_ptr[col + 1] - ex_ptr[col]
        pos = ranges(ex_ptr[col], counts)[0]
        row = np.repeat(np.arange(r1 - r0), np.diff(ptr[r0 : r1 + 1]))
        # the fastest way to each (source, target): a minimum over the chunk's dense block,
        # then the block's cells within the limit, in row-major order (CSR order)
        block = cells[: (r1 - r0) * m]
        block.fill(np.inf)
        np.minimum.at(
            block, np.repeat(row * m, counts) + ex_idx[pos], np.repeat(t, counts) + ex_val[pos]
        )
        s0, s1 = cut_same[j], cut_same[j + 1]
        np.minimum.at(block, (si[s0:s1] - r0) * m + tj[s0:s1], tt[s0:s1])
        flat = np.flatnonzero(block <= cap)
        out_r.append(flat // m + r0)
        out_c.append(flat % m)
        out_v.append(block[flat])
    rc = np.concatenate(out_r) if out_r else np.zeros(0, dtype=np.int64)
    cc = np.concatenate(out_c) if out_c else np.zeros(0, dtype=np.int64)
    vc = np.concatenate(out_v) if out_v else np.zeros(0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rc, minlength=k))])
    return sparse.csr_matrix((vc, cc.astype(np.int32), indptr), shape=(k, m))


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
