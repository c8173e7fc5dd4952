"""Edge tables into walking networks: lengths and times, one-way rules for walkers, steps,
orientation, reciprocal rows, projection, bad tables, and the real Wuhan table.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a length in metres.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse import csgraph

from coverage import network, routing
from coverage.errors import NetworkError


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


def test_a_table_with_no_walkable_street_is_refused_with_what_was_left_out(hand):
    # Two motorway segments and a trunk road: nothing to walk on. Before, an empty network
    # came back and every point was "not reachable on foot" without a word.
    lines = [
        (0, 1, [(0, 0), (100, 0)], "motorway"),
        (1, 2, [(100, 0), (200, 0)], "motorway"),
        (2, 3, [(200, 0), (300, 0)], "trunk"),
    ]
    words = (
        r"^streets.gpkg: no walkable street among its 3 ways "
        r"\(left out: highway=motorway: 2, highway=trunk: 1\)$"
    )
    with pytest.raises(NetworkError, match=words):
        network.from_edges(hand.table(lines), source="streets.gpkg")
    with pytest.raises(TypeError, match="edges must be a GeoDataFrame"):
        network.from_edges(pd.DataFrame(hand.table(lines)).drop(columns="geometry"))


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"steps_penalty": -1.0}, r"steps_penalty must be a number >= 1, not -1.0"),
        ({"steps_penalty": float("nan")}, r"steps_penalty must be a number >= 1, not nan"),
        ({"component": "biggest"}, r"component must be 'strong', 'weak' or 'all', not 'biggest'"),
    ],
)
def test_from_edges_names_a_penalty_or_component_it_cannot_use(hand, kwargs, words):
    # A negative penalty gave stairs negative times; "biggest" was read as "weak".
    with pytest.raises(ValueError, match=words):
        network.from_edges(hand.table(hand.grid()), **kwargs)


def test_from_edges_rejects_bad_speed(hand):
    with pytest.raises(NetworkError, match="walking speed must be positive"):
        network.from_edges(hand.table(hand.grid()), speed_kmh=0)


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


def test_default_speed_and_steps_penalty_are_read_at_call_time(hand, monkeypatch):
    from coverage import settings

    lines = [
        (0, 1, [(0, 0), (100, 0)], "residential"),
        (1, 2, [(100, 0), (200, 0)], "steps"),
    ]
    monkeypatch.setattr(settings, "walk_speed_kmh", 3.6)  # 1 m/s: 100 m take 100 s
    monkeypatch.setattr(settings, "steps_penalty", 3.0)
    e = network.from_edges(hand.table(lines)).edges.set_index("highway")
    assert e.loc["residential", "time_s"] == pytest.approx(100.0)
    assert e.loc["steps", "time_s"] == pytest.approx(300.0)  # 100 s × 3
