"""Times to points from a routing on the core graph: points located on chains by hand, and the
point times read from the chains' pairs against the node-level path they replace (bit for bit),
on the hand network of ``test_chains.py`` and on the real Wuhan network."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from conftest import assert_same_csr

from coverage import routing
from coverage.network import boxes, chains
from tests.network.test_chains import LINES


@pytest.fixture(scope="module")
def chain_net(hand):
    return hand.net([(*ln, None) if len(ln) == 4 else ln for ln in LINES], component="all")


def test_places_by_hand(hand, chain_net):
    net = chain_net
    ch = chains.chains(net)
    # one point on each of these segments, 30 m from the first node named
    xy = {(11, 12): (230, 5), (1, 12): (370, 0), (0, 40): (-30, 0), (31, 32): (470, 100),
          (2, 51): (0, -230), (21, 20): (240, 150)}  # fmt: skip
    s = routing.snap(net, hand.pts(list(xy.values())), include_access=False)
    pl = routing._places(net, ch, s)
    for k, (first, second) in enumerate(xy):
        j = np.flatnonzero(pl.point == k)
        assert len(j) == 1  # every point listed once, on the chain of its segment
        j = int(j[0])
        c = int(np.searchsorted(pl.ptr, j, side="right") - 1)
        lo = int(pl.lo[j])
        assert ch.ptr[c] <= lo < ch.ptr[c + 1] - 1
        ends = {int(net.node_ids[ch.node[lo]]), int(net.node_ids[ch.node[lo + 1]])}
        assert ends == {first, second}
        at_first = int(net.node_ids[ch.node[lo]]) == first
        off_first = pl.off_lo[j] if at_first else pl.off_hi[j]
        off_second = pl.off_hi[j] if at_first else pl.off_lo[j]
        assert off_first == pytest.approx(30)
        one_way = (first, second) in ((11, 12), (21, 20))  # walkable first → second only
        assert np.isinf(off_second) if one_way else off_second == pytest.approx(70)
        assert pl.a_lo[j] == ch.from_a[lo] and pl.b_hi[j] == ch.from_b[lo + 1]


def node_level(net, r, tg, limit=None):
    """The point times from the node times (the path used without a core routing)."""
    return routing.point_times(net, routing.Reach(r.times, r.limit_s, r.sources), tg, limit)


def test_point_times_from_pairs_equal_node_level(hand, chain_net, monkeypatch):
    net = chain_net
    rng = np.random.default_rng(8)
    box = ([-150, -450], [1150, 200])
    on_nodes = (np.c_[net.x, net.y] - [hand.x0, hand.y0]).tolist()
    src = routing.snap(net, hand.pts(rng.uniform(*box, (40, 2)).tolist() + on_nodes[:8]))
    tg = routing.snap(net, hand.pts(rng.uniform(*box, (300, 2)).tolist() + on_nodes))
    for limit in (0.5, 40.0, 180.0, 420.0, np.inf):
        r = routing.reach(net, src, limit)
        assert r.routed is not None
        got = routing.point_times(net, r, tg)
        assert got.has_sorted_indices
        assert_same_csr(got, node_level(net, r, tg))
        for other in (limit / 2, limit * 2) if np.isfinite(limit) else ():
            # a smaller limit than the routing's; a larger one (nodes beyond it do not count)
            assert_same_csr(routing.point_times(net, r, tg, other), node_level(net, r, tg, other))
    assert got.nnz > 2000
    # blocks of a few rows; one source per group
    monkeypatch.setattr(routing, "_BLOCK_CELLS", 3 * len(tg) + 1)
    assert_same_csr(routing.point_times(net, r, tg), got)
    monkeypatch.setattr(boxes, "CHUNK", 1)
    assert_same_csr(routing.point_times(net, routing.reach(net, src, np.inf), tg), got)


@pytest.mark.realdata
def test_wuhan_point_times_from_pairs_equal_node_level(wuhan_net, wuhan_sample):
    net, s, limit = wuhan_net, wuhan_sample.snapped, wuhan_sample.limit_s
    rng = np.random.default_rng(3)
    xy = shapely.get_coordinates(wuhan_sample.points.values)
    tg = routing.snap(net, shapely.points(xy[rng.integers(0, len(xy), 3000)]
                                          + rng.uniform(-900, 900, (3000, 2))))  # fmt: skip
    r = routing.reach(net, s, limit)
    got = routing.point_times(net, r, tg)
    assert got.nnz > 1000
    assert_same_csr(got, node_level(net, r, tg))
    r2 = routing.reach(net, s, 3.0)  # little more than the sources' own segments
    assert_same_csr(routing.point_times(net, r2, tg), node_level(net, r2, tg))


def test_places_are_kept_on_the_targets_for_the_same_chains(hand):
    net = hand.net(hand.grid(3))
    tg = routing.snap(net, hand.pts([(30, 5), (200, 160), (100, 100)]))
    ch = chains.chains(net)
    first = routing._places(net, ch, tg)
    assert routing._places(net, ch, tg) is first
    # a copy of the targets, or new chains of a changed graph: located again, the same way
    again = routing._places(net, ch, tg.take(np.arange(3)))
    assert again is not first and np.array_equal(again.point, first.point)
    net.__dict__.pop("csr")
    assert routing._places(net, chains.chains(net), tg) is not first
