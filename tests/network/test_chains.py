"""Chains of two-neighbour nodes: their structure by hand, and routing on the core graph against
a Dijkstra over the whole graph (hand networks with one-way and dead-end chains, a chain from a
node back to itself, a ring without any other node; and the real Wuhan network).

Hand networks use 1 m/s, so a time in seconds equals metres walked. The hand network::

        52 (dead end)                   31 ---- 32
        |                               |       |
        51                              30 ----- 1 ... (1 is also the end of both streets below)
        |
        2 (two neighbours: inside the chain 0-50-2-51-52)
        |
        50
        |
   40 - 0 - 10 - 11 => 12 - 1            street along y = 0, 11 → 12 one-way
        |                |
        0 => 20 <= 21 ---+               second street along y = 150: 20 can be entered only

    60 - 61 - 62 - 63 - 60               a ring far away, no node with other than two neighbours
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from coverage import routing
from coverage.network import boxes, chains

LINES = [
    (0, 10, [(0, 0), (100, 0)], "residential"),
    (10, 11, [(100, 0), (200, 0)], "residential"),
    (11, 12, [(200, 0), (300, 0)], "footway", "yes"),
    (12, 1, [(300, 0), (400, 0)], "residential"),
    (0, 20, [(0, 0), (0, 150), (130, 150)], "footway", "yes"),
    (21, 20, [(270, 150), (130, 150)], "footway", "yes"),
    (21, 1, [(270, 150), (400, 150), (400, 0)], "residential"),
    (1, 30, [(400, 0), (500, 0)], "residential"),
    (30, 31, [(500, 0), (500, 100)], "residential"),
    (31, 32, [(500, 100), (400, 100)], "residential"),
    (32, 1, [(400, 100), (400, 0)], "residential"),
    (40, 0, [(-100, 0), (0, 0)], "residential"),
    (0, 50, [(0, 0), (0, -100)], "residential"),
    (50, 2, [(0, -100), (0, -200)], "residential"),
    (2, 51, [(0, -200), (0, -300)], "residential"),
    (51, 52, [(0, -300), (0, -400)], "residential"),
    (60, 61, [(1000, 0), (1100, 0)], "residential"),
    (61, 62, [(1100, 0), (1100, 100)], "residential"),
    (62, 63, [(1100, 100), (1000, 100)], "residential"),
    (63, 60, [(1000, 100), (1000, 0)], "residential"),
]


@pytest.fixture(scope="module")
def chain_net(hand):
    return hand.net([(*ln, None) if len(ln) == 4 else ln for ln in LINES], component="all")


def _by_id(net, ch, c):
    return [int(net.node_ids[x]) for x in ch.node[ch.ptr[c] : ch.ptr[c + 1]]]


def test_chains_by_hand(hand, chain_net):
    net = chain_net
    ch = chains.chains(net)
    ring_core = min(hand.node(net, i) for i in (60, 61, 62, 63))
    assert sorted(net.node_ids[ch.core].tolist()) == sorted(
        [0, 1, 40, 52, int(net.node_ids[ring_core])]
    )
    assert (ch.local[ch.core] == np.arange(len(ch.core))).all()
    # every inner node is in exactly one chain, at the position that lists it
    inner = np.flatnonzero(ch.local < 0)
    assert (ch.node[ch.at[inner]] == inner).all()
    assert sorted(np.concatenate([ch.node[ch.ptr[c] + 1 : ch.ptr[c + 1] - 1]
                                  for c in range(ch.n_chains)]).tolist()) == inner.tolist()  # fmt: skip
    seqs = {}
    assert ch.n_chains == 6  # five chains with inner nodes, and 0 - 40
    for c in range(ch.n_chains):
        ids = _by_id(net, ch, c)
        seqs[frozenset(ids)] = (c, ids)
    first = ch.ptr[:-1]
    last = ch.ptr[1:] - 1

    def chain_of(ids):
        c, seq = seqs[frozenset(ids)]
        return c, seq

    # 0 - 10 - 11 => 12 - 1: 400 s forward; backward blocked at 12 → 11
    c, seq = chain_of([0, 10, 11, 12, 1])
    fwd = seq == [0, 10, 11, 12, 1]
    assert seq in ([0, 10, 11, 12, 1], [1, 12, 11, 10, 0])
    p = np.arange(ch.ptr[c], ch.ptr[c + 1])
    # from an end: inf at the other end (which keeps its own time); to an end: the whole way
    if fwd:
        np.testing.assert_allclose(ch.from_a[p], [0, 100, 200, 300, np.inf])
        np.testing.assert_allclose(ch.to_a[p], [0, 100, 200, np.inf, np.inf])
        np.testing.assert_allclose(ch.from_b[p], [np.inf, np.inf, np.inf, 100, 0])
        np.testing.assert_allclose(ch.to_b[p], [400, 300, 200, 100, 0])
        np.testing.assert_array_equal(ch.back_cut[p], [0, 0, 0, 1, 1])
    else:
        np.testing.assert_allclose(ch.to_a[p], [400, 300, 200, 100, 0])
        np.testing.assert_allclose(ch.from_b[p], [np.inf, 300, 200, 100, 0])
    # 0 => 20 <= 21 - 1: neither end reaches the other through 20
    c, _ = chain_of([0, 20, 21, 1])
    assert np.isinf(ch.to_b[first[c]]) and np.isinf(ch.to_a[last[c]])
    # the loop 1 - 30 - 31 - 32 - 1 starts and ends at 1; the dead end 0 - 50 - 2 - 51 - 52
    c, seq = chain_of([1, 30, 31, 32])
    assert seq[0] == seq[-1] == 1 and len(seq) == 5
    assert ch.to_b[first[c]] == pytest.approx(400)
    c, seq = chain_of([0, 50, 2, 51, 52])
    assert ch.to_b[first[c]] == pytest.approx(400) == ch.to_a[last[c]]
    # neighbouring core nodes: a chain of two positions
    c, seq = chain_of([0, 40])
    assert sorted(seq) == [0, 40] and ch.to_b[first[c]] == pytest.approx(100)
    # the ring: one chain from its lowest node round to itself
    c, seq = chain_of([60, 61, 62, 63])
    assert seq[0] == seq[-1] == int(net.node_ids[ring_core])
    # every chain ends at core nodes, listed by end
    every = chains.incidence(ch, np.arange(ch.n_chains))
    for c in range(ch.n_chains):
        a, b = ch.a[c], ch.b[c]
        assert c in ch.a_chain[ch.a_ptr[a] : ch.a_ptr[a + 1]]
        assert c in every.a_chain[every.a_ptr[a] : every.a_ptr[a + 1]]
        assert c in every.b_chain[every.b_ptr[b] : every.b_ptr[b + 1]]
    # the core graph: 0 → 1 in 400 s (the first street), 1 → 0 only by way of nothing: none
    a, b = ch.local[hand.node(net, 0)], ch.local[hand.node(net, 1)]
    assert ch.graph[a, b] == pytest.approx(400) and ch.graph[b, a] == 0
    assert ch.graph[a, ch.local[hand.node(net, 52)]] == pytest.approx(400)


def full_reach(net, s, limit):
    """Dense sources × nodes times from a Dijkstra over the whole graph plus virtual sources."""
    n, k = net.n_nodes, len(s)
    src, node, t = routing._entry_arcs(net, s)
    g = net.csr.tocoo()
    rows = np.concatenate([g.row, n + src])
    cols = np.concatenate([g.col, node])
    vals = np.concatenate([g.data, np.maximum(t, 1e-6)])
    order = np.lexsort((vals, cols, rows))  # the fastest of duplicate arcs, first
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    m = sparse.csr_matrix((vals[first], (rows[first], cols[first])), shape=(n + k, n + k))
    d = csgraph.dijkstra(m, directed=True, indices=n + np.arange(k), limit=limit)[:, :n]
    d[~s.ok] = np.inf
    return d


def dense(m):
    out = np.full(m.shape, np.inf)
    coo = m.tocoo()
    out[coo.row, coo.col] = coo.data
    return out


def assert_reach_equals_full(net, s, limit):
    got = dense(routing.reach(net, s, limit).times)
    ref = full_reach(net, s, limit)
    # the same reached nodes, except possibly within a hair of the limit (sums in another order)
    differ = np.isfinite(got) != np.isfinite(ref)
    assert (np.abs(np.where(np.isfinite(got), got, ref)[differ] - limit) < 1e-9).all()
    both = np.isfinite(got) & np.isfinite(ref)
    np.testing.assert_allclose(got[both], ref[both], rtol=0, atol=1e-9)
    return got


def test_reach_on_chains_equals_whole_graph(hand, chain_net):
    net = chain_net
    rng = np.random.default_rng(4)
    # points near every segment, on nodes (inner and core) and in the middle of one-way pieces
    xy = rng.uniform([-150, -450], [1150, 200], (300, 2))
    on_nodes = np.c_[net.x, net.y] - [hand.x0, hand.y0]
    extra = [(250, 0), (60, 150), (200, 150), (0, -250), (1050, 0), (450, 100)]
    s = routing.snap(net, hand.pts(np.concatenate([xy, on_nodes, extra]).tolist()))
    assert s.ok.sum() > 100
    for limit in (0.5, 30.0, 99.999, 150.0, 350.0, 1000.0, np.inf):
        got = assert_reach_equals_full(net, s, limit)
    assert np.isfinite(got).sum() > 1000
    # the sink 20: reached only from 0's side and from 21's, never left
    s20 = routing.snap(net, hand.pts([(130, 150)]), include_access=False)
    t = dense(routing.reach(net, s20, np.inf).times)[0]
    assert np.isfinite(t).sum() == 1 and t[hand.node(net, 20)] == pytest.approx(1e-6)


def test_reach_without_access_walk_and_one_source_per_group(hand, chain_net, monkeypatch):
    net = chain_net
    rng = np.random.default_rng(9)
    s = routing.snap(net, hand.pts(rng.uniform([-150, -450], [1150, 200], (60, 2)).tolist()),
                     include_access=False)  # fmt: skip
    monkeypatch.setattr(boxes, "CHUNK", 1)
    for limit in (45.0, 260.0):
        assert_reach_equals_full(net, s, limit)


def test_chains_follow_a_new_graph(hand):
    net = hand.net(hand.grid(3))
    ch = chains.chains(net)
    assert chains.chains(net) is ch  # kept
    assert len(ch.core) == 5  # the four corners have two neighbours: four chains of one node
    net.__dict__.pop("csr")
    assert chains.chains(net) is not ch


@pytest.mark.realdata
def test_wuhan_core_graph_keeps_core_times(wuhan_net):
    net = wuhan_net
    ch = chains.chains(net)
    assert len(ch.core) < net.n_nodes / 2  # most nodes are inside chains
    deg = np.diff(((net.csr + net.csr.T) != 0).tocsr().indptr)
    assert (deg[ch.local < 0] == 2).all()
    rng = np.random.default_rng(1)
    start = rng.choice(len(ch.core), 8, replace=False)
    full = csgraph.dijkstra(net.csr, indices=ch.core[start], limit=3600)[:, ch.core]
    core = csgraph.dijkstra(ch.graph, indices=start, limit=3600)
    assert (np.isfinite(full) == np.isfinite(core)).all() and np.isfinite(core).sum() > 2000
    np.testing.assert_allclose(core[np.isfinite(core)], full[np.isfinite(full)], atol=1e-9)


@pytest.mark.realdata
def test_wuhan_reach_equals_whole_graph(wuhan_net):
    net = wuhan_net
    rng = np.random.default_rng(12)
    c = rng.choice(net.n_nodes, 40)
    xy = np.c_[net.x[c], net.y[c]] + rng.uniform(-300, 300, (40, 2))
    inner = np.flatnonzero(chains.chains(net).local < 0)[:20]  # sources right on inner nodes
    s = routing.snap(net, shapely.points(np.concatenate([xy, np.c_[net.x[inner], net.y[inner]]])))
    for limit in (120.0, 900.0):
        got = assert_reach_equals_full(net, s, limit)
    assert np.isfinite(got).sum() > 5000


def ref_along(ptr, w, *, reverse=False):
    """The former ``chains._along`` (the chains of each step found by a scan of all), verbatim
    but for its name."""
    out = np.zeros(len(w))
    length = np.diff(ptr)
    for j in range(1, int(length.max(initial=0))):
        c = np.flatnonzero(length > j)
        if reverse:
            p = ptr[c + 1] - 1 - j
            out[p] = out[p + 1] + w[p]
        else:
            p = ptr[c] + j
            out[p] = out[p - 1] + w[p - 1]
    return out


@pytest.mark.realdata
def test_sums_along_chains_equal_a_scan_per_step(hand, wuhan_net):
    """Bit for bit, on the Wuhan chains and on chains of every length up to 9 (none empty)."""
    rng = np.random.default_rng(7)
    wuhan = chains.chains(wuhan_net).ptr
    small = np.concatenate([[0], np.cumsum(rng.integers(2, 10, 40))])
    for ptr in (wuhan, small, np.zeros(1, np.int64)):
        w = rng.uniform(0.1, 300.0, ptr[-1])
        w[rng.random(len(w)) < 0.05] = np.inf  # arcs that cannot be walked
        by_length = chains._by_length(ptr)
        for reverse in (False, True):
            got = chains._along(by_length, w, reverse=reverse)
            np.testing.assert_array_equal(got, ref_along(ptr, w, reverse=reverse))
    assert np.diff(wuhan).max() > 50
