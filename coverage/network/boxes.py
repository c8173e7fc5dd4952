"""Where a group of sources can walk within a time limit, and its Dijkstra on the core graph.

No walk of ``t`` seconds ends farther than ``t`` times the fastest straight-line speed of any
arc from where it started, so nearby sources are routed together on the box of nodes they can
possibly reach (:func:`coverage.routing.reach`), on the core graph of
:mod:`coverage.network.chains`.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from coverage._arrays import ranges
from coverage.network.chains import Chains
from coverage.network.graph import WalkNetwork

__all__ = ["CHUNK", "arc_bound", "in_box", "groups", "route"]


#: Most sources routed together in :func:`coverage.routing.reach`.
CHUNK = 64


def arc_bound(net: WalkNetwork) -> float:
    """The fastest straight-line speed (m/s) along any arc of ``net.csr`` (kept on the network).

    No walk of ``t`` seconds ends farther than ``t`` times that speed from where it started, as
    the crow flies; a bound the data itself guarantees, whatever the speeds.
    """
    cached: float | None = getattr(net, "_arc_bound", None)
    if cached is None:
        g = net.csr
        tail = np.repeat(np.arange(net.n_nodes), np.diff(g.indptr))
        head = g.indices
        chord = np.hypot(net.x[head] - net.x[tail], net.y[head] - net.y[tail])
        cached = float((chord / g.data).max()) if g.nnz else 0.0
        net._arc_bound = cached  # type: ignore[attr-defined]
    return cached


def in_box(net: WalkNetwork, ids: np.ndarray, box: tuple[float, ...]) -> np.ndarray:
    """Positions in ``ids`` of the nodes inside ``box`` (x0, x1, y0, y1), ascending.

    A slice of ``ids`` sorted by x, then filtered by y: the same nodes as scanning them all, at
    the cost of the box's x strip only. The x order is kept on the network for the next call
    with the same array.
    """
    cached: tuple[np.ndarray, np.ndarray, np.ndarray] | None = getattr(net, "_ids_x_order", None)
    if cached is None or cached[0] is not ids:
        x = net.x[ids]
        order = np.argsort(x, kind="stable")
        cached = (ids, order, x[order])
        net._ids_x_order = cached  # type: ignore[attr-defined]
    _, order, xs = cached
    x0, x1, y0, y1 = box
    strip = order[np.searchsorted(xs, x0, "left") : np.searchsorted(xs, x1, "right")]
    y = net.y[ids[strip]]
    return np.sort(strip[(y >= y0) & (y <= y1)])


def groups(net: WalkNetwork, ok: np.ndarray, edge: np.ndarray, radius_m: float) -> list[np.ndarray]:
    """Snapped sources (``ok``, on segments ``edge``) grouped by cells of their segments' ``v``.

    The cells are squares of side ``4 radius_m``. On the core graph a box holds a quarter of the nodes, so larger groups (fewer calls, a
    box up to ``6 radius_m`` wide) cost less than more, smaller ones.
    """
    idx = np.flatnonzero(ok)
    v = net.edges["v_idx"].to_numpy()[edge[idx]]
    side = max(4 * radius_m, 1.0)
    cx = np.floor(net.x[v] / side)
    cy = np.floor(net.y[v] / side)
    # one number per cell, in the order of (column, row): a 1-d sort instead of a row sort
    if len(v):
        cx -= cx.min()
        cy -= cy.min()
    key = cx * (cy.max(initial=0) + 1) + cy
    order = np.argsort(key, kind="stable")
    cuts = np.flatnonzero(np.diff(key[order])) + 1
    groups = np.split(idx[order], cuts) if len(idx) else []
    # at most CHUNK sources routed together: their dense rows (group × box nodes) stay small
    return [g[a : a + CHUNK] for g in groups for a in range(0, len(g), CHUNK)]


def route(
    ch: Chains,
    nodes: np.ndarray,
    count: np.ndarray,
    entries: np.ndarray,
    entry_t: np.ndarray,
    col: np.ndarray,
    limit_s: float,
) -> np.ndarray:
    """Sources × (1 + ``nodes``) times on the core graph cut to ``nodes`` (inf: beyond limit).

    Column 0 is a node without arcs (never reached), then ``nodes``.

    ``count[i]`` entry arcs of source ``i`` (to ``entries``, core indices; ``entry_t``), in order;
    ``col`` holds each routed node's column (0: not routed).
    """
    m, gs = len(nodes) + 1, len(count)
    if m == 1:
        return np.full((gs, 1), np.inf)
    g = ch.graph
    # the arcs between box nodes, in CSR order: the rows of the box nodes, heads in the box
    arc = ranges(g.indptr[nodes], g.indptr[nodes + 1] - g.indptr[nodes])[0]
    head = col[g.indices[arc]]
    inside = head > 0
    sub_tail = np.concatenate([col[ch.tail[arc[inside]]], np.repeat(m + np.arange(gs), count)])
    sub_head = np.concatenate([head[inside], col[entries]])
    data = np.concatenate([g.data[arc[inside]], entry_t])
    indptr = np.concatenate([[0], np.cumsum(np.bincount(sub_tail, minlength=m + gs))])
    sub = sparse.csr_matrix((data, sub_head.astype(np.int32), indptr), shape=(m + gs, m + gs))
    d: np.ndarray = csgraph.dijkstra(sub, directed=True, indices=m + np.arange(gs), limit=limit_s)
    return d[:, :m]
