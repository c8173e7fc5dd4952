"""The walk rule: which ways are walkable streets, by tag, and the counts of what is left out.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a length in metres.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage import network

from .cases import RAIL_DETOUR_OSM, RAIL_TAG, _edge_set, _osm_text, _write_osm_formats


def test_motorway_trunk_and_access_excluded_and_reported(hand):
    extra = [
        (2, 20, [(200, 0), (400, 0)], "motorway", None, {"foot": None, "access": None}),
        (20, 21, [(400, 0), (500, 0)], "trunk_link", None, {"foot": None, "access": None}),
        # a trunk road with a sidewalk tagged foot=yes stays walkable
        (5, 22, [(200, 100), (300, 100)], "trunk", None, {"foot": "yes", "access": None}),
        (22, 8, [(300, 100), (200, 200)], "residential", None, {"foot": None, "access": None}),
        # merged osmnx edge whose tags include a walkable street: kept
        (6, 23, [(0, 200), (-100, 200)], "['motorway', 'residential']", None, {}),
        (23, 3, [(-100, 200), (0, 100)], "residential", None, {}),
        (0, 24, [(0, 0), (0, -100)], "service", None, {"foot": None, "access": "private"}),
        (1, 25, [(100, 0), (100, -100)], "footway", None, {"foot": "no", "access": None}),
    ]
    net = hand.net(hand.grid() + extra)
    assert net.report["dropped_not_walkable"] == {  # by tag, largest count first, then by name
        "access=private": 1,  # 0-24
        "foot=no": 1,  # 1-25
        "highway=motorway": 1,  # 2-20
        "highway=trunk_link": 1,  # 20-21
    }
    assert set(net.edges["highway"]) == {"residential", "trunk", "motorway"}
    assert not set(net.node_ids) & {20, 21, 24, 25}  # only reachable over dropped edges
    assert {22, 23} <= set(net.node_ids)
    # the merged 6-23 edge keeps its first tag as highway
    assert net.edges.iloc[hand.edge(net, 6, 23)]["highway"] == "motorway"


def _coverage_a_to_b(net: network.WalkNetwork, threshold_min: float) -> Any:
    """A service point at the south end of street A, one worker at the south end of B."""
    from coverage import analysis

    fac = gpd.GeoDataFrame(
        {"tier": ["point"]}, geometry=[shapely.Point(106.5279933, 29.5779991)], crs=4326
    )
    dem = gpd.GeoDataFrame(
        {"weight": [1.0]}, geometry=[shapely.Point(106.5300575, 29.5779754)], crs=4326
    )
    return analysis.evaluate(net, fac, dem, threshold_min=threshold_min).demand.iloc[0]


def test_osm_railway_building_landuse_are_not_streets(tmp_path):
    nets = [network.load(p) for p in _write_osm_formats(RAIL_DETOUR_OSM, tmp_path)]
    for net in nets:
        # Only A, the tertiary road and B remain. With no other way touching them, their inner
        # nodes are no junctions: three segments, 1400 + 200 + 1400 m.
        assert sorted(net.node_ids.tolist()) == [1, 7, 10, 16]
        e = _edge_set(net)
        norm = {(min(k), max(k)): hw for k, (hw, _) in e.items()}
        assert norm == {(1, 7): "residential", (7, 16): "tertiary", (10, 16): "residential"}
        length = dict(zip(map(frozenset, zip(net.edges["u"], net.edges["v"], strict=True)),
                          net.edges["length"], strict=True))  # fmt: skip
        assert length[frozenset((1, 7))] == pytest.approx(1400.0, abs=0.02)
        assert length[frozenset((7, 16))] == pytest.approx(200.0, abs=0.02)
        assert length[frozenset((10, 16))] == pytest.approx(1400.0, abs=0.02)
        assert net.report["osm_ways_in"] == 7
        assert net.report["dropped_not_walkable"] == {
            "building": 1,
            "highway=motorway": 1,
            "landuse=residential": 1,
            "railway=rail": 1,
        }
        # A → B is the street detour: 3000 m at 4.5 km/h (75 m/min) = 40 min, not 15.
        assert not _coverage_a_to_b(net, 15)["covered"]
        assert _coverage_a_to_b(net, 45)["nearest_min"] == pytest.approx(40.0, abs=0.001)
    cols = ["u", "v", "highway", "length", "two_way"]
    for other in nets[1:]:
        assert other.edges[cols].equals(nets[0].edges[cols])
        assert {k: v for k, v in other.report.items() if k != "source"} == {
            k: v for k, v in nets[0].report.items() if k != "source"
        }


def test_osm_shortcut_is_used_when_it_is_a_footway(tmp_path):
    """The same file with the railway retagged as a footway: the walk takes it (the detour
    test above would catch a network that ignores the tags)."""
    text = RAIL_DETOUR_OSM.replace(RAIL_TAG, '<tag k="highway" v="footway"/>')
    net = network.load(_write_osm_formats(text, tmp_path)[0])
    assert net.report["dropped_not_walkable"] == {
        "building": 1,
        "highway=motorway": 1,
        "landuse=residential": 1,
    }
    # 200 m at 75 m/min = 2.667 min
    dem = _coverage_a_to_b(net, 15)
    assert dem["covered"] and dem["nearest_min"] == pytest.approx(200 / 75, abs=0.001)


SPURS = [
    ({"highway": "trunk", "foot": "yes"}, None),  # a trunk road with a sidewalk
    ({"highway": "trunk"}, "highway=trunk"),
    ({"highway": "footway", "foot": "no"}, "foot=no"),
    ({"highway": "service", "access": "private"}, "access=private"),
    ({"highway": "service", "access": "private", "foot": "yes"}, None),
    ({"highway": "construction", "foot": "yes"}, "highway=construction"),  # not built yet
    ({"highway": "cycleway"}, None),
    ({"highway": "platform"}, "highway=platform"),
    ({"highway": "footway", "foot": "use_sidepath"}, "foot=use_sidepath"),
    ({"waterway": "river", "name": "长江"}, "waterway=river"),
    ({}, "untagged way"),
    ({"name": "某某"}, "no highway tag"),
    ({"building": "apartments"}, "building"),
    ({"highway": "steps", "access": "no", "foot": "permissive"}, None),
]


def test_osm_walk_rule_by_tag(tmp_path):
    # Street nodes 100 + i at (100 i, 0); spur i runs north from 100 + i to 200 + i at
    # (100 i, 50). At the east end a pedestrian square (a closed highway=pedestrian,
    # area=yes way) hangs from node 100 + n, with a footway from its corner 301 to 302.
    n = len(SPURS)
    nodes = {100 + i: (100.0 * i, 0.0) for i in range(n + 1)}
    nodes |= {200 + i: (100.0 * i, 50.0) for i in range(n)}
    nodes |= {300: (100.0 * n - 25, 50.0), 301: (100.0 * n + 25, 50.0), 302: (100.0 * n, 150.0)}
    ways = [(list(range(100, 101 + n)), {"highway": "residential"})]
    ways += [([100 + i, 200 + i], tags) for i, (tags, _) in enumerate(SPURS)]
    ways += [
        ([100 + n, 300, 301, 100 + n], {"highway": "pedestrian", "area": "yes"}),
        ([301, 302], {"highway": "footway"}),
    ]
    path = tmp_path / "spurs.osm"
    path.write_text(_osm_text(nodes, ways), encoding="utf-8")
    net = network.load(path)
    kept = {200 + i for i, (_, why) in enumerate(SPURS) if why is None}
    assert kept == {200, 204, 206, 213}
    # street nodes stay junctions only where a kept spur leaves (the others are simplified away)
    junctions = {100, 100 + n} | {k - 100 for k in kept}
    assert set(net.node_ids.tolist()) == junctions | kept | {301, 302}
    assert net.report["osm_ways_in"] == 1 + n + 2
    assert net.report["dropped_not_walkable"] == dict(
        sorted((why, 1) for _, why in SPURS if why is not None)
    )
    # the square is walked along its outline: 100+n → 300 → 301 is 25√5 + 50 ≈ 105.90 m, the
    # closing side 301 → 100+n 25√5 ≈ 55.90 m: the direct side is the shorter one.
    hw = net.edges.set_index("highway")
    assert sorted(hw.loc["pedestrian", "length"]) == pytest.approx(
        [25 * np.sqrt(5), 25 * np.sqrt(5) + 50], abs=0.02
    )


def test_changed_walk_rule_applies_to_the_next_load(hand, monkeypatch):
    from coverage import settings

    spur = [(8, 9, [(200, 200), (300, 200)], "service")]
    assert 9 in hand.net(hand.grid() + spur).node_ids  # a service road is walkable by default
    # closing service roads must not be answered from the cache of the first load
    monkeypatch.setattr(
        settings, "non_walkable_highways", settings.non_walkable_highways | {"service"}
    )
    net = hand.net(hand.grid() + spur)
    assert 9 not in net.node_ids
    assert net.report["dropped_not_walkable"] == {"highway=service": 1}
