"""Building walking networks: the walk filter, one-way rules, steps, components, orientation,
and the file loaders (.osm, .osm.bz2, .osm.pbf, GraphML, edge tables) and their errors.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a length in metres.
"""

from __future__ import annotations

import bz2
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer
from scipy.sparse import csgraph

from coverage import network, routing
from coverage.errors import NetworkError

# --------------------------------------------------------------------------------------------
# Hand-built edge tables
# --------------------------------------------------------------------------------------------


def test_grid_lengths_times_and_nodes(hand):
    net = hand.net(hand.grid(3, 100.0))
    # 3 × 3 nodes; 3 rows × 2 horizontal + 3 columns × 2 vertical = 12 edges
    assert (net.n_nodes, net.n_edges) == (9, 12)
    assert net.crs.to_epsg() == 32650
    np.testing.assert_allclose(net.edges["length"], 100.0)
    np.testing.assert_allclose(net.edges["time_s"], 100.0)  # 100 m at 1 m/s
    assert net.edges["two_way"].all()
    # node id n*i + j sits at (100 j, 100 i) from the origin
    for node_id in range(9):
        i, j = divmod(node_id, 3)
        k = hand.node(net, node_id)
        assert (net.x[k], net.y[k]) == (hand.x0 + 100 * j, hand.y0 + 100 * i)
    # default speed 4.5 km/h = 1.25 m/s: 100 m take 100 / 1.25 = 80 s
    np.testing.assert_allclose(network.from_edges(hand.table(hand.grid())).edges["time_s"], 80.0)


def test_one_way_footway_but_not_one_way_road(hand):
    # Square 0-1-2-3 (100 m sides). 0→1 is a one-way footway, 1→2 a one-way residential road.
    lines = [
        (0, 1, [(0, 0), (100, 0)], "footway", "yes"),
        (1, 2, [(100, 0), (100, 100)], "residential", "yes"),
        (2, 3, [(100, 100), (0, 100)], "residential", "no"),
        (3, 0, [(0, 100), (0, 0)], "residential", None),
    ]
    net = hand.net(lines)
    e = net.edges.set_index(["u", "v"])
    assert not e.loc[(0, 1), "two_way"]  # walkers obey oneway on footways
    assert e.loc[(1, 2), "two_way"]  # ... not on roads: oneway binds vehicles
    assert e.loc[(2, 3), "two_way"] and e.loc[(3, 0), "two_way"]
    assert net.report["one_way_for_walkers"] == 1
    csr = net.csr
    n0, n1 = hand.node(net, 0), hand.node(net, 1)
    assert csr[n0, n1] == 100.0  # 0 → 1 along the footway
    assert csr[n1, n0] == 0.0  # no arc 1 → 0: stored zero means "no edge" in csr
    # reach from node 1 (snapped at frac 1 of edge 0→1, i.e. exactly at node 1):
    # 1 → 0 must go round: 1 → 2 → 3 → 0 = 300 m = 300 s, not 100 s.
    r = routing.reach(net, routing.snap(net, hand.pts([(100, 0)])), 1000)
    nodes, times = r.node_times(0)
    t = dict(zip(net.node_ids[nodes], times, strict=True))
    assert t[0] == pytest.approx(300.0)
    assert t[2] == pytest.approx(100.0)


def test_oneway_foot_tag_overrides(hand):
    # oneway:foot=yes binds walkers on a road; oneway:foot=no frees a one-way footway.
    lines = [
        (0, 1, [(0, 0), (100, 0)], "residential", None, {"oneway:foot": "yes"}),
        (1, 2, [(100, 0), (100, 100)], "footway", "yes", {"oneway:foot": "no"}),
        (2, 0, [(100, 100), (0, 0)], "residential", None, {"oneway:foot": None}),
    ]
    e = hand.net(lines).edges.set_index(["u", "v"])
    assert not e.loc[(0, 1), "two_way"]
    assert e.loc[(1, 2), "two_way"]
    assert e.loc[(2, 0), "two_way"]


@pytest.mark.parametrize(
    ("oneway", "foot_oneway"), [("-1", None), ("reverse", None), ("yes", "-1")]
)
def test_oneway_against_drawing_direction(hand, oneway, foot_oneway):
    # Footway drawn 0 → 1 but tagged oneway=-1 (or oneway:foot=-1): walkable 1 → 0 only.
    extra = {"oneway:foot": foot_oneway}
    lines = [
        (0, 1, [(0, 0), (100, 0)], "footway", oneway, extra),
        (1, 2, [(100, 0), (100, 100)], "residential", None, {"oneway:foot": None}),
        (2, 0, [(100, 100), (0, 0)], "residential", None, {"oneway:foot": None}),
    ]
    net = hand.net(lines)
    row = hand.edge(net, 0, 1)
    e = net.edges.iloc[row]
    assert (e["u"], e["v"], bool(e["two_way"])) == (1, 0, False)
    # geometry runs from the new u (node 1 at x=100) to v (node 0 at x=0)
    assert shapely.get_coordinates(e.geometry).tolist() == [
        [hand.x0 + 100, hand.y0],
        [hand.x0, hand.y0],
    ]


def test_steps_penalty(hand):
    # Path 0 -(100 m residential)- 1 -(100 m steps)- 2
    lines = [
        (0, 1, [(0, 0), (100, 0)], "residential"),
        (1, 2, [(100, 0), (200, 0)], "steps"),
    ]
    e = hand.net(lines).edges.set_index("highway")
    assert e.loc["residential", "time_s"] == pytest.approx(100.0)
    assert e.loc["steps", "time_s"] == pytest.approx(200.0)  # 100 s × penalty 2 (default)
    e3 = hand.net(lines, steps_penalty=3.0).edges.set_index("highway")
    assert e3.loc["steps", "time_s"] == pytest.approx(300.0)  # 100 s × 3
    assert e3.loc["steps", "length"] == pytest.approx(100.0)  # length is not penalised


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


def test_reversed_geometries_are_reoriented(hand):
    # The grid with every other edge drawn v → u, plus a dead-end spur 8 → 9 drawn 9 → 8.
    lines = []
    for k, (u, v, coords, hw) in enumerate(hand.grid()):
        lines.append((u, v, coords[::-1] if k % 2 else coords, hw))
    lines.append((8, 9, [(300, 200), (200, 200)], "residential"))
    net = hand.net(lines)
    expected = {n: (100 * (n % 3), 100 * (n // 3)) for n in range(9)} | {9: (300, 200)}
    for node_id, (x, y) in expected.items():
        k = hand.node(net, node_id)
        assert (net.x[k] - hand.x0, net.y[k] - hand.y0) == pytest.approx((x, y), abs=0.01)
    e = net.edges
    first = shapely.get_coordinates(shapely.get_point(e.geometry.values, 0))
    last = shapely.get_coordinates(shapely.get_point(e.geometry.values, -1))
    u, v = e["u_idx"].to_numpy(), e["v_idx"].to_numpy()
    np.testing.assert_allclose(first, np.c_[net.x[u], net.y[u]], atol=0.01)
    np.testing.assert_allclose(last, np.c_[net.x[v], net.y[v]], atol=0.01)
    # A point at 30 m along 0→1 (stored reversed in the input) snaps at frac 0.3 from node 0.
    s = routing.snap(net, hand.pts([(30, 0)]))
    row = hand.edge(net, 0, 1)
    assert s.edge[0] == row and e.iloc[row]["u"] == 0 and s.frac[0] == pytest.approx(0.3)


def test_reciprocal_rows_merged(hand):
    # A bidirectional table lists two-way streets twice (u→v and v→u, geometry reversed).
    lines = []
    for u, v, coords, hw in hand.grid(2):
        lines += [(u, v, coords, hw), (v, u, coords[::-1], hw)]
    net = hand.net(lines)
    assert net.n_edges == 4 and net.report["reciprocal_rows_merged"] == 4
    assert net.edges["two_way"].all()
    assert net.summary()["length_km"] == 0.4


def test_reciprocal_rows_with_different_keys_merged(hand):
    # osmnx numbers parallel edges per direction: a one-way road 0→1 (key 0) beside a two-way
    # footway 0-1 via (50, 50) gives footway rows 0→1 key 1 and 1→0 key 0. One street, not two.
    curve = [(0, 0), (50, 50), (100, 0)]
    table = hand.table(
        [
            (0, 1, [(0, 0), (100, 0)], "residential", "yes"),
            (0, 1, curve, "footway", "no"),
            (1, 0, curve[::-1], "footway", "no"),
            (1, 2, [(100, 0), (50, -100)], "residential", "no"),
            (2, 0, [(50, -100), (0, 0)], "residential", "no"),
        ]
    )
    table["key"] = [0, 1, 0, 0, 0]
    net = network.from_edges(table, speed_kmh=3.6)
    assert net.n_edges == 4
    assert net.report["reciprocal_rows_merged"] == 1
    foot = net.edges[net.edges["highway"] == "footway"]
    assert len(foot) == 1 and foot["two_way"].all()
    # footway length: 2 × √(50² + 50²) = 141.42 m
    assert foot["length"].iloc[0] == pytest.approx(2 * np.hypot(50, 50))


def test_geographic_input_is_projected(hand):
    wgs = hand.table(hand.grid()).to_crs(4326)
    net = network.from_edges(wgs, speed_kmh=3.6)
    assert net.crs.to_epsg() == 32650  # the UTM zone of the data
    np.testing.assert_allclose(net.edges["length"], 100.0, atol=0.01)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop(columns=["u", "v"]), r"lacks column\(s\) \['u', 'v'\]"),
        (lambda t: t.drop(columns=["v"]), r"lacks column\(s\) \['v'\]"),
        (lambda t: t.iloc[:0], "no street segments"),
        (lambda t: t.set_crs(None, allow_override=True), "no CRS"),
    ],
)
def test_from_edges_rejects_bad_tables(hand, change, message):
    with pytest.raises(NetworkError, match=message):
        network.from_edges(change(hand.table(hand.grid())), source="streets.gpkg")


def test_from_edges_rejects_bad_speed(hand):
    with pytest.raises(NetworkError, match="walking speed must be positive"):
        network.from_edges(hand.table(hand.grid()), speed_kmh=0)


def test_clip(hand):
    net = hand.net(hand.grid())
    # the lower two rows of nodes (y ≤ 100) and the 7 edges among them: 2 × 2 + 3 vertical
    area = shapely.box(hand.x0 - 1, hand.y0 - 1, hand.x0 + 201, hand.y0 + 101)
    small = network.clip(net, area)
    assert (small.n_nodes, small.n_edges) == (6, 7)
    assert small.report["clipped_to_area"] == {"margin_m": 0.0, "edges_kept": 7}
    assert network.clip(net, area, margin_m=150) is net  # everything inside: unchanged
    with pytest.raises(NetworkError, match="contains no street"):
        network.clip(net, shapely.box(0, 0, 1, 1))


# --------------------------------------------------------------------------------------------
# The hand-written .osm fixture (tests/fixtures/jiangbei_small.osm)
# --------------------------------------------------------------------------------------------

# Node positions (lon, lat) in the fixture; the island (10, 11) and motorway (7, 8) get dropped.
OSM_NODES = {
    1: (106.530, 29.580),
    2: (106.531, 29.580),
    3: (106.532, 29.580),
    4: (106.530, 29.581),
    5: (106.531, 29.581),
    6: (106.532, 29.581),
}
# (u, v): (highway, walkable both ways)
OSM_EDGES = {
    (1, 2): ("residential", True),
    (2, 3): ("residential", True),
    (4, 5): ("residential", True),
    (5, 6): ("residential", True),
    (2, 5): ("residential", True),  # oneway=yes road: two-way for walkers
    (3, 6): ("footway", False),  # oneway=yes footway: 3 → 6 only
    (1, 4): ("steps", True),
}


def _edge_set(net: network.WalkNetwork) -> dict[tuple[int, int], tuple[str, bool]]:
    e = net.edges
    return {
        (int(u), int(v)): (hw, bool(tw))
        for u, v, hw, tw in zip(e["u"], e["v"], e["highway"], e["two_way"], strict=True)
    }


def _check_fixture_network(net: network.WalkNetwork, *, osm_file: bool = True) -> None:
    """Hand expectations for jiangbei_small.osm at 3.6 km/h (1 m/s); ``osm_file``: read from
    the OSM file itself (ways are counted and filtered before the graph is built)."""
    assert net.crs.to_epsg() == 32648  # UTM 48N: 106.5° E lies in zone 48 (102°–108° E)
    assert sorted(net.node_ids.tolist()) == [1, 2, 3, 4, 5, 6]
    edges = _edge_set(net)
    # two-way edges may come out as (u, v) or (v, u); the one-way footway must be exactly 3 → 6
    norm = {(min(k), max(k)) if tw else k: (hw, tw) for k, (hw, tw) in edges.items()}
    assert norm == OSM_EDGES

    to_utm = Transformer.from_crs(4326, 32648, always_xy=True)
    xy = {n: to_utm.transform(*lonlat) for n, lonlat in OSM_NODES.items()}
    for n, (x, y) in xy.items():
        k = int(np.flatnonzero(net.node_ids == n)[0])
        assert (net.x[k], net.y[k]) == pytest.approx((x, y), abs=0.01)
    # Hand check of the scale: 0.001° of longitude at 29.58° N is
    # N·cos φ·(0.001·π/180) = 6 383 340 m × 0.86966 × 1.74533e-5 ≈ 96.89 m, times the UTM scale
    # factor there (0.9996 × (1 + (Δλ cos φ)²/2), Δλ = 1.53° → 0.99987) ≈ 96.88 m; 0.001° of
    # latitude is M·1.74533e-5 = 6 350 948 m × 1.74533e-5 ≈ 110.84 m × 0.99987 ≈ 110.83 m.
    e = {
        tuple(sorted((int(u), int(v)))): {"length": L, "time_s": t, "highway": hw}
        for u, v, L, t, hw in net.edges[["u", "v", "length", "time_s", "highway"]].itertuples(
            index=False
        )
    }
    assert e[(1, 2)]["length"] == pytest.approx(96.88, abs=0.01)
    assert e[(1, 4)]["length"] == pytest.approx(110.83, abs=0.01)
    for (a, b), row in e.items():
        straight = np.hypot(xy[b][0] - xy[a][0], xy[b][1] - xy[a][1])  # every way is straight
        assert row["length"] == pytest.approx(straight, abs=0.01)
        penalty = 2.0 if row["highway"] == "steps" else 1.0
        assert row["time_s"] == pytest.approx(straight * penalty, abs=0.01)  # 1 m/s

    rep = net.report
    # way 106 (3→7→8) from the file, or its one simplified segment from a GraphML
    assert rep["dropped_not_walkable"] == {"highway=motorway": 1}
    assert rep.get("osm_ways_in") == (7 if osm_file else None)
    assert rep["component"]["dropped_nodes"] == 2  # island 10, 11
    assert rep["component"]["dropped_edges"] == 1
    assert rep["one_way_for_walkers"] == 1
    # osmnx (bidirectional=False) stores two-way ways as u→v and v→u rows: 5 streets, the steps
    # and the island street come twice → 6 merges.
    assert rep["reciprocal_rows_merged"] == 6

    # Routing on it: from node 6 to node 3 the footway (3 → 6) is closed, so the walk goes
    # 6 → 5 → 2 → 3 = 96.88 + 110.83 + 96.88 ≈ 304.6 s; from 3 to 6 it is the footway: 110.83 s.
    ids = net.node_ids
    at = {n: shapely.Point(xy[n]) for n in (3, 6)}
    r = routing.reach(net, routing.snap(net, np.array([at[6], at[3]])), 1000)
    t6 = dict(zip(ids[r.node_times(0)[0]], r.node_times(0)[1], strict=True))
    t3 = dict(zip(ids[r.node_times(1)[0]], r.node_times(1)[1], strict=True))
    assert t6[3] == pytest.approx(
        e[(5, 6)]["time_s"] + e[(2, 5)]["time_s"] + e[(2, 3)]["time_s"], abs=0.01
    )
    assert t6[3] == pytest.approx(96.88 + 110.83 + 96.88, abs=0.05)
    assert t3[6] == pytest.approx(110.83, abs=0.01)


@pytest.fixture
def osm_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "jiangbei_small.osm"


def test_load_osm_xml(osm_path):
    net = network.load(osm_path, speed_kmh=3.6)
    _check_fixture_network(net)
    assert net.report["source"] == str(osm_path)
    # names survive (Chinese text included)
    assert "建新东路" in set(net.edges["name"])


def test_load_osm_bz2(osm_path, tmp_path):
    path = tmp_path / "jiangbei_small.osm.bz2"
    path.write_bytes(bz2.compress(osm_path.read_bytes()))
    _check_fixture_network(network.load(path, speed_kmh=3.6))


def test_load_osm_pbf(fixtures_dir):
    net = network.load(fixtures_dir / "jiangbei_small.osm.pbf", speed_kmh=3.6)
    _check_fixture_network(net)


def test_pbf_fixture_matches_osm(osm_path, fixtures_dir):
    """The committed .pbf holds the same data as the .osm (re-run make_pbf.py if not)."""
    import osmium

    def objects(path: Path) -> list[str]:
        out = []
        for o in osmium.FileProcessor(str(path)):
            tags = sorted((t.k, t.v) for t in o.tags)
            if o.is_node():
                out.append(f"n{o.id} {o.location.lon:.7f} {o.location.lat:.7f} {tags}")
            elif o.is_way():
                out.append(f"w{o.id} {[n.ref for n in o.nodes]} {tags}")
        return out

    assert objects(fixtures_dir / "jiangbei_small.osm.pbf") == objects(osm_path)


@pytest.mark.parametrize("projected", [False, True])
def test_graphml_round_trip(osm_path, tmp_path, projected):
    import osmnx as ox

    G = ox.graph_from_xml(osm_path, bidirectional=False, simplify=False, retain_all=True)
    G = ox.simplify_graph(G, edge_attrs_differ=["highway"])
    if projected:
        G = ox.project_graph(G)
    path = tmp_path / "jiangbei.graphml"
    ox.save_graphml(G, path)
    _check_fixture_network(network.load(path, speed_kmh=3.6), osm_file=False)


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_edge_table_files(hand, tmp_path, suffix):
    table = hand.table(hand.grid() + [(8, 9, [(200, 200), (300, 200)], "steps")])
    path = tmp_path / f"streets{suffix}"
    if suffix == ".parquet":
        table.to_parquet(path)
    else:
        table.to_file(path, layer="streets")
    net = network.load(path, speed_kmh=3.6)
    direct = network.from_edges(table, speed_kmh=3.6)
    assert (net.n_nodes, net.n_edges) == (10, 13)
    cols = ["u", "v", "highway", "length", "time_s", "two_way"]
    assert net.edges[cols].equals(direct.edges[cols])
    assert net.edges.set_index("highway").loc["steps", "time_s"] == pytest.approx(200.0)
    assert net.report["source"] == str(path)


def test_load_bad_files(hand, tmp_path):
    def expect(path: Path, *fragments: str) -> None:
        with pytest.raises(NetworkError) as info:
            network.load(path)
        for fragment in fragments:
            assert fragment in str(info.value)
        assert "\n" not in str(info.value)

    expect(tmp_path / "missing.osm", "network file not found", "missing.osm")

    unknown = tmp_path / "streets.txt"
    unknown.write_text("u,v\n1,2\n")
    expect(unknown, "streets.txt", "unknown network format", ".osm.pbf", ".graphml", ".gpkg")

    no_uv = tmp_path / "no_uv.gpkg"
    hand.table(hand.grid()).drop(columns=["u", "v"]).to_file(no_uv)
    expect(no_uv, "no_uv.gpkg", "lacks column(s) ['u', 'v']", "need u, v, geometry")

    empty = tmp_path / "empty.parquet"
    gpd.GeoDataFrame({"u": [], "v": []}, geometry=[], crs=hand.crs).to_parquet(empty)
    expect(empty, "empty.parquet", "no street segments")

    not_xml = tmp_path / "broken.osm"
    not_xml.write_text("this is not OSM XML")
    expect(not_xml, f"{not_xml}: not a readable OSM XML file", "XML parsing error")

    no_ways = tmp_path / "empty.osm"
    no_ways.write_text('<?xml version="1.0"?><osm version="0.6"></osm>')
    expect(no_ways, f"{no_ways}: no walkable street among its 0 ways")

    html = tmp_path / "page.osm"  # a web page saved under an OSM name
    html.write_text("<html><body>Overpass is busy</body></html>")
    expect(html, f"{html}: not a readable OSM XML file", "html")

    # a GraphML that osmnx did not write: nodes have no x/y
    plain = tmp_path / "plain.graphml"
    plain.write_text(
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<graph edgedefault="directed"><node id="1"/><node id="2"/>'
        '<edge source="1" target="2"/></graph></graphml>'
    )
    expect(plain, f"{plain}: not an osmnx street graph")

    # a points layer given as the network
    points = tmp_path / "points.gpkg"
    gpd.GeoDataFrame(
        {"u": [1, 2], "v": [2, 3]}, geometry=[hand.pt(0, 0), hand.pt(1, 1)], crs=hand.crs
    ).to_file(points)
    expect(points, f"{points}: row 1 has a Point geometry", "must be lines (2 such row(s))")


def _valid_network_file(kind: str, folder: Path, fixtures: Path, hand: Any) -> Path:
    """A small valid network file of each format (the grid, or the jiangbei fixture)."""
    import osmnx as ox

    osm = fixtures / "jiangbei_small.osm"
    path = folder / f"streets.{kind}"
    if kind == "parquet":
        hand.table(hand.grid(6)).to_parquet(path)
    elif kind == "gpkg":
        hand.table(hand.grid(6)).to_file(path)
    elif kind == "graphml":
        ox.save_graphml(ox.graph_from_xml(osm, bidirectional=False, retain_all=True), path)
    elif kind == "osm":
        path.write_bytes(osm.read_bytes())
    elif kind == "osm.bz2":
        path.write_bytes(bz2.compress(osm.read_bytes()))
    else:
        path.write_bytes((fixtures / "jiangbei_small.osm.pbf").read_bytes())
    network.load(path)  # valid as written
    return path


FORMATS = {
    "parquet": "GeoParquet",
    "gpkg": "GeoPackage",
    "graphml": "GraphML",
    "osm": "OSM XML",
    "osm.bz2": "bzip2-compressed OSM XML",
    "osm.pbf": "OSM PBF",
}


@pytest.mark.parametrize("damage", ["empty", "random bytes", "cut in half", "last 64 bytes cut"])
@pytest.mark.parametrize("kind", list(FORMATS))
def test_corrupt_network_files_fail_in_one_line(hand, fixtures_dir, tmp_path, kind, damage):
    good = _valid_network_file(kind, tmp_path, fixtures_dir, hand).read_bytes()
    data = {
        "empty": b"",
        "random bytes": np.random.default_rng(7).bytes(4096),
        "cut in half": good[: len(good) // 2],
        "last 64 bytes cut": good[:-64],
    }[damage]
    bad = tmp_path / f"bad.{kind}"
    bad.write_bytes(data)
    with pytest.raises(NetworkError) as info:
        network.load(bad)
    msg = str(info.value)
    assert msg.startswith(f"{bad}: not a readable {FORMATS[kind]} file, truncated or corrupt? (")
    assert "\n" not in msg and len(msg) < 400 and "Traceback" not in msg


# --------------------------------------------------------------------------------------------
# OSM files: only ways with a walkable highway value are streets
# --------------------------------------------------------------------------------------------

# Two streets 200 m apart, A (x = 0) and B (x = 200), joined at their north ends by a 200 m
# tertiary road; their south ends are joined only by a railway (way 204). A building (205) and
# a landuse outline (206) share corner nodes with both streets, and a motorway (207) crosses
# from A to B. Node positions are UTM 48N (EPSG:32648) points (648000 + x, 3273000 + y) in
# metres, given to 1e-7° (≈ 1 cm); hand-written, not OpenStreetMap data.
RAIL_DETOUR_OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand-written test">
  <node id="1" version="1" lat="29.5779991" lon="106.5279933"/><!-- A (0, 0) -->
  <node id="2" version="1" lat="29.5807057" lon="106.5280341"/><!-- A (0, 300) -->
  <node id="3" version="1" lat="29.5811568" lon="106.5280409"/><!-- A (0, 350) -->
  <node id="4" version="1" lat="29.5834123" lon="106.5280748"/><!-- A (0, 600) -->
  <node id="5" version="1" lat="29.5843145" lon="106.5280884"/><!-- A (0, 700) -->
  <node id="6" version="1" lat="29.5870211" lon="106.5281292"/><!-- A (0, 1000) -->
  <node id="7" version="1" lat="29.5906299" lon="106.5281836"/><!-- A (0, 1400) -->
  <node id="10" version="1" lat="29.5779754" lon="106.5300575"/><!-- B (200, 0) -->
  <node id="11" version="1" lat="29.5806819" lon="106.5300984"/><!-- B (200, 300) -->
  <node id="12" version="1" lat="29.5811330" lon="106.5301052"/><!-- B (200, 350) -->
  <node id="13" version="1" lat="29.5833885" lon="106.5301392"/><!-- B (200, 600) -->
  <node id="14" version="1" lat="29.5842907" lon="106.5301528"/><!-- B (200, 700) -->
  <node id="15" version="1" lat="29.5869973" lon="106.5301936"/><!-- B (200, 1000) -->
  <node id="16" version="1" lat="29.5906061" lon="106.5302481"/><!-- B (200, 1400) -->
  <way id="201" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="7"/>
    <tag k="highway" v="residential"/><tag k="name" v="建设路"/>
  </way>
  <way id="202" version="1">
    <nd ref="7"/><nd ref="16"/>
    <tag k="highway" v="tertiary"/>
  </way>
  <way id="203" version="1">
    <nd ref="16"/><nd ref="15"/><nd ref="14"/><nd ref="13"/><nd ref="12"/><nd ref="11"/>
    <nd ref="10"/>
    <tag k="highway" v="residential"/><tag k="name" v="解放路"/>
  </way>
  <way id="204" version="1">
    <nd ref="1"/><nd ref="10"/>
    <tag k="railway" v="rail"/><tag k="name" v="京广铁路"/>
  </way>
  <way id="205" version="1">
    <nd ref="2"/><nd ref="11"/><nd ref="12"/><nd ref="3"/><nd ref="2"/>
    <tag k="building" v="yes"/>
  </way>
  <way id="206" version="1">
    <nd ref="4"/><nd ref="13"/><nd ref="14"/><nd ref="5"/><nd ref="4"/>
    <tag k="landuse" v="residential"/>
  </way>
  <way id="207" version="1">
    <nd ref="6"/><nd ref="15"/>
    <tag k="highway" v="motorway"/><tag k="oneway" v="yes"/>
  </way>
</osm>
"""
RAIL_TAG = '<tag k="railway" v="rail"/>'


def _write_osm_formats(text: str, folder: Path) -> list[Path]:
    """The same OSM data as .osm, .osm.bz2 and .osm.pbf (written by osmium)."""
    import osmium

    xml = folder / "streets.osm"
    xml.write_text(text, encoding="utf-8")
    compressed = folder / "streets.osm.bz2"
    compressed.write_bytes(bz2.compress(xml.read_bytes()))
    pbf = folder / "streets.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    return [xml, compressed, pbf]


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


def _lonlat(x: float, y: float) -> tuple[float, float]:
    """WGS-84 of UTM 48N (648000 + x, 3273000 + y)."""
    return Transformer.from_crs(32648, 4326, always_xy=True).transform(648_000 + x, 3_273_000 + y)


def _osm_text(nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict]]) -> str:
    """OSM XML of nodes (id → metres in UTM 48N from the origin above) and ways (refs, tags)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6">']
    for nid, (x, y) in nodes.items():
        lon, lat = _lonlat(x, y)
        lines.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, (refs, tags) in enumerate(ways, start=500):
        lines.append(f'<way id="{wid}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    return "\n".join(lines + ["</osm>"])


# Spurs off one street: (tags, why left out; None = a walkable street)
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


def test_osm_way_cut_at_missing_nodes(tmp_path):
    # Street 100-101-[999]-102-103 where node 999 is not in the file (an extract cut across
    # the way), and a footway whose nodes (998, 997) are all missing but one.
    nodes = {100: (0.0, 0.0), 101: (100.0, 0.0), 102: (300.0, 0.0), 103: (400.0, 0.0)}
    ways = [
        ([100, 101, 999, 102, 103], {"highway": "residential"}),
        ([103, 998, 997], {"highway": "footway"}),
    ]
    path = tmp_path / "cut.osm"
    path.write_text(_osm_text(nodes, ways), encoding="utf-8")
    net = network.load(path, component="all")
    e = _edge_set(net)
    # the two stretches present, never a straight line across the gap (101 → 102)
    assert {(min(k), max(k)) for k in e} == {(100, 101), (102, 103)}
    np.testing.assert_allclose(net.edges["length"], 100.0, atol=0.02)
    assert net.report["osm_ways_cut_at_missing_nodes"] == 1
    assert net.report["dropped_not_walkable"] == {"highway way without its nodes": 1}


def test_osm_negative_ids_of_unsaved_editor_objects(osm_path, tmp_path):
    # JOSM saves objects not yet uploaded with negative ids: the same streets, ids negated.
    text = re.sub(r'(id|ref)="(\d+)"', r'\1="-\2"', osm_path.read_text(encoding="utf-8"))
    path = tmp_path / "unsaved.osm"
    path.write_text(text, encoding="utf-8")
    neg = network.load(path, speed_kmh=3.6)
    pos = network.load(osm_path, speed_kmh=3.6)

    def norm(edges: dict, sign: int) -> set:  # two-way edges either way round; one-way as is
        return {
            (frozenset((sign * u, sign * v)) if tw else (sign * u, sign * v), hw, tw)
            for (u, v), (hw, tw) in edges.items()
        }

    assert norm(_edge_set(neg), -1) == norm(_edge_set(pos), 1)
    assert (-3, -6) in _edge_set(neg)  # the one-way footway 3 → 6
    np.testing.assert_allclose(sorted(neg.edges["length"]), sorted(pos.edges["length"]))
    assert {k: v for k, v in neg.report.items() if k != "source"} == {
        k: v for k, v in pos.report.items() if k != "source"
    }


def test_osm_without_streets_names_what_it_holds(tmp_path):
    nodes = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (100.0, 100.0)}
    ways = [([1, 2], {"railway": "rail"}), ([1, 2, 3, 1], {"building": "yes"})]
    path = tmp_path / "no_streets.osm"
    path.write_text(_osm_text(nodes, ways), encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        network.load(path)
    assert str(info.value) == (
        f"{path}: no walkable street among its 2 ways (left out: building: 1, railway=rail: 1)"
    )


def _network_scenario(folder: Path, network_path: str) -> Path:
    (folder / "fac.csv").write_text("名称,层级,经度,纬度\n站点A,point,106.528,29.578\n", "utf-8")
    scenario = folder / "s.toml"
    scenario.write_text(
        f'name = "t"\n[network]\npath = "{network_path}"\n[[facilities]]\npath = "fac.csv"\n',
        encoding="utf-8",
    )
    return scenario


@pytest.mark.parametrize(
    ("name", "kind"), [("bad.parquet", "GeoParquet"), ("bad.osm.pbf", "OSM PBF")]
)
def test_cli_network_with_corrupt_file_exits_1_in_one_line(tmp_path, name, kind):
    from typer.testing import CliRunner

    from coverage.cli import app

    (tmp_path / name).write_bytes(np.random.default_rng(3).bytes(2048))
    res = CliRunner().invoke(app, ["network", str(_network_scenario(tmp_path, name))])
    assert res.exit_code == 1
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, res.output
    assert errors[0].startswith(
        f"error: {tmp_path / name}: not a readable {kind} file, truncated or corrupt? ("
    )
    assert "Traceback" not in res.output


def test_cli_network_reports_ways_left_out(tmp_path):
    from typer.testing import CliRunner

    from coverage.cli import app

    (tmp_path / "streets.osm").write_text(RAIL_DETOUR_OSM, encoding="utf-8")
    res = CliRunner().invoke(app, ["network", str(_network_scenario(tmp_path, "streets.osm"))])
    assert res.exit_code == 0, res.output
    for label in ("'building': 1", "'highway=motorway': 1", "'landuse=residential': 1",
                  "'railway=rail': 1"):  # fmt: skip
        assert label in res.output


# --------------------------------------------------------------------------------------------
# The real Wuhan network
# --------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_wuhan_network_loaded(wuhan_net, wuhan_edges_path):
    net = wuhan_net
    s = net.summary()
    assert s["crs"] == "EPSG:32650"
    assert s["segments_in"] == 92_667  # ../shared/data/README.md
    # motorways/trunks and their links are not walkable: none remain
    assert not set(net.edges["highway"]) & {"motorway", "motorway_link", "trunk", "trunk_link"}
    # Every row of the extract has one highway value, so exactly its motorway/trunk rows are
    # left out: count them in the raw file.
    raw = pd.read_parquet(wuhan_edges_path, columns=["highway"])["highway"]
    closed = raw[raw.isin(["motorway", "motorway_link", "trunk", "trunk_link"])]
    assert s["dropped_not_walkable"] == {
        f"highway={k}": n for k, n in closed.value_counts().items()
    }
    assert sum(s["dropped_not_walkable"].values()) > 15_000
    # one strongly connected component remains
    n_comp, _ = csgraph.connected_components(net.csr, directed=True, connection="strong")
    assert n_comp == 1
    # every geometry runs from its u node to its v node
    first = shapely.get_coordinates(shapely.get_point(net.edges.geometry.values, 0))
    last = shapely.get_coordinates(shapely.get_point(net.edges.geometry.values, -1))
    u, v = net.edges["u_idx"].to_numpy(), net.edges["v_idx"].to_numpy()
    np.testing.assert_allclose(first, np.c_[net.x[u], net.y[u]], atol=0.01)
    np.testing.assert_allclose(last, np.c_[net.x[v], net.y[v]], atol=0.01)
    # times at the default 4.5 km/h = 1.25 m/s
    np.testing.assert_allclose(net.edges["time_s"], net.edges["length"] / 1.25)
