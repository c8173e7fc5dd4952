"""Reached stretches of street segments: the part of the network a walker reaches in a band.

A segment is reached whole, or partly from either end (its far end out of reach), and the
source's own segment both ways from the source's position. Both catchment methods (grid and
exact) draw the same stretches.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from coverage.network import WalkNetwork
from coverage.routing import Reach

__all__ = ["reached_segments", "reached_stretches"]


def _incidence(net: WalkNetwork) -> sparse.csr_matrix:
    """Node × edge incidence (both end nodes)."""
    e = net.edges
    rows = np.concatenate([e["u_idx"].to_numpy(), e["v_idx"].to_numpy()])
    cols = np.concatenate([np.arange(len(e)), np.arange(len(e))])
    return sparse.csr_matrix((np.ones(len(rows), bool), (rows, cols)), shape=(net.n_nodes, len(e)))


def _end_weights(net: WalkNetwork, inc: sparse.csr_matrix, k: float) -> sparse.csr_matrix:
    """The incidence with weight 1 where the node is the segment's ``u``, ``k`` where ``v``.

    ``1 + k`` where it is both (a loop): a product then still reads as ``p_u + k·p_v``.
    """
    e = net.edges
    node = np.repeat(np.arange(inc.shape[0]), np.diff(inc.indptr))
    edge = inc.indices
    w = (e["u_idx"].to_numpy()[edge] == node) + k * (e["v_idx"].to_numpy()[edge] == node)
    return sparse.csr_matrix((w, edge, inc.indptr), shape=inc.shape)


def _stretch_ends(
    net: WalkNetwork,
    owner: np.ndarray,
    cand: np.ndarray,
    tu: np.ndarray,
    tv: np.ndarray,
    limit_s: float,
) -> tuple[np.ndarray, ...]:
    """Reached stretches of candidate segments given the times of their end nodes.

    A segment is reached from ``u`` up to ``(limit - t_u) / t_edge`` of its length, and from
    ``v`` (if two-way) back to ``1 - (limit - t_v) / t_edge``; when the stretches meet the whole
    segment is reached. Returns (owner, edge, start, end) arrays.
    """
    e = net.edges
    te = np.maximum(e["time_s"].to_numpy()[cand], 1e-9)
    two = e["two_way"].to_numpy()[cand]
    a = np.where(tu <= limit_s, np.clip((limit_s - tu) / te, 0, 1), -1.0)
    b = np.where(two & (tv <= limit_s), np.clip((limit_s - tv) / te, 0, 1), -1.0)
    full = (a >= 1) | (b >= 1) | ((a >= 0) & (b >= 0) & (a + b >= 1))
    part_u = np.flatnonzero(~full & (a >= 0))
    part_v = np.flatnonzero(~full & (b >= 0))
    # whole segments first, then those reached from u only, then from v only
    pick = np.concatenate([np.flatnonzero(full), part_u, part_v])
    start, end = np.zeros(len(pick)), np.ones(len(pick))
    start[len(pick) - len(part_v) :] = 1 - b[part_v]
    end[len(pick) - len(part_v) - len(part_u) : len(pick) - len(part_v)] = a[part_u]
    return owner[pick], cand[pick], start, end


def _whole(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Which stretches cover their whole segment."""
    return (start <= 1e-12) & (end >= 1 - 1e-12)


def _source_stretches(
    net: WalkNetwork,
    owner: np.ndarray,
    edge: np.ndarray,
    frac: np.ndarray,
    access_s: np.ndarray,
    limit_s: float,
) -> tuple[np.ndarray, ...]:
    """The stretch of each source's own segment reached both ways from its position."""
    keep = (edge >= 0) & (limit_s >= access_s)
    owner, edge, frac, access_s = (
        owner[keep],
        edge[keep].astype(np.int64),
        frac[keep],
        access_s[keep],
    )
    e = net.edges
    r = (limit_s - access_s) / np.maximum(e["time_s"].to_numpy()[edge], 1e-9)
    lo = np.where(e["two_way"].to_numpy()[edge], np.maximum(0.0, frac - r), frac)
    return owner, edge, lo, np.minimum(1.0, frac + r)


def reached_segments(
    net: WalkNetwork,
    node_idx: np.ndarray,
    node_t: np.ndarray,
    limit_s: float,
    source_edge: int = -1,
    source_frac: float = 0.0,
    source_access_s: float = 0.0,
    incidence: sparse.csr_matrix | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reached stretches of segments for one source: (edge rows, start, end fractions), ``u`` = 0.

    ``node_idx``/``node_t`` are the source's reached nodes and times; the source's own segment
    is reached both ways from the source position (listed as a separate stretch).

    Parameters
    ----------
    net
        The walking network.
    node_idx
        Positions of the nodes the source reaches (:meth:`coverage.routing.Reach.node_times`).
    node_t
        Their walking times in seconds.
    limit_s
        The time limit in seconds: a stretch ends where it is reached.
    source_edge
        Row of the segment the source is snapped onto; -1 for none (the stretch of the source's own
        segment is then left out).
    source_frac
        Position of the source along that segment (0 at ``u``, 1 at ``v``).
    source_access_s
        Walking time from the source to its position on the segment, in seconds.
    incidence
        Node × edge incidence matrix of ``net``, when the caller has built it already (built here
        otherwise).
    """
    inc = _incidence(net) if incidence is None else incidence
    reached = node_t <= limit_s + 1e-9
    node_idx, node_t = node_idx[reached], node_t[reached]
    cand = np.unique(inc[node_idx].indices) if len(node_idx) else np.zeros(0, dtype=np.int64)
    buf = np.full(net.n_nodes, np.inf)
    buf[node_idx] = node_t
    e = net.edges
    tu = buf[e["u_idx"].to_numpy()[cand]]
    tv = buf[e["v_idx"].to_numpy()[cand]]
    zero = np.zeros(len(cand), dtype=np.int64)
    _, edge, start, end = _stretch_ends(net, zero, cand, tu, tv, limit_s)
    one = np.zeros(1, dtype=np.int64)
    _, se, ss, st = _source_stretches(
        net, one, np.array([source_edge]), np.array([source_frac]), np.array([source_access_s]),
        limit_s,
    )  # fmt: skip
    return np.concatenate([edge, se]), np.concatenate([start, ss]), np.concatenate([end, st])


def reached_stretches(
    net: WalkNetwork, r: Reach, limit_s: float, incidence: sparse.csr_matrix | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Reached stretches of every source at once: (source, edge, start, end), sorted by source.

    The same stretches as :func:`reached_segments` per source, computed with a sparse product
    over all sources instead of a Python loop.

    Parameters
    ----------
    net
        The walking network.
    r
        Per-source node times from :func:`coverage.routing.reach`.
    limit_s
        The time limit in seconds (at most ``r.limit_s``).
    incidence
        Node × edge incidence matrix of ``net``, when the caller has built it already (built here
        otherwise).
    """
    inc = _incidence(net) if incidence is None else incidence
    t = r.times.tocsr()
    t.sort_indices()
    n = net.n_nodes
    keep = t.data <= limit_s + 1e-9
    rows = np.repeat(np.arange(t.shape[0], dtype=np.int64), np.diff(t.indptr))[keep]
    times = np.concatenate([[np.inf], t.data[keep]])  # by position + 1; 0: not reached
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=t.shape[0]))])
    # Each reached node's position in its row (from 1) times the end incidence (1 at u, K at v)
    # gives every (source, segment) pair with p_u + K·p_v: both end times in one sparse product.
    k = n + 1
    at = np.arange(1, len(rows) + 1, dtype=float) - indptr[rows]
    pos = sparse.csr_matrix((at, t.indices[keep], indptr), shape=t.shape)
    pairs = (pos @ _end_weights(net, inc, float(k))).tocoo()
    src, cand = pairs.row.astype(np.int64), pairs.col.astype(np.int64)
    pv, pu = np.divmod(pairs.data.astype(np.int64), k)
    at_row = indptr[src]
    tu = times[np.where(pu > 0, at_row + pu, 0)]
    tv = times[np.where(pv > 0, at_row + pv, 0)]
    parts = _stretch_ends(net, src, cand, tu, tv, limit_s)
    s = r.sources
    ok = np.flatnonzero(s.ok)
    own = _source_stretches(net, ok, s.edge[ok], s.frac[ok], s.access_s[ok], limit_s)
    out = [np.concatenate([p, q]) for p, q in zip(parts, own, strict=True)]
    order = np.argsort(out[0], kind="stable")
    return tuple(x[order] for x in out)  # type: ignore[return-value]
