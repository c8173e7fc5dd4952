"""The network graph: connected components kept and reported, clipping to an area.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a length in metres.
"""

from __future__ import annotations

import pytest
import shapely

from coverage import network
from coverage.errors import NetworkError


def test_disconnected_island_dropped_and_reported(hand):
    island = [
        (100, 101, [(1000, 0), (1100, 0)], "residential"),
        (101, 102, [(1100, 0), (1100, 100)], "residential"),
    ]
    net = hand.net(hand.grid() + island)
    assert net.n_nodes == 9 and net.n_edges == 12
    assert not set(net.node_ids) & {100, 101, 102}
    assert net.report["component"] == {
        "kind": "strong",
        "components": 2,
        "dropped_nodes": 3,  # 100, 101, 102
        "dropped_edges": 2,
        "dropped_length_km": 0.2,  # 2 × 100 m
    }
    assert hand.net(hand.grid() + island, component="weak").n_nodes == 9
    kept = hand.net(hand.grid() + island, component="all")
    assert kept.n_nodes == 12 and "component" not in kept.report
    # a connected network reports that nothing was dropped
    assert hand.net(hand.grid()).report["component"] == {"kind": "strong", "dropped_nodes": 0}


def test_strong_component_drops_one_way_dead_end(hand):
    # One-way footway 8 → 50 into a dead end: 50 can be reached but not left, so it is not in
    # the largest strongly connected component; the weakly connected one keeps it.
    spur = [(8, 50, [(200, 200), (300, 200)], "footway", "yes")]
    strong = hand.net(hand.grid() + spur)
    assert 50 not in strong.node_ids
    assert strong.report["component"]["dropped_nodes"] == 1
    weak = hand.net(hand.grid() + spur, component="weak")
    assert 50 in weak.node_ids
    assert weak.report["component"] == {"kind": "weak", "dropped_nodes": 0}


def test_clip(hand):
    net = hand.net(hand.grid())
    # the lower two rows of nodes (y ≤ 100) and the 7 edges among them: 2 × 2 + 3 vertical
    area = shapely.box(hand.x0 - 1, hand.y0 - 1, hand.x0 + 201, hand.y0 + 101)
    small = network.clip(net, area)
    assert (small.n_nodes, small.n_edges) == (6, 7)
    # the grid's other 5 edges: the 3 × 3 grid has 3 × 2 horizontal and 3 × 2 vertical edges
    assert small.report["clipped_to_area"] == {"margin_m": 0.0, "edges_kept": 7, "edges_dropped": 5}
    assert network.clip(net, area, margin_m=150) is net  # everything inside: unchanged
    with pytest.raises(NetworkError, match="contains no street"):
        network.clip(net, shapely.box(0, 0, 1, 1))
