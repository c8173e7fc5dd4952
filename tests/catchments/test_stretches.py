"""Reached stretches of segments, whole and partial, from one source and from all at once.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a walked distance in metres.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from coverage import catchments, routing

from .cases import CAP_16GON, CAP_CIRCLE, W, _as_list, per_source_stretches, stretches


def test_partially_reached_edge_fractions(hand, line_net):
    net = line_net
    src = routing.snap(net, hand.pts([(0, 0)]))  # at node 0: edge 0→1, frac 0, no access walk
    r = routing.reach(net, src, 150)
    nodes, times = r.node_times(0)
    # node 0 at ~0 s, node 1 at 100 s; node 2 (300 s) is beyond 150 s
    assert dict(zip(net.node_ids[nodes].tolist(), times.round(4).tolist(), strict=True)) == {
        0: 0.0,
        1: 100.0,
    }
    got = catchments.reached_segments(
        net, nodes, times, 150, int(src.edge[0]), float(src.frac[0]), float(src.access_s[0])
    )
    # edge 0→1: from node 0 with 150 s left: (150 − 0) / 100 ≥ 1 → whole
    # edge 1→2: from node 1 with 50 s left: 50 / 200 = 0.25 → [0, 0.25], i.e. x = 100 … 150
    # source edge 0→1 from frac 0, (150 − 0 access) / 100 = 1.5 each way → [0, 1]
    assert stretches(net, *got) == {((0, 1), 0.0, 1.0), ((1, 2), 0.0, 0.25)}
    assert len(got[0]) == 3  # the source's own stretch is listed separately


def test_grid_reached_segments_by_hand(hand):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5)]))  # edge 0→1 at frac 0.3, 5 m off: 5 s access
    r = routing.reach(net, src, 200)
    nodes, times = r.node_times(0)
    # node times (see test_routing): 0: 35, 1: 75, 2: 175, 3: 135, 4: 175; others > 200
    got = catchments.reached_segments(
        net, nodes, times, 200, int(src.edge[0]), float(src.frac[0]), float(src.access_s[0])
    )
    expected = {
        ((0, 1), 0.0, 1.0),  # (200 − 35) / 100 = 1.65 → whole (also the source's stretch)
        ((1, 2), 0.0, 1.0),  # (200 − 75) / 100 = 1.25 → whole
        ((0, 3), 0.0, 1.0),  # 1.65 → whole
        ((1, 4), 0.0, 1.0),  # 1.25 → whole
        ((2, 5), 0.0, 0.25),  # (200 − 175) / 100 = 0.25; node 5 unreached
        ((3, 4), 0.0, 0.65),  # from 3: (200 − 135) / 100 = 0.65
        ((3, 4), 0.75, 1.0),  # from 4: (200 − 175) / 100 = 0.25 → [1 − 0.25, 1]; 0.65 + 0.25 < 1
        ((3, 6), 0.0, 0.65),  # from 3: 0.65
        ((4, 5), 0.0, 0.25),  # from 4: 0.25
        ((4, 7), 0.0, 0.25),  # from 4: 0.25
    }
    assert stretches(net, *got) == expected
    # total reached street: 4 × 100 + 25 + 65 + 25 + 65 + 25 + 25 = 630 m (source stretch once)
    e, a, b = got
    lengths = net.edges["length"].to_numpy()[e] * (b - a)
    assert lengths[:-1].sum() == pytest.approx(630.0)
    # with 215 s the two stretches of 3→4 meet: (215 − 135)/100 + (215 − 175)/100 = 0.8 + 0.4 ≥ 1
    got = catchments.reached_segments(net, nodes, times, 215)
    assert ((3, 4), 0.0, 1.0) in stretches(net, *got)


def test_one_way_footway_stretches(hand):
    # Triangle 0 (0,0), 1 (100,0), 2 (50, 86.6): 100 m sides, 0→1 one-way footway or not.
    h = 50 * math.sqrt(3)
    tri = [
        (1, 2, [(100, 0), (50, h)], "residential", None),
        (2, 0, [(50, h), (0, 0)], "residential", None),
    ]
    one_way = hand.net([(0, 1, [(0, 0), (100, 0)], "footway", "yes"), *tri])
    two_way = hand.net([(0, 1, [(0, 0), (100, 0)], "footway", None), *tri])

    # source at 30 m along 0→1, on the street; 50 s
    src = routing.snap(one_way, hand.pts([(30, 0)]))
    r = routing.reach(one_way, src, 50)
    nodes, times = r.node_times(0)
    assert nodes.size == 0  # 1 is 70 s ahead, 0 is 270 s round the triangle
    got = catchments.reached_segments(one_way, nodes, times, 50, int(src.edge[0]), 0.3, 0.0)
    assert stretches(one_way, *got) == {((0, 1), 0.3, 0.8)}  # forward only: 0.3 + 50/100
    poly = catchments.catchments(one_way, r, bands_min=[50 / 60], method="exact").geometry.iloc[0]
    # x = 30 … 80 buffered: 2 × 50 × 50 + 7653.67 = 12 653.67 m²
    assert poly.area == pytest.approx(2 * W * 50 + CAP_16GON, abs=1.0)
    # the grid outline: exact straight sides, caps traced inside the circle (see the straight
    # line test): 2 × 50 × 50 + between 96 % and 100 % of π × 50²
    poly = catchments.catchments(one_way, r, bands_min=[50 / 60]).geometry.iloc[0]
    assert 2 * W * 50 + 0.96 * CAP_CIRCLE <= poly.area <= 2 * W * 50 + CAP_CIRCLE
    assert poly.bounds[0] - hand.x0 == pytest.approx(30 - W, abs=1e-6)

    src = routing.snap(two_way, hand.pts([(30, 0)]))
    r = routing.reach(two_way, src, 50)
    nodes, times = r.node_times(0)
    assert dict(zip(two_way.node_ids[nodes].tolist(), times.tolist(), strict=True)) == {0: 30.0}
    got = catchments.reached_segments(two_way, nodes, times, 50, int(src.edge[0]), 0.3, 0.0)
    # both ways from the source: [0.3 − 0.5 → 0, 0.8]; node 0 reached at 30 s with 20 s left:
    # 0→1 [0, 0.2], and 2→0 from its v end: [1 − 0.2, 1]
    assert stretches(two_way, *got) == {
        ((0, 1), 0.0, 0.8),
        ((0, 1), 0.0, 0.2),
        ((2, 0), 0.8, 1.0),
    }

    # a one-way edge reached only at its v end gives nothing (cannot walk v → u)
    k1 = int(np.flatnonzero(one_way.node_ids == 1)[0])
    got = catchments.reached_segments(one_way, np.array([k1]), np.array([0.0]), 50)
    assert ((0, 1), 0.5, 1.0) not in stretches(one_way, *got)
    assert {s[0] for s in stretches(one_way, *got)} == {(1, 2)}


def test_zero_time_node_is_reached(hand):
    net = hand.net(hand.grid())
    k = int(np.flatnonzero(net.node_ids == 4)[0])  # the centre node, time exactly 0
    got = catchments.reached_segments(net, np.array([k]), np.array([0.0]), 40)
    # all four streets out of node 4, 40 m each: 0.4 of 1→4 and 3→4 from their v end
    assert stretches(net, *got) == {
        ((1, 4), 0.6, 1.0),
        ((3, 4), 0.6, 1.0),
        ((4, 5), 0.0, 0.4),
        ((4, 7), 0.0, 0.4),
    }
    # a Reach whose CSR stores that 0 explicitly: the node counts as reached in catchments
    src = routing.snap(net, hand.pts([(100, 100)]))
    times = sparse.csr_matrix((np.array([0.0]), np.array([k]), np.array([0, 1])), shape=(1, 9))
    assert times.nnz == 1
    r = routing.Reach(times, 60.0, src)
    poly = catchments.catchments(net, r, bands_min=[40 / 60], simplify_m=0).geometry.iloc[0]
    # a cross of 2 × 80 m arms buffered by 50 m: bounds 100 ± 90 in x and y
    minx, miny, maxx, maxy = poly.bounds
    assert (minx - hand.x0, maxy - hand.y0) == pytest.approx((10, 190), abs=1e-6)


def test_access_longer_than_limit(hand, line_net):
    # the source edge is not reached at all when walking to the street takes longer than the band
    got = catchments.reached_segments(
        line_net, np.zeros(0, int), np.zeros(0), 30, 0, 0.5, source_access_s=40
    )
    assert got[0].size == 0


def test_reached_stretches_of_all_sources_equal_the_per_source_loop(hand):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (500, 5000), (200, 160), (100, 100), (0, 150)]))
    r = routing.reach(net, src, 200)
    for limit in (40, 120, 200):
        got = catchments.reached_stretches(net, r, limit)
        assert np.all(np.diff(got[0]) >= 0)  # sorted by source
        assert 1 not in got[0]  # the unsnapped source reaches nothing
        assert _as_list(net, *got) == per_source_stretches(net, r, limit)


@pytest.mark.realdata
def test_wuhan_reached_stretches_equal_the_per_source_loop(wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    for limit in (300.0, 900.0):
        got = catchments.reached_stretches(net, r, limit)
        assert _as_list(net, *got) == per_source_stretches(net, r, limit)


def slow_reached_stretches(net, r, limit_s):
    """The replaced way: both end times of each (source, segment) pair looked up by binary
    search in the sorted (source, node) keys of the reached nodes."""
    from coverage.catchments.stretches import _incidence, _source_stretches, _stretch_ends

    inc = _incidence(net)
    t = r.times.tocsr().copy()
    t.sort_indices()
    n = net.n_nodes
    keep = t.data <= limit_s + 1e-9
    rows = np.repeat(np.arange(t.shape[0], dtype=np.int64), np.diff(t.indptr))[keep]
    cols = t.indices[keep].astype(np.int64)
    times = t.data[keep]
    key = rows * n + cols
    hit = sparse.csr_matrix((np.ones(len(rows), bool), (rows, cols)), shape=t.shape)
    pairs = (hit @ inc).tocoo()
    src, cand = pairs.row.astype(np.int64), pairs.col.astype(np.int64)

    def time_at(nodes):
        k = src * n + nodes
        p = np.minimum(np.searchsorted(key, k), max(len(key) - 1, 0))
        return np.where(key[p] == k, times[p], np.inf) if len(key) else np.full(len(k), np.inf)

    e = net.edges
    tu, tv = time_at(e["u_idx"].to_numpy()[cand]), time_at(e["v_idx"].to_numpy()[cand])
    parts = _stretch_ends(net, src, cand, tu, tv, limit_s)
    s = r.sources
    ok = np.flatnonzero(s.ok)
    own = _source_stretches(net, ok, s.edge[ok], s.frac[ok], s.access_s[ok], limit_s)
    out = [np.concatenate([p, q]) for p, q in zip(parts, own, strict=True)]
    order = np.argsort(out[0], kind="stable")
    return tuple(x[order] for x in out)


def assert_same_arrays(got, ref) -> None:
    for a, b in zip(got, ref, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_reached_stretches_equal_the_binary_search_path(hand):
    # the grid plus a one-way footway and a curved two-way one
    net = hand.net(
        [
            *hand.grid(),
            (4, 40, [(100, 100), (150, 130), (130, 170)], "footway"),
            (2, 5, [(200, 0), (250, 50), (200, 100)], "footway", True),
        ]
    )
    src = routing.snap(net, hand.pts([(30, -5), (500, 5000), (200, 160), (140, 140), (0, 150)]))
    r = routing.reach(net, src, 200)
    for limit in (0.0, 40, 120, 200):
        got = catchments.reached_stretches(net, r, limit)
        assert_same_arrays(got, slow_reached_stretches(net, r, limit))
    assert len(got[0]) > 20


@pytest.mark.realdata
def test_wuhan_reached_stretches_equal_the_binary_search_path(wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    for limit in (60.0, 300.0, 900.0):
        got = catchments.reached_stretches(net, r, limit)
        assert_same_arrays(got, slow_reached_stretches(net, r, limit))
        assert len(got[0]) > 20


def ref_stretch_ends(net, owner, cand, tu, tv, limit_s):
    """The former ``stretches._stretch_ends`` (each output picked by boolean masks and
    concatenated), verbatim but for its name."""
    e = net.edges
    te = np.maximum(e["time_s"].to_numpy()[cand], 1e-9)
    two = e["two_way"].to_numpy()[cand]
    a = np.where(tu <= limit_s, np.clip((limit_s - tu) / te, 0, 1), -1.0)
    b = np.where(two & (tv <= limit_s), np.clip((limit_s - tv) / te, 0, 1), -1.0)
    full = (a >= 1) | (b >= 1) | ((a >= 0) & (b >= 0) & (a + b >= 1))
    part_u = ~full & (a >= 0)
    part_v = ~full & (b >= 0)
    n_full, n_u, n_v = int(full.sum()), int(part_u.sum()), int(part_v.sum())
    return (
        np.concatenate([owner[full], owner[part_u], owner[part_v]]),
        np.concatenate([cand[full], cand[part_u], cand[part_v]]),
        np.concatenate([np.zeros(n_full), np.zeros(n_u), 1 - b[part_v]]),
        np.concatenate([np.ones(n_full), a[part_u], np.ones(n_v)]),
    )


def test_stretch_ends_equal_the_masked_concatenation(hand):
    """Bit for bit, on random end times around the limit (whole, from u, from v, unreached)."""
    from coverage.catchments.stretches import _stretch_ends

    net = hand.net(hand.grid(5))
    rng = np.random.default_rng(3)
    cand = rng.integers(0, net.n_edges, 3000)
    owner = np.sort(rng.integers(0, 40, 3000))
    tu, tv = rng.uniform(0, 400, (2, 3000))
    tu[rng.random(3000) < 0.2] = np.inf
    for limit in (0.0, 150.0, 330.0):
        got = _stretch_ends(net, owner, cand, tu, tv, limit)
        for x, y in zip(got, ref_stretch_ends(net, owner, cand, tu, tv, limit), strict=True):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)
    start, end = got[2], got[3]
    assert ((start == 0) & (end == 1)).any()  # whole segments,
    assert ((start == 0) & (end < 1)).any() and ((start > 0) & (end == 1)).any()  # and parts
    assert len(_stretch_ends(net, owner[:0], cand[:0], tu[:0], tv[:0], 330.0)[0]) == 0
