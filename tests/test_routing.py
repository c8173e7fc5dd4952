"""Snapping and walking times: hand-worked grids, one-way footpaths, steps, same-edge walks,
point-to-point times, and the real Wuhan network against an independent networkx Dijkstra.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a walked distance in metres.
The 3 × 3 grid (from ``hand.grid()``) has 100 m blocks; node ``3 i + j`` sits at
(100 j, 100 i) and edges run (i, j) → (i, j+1) and (i, j) → (i+1, j)::

    6 ---- 7 ---- 8      y = 200
    |      |      |
    3 ---- 4 ---- 5      y = 100
    |      |      |
    0 ---- 1 ---- 2      y = 0
   x=0   x=100  x=200
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import assert_same_csr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from coverage import routing
from coverage._arrays import ranges
from coverage.network import WalkNetwork, boxes

# P = (30, -5): 5 m south of edge 0→1, 30 m from node 0. Q = (200, 160): on edge 5→8, 60 m above
# node 5. Walking times (s = m) from P with access (5 s to reach the street):
#   node 0: 5 + 30 = 35          node 1: 5 + 70 = 75           node 2: 75 + 100 = 175
#   node 3: 35 + 100 = 135       node 4: min(75, 135) + 100 = 175
#   node 5: 175 + 100 = 275      node 6: 135 + 100 = 235       node 7: 175 + 100 = 275
#   node 8: 275 + 100 = 375
P_TIMES = {0: 35, 1: 75, 2: 175, 3: 135, 4: 175, 5: 275, 6: 235, 7: 275, 8: 375}
# from Q (on the street, no access walk): node 5: 60, node 8: 40, then along the grid
#   node 2: 60 + 100 = 160   node 4: 60 + 100 = 160   node 7: 40 + 100 = 140
#   node 1: 160 + 100 = 260  node 3: 160 + 100 = 260  node 6: 140 + 100 = 240  node 0: 360
Q_TIMES = {0: 360, 1: 260, 2: 160, 3: 260, 4: 160, 5: 60, 6: 240, 7: 140, 8: 40}


def times_by_id(net: WalkNetwork, r: routing.Reach, i: int) -> dict[int, float]:
    nodes, t = r.node_times(i)
    return {int(n): float(x) for n, x in zip(net.node_ids[nodes], t, strict=True)}


@pytest.fixture(scope="module")
def grid_net(hand):
    return hand.net(hand.grid())


# --------------------------------------------------------------------------------------------
# Snapping
# --------------------------------------------------------------------------------------------


def test_snap_mid_edge(hand, grid_net):
    net = grid_net
    s = routing.snap(net, hand.pts([(30, -5), (200, 160), (30, 900)]))
    assert s.edge[0] == hand.edge(net, 0, 1)
    assert s.frac[0] == pytest.approx(0.3)  # 30 m of 100 m from node 0 (= u)
    assert s.dist_m[0] == pytest.approx(5.0)
    assert s.access_s[0] == pytest.approx(5.0)  # 5 m at 1 m/s
    assert s.edge[1] == hand.edge(net, 5, 8)
    assert s.frac[1] == pytest.approx(0.6) and s.dist_m[1] == 0.0 and s.access_s[1] == 0.0
    # (30, 900) is 700 m from the nearest street (> max_snap_m = 300): not snapped
    assert s.edge[2] == -1 and not s.ok[2] and np.isinf(s.dist_m[2]) and s.access_s[2] == 0
    assert s.ok.tolist() == [True, True, False]
    no_access = routing.snap(net, hand.pts([(30, -5)]), include_access=False)
    assert no_access.access_s[0] == 0.0 and no_access.dist_m[0] == pytest.approx(5.0)
    far = routing.snap(net, hand.pts([(30, 900)]), max_dist_m=800)
    assert far.edge[0] == hand.edge(net, 6, 7) and far.dist_m[0] == pytest.approx(700.0)
    on_street = routing.snapped_points(net, s)
    assert on_street[0].equals_exact(hand.pt(30, 0), 1e-6)
    assert on_street[1].equals_exact(hand.pt(200, 160), 1e-6)
    assert on_street[2] is None


def test_snap_accepts_arrays_and_empty(hand, grid_net):
    s = routing.snap(grid_net, np.array([hand.pt(30, -5)]))
    assert s.frac[0] == pytest.approx(0.3)
    empty = routing.snap(grid_net, np.array([], dtype=object))
    assert len(empty) == 0
    assert routing.reach(grid_net, empty, 100).times.shape == (0, 9)


def test_snap_reads_a_geoseries_in_its_own_crs_and_names_a_bad_distance(hand, grid_net):
    # Points given in WGS-84 degrees were read as metres of the network's UTM zone: nothing
    # snapped, every point "not reachable on foot". Same point as test_snap_mid_edge: 30 m
    # along the edge 0-1, 5 m off it.
    s = routing.snap(grid_net, hand.pts([(30, -5)]).to_crs(4326))
    assert s.edge[0] == hand.edge(grid_net, 0, 1)
    assert s.frac[0] == pytest.approx(0.3, abs=1e-6) and s.dist_m[0] == pytest.approx(5.0, abs=1e-3)
    with pytest.raises(ValueError, match=r"max_dist_m must be metres >= 0, not -1"):
        routing.snap(grid_net, hand.pts([(30, -5)]), max_dist_m=-1)


def _snap_bounded(net, geoms, max_dist_m):
    """The query snap replaced: GEOS's own max_distance (first nearest; ties as GEOS orders)."""
    tree = shapely.STRtree(net.edges.geometry.values)
    (pi, ei), d = tree.query_nearest(
        geoms, max_distance=max_dist_m, return_distance=True, all_matches=False
    )
    edge = np.full(len(geoms), -1)
    dist = np.full(len(geoms), np.inf)
    edge[pi], dist[pi] = ei, d
    return edge, dist


@pytest.mark.parametrize("max_dist_m", [3.0, 50.0, 120.0, 3000.0])
def test_snap_equals_geos_bounded_query_with_ties(hand, grid_net, max_dist_m):
    rng = np.random.default_rng(2)
    # On nodes and half-way between parallel streets (ties between segments), and anywhere.
    xy = np.r_[
        rng.integers(0, 3, (60, 2)) * 100.0,
        rng.integers(0, 2, (60, 2)) * 100.0 + 50,
        np.c_[rng.integers(0, 3, 60) * 100.0, rng.integers(0, 2, 60) * 100.0 + 50],
        rng.uniform(-300, 500, (200, 2)),
    ]
    pts = hand.pts(xy.tolist()).values
    s = routing.snap(grid_net, pts, max_dist_m=max_dist_m)
    edge, dist = _snap_bounded(grid_net, pts, max_dist_m)
    np.testing.assert_array_equal(s.edge, edge)
    np.testing.assert_array_equal(s.dist_m, dist)
    assert (edge >= 0).any() and (max_dist_m > 500 or (edge < 0).any())


def test_snap_locates_each_point_once_per_network_with_the_same_answers(hand):
    rng = np.random.default_rng(4)
    xy = rng.uniform(-300, 500, (300, 2))
    pts = hand.pts(xy.tolist()).values
    odd = np.array([shapely.Point(), None, pts[0], pts[0]], dtype=object)  # empty, none, twice
    calls = [(pts[:200], 3000.0), (pts[100:], 300.0), (pts, 50.0), (pts[:0], 300.0), (odd, 9e9)]
    net = hand.net(hand.grid())  # snapped again and again (the memo fills)
    for geoms, limit in calls:
        fresh = hand.net(hand.grid())  # nothing located yet
        a = routing.snap(net, geoms, max_dist_m=limit)
        b = routing.snap(fresh, geoms, max_dist_m=limit)
        for field in ("edge", "frac", "dist_m", "access_s"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert len(net._snap_memo.keys) == 300  # every point located once


def test_default_snap_distance_is_read_at_call_time(hand, grid_net, monkeypatch):
    from coverage import settings as defaults

    monkeypatch.setattr(defaults, "max_snap_m", 4.0)
    s = routing.snap(grid_net, hand.pts([(30, -5), (30, -3)]))  # 5 m and 3 m off the street
    assert s.ok.tolist() == [False, True]


# --------------------------------------------------------------------------------------------
# reach / nearest on the grid
# --------------------------------------------------------------------------------------------


def test_reach_times_from_mid_edge_source(hand, grid_net):
    net = grid_net
    src = routing.snap(net, hand.pts([(30, -5), (200, 160)]))
    r = routing.reach(net, src, 1000)
    assert times_by_id(net, r, 0) == pytest.approx(P_TIMES)
    assert times_by_id(net, r, 1) == pytest.approx(Q_TIMES)
    # within 200 s only nodes 0, 1, 2, 3, 4 of P_TIMES (35, 75, 175, 135, 175) are reached
    r200 = routing.reach(net, src, 200)
    assert times_by_id(net, r200, 0) == pytest.approx({0: 35, 1: 75, 2: 175, 3: 135, 4: 175})
    assert r200.limit_s == 200.0
    # without the access walk every time is 5 s shorter
    bare = routing.snap(net, hand.pts([(30, -5)]), include_access=False)
    r0 = routing.reach(net, bare, 1000)
    assert times_by_id(net, r0, 0) == pytest.approx({k: v - 5 for k, v in P_TIMES.items()})


def test_reach_from_source_at_a_node_and_unsnapped(hand, grid_net):
    net = grid_net
    src = routing.snap(net, hand.pts([(0, 0), (30, 900)]))
    r = routing.reach(net, src, 150)
    t = times_by_id(net, r, 0)
    # the source's own node is reached at (practically) zero time: kept, not dropped as "absent"
    assert set(t) == {0, 1, 3}  # 1 and 3 at 100 s; 2, 4, 6 at 200 s are beyond 150 s
    assert 0 <= t[0] <= 1e-5
    assert t[1] == pytest.approx(100) and t[3] == pytest.approx(100)
    assert r.node_times(1)[0].size == 0  # unsnapped source reaches nothing
    assert r.times.shape == (2, 9)


def test_reach_respects_one_way_footway(hand):
    # Triangle 0 (0,0), 1 (100,0), 2 (50, 86.6): 100 m sides; 0→1 is a one-way footway.
    h = 50 * math.sqrt(3)
    lines = [
        (0, 1, [(0, 0), (100, 0)], "footway", "yes"),
        (1, 2, [(100, 0), (50, h)], "residential", None),
        (2, 0, [(50, h), (0, 0)], "residential", None),
    ]
    net = hand.net(lines)
    src = routing.snap(net, hand.pts([(30, 0), (100, 0)]))
    r = routing.reach(net, src, 1000)
    # from 30 m along the footway: node 1 ahead at 70 s; node 0 behind only round the triangle:
    # 70 (to 1) + 100 (1→2) + 100 (2→0) = 270 s. Node 2: 70 + 100 = 170 s.
    assert times_by_id(net, r, 0) == pytest.approx({0: 270, 1: 70, 2: 170})
    # from node 1 (= end of the footway): node 0 via 2 = 200 s, never the 100 s footway back.
    t = times_by_id(net, r, 1)
    assert t[0] == pytest.approx(200) and t[1] == pytest.approx(0, abs=1e-5)


def test_reach_through_steps(hand):
    # 0 -(100 m street)- 1 -(100 m steps, ×2)- 2: node 2 at 100 + 200 = 300 s
    lines = [(0, 1, [(0, 0), (100, 0)], "residential"), (1, 2, [(100, 0), (200, 0)], "steps")]
    net = hand.net(lines)
    r = routing.reach(net, routing.snap(net, hand.pts([(0, 0)])), 1000)
    t = times_by_id(net, r, 0)
    assert t[1] == pytest.approx(100) and t[2] == pytest.approx(300)
    # a source in the middle of the steps: 50 m × 2 = 100 s to either end
    r = routing.reach(net, routing.snap(net, hand.pts([(150, 0)])), 1000)
    t = times_by_id(net, r, 0)
    assert t[1] == pytest.approx(100) and t[2] == pytest.approx(100) and t[0] == pytest.approx(200)


def test_nearest_equals_min_of_reach_on_grid(hand, grid_net):
    net = grid_net
    src = routing.snap(net, hand.pts([(30, -5), (200, 160), (30, 900)]))
    d, who = routing.nearest(net, src)
    # node by node: min(P_TIMES, Q_TIMES) and which of them (0 = P, 1 = Q); never the unsnapped 2
    for node_id in range(9):
        k = hand.node(net, node_id)
        best = min((P_TIMES[node_id], 0), (Q_TIMES[node_id], 1))
        assert d[k] == pytest.approx(best[0])
        assert who[k] == best[1]
    # with a limit of 100 s: P reaches 0 (35), 1 (75); Q reaches 5 (60), 8 (40); the rest: none
    d, who = routing.nearest(net, src, 100)
    reached = {int(net.node_ids[k]): int(who[k]) for k in np.flatnonzero(np.isfinite(d))}
    assert reached == {0: 0, 1: 0, 5: 1, 8: 1}
    assert (who[~np.isfinite(d)] == -1).all()
    # no snapped source at all
    d, who = routing.nearest(net, routing.snap(net, hand.pts([(30, 900)])))
    assert np.isinf(d).all() and (who == -1).all()


# --------------------------------------------------------------------------------------------
# Point-to-point times
# --------------------------------------------------------------------------------------------


def test_point_times_by_hand(hand, grid_net):
    net = grid_net
    src = routing.snap(net, hand.pts([(30, -5), (200, 160)]))
    # T1 = (150, 100): middle of edge 4→5. T2 = (60, 2): 60 m along edge 0→1, 2 m off it.
    tgt = routing.snap(net, hand.pts([(150, 100), (60, 2)]))
    r = routing.reach(net, src, 1000)
    pt = routing.point_times(net, r, tgt).toarray()
    # P→T1: via node 4 (175) + 50 = 225 (via 5: 275 + 50 = 325)
    # Q→T1: via node 5 (60) + 50 = 110
    # P→T2: same edge, direct: |0.6 − 0.3| × 100 + 5 (P's access) + 2 (T2's access) = 37
    #       (via node 0 it would be 35 + 60 + 2 = 97)
    # Q→T2: via node 1 (260) + 40 + 2 = 302
    np.testing.assert_allclose(pt, [[225, 37], [110, 302]])
    best, who = routing.nearest_point_times(net, src, tgt)
    np.testing.assert_allclose(best, [110, 37])
    assert who.tolist() == [1, 0]
    # within 200 s: P→T1 (225) and Q→T2 (302) are out of reach
    r200 = routing.reach(net, src, 200)
    pt200 = routing.point_times(net, r200, tgt)
    assert sorted(zip(*pt200.nonzero(), strict=True)) == [(0, 1), (1, 0)]
    assert pt200[0, 1] == pytest.approx(37) and pt200[1, 0] == pytest.approx(110)
    best, who = routing.nearest_point_times(net, src, tgt, 100)
    # T1 at 110 s > 100 s: beyond; T2 at 37 s from P
    assert np.isinf(best[0]) and who[0] == -1
    assert best[1] == pytest.approx(37) and who[1] == 0


def test_point_times_of_a_source_that_reaches_no_node(hand):
    # 100 m blocks, 1 m/s: from 30 m along a segment, 20 s reach no node but the target 20 m on
    net = hand.net([(0, 1, [(0, 0), (100, 0)], "footway", None)], speed_kmh=3.6)
    src = routing.snap(net, hand.pts([(30, 0)]), include_access=False)
    tgt = routing.snap(net, hand.pts([(50, 0), (90, 0)]), include_access=False)
    r = routing.reach(net, src, 20.0)
    assert r.times.nnz == 0
    pt = routing.point_times(net, r, tgt)
    assert pt.nnz == 1 and pt[0, 0] == pytest.approx(20.0)


def test_same_edge_pairs_respect_one_way(hand):
    h = 50 * math.sqrt(3)
    tri = [
        (1, 2, [(100, 0), (50, h)], "residential", None),
        (2, 0, [(50, h), (0, 0)], "residential", None),
    ]
    one_way = hand.net([(0, 1, [(0, 0), (100, 0)], "footway", "yes"), *tri])
    two_way = hand.net([(0, 1, [(0, 0), (100, 0)], "footway", None), *tri])
    for net, behind in ((one_way, 280.0), (two_way, 20.0)):
        src = routing.snap(net, hand.pts([(30, 0)]))
        tgt = routing.snap(net, hand.pts([(80, 0), (10, 0)]))
        i, j, t = routing.same_edge_pairs(net, src, tgt)
        pairs = dict(zip(j.tolist(), t.tolist(), strict=True))
        # ahead (80 m): direct 0.5 × 100 = 50 s either way
        assert pairs[0] == pytest.approx(50)
        r = routing.reach(net, src, 1000)
        pt = routing.point_times(net, r, tgt).toarray()[0]
        assert pt[0] == pytest.approx(50)
        # behind (10 m): two-way: direct 20 s; one-way: no direct walk (same_edge_pairs leaves it
        # out), so round the triangle: 70 (to 1) + 100 + 100 (to 0) + 10 = 280 s
        assert (1 in pairs) == (net is two_way)
        assert pt[1] == pytest.approx(behind)
        best, who = routing.nearest_point_times(net, src, tgt)
        np.testing.assert_allclose(best, [50, behind])
        assert who.tolist() == [0, 0]


def test_explicit_zero_time_is_kept(hand, grid_net):
    net = grid_net
    # source and target at the same place on a street: 0 s, stored as an explicit zero
    src = routing.snap(net, hand.pts([(30, 0)]))
    tgt = routing.snap(net, hand.pts([(30, 0), (230, 500)]))  # the second one is unsnapped
    r = routing.reach(net, src, 300)
    pt = routing.point_times(net, r, tgt)
    assert pt.nnz == 1 and pt.indices.tolist() == [0] and pt.data.tolist() == [0.0]
    best, who = routing.nearest_point_times(net, src, tgt, 300)
    assert best[0] == 0.0 and who[0] == 0
    assert np.isinf(best[1]) and who[1] == -1


# --------------------------------------------------------------------------------------------
# Independent reference: networkx Dijkstra on a graph built from net.edges
# --------------------------------------------------------------------------------------------


def nx_digraph(net: WalkNetwork) -> nx.DiGraph:
    """Directed graph of node positions: u→v for every edge, v→u for two-way ones (min weight)."""
    e = net.edges
    fwd = pd.DataFrame({"a": e["u_idx"], "b": e["v_idx"], "w": e["time_s"]})
    back = e[e["two_way"]]
    bwd = pd.DataFrame({"a": back["v_idx"], "b": back["u_idx"], "w": back["time_s"]})
    arcs = pd.concat([fwd, bwd]).groupby(["a", "b"], as_index=False)["w"].min()
    arcs = arcs[arcs["a"] != arcs["b"]]
    g = nx.DiGraph()
    g.add_nodes_from(range(net.n_nodes))
    g.add_weighted_edges_from(arcs.itertuples(index=False, name=None))
    return g


def entry_arcs(net: WalkNetwork, s: routing.Snapped, i: int) -> list[tuple[int, float]]:
    """Where source i enters the graph: v at access + (1 − f) t, u at access + f t if two-way."""
    row = net.edges.iloc[int(s.edge[i])]
    t, f, a = float(row["time_s"]), float(s.frac[i]), float(s.access_s[i])
    out = [(int(row["v_idx"]), a + (1 - f) * t)]
    if row["two_way"]:
        out.append((int(row["u_idx"]), a + f * t))
    return out


def nx_reach(g: nx.DiGraph, net: WalkNetwork, s: routing.Snapped, i: int, limit: float) -> dict:
    src = ("source", i)
    g.add_weighted_edges_from((src, node, t) for node, t in entry_arcs(net, s, i))
    try:
        d = nx.single_source_dijkstra_path_length(g, src, cutoff=limit)
    finally:
        g.remove_node(src)
    d.pop(src)
    return d


def nx_point_times(
    net: WalkNetwork, s: routing.Snapped, tg: routing.Snapped, limit: float
) -> np.ndarray:
    """Source × target times (inf beyond limit): exits through u (g t) or v if two-way
    ((1 − g) t), plus target access; a direct arc when source and target share an edge."""
    g = nx_digraph(net)
    e = net.edges
    for j in np.flatnonzero(tg.ok):
        row = e.iloc[int(tg.edge[j])]
        t, gj, a = float(row["time_s"]), float(tg.frac[j]), float(tg.access_s[j])
        g.add_edge(int(row["u_idx"]), ("t", j), weight=a + gj * t)
        if row["two_way"]:
            g.add_edge(int(row["v_idx"]), ("t", j), weight=a + (1 - gj) * t)
    out = np.full((len(s), len(tg)), np.inf)
    for i in np.flatnonzero(s.ok):
        src = ("s", i)
        for node, t in entry_arcs(net, s, i):
            g.add_edge(src, node, weight=t)
        for j in np.flatnonzero(tg.ok):
            if tg.edge[j] == s.edge[i]:
                row = e.iloc[int(s.edge[i])]
                df = tg.frac[j] - s.frac[i]
                if df >= 0 or row["two_way"]:
                    w = abs(df) * row["time_s"] + s.access_s[i] + tg.access_s[j]
                    g.add_edge(src, ("t", j), weight=w)
        d = nx.single_source_dijkstra_path_length(g, src, cutoff=limit)
        g.remove_node(src)
        for j in np.flatnonzero(tg.ok):
            out[i, j] = d.get(("t", j), np.inf)
    return out


def dense(m: sparse.csr_matrix) -> np.ndarray:
    """Sparse times to dense with inf where nothing is stored (explicit zeros stay 0)."""
    out = np.full(m.shape, np.inf)
    coo = m.tocoo()
    out[coo.row, coo.col] = coo.data
    return out


# A grid with a one-way footway diagonal 0 → 4 and steps 4 - 8, for property tests.
def _mixed_lines(hand) -> list[tuple]:
    lines = [(*ln, None) for ln in hand.grid()]
    lines.append((0, 4, [(0, 0), (100, 100)], "footway", "yes"))
    lines.append((4, 8, [(100, 100), (200, 200)], "steps", None))
    return lines


xy_strategy = st.tuples(
    st.floats(-30, 230, allow_nan=False), st.floats(-30, 230, allow_nan=False)
).map(lambda p: (round(p[0], 1), round(p[1], 1)))  # 0.1 m steps: sometimes exactly on a node


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    sources=st.lists(xy_strategy, min_size=1, max_size=4),
    targets=st.lists(xy_strategy, min_size=1, max_size=5),
    limit=st.floats(20, 500),
    access=st.booleans(),
)
def test_point_times_consistent_with_nearest_and_networkx(hand, sources, targets, limit, access):
    net = hand.net(_mixed_lines(hand))
    s = routing.snap(net, hand.pts(sources), include_access=access)
    tg = routing.snap(net, hand.pts(targets), include_access=access)
    r = routing.reach(net, s, limit)
    pt = dense(routing.point_times(net, r, tg))
    ref = nx_point_times(net, s, tg, limit)
    np.testing.assert_allclose(pt, ref, atol=1e-4)
    best, who = routing.nearest_point_times(net, s, tg, limit)
    np.testing.assert_allclose(best, pt.min(axis=0), atol=1e-9)
    for j, i in enumerate(who):
        if i >= 0:
            assert pt[i, j] == pytest.approx(best[j], abs=1e-9)
        else:
            assert np.isinf(best[j])
    # node times against networkx as well
    g = nx_digraph(net)
    for i in range(len(s)):
        ref_nodes = nx_reach(g, net, s, i, limit)
        nodes, t = r.node_times(i)
        assert dict(zip(nodes.tolist(), t.tolist(), strict=True)) == pytest.approx(
            ref_nodes, abs=1e-4
        )


# --------------------------------------------------------------------------------------------
# The real Wuhan network
# --------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_wuhan_snap_is_nearest_street(wuhan_net, wuhan_sample):
    net, s, pts = wuhan_net, wuhan_sample.snapped, wuhan_sample.points
    assert s.ok.all()
    lines = net.edges.geometry.values
    for i, p in enumerate(pts.values):
        d = shapely.distance(p, lines)  # brute force over all 74k segments
        assert s.dist_m[i] == pytest.approx(d.min(), abs=1e-6)
        assert d[s.edge[i]] == pytest.approx(d.min(), abs=1e-6)
        on = shapely.line_interpolate_point(lines[s.edge[i]], s.frac[i], normalized=True)
        assert shapely.distance(p, on) == pytest.approx(s.dist_m[i], abs=1e-3)
        assert s.access_s[i] == pytest.approx(s.dist_m[i] / 1.25)  # 4.5 km/h


@pytest.mark.realdata
def test_wuhan_reach_equals_networkx(wuhan_net, wuhan_sample):
    net, s, r, limit = wuhan_net, wuhan_sample.snapped, wuhan_sample.reach, wuhan_sample.limit_s
    g = nx_digraph(net)
    sizes = []
    for i in range(len(s)):
        ref = nx_reach(g, net, s, i, limit)
        nodes, t = r.node_times(i)
        assert (np.diff(nodes) > 0).all()  # nodes in order within a row, as readers expect
        got = dict(zip(nodes.tolist(), t.tolist(), strict=True))
        # same reached set, except possibly nodes within a hair of the limit
        diff = set(got) ^ set(ref)
        assert all(abs(got.get(k, ref.get(k)) - limit) < 1e-6 for k in diff), diff
        common = sorted(set(got) & set(ref))
        np.testing.assert_allclose(
            [got[k] for k in common], [ref[k] for k in common], rtol=0, atol=1e-4
        )
        assert max(got.values()) <= limit + 1e-9
        sizes.append(len(got))
    # 15 minutes at 1.25 m/s is 1.1 km of walking: ~30 nodes in the rural parts of the urban
    # area (this sample: 29 to 814 nodes), so the comparison covers thousands of node times
    assert min(sizes) >= 10 and sum(sizes) > 2000


@pytest.mark.realdata
def test_wuhan_nearest_equals_min_of_reach(wuhan_net, wuhan_sample):
    net, s, r, limit = wuhan_net, wuhan_sample.snapped, wuhan_sample.reach, wuhan_sample.limit_s
    d, who = routing.nearest(net, s, limit)
    per_source = dense(r.times)
    best = per_source.min(axis=0)
    reached = np.isfinite(best)
    assert (np.isfinite(d) == reached).all()
    np.testing.assert_allclose(d[reached], best[reached], atol=1e-6)
    assert (who[~reached] == -1).all()
    k = np.flatnonzero(reached)
    np.testing.assert_allclose(per_source[who[k], k], best[k], atol=1e-6)


@pytest.mark.realdata
def test_wuhan_point_times_consistent(wuhan_net, wuhan_sample):
    net, s, r, limit = wuhan_net, wuhan_sample.snapped, wuhan_sample.reach, wuhan_sample.limit_s
    # 300 targets scattered around the sources (within ±700 m), many of them within 15 minutes
    rng = np.random.default_rng(7)
    src_xy = shapely.get_coordinates(wuhan_sample.points.values)
    xy = src_xy[rng.integers(0, len(src_xy), 300)] + rng.uniform(-700, 700, (300, 2))
    tg = routing.snap(net, shapely.points(xy))
    pt = dense(routing.point_times(net, r, tg))
    assert np.isfinite(pt).sum() > 100
    np.testing.assert_allclose(pt, nx_point_times(net, s, tg, limit), atol=1e-4)
    assert pt[np.isfinite(pt)].max() <= limit + 1e-9
    best, who = routing.nearest_point_times(net, s, tg, limit)
    np.testing.assert_allclose(best, pt.min(axis=0), atol=1e-6)
    j = np.flatnonzero(who >= 0)
    np.testing.assert_allclose(pt[who[j], j], best[j], atol=1e-6)
    assert (np.isfinite(best) == (who >= 0)).all()


# --------------------------------------------------------------------------------------------
# The fast paths against the straightforward ones they replace
# --------------------------------------------------------------------------------------------


def slow_augmented(net: WalkNetwork, s: routing.Snapped) -> sparse.csr_matrix:
    """The graph with virtual sources rebuilt from scratch: every arc through one min-CSR."""
    from coverage.network.graph import _csr_min

    src, node, t = routing._entry_arcs(net, s)
    n, k = net.n_nodes, len(s)
    g = net.csr.tocoo()
    rows = np.concatenate([g.row, n + src])
    cols = np.concatenate([g.col, node])
    return _csr_min(rows, cols, np.concatenate([g.data, t]), n + k, n + k)


def slow_reach(net: WalkNetwork, s: routing.Snapped, limit: float) -> np.ndarray:
    """Dense sources × nodes times (inf: beyond the limit or unsnapped), all sources at once."""
    n = net.n_nodes
    from scipy.sparse import csgraph

    d = csgraph.dijkstra(
        slow_augmented(net, s), directed=True, indices=n + np.arange(len(s)), limit=limit
    )[:, :n]
    d[~s.ok] = np.inf
    return d


def nx_nearest(net: WalkNetwork, s: routing.Snapped, limit: float) -> np.ndarray:
    """Nearest-source time per node: networkx multi-source Dijkstra from the virtual sources."""
    g = nx_digraph(net)
    virt = []
    for i in np.flatnonzero(s.ok):
        g.add_weighted_edges_from((("s", i), node, t) for node, t in entry_arcs(net, s, i))
        virt.append(("s", i))
    d = nx.multi_source_dijkstra_path_length(g, virt, cutoff=limit)
    out = np.full(net.n_nodes, np.inf)
    for node, t in d.items():
        if not isinstance(node, tuple):
            out[node] = t
    return out


def assert_same_reach(net: WalkNetwork, s: routing.Snapped, limit: float) -> routing.Reach:
    r = routing.reach(net, s, limit)
    ref = slow_reach(net, s, limit)
    assert r.times.shape == ref.shape
    assert (np.isfinite(dense(r.times)) == np.isfinite(ref)).all()
    np.testing.assert_allclose(dense(r.times), ref, rtol=0, atol=1e-6)
    return r


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    sources=st.lists(xy_strategy, min_size=1, max_size=5),
    limit=st.floats(20, 500),
    access=st.booleans(),
    off=st.booleans(),
)
def test_fast_paths_equal_slow_paths_on_hand_grid(hand, sources, limit, access, off):
    net = hand.net(_mixed_lines(hand))
    # optionally one source too far from any street (unsnapped), in the middle of the list
    pts = sources[:1] + [(30, 900)] * off + sources[1:]
    s = routing.snap(net, hand.pts(pts), include_access=access)
    assert_same_csr(routing._augmented(net, s), slow_augmented(net, s))
    r = assert_same_reach(net, s, limit)
    if off:
        assert r.times.getrow(1).nnz == 0
    d, who = routing.nearest(net, s, limit)
    ref = nx_nearest(net, s, limit)
    assert (np.isfinite(d) == np.isfinite(ref)).all()
    np.testing.assert_allclose(d[np.isfinite(d)], ref[np.isfinite(ref)], rtol=0, atol=1e-6)
    k = np.flatnonzero(np.isfinite(d))
    np.testing.assert_allclose(dense(r.times)[who[k], k], d[k], rtol=0, atol=1e-6)


def test_fast_paths_without_snapped_sources(hand, grid_net):
    net = grid_net
    for pts in ([], [(30, 900), (-500, 40)]):
        s = routing.snap(net, hand.pts(pts))
        assert_same_csr(routing._augmented(net, s), slow_augmented(net, s))
        r = routing.reach(net, s, 300)
        assert r.times.shape == (len(pts), net.n_nodes) and r.times.nnz == 0
        d, who = routing.nearest(net, s, 300)
        assert np.isinf(d).all() and (who == -1).all()


@pytest.mark.realdata
def test_wuhan_fast_paths_equal_slow_paths(wuhan_net, wuhan_sample):
    net, s, limit = wuhan_net, wuhan_sample.snapped, wuhan_sample.limit_s
    assert_same_csr(routing._augmented(net, s), slow_augmented(net, s))
    assert_same_reach(net, s, limit)
    # nearest of 20 sources against networkx's multi-source Dijkstra over the whole network
    d, _ = routing.nearest(net, s, limit)
    ref = nx_nearest(net, s, limit)
    both = np.isfinite(d) & np.isfinite(ref)
    # the same reached set, except possibly nodes within a hair of the limit
    differ = np.isfinite(d) != np.isfinite(ref)
    assert (np.abs(np.where(np.isfinite(d), d, ref)[differ] - limit) < 1e-6).all()
    assert both.sum() > 2000
    np.testing.assert_allclose(d[both], ref[both], rtol=0, atol=1e-6)


def slow_min_entries(rows, cols, vals, shape) -> sparse.csr_matrix:
    """Minimum of duplicate entries by sorting every entry (the replaced implementation)."""
    order = np.lexsort((vals, cols, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, vals = rows[first], cols[first], vals[first]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=shape[0]))])
    return sparse.csr_matrix((vals, cols.astype(np.int32), indptr), shape=shape)


def slow_point_times(
    net: WalkNetwork, r: routing.Reach, tg: routing.Snapped, limit: float
) -> sparse.csr_matrix:
    """Source × target times by sorting: every (source, reached node) × every exit of that node,
    plus the same-segment walks, those within the limit, then the fastest of each pair. Offsets
    rounded as point_times stores them (in its incidence matrix, off + 1, then − 1)."""
    tgt, node, off = routing._exit_offsets(net, tg)
    si, tj, tt = routing.same_edge_pairs(net, r.sources, tg)
    t = r.times.tocoo()
    order = np.argsort(node, kind="stable")
    node, tgt, off = node[order], tgt[order], (off[order] + 1.0) - 1.0
    lo = np.searchsorted(node, t.col, "left")
    pos, own = ranges(lo, np.searchsorted(node, t.col, "right") - lo)
    rows = np.concatenate([t.row[own], si])
    cols = np.concatenate([tgt[pos], tj])
    vals = np.concatenate([t.data[own] + off[pos], tt])
    keep = vals <= limit + 1e-9
    return slow_min_entries(rows[keep], cols[keep], vals[keep], (len(r.sources), len(tg)))


def test_point_times_equal_sorting_on_hand_grids(hand, grid_net, monkeypatch):
    net = grid_net
    rng = np.random.default_rng(2)
    src = routing.snap(net, hand.pts(rng.uniform(-20, 220, (15, 2)).tolist() + [(100, 100)]))
    tg = routing.snap(net, hand.pts(rng.uniform(-20, 220, (40, 2)).tolist() + [(0, 0), (50, 0)]))
    for block in (1 << 22, 100, 1):  # one block; 2 sources a block; one source
        monkeypatch.setattr(routing, "_BLOCK_CELLS", block)
        for limit in (0.5, 60.0, 150.0, 1000.0):
            r = routing.reach(net, src, limit)
            got = routing.point_times(net, r, tg)
            assert_same_csr(got, slow_point_times(net, r, tg, limit))
    assert got.nnz > 300
    none = routing.snap(net, hand.pts([]))
    got = routing.point_times(net, routing.reach(net, src, 100.0), none)
    assert got.shape == (len(src), 0) and got.nnz == 0


@pytest.mark.realdata
def test_wuhan_point_times_equal_sorting(wuhan_net, wuhan_sample):
    net, r, limit = wuhan_net, wuhan_sample.reach, wuhan_sample.limit_s
    # random targets within ±600 m of the sources, and on the sources' own segments (at both
    # ends, and just beside each source): same-segment walks and exits at a node
    rng = np.random.default_rng(11)
    s = wuhan_sample.snapped
    xy = shapely.get_coordinates(wuhan_sample.points.values)
    around = shapely.points(xy[rng.integers(0, len(xy), 2000)] + rng.uniform(-600, 600, (2000, 2)))
    lines = net.edges.geometry.values[s.edge[s.ok]]
    on = [shapely.line_interpolate_point(lines, f, normalized=True) for f in (0, 0.1, 0.9, 1)]
    beside = np.clip(s.frac[s.ok] + 0.05, 0, 1)
    on.append(shapely.line_interpolate_point(lines, beside, normalized=True))
    tg = routing.snap(net, np.concatenate([around, *on]))
    ref = slow_point_times(net, r, tg, limit)
    assert ref.nnz > 1000
    assert_same_csr(routing.point_times(net, r, tg), ref)
    r2 = routing.reach(net, s, 2.0)  # sources reaching little more than their own segment
    assert_same_csr(routing.point_times(net, r2, tg), slow_point_times(net, r2, tg, 2.0))


@pytest.mark.realdata
def test_wuhan_point_times_blocks_equal_one_block(monkeypatch, wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    rng = np.random.default_rng(11)
    src_xy = shapely.get_coordinates(wuhan_sample.points.values)
    xy = src_xy[rng.integers(0, len(src_xy), 2000)] + rng.uniform(-900, 900, (2000, 2))
    tg = routing.snap(net, shapely.points(xy))
    whole = routing.point_times(net, r, tg)
    monkeypatch.setattr(routing, "_BLOCK_CELLS", 3 * len(tg) + 5)  # blocks of 3 sources
    assert whole.nnz > 500
    assert_same_csr(routing.point_times(net, r, tg), whole)
    # The node-level path (a Reach made from node times only) in chunks of a few sources each
    monkeypatch.setattr(routing, "_CHUNK_REACHED", 700)
    node_level = routing.Reach(r.times, r.limit_s, r.sources)
    assert_same_csr(routing.point_times(net, node_level, tg), whole)


def test_reach_with_an_arc_faster_than_the_crow_flies(hand):
    # a 5 × 5 grid (100 m blocks) whose edge 0 → 1 takes 1 s instead of 100 s: the box reach
    # routes in must grow with that arc's 100 m/s, not with the 1 m/s walking speed
    net = hand.net(hand.grid(5))
    row = hand.edge(net, 0, 1)
    net.edges.loc[row, "time_s"] = 1.0
    for cached in ("csr", "arcs"):
        net.__dict__.pop(cached, None)
    assert boxes.arc_bound(net) == pytest.approx(100.0)
    s = routing.snap(net, hand.pts([(0, -5), (400, 400), (10, 0)]))
    r = assert_same_reach(net, s, 150.0)
    # from (0, -5): 5 s to node 0, 1 s on to node 1, then 100 s up to node 6 (id 1 + 5)
    assert times_by_id(net, r, 0)[6] == pytest.approx(106.0)


@pytest.mark.realdata
def test_wuhan_reach_of_many_close_sources_equals_slow_path(wuhan_net):
    # 300 sources within 3 km of one another: groups of more than CHUNK sources, shared boxes
    net = wuhan_net
    rng = np.random.default_rng(5)
    c = rng.choice(net.n_nodes)
    xy = np.c_[net.x[c], net.y[c]] + rng.uniform(-1500, 1500, (300, 2))
    s = routing.snap(net, shapely.points(xy))
    assert s.ok.sum() > 250
    r = assert_same_reach(net, s, 600.0)
    assert r.times.nnz > 300 * 50


@pytest.mark.realdata
def test_box_nodes_and_rows_equal_a_scan_of_every_node(wuhan_net):
    """The box of a group's reach: the x-sorted slice gives the nodes a full scan gives."""
    net = wuhan_net
    rng = np.random.default_rng(3)
    every = np.arange(net.n_nodes)  # positions in it are node ids
    for _ in range(20):
        cx, cy = rng.uniform(net.x.min(), net.x.max()), rng.uniform(net.y.min(), net.y.max())
        w, h = rng.uniform(0, 3000, 2)
        box = (cx - w, cx + w, cy - h, cy + h)
        scan = np.flatnonzero(
            (net.x >= box[0]) & (net.x <= box[1]) & (net.y >= box[2]) & (net.y <= box[3])
        )
        nodes = boxes.in_box(net, every, box)
        assert np.array_equal(nodes, scan)
        # the rows of those nodes in CSR order: exactly the arcs whose tail is in the box
        tail = np.repeat(np.arange(net.n_nodes), np.diff(net.csr.indptr))
        indptr = net.csr.indptr
        rows = ranges(indptr[nodes], indptr[nodes + 1] - indptr[nodes])[0]
        assert np.array_equal(rows, np.flatnonzero(np.isin(tail, nodes)))


def test_point_times_without_a_limit_store_only_reached_targets(hand):
    # Triangle with a one-way footway 0→1 and a lone street 3–4 (kept: component "all").
    # From 30 m along the footway, 10 m along it (behind) is 70 + 100 + 100 + 10 = 280 s away;
    # a target on the lone street is never reached, an unsnapped one (1 km off) neither.
    h = 50 * math.sqrt(3)
    lines = [
        (0, 1, [(0, 0), (100, 0)], "footway", "yes"),
        (1, 2, [(100, 0), (50, h)], "residential", None),
        (2, 0, [(50, h), (0, 0)], "residential", None),
        (3, 4, [(500, 0), (600, 0)], "residential", None),
    ]
    net = hand.net(lines, component="all")
    src = routing.snap(net, hand.pts([(30, 0)]), include_access=False)
    tgt = routing.snap(net, hand.pts([(10, 0), (550, 0), (0, 5000)]), include_access=False)
    r = routing.reach(net, src, np.inf)
    pt = routing.point_times(net, r, tgt)
    assert sorted(zip(*pt.nonzero(), strict=True)) == [(0, 0)]
    assert pt.nnz == 1 and pt[0, 0] == pytest.approx(280)
