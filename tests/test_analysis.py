"""Coverage analysis: a hand network worked out on paper, and Wuhan against networkx."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from coverage import analysis, frame_checks, network, routing

# --- by hand ----------------------------------------------------------------------------------
# A straight street A(0)–B(100)–C(200)–D(300) m, walked at 1 m/s, and a separate island street
# 600 m north (dropped as a separate component, so the demand point there is unreachable).
# Facilities: P1 point at 0, P2 point at 150, S subcentre at 300. Thresholds: point 2 min
# (120 s), subcentre 1.5 min (90 s).
#
#   demand  where     w   P1     P2      S      covered by   n_reach
#   d0      (50, 10)  10  60 s   110 s   260 s  P1, P2       2       (10 s access walk)
#   d1      (200, 0)  20  200    50      100    P2           1       (S: 100 s > 90 s)
#   d2      (280, 0)   5  280    130     20     S            1
#   d3      (100, 0)   3  100    50      200    P1, P2       2
#   d4      (50, 600)  7  —      —       —      —            0       (no street within 300 m)


@pytest.fixture
def line_case(hand):
    net = hand.net(
        [
            ("A", "B", [(0, 0), (100, 0)], "residential"),
            ("B", "C", [(100, 0), (200, 0)], "residential"),
            ("C", "D", [(200, 0), (300, 0)], "residential"),
            ("E", "F", [(0, 900), (100, 900)], "residential"),
        ],
        component="weak",
    )
    fac = gpd.GeoDataFrame(
        {"name": ["P1", "P2", "S"], "tier": ["point", "point", "subcentre"],
         "services": [["rest"], ["rest", "law"], "law;books"], "type": ["a", "b", "a"]},
        geometry=list(hand.pts([(0, 0), (150, 0), (300, 0)])),
        crs=hand.crs,
    )  # fmt: skip
    dem = gpd.GeoDataFrame(
        {"weight": [10.0, 20.0, 5.0, 3.0, 7.0]},
        geometry=list(hand.pts([(50, 10), (200, 0), (280, 0), (100, 0), (50, 600)])),
        crs=hand.crs,
    )
    west = shapely.box(hand.x0 - 50, hand.y0 - 50, hand.x0 + 150, hand.y0 + 700)
    east = shapely.box(hand.x0 + 150, hand.y0 - 50, hand.x0 + 400, hand.y0 + 700)
    subs = gpd.GeoDataFrame({"name": ["west", "east"]}, geometry=[west, east], crs=hand.crs)
    cov = analysis.evaluate(
        net,
        fac,
        dem,
        threshold_min=2.0,
        tier_threshold_min={"subcentre": 1.5},
        circle_radius_m=120.0,
        subdistricts=subs,
    )
    return net, cov


def test_times_and_cross_coverage_by_hand(line_case):
    _, cov = line_case
    d = cov.demand
    assert d["snapped"].tolist() == [True, True, True, True, False]
    np.testing.assert_allclose(d["t_point"], np.array([60, 50, 130, 50, np.inf]) / 60)
    np.testing.assert_allclose(d["t_subcentre"], np.array([260, 100, 20, 200, np.inf]) / 60)
    assert d["n_reach"].tolist() == [2, 1, 1, 2, 0]
    assert d["covered"].tolist() == [True, True, True, True, False]
    assert d["covered_point"].tolist() == [True, True, False, True, False]
    assert d["covered_subcentre"].tolist() == [False, False, True, False, False]
    assert d["nearest_fid"].tolist() == [0, 1, 2, 1, -1]
    np.testing.assert_allclose(d["nearest_min"], np.array([60, 50, 20, 50, np.inf]) / 60)
    # Times stored within the largest threshold (120 s), facility × demand.
    dense = np.full(cov.times.shape, np.nan)
    coo = cov.times.tocoo()
    dense[coo.row, coo.col] = coo.data * 60
    expect = np.array(
        [
            [60, np.nan, np.nan, 100, np.nan],
            [110, 50, np.nan, 50, np.nan],
            [np.nan, 100, 20, np.nan, np.nan],
        ]
    )
    np.testing.assert_allclose(dense, expect)


def test_weighted_summary_by_hand(line_case):
    _, cov = line_case
    s = cov.summary.set_index(["scope", "key"])
    total = 45.0
    assert s.loc[("overall", "all"), "weight"] == total
    assert s.loc[("overall", "all"), "covered_weight"] == 38
    assert s.loc[("overall", "all"), "share"] == pytest.approx(38 / total)
    assert s.loc[("overall", "all"), "cross_weight"] == 13
    assert s.loc[("tier", "point"), "covered_weight"] == 33
    assert s.loc[("tier", "point"), "cross_weight"] == 13
    assert s.loc[("tier", "subcentre"), "covered_weight"] == 5
    # Services: "rest" at P1, P2; "law" at P2, S; "books" at S only.
    assert s.loc[("service", "rest"), "covered_weight"] == 33
    assert s.loc[("service", "law"), "covered_weight"] == 10 + 20 + 3 + 5
    assert s.loc[("service", "books"), "covered_weight"] == 5
    assert s.loc[("type", "a"), "covered_weight"] == 10 + 3 + 5  # P1 and S
    # Sub-districts: west holds d0, d3, d4 (x < 150); east d1, d2.
    assert s.loc[("subdistrict", "west"), "weight"] == 20
    assert s.loc[("subdistrict", "west"), "covered_weight"] == 13
    assert s.loc[("subdistrict", "east"), "covered_weight"] == 25
    # The 120 m circle covers d0..d3 (d2 is 20 m from S), not the island point.
    assert s.loc[("overall", "all"), "circle_share"] == pytest.approx(38 / total)
    kpis = cov.kpis()
    assert kpis["uncovered_weight"] == 7
    assert kpis["share_cross"] == pytest.approx(13 / total)


def test_facility_reach_by_hand(line_case):
    _, cov = line_case
    f = cov.facilities
    assert f["workers_reached"].tolist() == [13.0, 33.0, 5.0]
    assert f["demand_reached"].tolist() == [2, 3, 1]
    assert f["threshold_min"].tolist() == [2.0, 2.0, 1.5]
    assert cov.uncovered.index.tolist() == [4]


def test_subdistrict_rows_count_the_facilities_inside(line_case, hand):
    # The same street, other zones: west x < 120, east 120 ≤ x < 250 (both up to y = 700).
    # Facilities: P1 (0) and P3 (110) in west, P2 (150) in east, S (300) in neither.
    # Demand: d0 (50), d3 (100), d4 (island, x = 50) west; d1 (200) east; d2 (280) outside.
    # The register's own 街道 column says otherwise on purpose: location decides.
    net, _ = line_case
    fac = gpd.GeoDataFrame(
        {"name": ["P1", "P3", "P2", "S"], "tier": ["point", "point", "point", "subcentre"],
         "subdistrict": ["east", "east", "west", "west"]},
        geometry=list(hand.pts([(0, 0), (110, 0), (150, 0), (300, 0)])),
        crs=hand.crs,
    )  # fmt: skip
    dem = gpd.GeoDataFrame(
        {"weight": [10.0, 20.0, 5.0, 3.0, 7.0]},
        geometry=list(hand.pts([(50, 10), (200, 0), (280, 0), (100, 0), (50, 600)])),
        crs=hand.crs,
    )
    west = shapely.box(hand.x0 - 50, hand.y0 - 50, hand.x0 + 120, hand.y0 + 700)
    east = shapely.box(hand.x0 + 120, hand.y0 - 50, hand.x0 + 250, hand.y0 + 700)
    subs = gpd.GeoDataFrame({"name": ["west", "east"]}, geometry=[west, east], crs=hand.crs)
    cov = analysis.evaluate(net, fac, dem, threshold_min=2.0, subdistricts=subs)
    s = cov.summary.set_index(["scope", "key"])
    assert s.loc[("overall", "all"), "facilities"] == 4
    assert s.loc[("subdistrict", "west"), "facilities"] == 2
    assert s.loc[("subdistrict", "east"), "facilities"] == 1
    assert s.loc[("subdistrict", "(outside)"), "facilities"] == 1
    assert s.loc[("subdistrict", "west"), "demand_points"] == 3
    assert s.loc[("subdistrict", "(outside)"), "weight"] == 5
    assert cov.facilities["subdistrict"].tolist() == ["east", "east", "west", "west"]  # kept
    # Without the facilities' sub-districts the count is unknown, not the total.
    bare = analysis.summarize(cov.facilities, cov.demand, cov.covers, cov.thresholds)
    assert bare[bare["scope"] == "subdistrict"]["facilities"].isna().all()
    with pytest.raises(ValueError, match="3 names for 4 facilities"):
        analysis.summarize(
            cov.facilities, cov.demand, cov.covers, cov.thresholds,
            facility_subdistricts=["west", "east", ""],
        )  # fmt: skip


def test_circle_counts_straight_line():
    f = gpd.GeoSeries(shapely.points([[0, 0], [1000, 0]]))
    d = gpd.GeoSeries(shapely.points([[0, 999], [500, 0], [3000, 0]]))
    assert analysis.circle_counts(f, d, 1000).tolist() == [1, 2, 0]


def test_group_circles_from_pairs_found_once_equal_each_groups_own(hand, monkeypatch):
    # The slow path replaced: each group's facilities projected and queried on their own.
    rng = np.random.default_rng(8)
    net = hand.net(hand.grid(n=4, block=400.0))
    fac = gpd.GeoDataFrame(
        {
            "tier": rng.choice(["point", "subcentre", "centre"], 25),
            "type": rng.choice(["a", "b", ""], 25),
            "services": [list(rng.choice(["rest", "law", "books"], 2)) for _ in range(25)],
        },
        geometry=list(hand.pts(rng.uniform(-200, 1400, (25, 2)).tolist())),
        crs=hand.crs,
    ).to_crs(4326)
    dem = gpd.GeoDataFrame(
        {"weight": rng.uniform(1, 50, 300)},
        geometry=list(hand.pts(rng.uniform(-200, 1400, (300, 2)).tolist())),
        crs=hand.crs,
    ).to_crs(4326)
    cov = analysis.evaluate(net, fac, dem, threshold_min=10.0, circle_radius_m=300.0)
    f, d = cov.facilities, cov.demand
    w = d["weight"].to_numpy()
    members = (
        {("tier", t): f["tier"] == t for t in cov.thresholds}
        | {("type", t): f["type"] == t for t in ("a", "b")}
        | {
            ("service", v): f["services"].map(lambda x, v=v: v in x)
            for v in ("rest", "law", "books")
        }
    )
    table = cov.summary.set_index(["scope", "key"])
    bare = analysis.summarize(f, d, cov.covers, cov.thresholds).set_index(["scope", "key"])
    for key, m in members.items():
        sub = f.geometry[m.to_numpy()].to_crs(net.crs)
        own = analysis.circle_counts(sub, d.geometry.to_crs(net.crs), 300.0) > 0
        assert table.loc[key, "circle_share"] == float(w[own].sum()) / float(w.sum())
        assert bare.loc[key, "circle_share"] == table.loc[key, "circle_share"]
    assert 0 < table["circle_share"].min() < table["circle_share"].max() < 1
    from coverage import settings

    # The run's radius (300 m, kept with the demand) is used: the package default is not read,
    # so an analyst's bad one (checked when read) does not stop the summary.
    monkeypatch.setattr(settings, "circle_radius_m", float("nan"))
    again = analysis.summarize(f, d, cov.covers, cov.thresholds).set_index(["scope", "key"])
    assert again["circle_share"].equals(bare["circle_share"])


def test_tier_order_known_first():
    assert analysis.tier_order(["point", "zeta", "centre", "alpha"]) == [
        "centre", "point", "alpha", "zeta",
    ]  # fmt: skip


# --- real network: a second, independent implementation with networkx -------------------------


def _nx_graph(net: network.WalkNetwork) -> nx.DiGraph:
    """The walking network as a networkx DiGraph on node positions, weight ``t`` (seconds)."""
    e = net.edges
    G = nx.DiGraph()
    for u, v, t, two in zip(e["u_idx"], e["v_idx"], e["time_s"], e["two_way"], strict=True):
        for a, b in ((u, v), (v, u)) if two else ((u, v),):
            if not G.has_edge(a, b) or G[a][b]["t"] > t:
                G.add_edge(a, b, t=t)
    return G


def _nx_times(net: network.WalkNetwork, src: routing.Snapped, dst: routing.Snapped, limit_s: float):
    """Facility × demand times (s) by networkx, derived from the edge table alone."""
    e = net.edges
    G = _nx_graph(net)
    t_e = e["time_s"].to_numpy()
    u_e = e["u_idx"].to_numpy()
    v_e = e["v_idx"].to_numpy()
    two_e = e["two_way"].to_numpy()
    out = {}
    for i in range(len(src)):
        if not src.ok[i]:
            continue
        ei, f, a = int(src.edge[i]), float(src.frac[i]), float(src.access_s[i])
        starts = {int(v_e[ei]): a + (1 - f) * t_e[ei]}
        if two_e[ei]:
            starts[int(u_e[ei])] = min(starts.get(int(u_e[ei]), np.inf), a + f * t_e[ei])
        dist: dict[int, float] = {}
        for node, t0 in starts.items():
            for n, t in nx.single_source_dijkstra_path_length(
                G, node, cutoff=limit_s, weight="t"
            ).items():
                dist[n] = min(dist.get(n, np.inf), t0 + t)
        for j in range(len(dst)):
            if not dst.ok[j]:
                continue
            ej, g, b = int(dst.edge[j]), float(dst.frac[j]), float(dst.access_s[j])
            best = dist.get(int(u_e[ej]), np.inf) + g * t_e[ej]
            if two_e[ej]:
                best = min(best, dist.get(int(v_e[ej]), np.inf) + (1 - g) * t_e[ej])
            if ej == ei and (two_e[ei] or g >= f):
                best = min(best, a + abs(g - f) * t_e[ei])
            best += b
            if best <= limit_s + 1e-9:
                out[i, j] = best
    return out


@pytest.mark.realdata
def test_wuhan_coverage_matches_networkx_brute_force(wuhan_net):
    box = shapely.box(114.262, 30.585, 114.285, 30.602)
    box_m = gpd.GeoSeries([box], crs=4326).to_crs(wuhan_net.crs).iloc[0]
    net = network.clip(wuhan_net, box_m, 300)
    rng = np.random.default_rng(7)
    xy = lambda k: np.c_[net.x[k], net.y[k]] + rng.uniform(-60, 60, size=(len(k), 2))  # noqa: E731
    fk = rng.choice(net.n_nodes, 15, replace=False)
    dk = rng.choice(net.n_nodes, 400, replace=False)
    fac = gpd.GeoDataFrame(
        {"tier": np.where(np.arange(15) < 4, "subcentre", "point")},
        geometry=shapely.points(xy(fk)),
        crs=net.crs,
    )
    dem = gpd.GeoDataFrame(
        {"weight": rng.integers(1, 100, 400).astype(float)},
        geometry=shapely.points(xy(dk)),
        crs=net.crs,
    )
    th = {"point": 5.0, "subcentre": 8.0}
    cov = analysis.evaluate(net, fac, dem, threshold_min=5.0, tier_threshold_min=th)
    ref = _nx_times(net, cov.facility_snap, cov.demand_snap, 8.0 * 60)
    # Every pair networkx finds within 8 min is stored, with the same time, and nothing else.
    coo = cov.times.tocoo()
    ours = {(int(i), int(j)): t * 60 for i, j, t in zip(coo.row, coo.col, coo.data, strict=True)}
    assert ours.keys() == ref.keys()
    for key, t in ref.items():
        assert ours[key] == pytest.approx(t, abs=1e-6)
    # Brute-force coverage from the networkx times.
    limit = np.where(fac["tier"] == "subcentre", 8.0, 5.0) * 60
    n = np.zeros(len(dem), dtype=int)
    for (i, j), t in ref.items():
        n[j] += t <= limit[i] + 1e-9
    w = dem["weight"].to_numpy()
    assert cov.demand["n_reach"].tolist() == n.tolist()
    s = cov.summary.set_index(["scope", "key"])
    assert s.loc[("overall", "all"), "share"] == pytest.approx(w[n > 0].sum() / w.sum())
    assert s.loc[("overall", "all"), "cross_share"] == pytest.approx(w[n > 1].sum() / w.sum())
    assert 0.05 < s.loc[("overall", "all"), "share"] < 0.99  # the case is not trivial


def test_node_times_by_hand(line_case):
    net, cov = line_case
    nodes = analysis.node_times(net, cov.facilities)
    x = np.round(nodes.geometry.x - nodes.geometry.x.min()).astype(int)
    on_line = nodes[nodes.geometry.y < nodes.geometry.y.min() + 1].assign(x=x)
    t = on_line.set_index("x")
    # Nodes A(0) B(100) C(200) D(300); points P1 at 0 and P2 at 150, the subcentre S at 300.
    np.testing.assert_allclose(
        t.loc[[0, 100, 200, 300], "t_point"], np.array([0, 50, 50, 150]) / 60, atol=1e-6
    )
    np.testing.assert_allclose(
        t.loc[[0, 100, 200, 300], "t_subcentre"], np.array([300, 200, 100, 0]) / 60, atol=1e-6
    )
    assert t.loc[[0, 100, 200, 300], "nearest_point"].tolist() == [0, 1, 1, 1]
    # The island nodes are unreachable.
    island = nodes[nodes.geometry.y > nodes.geometry.y.min() + 1]
    assert np.isinf(island["t_point"]).all() and (island["nearest_point"] == -1).all()


def test_node_times_read_tier_names_as_their_tiers(line_case):
    # The register's words (服务站点, 分中心) name the same tiers as the codes: the columns are
    # the codes' and the times those of the hand case above (P2 at 150 is nearest to C at 200).
    net, cov = line_case
    fac = cov.facilities[["tier", "geometry"]].assign(tier=["服务站点", "服务站点", "分中心"])
    nodes = analysis.node_times(net, fac)
    assert {"t_point", "t_subcentre"} <= set(nodes.columns)
    x = np.round(nodes.geometry.x - nodes.geometry.x.min()).astype(int)
    t = nodes[nodes.geometry.y < nodes.geometry.y.min() + 1].assign(x=x).set_index("x")
    np.testing.assert_allclose(t.loc[[0, 200], "t_point"], np.array([0, 50]) / 60, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"limit_min": -1.0}, r"limit_min must be a number >= 0, not -1"),
        ({"max_snap_m": float("nan")}, r"max_snap_m must be a number >= 0, not nan"),
    ],
)
def test_node_times_refuse_a_negative_limit_with_its_name(line_case, kwargs, words):
    net, cov = line_case
    with pytest.raises(ValueError, match=words):
        analysis.node_times(net, cov.facilities, **kwargs)


def test_node_times_name_a_frame_without_crs(line_case):
    net, cov = line_case
    with pytest.raises(ValueError, match="facilities: no CRS"):
        analysis.node_times(net, cov.facilities.set_crs(None, allow_override=True))


@pytest.mark.realdata
def test_node_times_match_networkx_multi_source(wuhan_net, wuhan_sample):
    """Whole-city nearest-facility times equal networkx's multi-source Dijkstra from the snapped
    positions (sources placed on nodes here, so both start at the same points)."""
    net = wuhan_net
    rng = np.random.default_rng(11)
    k = rng.choice(net.n_nodes, 25, replace=False)
    fac = gpd.GeoDataFrame(
        {"tier": ["point"] * len(k)},
        geometry=shapely.points(np.c_[net.x[k], net.y[k]]),
        crs=net.crs,
    )
    nodes = analysis.node_times(net, fac, limit_min=20)
    G = _nx_graph(net)
    ref = nx.multi_source_dijkstra_path_length(G, set(int(i) for i in k), cutoff=1200, weight="t")
    got = nodes["t_point"].to_numpy() * 60
    # Compare away from the cutoff: our sources carry a 1e-6 s entry arc.
    inside = {n for n, t in ref.items() if t < 1200 - 1e-3}
    assert set(np.flatnonzero(got < 1200 - 1e-3).tolist()) == inside
    ids = sorted(inside)
    # Sources snap to the node's position on an edge: millimetre rounding, i.e. < 0.01 s.
    np.testing.assert_allclose(got[ids], np.array([ref[n] for n in ids]), atol=1e-2)
    assert len(ids) > 5_000  # a real share of the city


def test_defaults_are_read_from_settings_at_call_time(hand, monkeypatch):
    from coverage import settings

    # one street 0–300 m at 1 m/s; the facility at 0, demand 5 m off the street at x = 150
    net = hand.net([("A", "B", [(0, 0), (300, 0)], "residential")])
    fac = gpd.GeoDataFrame({"tier": ["point"]}, geometry=list(hand.pts([(0, 0)])), crs=hand.crs)
    dem = gpd.GeoDataFrame({"weight": [1.0]}, geometry=list(hand.pts([(150, 5)])), crs=hand.crs)
    monkeypatch.setattr(settings, "threshold_min", 2.0)  # 120 s < 5 + 150 s
    monkeypatch.setattr(settings, "circle_radius_m", 200.0)
    cov = analysis.evaluate(net, fac, dem)
    assert cov.thresholds == {"point": 2.0} and cov.circle_radius_m == 200.0
    assert not cov.demand["covered"].iloc[0] and cov.demand["covered_circle"].iloc[0]
    assert cov.demand["nearest_min"].iloc[0] == pytest.approx(155 / 60)
    monkeypatch.setattr(settings, "max_snap_m", 4.0)  # the demand is 5 m off: not snapped
    assert not analysis.evaluate(net, fac, dem).demand["snapped"].iloc[0]


# --- a caller's own frames ---------------------------------------------------------------------


def test_tier_names_are_read_as_their_tiers(line_case, hand):
    # The line case with its tiers written as a register writes them: same thresholds, same cover.
    net, coded = line_case
    fac = coded.facilities[["tier", "geometry"]].assign(
        tier=["服务站点", "Service point", "分中心"]
    )
    cov = analysis.evaluate(
        net, fac, coded.demand[["weight", "geometry"]], threshold_min=2.0,
        tier_threshold_min={"服务分中心": 1.5},
    )  # fmt: skip
    assert cov.facilities["tier"].tolist() == ["point", "point", "subcentre"]
    assert cov.thresholds == {"subcentre": 1.5, "point": 2.0}
    assert cov.demand["covered_subcentre"].tolist() == [False, False, True, False, False]


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        (lambda f, d: (f, d.drop(columns="geometry")), TypeError, "demand must be a GeoDataFrame"),
        (lambda f, d: (f.set_crs(None, allow_override=True), d), ValueError, "facilities: no CRS"),
        (lambda f, d: (f, d.assign(weight=[1.0, np.nan, 2.0, 3.0, 4.0])), ValueError,
         r"demand, rows 1: 'weight' is not a number"),
        (lambda f, d: (f, d.assign(weight=[1.0, 1.0, -2.0, 3.0, 4.0])), ValueError,
         r"demand, rows 2: 'weight' is not a number"),
        (lambda f, d: (f.assign(tier=["point", None, "point"]), d), ValueError,
         r"facilities, rows 1: no tier"),
        (lambda f, d: (f.assign(tier=["point", "point", " "]), d), ValueError,
         r"facilities, rows 2: no tier"),
        (lambda f, d: (f.assign(tier=["point", "服务战点", "point"]), d), ValueError,
         r"facilities, rows 1: unknown tier '服务战点'"),
    ],
)  # fmt: skip
def test_a_bad_frame_is_named(line_case, change, error, words):
    net, coded = line_case
    fac = coded.facilities[["tier", "geometry"]]
    dem = coded.demand[["weight", "geometry"]]
    with pytest.raises(error, match=words):
        analysis.evaluate(net, *change(fac, dem))


def test_a_point_with_a_nan_coordinate_is_named_by_its_row(line_case, hand):
    net, coded = line_case
    dem = coded.demand[["weight", "geometry"]].set_index(np.array([10, 11, 12, 13, 14]))
    x = dem.geometry.x.to_numpy().copy()
    x[3] = np.nan
    dem = dem.set_geometry(gpd.points_from_xy(x, dem.geometry.y), crs=hand.crs)
    with pytest.raises(ValueError, match=r"demand, rows 13: no geometry, or a coordinate"):
        analysis.evaluate(net, coded.facilities[["tier", "geometry"]], dem)


def test_many_bad_rows_are_listed_then_counted():
    index = pd.Index([10, 11, 12, 13, 14, 15, 16, 17])
    bad = [False, True, True, True, True, True, True, False]
    with pytest.raises(ValueError, match=r"^demand, rows 11, 12, 13, 14, 15 … \(6 rows\): x$"):
        frame_checks.check_rows("demand", index, bad, "x")


def test_a_polygon_is_not_taken_for_a_point(line_case, hand):
    net, coded = line_case
    fac = coded.facilities[["tier", "geometry"]].copy()
    fac.loc[2, "geometry"] = fac.geometry.iloc[2].buffer(10)  # a building's footprint
    with pytest.raises(ValueError, match=r"facilities, rows 2: not a point"):
        analysis.evaluate(net, fac, coded.demand[["weight", "geometry"]])


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"threshold_min": -5.0}, ValueError, r"threshold_min must be a number >= 0, not -5"),
        ({"threshold_min": float("nan")}, ValueError, r"threshold_min must be a number >= 0"),
        ({"threshold_min": "15"}, ValueError, r"threshold_min must be a number >= 0, not '15'"),
        ({"tier_threshold_min": {"驿站": -1}}, ValueError, r"tier_threshold_min\['驿站'\] must"),
        ({"tier_threshold_min": {"驿栈": 10}}, ValueError, r"tier_threshold_min: unknown tier '驿栈'"),
        ({"max_snap_m": -1}, ValueError, r"max_snap_m must be a number >= 0, not -1"),
        ({"circle_radius_m": -1}, ValueError, r"circle_radius_m must be a number >= 0, not -1"),
    ],
)  # fmt: skip
def test_a_setting_that_would_cover_nobody_silently_is_named(line_case, kwargs, error, words):
    # Before, a negative or NaN threshold covered nobody and a misspelt tier kept the default
    # threshold, all without a word.
    net, cov = line_case
    fac = cov.facilities[["tier", "geometry"]]
    dem = cov.demand[["weight", "geometry"]]
    with pytest.raises(error, match=words):
        analysis.evaluate(net, fac, dem, **kwargs)


def test_a_network_that_is_not_one_is_named(line_case):
    _, cov = line_case
    with pytest.raises(TypeError, match="net must be a WalkNetwork"):
        analysis.evaluate(cov.facilities, cov.facilities, cov.demand)


def test_one_service_given_as_a_string_is_that_service(line_case):
    # services="law" was read as the services "l", "a" and "w". Law is offered at P2 and S:
    # by the hand table, P2 covers d0, d1, d3 (10 + 20 + 3) and S covers d2 (5).
    net, cov = line_case
    fac = cov.facilities[["tier", "services", "geometry"]]
    dem = cov.demand[["weight", "geometry"]]
    again = analysis.evaluate(
        net, fac, dem, threshold_min=2.0, tier_threshold_min={"subcentre": 1.5}, services="law"
    )
    rows = again.summary[again.summary["scope"] == "service"]
    assert rows["key"].tolist() == ["law"]
    assert rows["covered_weight"].tolist() == [38.0]


def test_subdistricts_without_crs_or_geometry_are_named(line_case):
    net, cov = line_case
    fac = cov.facilities[["tier", "geometry"]]
    dem = cov.demand[["weight", "geometry"]]
    zones = gpd.GeoDataFrame({"name": ["all"]}, geometry=[dem.union_all().buffer(10)], crs=dem.crs)
    with pytest.raises(ValueError, match="subdistricts: no CRS"):
        analysis.evaluate(net, fac, dem, subdistricts=zones.set_crs(None, allow_override=True))
    with pytest.raises(TypeError, match="subdistricts must be a GeoDataFrame"):
        analysis.evaluate(net, fac, dem, subdistricts=pd.DataFrame(zones))


def test_kpis_count_the_people_the_report_shows(line_case):
    """The map's "not covered" is the report's: whole people that add up, not round(w - c).

    10.4 people, 4.6 covered: the tables show 10 and 5, so 5 not covered (round(5.8) = 6 was
    what the map's panel read beside the report's 5)."""
    _, cov = line_case
    summary = cov.summary.copy()
    overall = (summary["scope"] == "overall").to_numpy()
    summary.loc[overall, ["weight", "covered_weight"]] = [10.4, 4.6]
    summary.loc[overall, "unreachable_weight"] = 0.6  # within the 5 not covered: shown 1
    kinds = summary[summary["scope"] == "kind"]
    assert len(kinds) <= 1  # no kind rows to keep in step with the overall one
    k = dataclasses.replace(cov, summary=summary).kpis()
    assert k["uncovered_weight"] == 5
    assert k["unreachable_weight"] == 1
    summary.loc[overall, "unreachable_weight"] = 0.3  # shown 0: the panel says nothing of it
    assert "unreachable_weight" not in dataclasses.replace(cov, summary=summary).kpis()
