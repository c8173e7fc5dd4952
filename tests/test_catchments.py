"""Catchment polygons: reached stretches of segments (whole and partial), their buffered union,
and the real Wuhan network (every reachable node lies inside its catchment).

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a walked distance in metres.

Buffers use ``quad_segs=4``: a round cap is drawn with 8 chords per half circle, so a buffered
straight line of length L and radius w has area 2 w L + 8 w² sin(π/8) (a 16-gon) instead of the
exact 2 w L + π w².
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from scipy import sparse

from coverage import catchments, routing

W = 50.0  # walk_off_m default
CAP_16GON = 8 * W**2 * math.sin(math.pi / 8)  # 16-gon "circle": 8 × 2500 × 0.382683 = 7653.67
CAP_CIRCLE = math.pi * W**2  # 7853.98


def stretches(net, edge, start, end) -> set[tuple[tuple[int, int], float, float]]:
    """Reached stretches as {((u, v), start, end)} with original node ids, rounded."""
    e = net.edges
    return {
        ((int(e["u"].iat[k]), int(e["v"].iat[k])), round(float(a), 6), round(float(b), 6))
        for k, a, b in zip(edge, start, end, strict=True)
    }


# --------------------------------------------------------------------------------------------
# A straight street: partial edge, area and extent by hand
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def line_net(hand):
    # 0 (x=0) —100 m— 1 (x=100) —200 m— 2 (x=300), all on y = 0
    return hand.net(
        [
            (0, 1, [(0, 0), (100, 0)], "residential"),
            (1, 2, [(100, 0), (300, 0)], "residential"),
        ]
    )


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


def test_straight_line_catchment_area_and_extent_exact(hand, line_net):
    net = line_net
    src = routing.snap(net, hand.pts([(0, 0)]))
    r = routing.reach(net, src, 150)
    c = catchments.catchments(net, r, bands_min=[2.5], method="exact")  # 2.5 min = 150 s
    assert len(c) == 1
    poly = c.geometry.iloc[0]
    # reached: x = 0 … 150 (100 m + a quarter of the 200 m edge); buffered by w = 50 m:
    #   exact area 2 × 50 × 150 + π × 50² = 15 000 + 7 853.98 = 22 853.98 m²
    #   drawn with 16-gon caps: 15 000 + 7 653.67 = 22 653.67 m²
    assert poly.area == pytest.approx(2 * W * 150 + CAP_16GON, abs=1.0)
    assert poly.area == pytest.approx(2 * W * 150 + CAP_CIRCLE, rel=0.01)
    # extent: x from −50 to 150 + 50 = 200, y from −50 to 50
    minx, miny, maxx, maxy = poly.bounds
    assert (minx - hand.x0, miny - hand.y0, maxx - hand.x0, maxy - hand.y0) == pytest.approx(
        (-50, -50, 200, 50), abs=1e-6
    )
    assert c["area_km2"].iloc[0] == pytest.approx(poly.area / 1e6)
    assert c["source"].iloc[0] == 0 and c["band_min"].iloc[0] == 2.5
    assert c.crs == net.edges.crs


def test_straight_line_catchment_area_and_extent_grid(hand, line_net):
    net = line_net
    src = routing.snap(net, hand.pts([(0, 0)]))
    r = routing.reach(net, src, 150)
    c = catchments.catchments(net, r, bands_min=[2.5])  # default: grid, 20 m cells
    assert len(c) == 1 and c["source"].iloc[0] == 0 and c.crs == net.edges.crs
    poly = c.geometry.iloc[0]
    # The grid is aligned with the hand origin (multiples of 20 m), so the extremes lie on grid
    # rows and columns, where the distance grows linearly between grid points and the traced
    # crossing is exact: x = −50 (between −40 and −60), x = 200 (a grid point), y = ±50.
    minx, miny, maxx, maxy = poly.bounds
    assert (minx - hand.x0, miny - hand.y0, maxx - hand.x0, maxy - hand.y0) == pytest.approx(
        (-50, -50, 200, 50), abs=1e-6
    )
    # Along the straight sides the distance is linear too (exact); the round caps are traced
    # by chords with vertices on or inside the circle (linear interpolation of a convex distance
    # overestimates it), so the outline lies inside the true buffer 2 × 50 × 150 + π × 50² =
    # 22 853.98 m². With cells of 0.4 × the walk-off, the chords of the two half-circle caps
    # enclose 96.7 % of the circle (7 591 m²); we require at least 96 %.
    true = shapely.buffer(shapely.LineString([(0, 0), (150, 0)]), W, quad_segs=256)
    true = shapely.affinity.translate(true, hand.x0, hand.y0)
    assert true.buffer(0.01).covers(poly)
    assert 2 * W * 150 + 0.96 * CAP_CIRCLE <= poly.area <= 2 * W * 150 + CAP_CIRCLE
    assert c["area_km2"].iloc[0] == pytest.approx(poly.area / 1e6)


@pytest.mark.parametrize("method", ["exact", "grid"])
def test_catchment_with_access_walk_and_other_walk_off(hand, line_net, method):
    net = line_net
    # 10 m off the street at x = 50: access 10 s; 150 s limit leaves 140 s along the street:
    # x = 50 − 140 → clipped at 0 (node 0 is a dead end) … 50 + 140 = 190
    src = routing.snap(net, hand.pts([(50, 10)]))
    r = routing.reach(net, src, 150)
    c = catchments.catchments(net, r, bands_min=[2.5], walk_off_m=20, simplify_m=0, method=method)
    poly = c.geometry.iloc[0]
    minx, _, maxx, _ = poly.bounds
    # grid: default cell 0.4 × 20 = 8 m, aligned with the origin: −20 and 210 are crossings
    # on the y = 0 grid row, exact
    assert (minx - hand.x0, maxx - hand.x0) == pytest.approx((-20, 190 + 20), abs=1e-6)
    if method == "exact":
        # 2 × 20 × 190 + 16-gon of radius 20 (8 × 400 × sin(π/8) = 1224.59) = 8824.59 m²
        assert poly.area == pytest.approx(2 * 20 * 190 + 8 * 20**2 * math.sin(math.pi / 8), abs=0.5)
    else:
        # inside the true buffer 2 × 20 × 190 + π × 20², caps at least 96 % of the circle
        assert 2 * 20 * 190 + 0.96 * math.pi * 20**2 <= poly.area <= 2 * 20 * 190 + math.pi * 400


# --------------------------------------------------------------------------------------------
# The 3 × 3 grid: partial edges from one or both ends
# --------------------------------------------------------------------------------------------


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


def _as_list(net, src, edge, start, end):
    """Stretches as a sorted list of (source, (u, v), start, end): a source's own stretch may
    repeat one reached from a node, and both must be there."""
    return sorted(
        (int(s), *t) for s, t in zip(src, sorted_stretches(net, edge, start, end), strict=True)
    )


def sorted_stretches(net, edge, start, end):
    e = net.edges
    return [
        ((int(e["u"].iat[k]), int(e["v"].iat[k])), round(float(a), 6), round(float(b), 6))
        for k, a, b in zip(edge, start, end, strict=True)
    ]


def per_source_stretches(net, r, limit_s):
    """The reference: :func:`reached_segments` source by source (a plain loop)."""
    out = []
    for s in np.flatnonzero(r.sources.ok):
        nodes, times = r.node_times(int(s))
        got = catchments.reached_segments(
            net, nodes, times, limit_s, int(r.sources.edge[s]), float(r.sources.frac[s]),
            float(r.sources.access_s[s]),
        )  # fmt: skip
        out += _as_list(net, np.full(len(got[0]), s), *got)
    return sorted(out)


def test_reached_stretches_of_all_sources_equal_the_per_source_loop(hand):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (500, 5000), (200, 160), (100, 100), (0, 150)]))
    r = routing.reach(net, src, 200)
    for limit in (40, 120, 200):
        got = catchments.reached_stretches(net, r, limit)
        assert np.all(np.diff(got[0]) >= 0)  # sorted by source
        assert 1 not in got[0]  # the unsnapped source reaches nothing
        assert _as_list(net, *got) == per_source_stretches(net, r, limit)


def _check_grid_outline(poly, lines, walk_off, cell, nodes_xy=None):
    """The grid outline against the exact distance to the reached lines.

    Distances to the lines are exact at grid points and 1-Lipschitz, so a crossing interpolated
    linearly on a grid edge of length ``cell`` is within ``cell / 2`` of the true level: every
    vertex is between ``walk_off − cell/2`` and ``walk_off + cell/2`` from the lines.
    """
    v = shapely.points(shapely.get_coordinates(poly.boundary))
    d = shapely.distance(lines, v)
    assert d.min() >= walk_off - cell / 2 - 1e-3 and d.max() <= walk_off + cell / 2 + 1e-3
    # the area is that of the exact buffer within 3 % at cells up to 0.4 × the walk-off
    # (measured ≤ 1.2 % on Wuhan at 20 m) and within 5 % at half of it (3.0 % measured)
    true = lines.buffer(walk_off, quad_segs=16)
    rel = 0.03 if cell <= 0.4 * walk_off else 0.05
    assert poly.symmetric_difference(true).area <= rel * true.area
    if nodes_xy is not None:  # reached nodes lie deep inside (measured ≥ 48 m on Wuhan)
        pts = shapely.points(nodes_xy)
        assert shapely.contains(poly, pts).all()
        assert shapely.distance(poly.boundary, pts).min() >= walk_off - cell / 2


@pytest.mark.parametrize("cell", [None, 10.0, 25.0])
def test_grid_outline_follows_the_exact_distance_on_the_hand_grid(hand, cell):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (200, 160), (100, 100)]))
    r = routing.reach(net, src, 200)
    c = catchments.catchments(net, r, bands_min=[1, 2, 10 / 3], cell_m=cell)
    inc = catchments._incidence(net)
    for band in (1, 2, 10 / 3):
        s_all, e_all, a_all, b_all = catchments.reached_stretches(net, r, band * 60, inc)
        for s in range(3):
            poly = c[(c["source"] == s) & (c["band_min"] == band)].geometry.iloc[0]
            m = s_all == s
            lines = shapely.union_all(
                catchments.segment_geometries(net, e_all[m], a_all[m], b_all[m])
            )
            nodes, times = r.node_times(s)
            inside = nodes[times <= band * 60]
            _check_grid_outline(
                poly, lines, W, cell or 0.4 * W, np.c_[net.x[inside], net.y[inside]]
            )


def test_catchment_argument_errors(hand, line_net):
    src = routing.snap(line_net, hand.pts([(0, 0)]))
    r = routing.reach(line_net, src, 150)
    with pytest.raises(ValueError, match="walk_off_m must be positive"):
        catchments.catchments(line_net, r, bands_min=[2], walk_off_m=0)
    with pytest.raises(ValueError, match=r"cell_m must be in \(0, walk_off_m / 2 = 25.0\]"):
        catchments.catchments(line_net, r, bands_min=[2], cell_m=30)
    with pytest.raises(ValueError, match="cell_m must be in"):
        catchments.catchments(line_net, r, bands_min=[2], cell_m=0)
    with pytest.raises(ValueError, match="unknown method 'fast'"):
        catchments.catchments(line_net, r, bands_min=[2], method="fast")
    # the cell does not matter for the exact method
    assert len(catchments.catchments(line_net, r, bands_min=[2], method="exact", cell_m=30)) == 1


# --------------------------------------------------------------------------------------------
# catchments(): bands, rows, errors, union
# --------------------------------------------------------------------------------------------


def test_catchments_rows_bands_and_nesting(hand):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (500, 5000), (200, 160)]))  # 2nd: unsnapped
    r = routing.reach(net, src, 180)
    c = catchments.catchments(net, r, bands_min=[3, 1, 2])
    # one row per snapped source and band, bands in increasing order; unsnapped source 1: none
    assert list(zip(c["source"], c["band_min"], strict=True)) == [
        (0, 1.0),
        (0, 2.0),
        (0, 3.0),
        (2, 1.0),
        (2, 2.0),
        (2, 3.0),
    ]
    np.testing.assert_allclose(c["area_km2"], c.area / 1e6)
    for s in (0, 2):
        polys = c[c["source"] == s].geometry.to_list()
        for small, big in zip(polys, polys[1:], strict=False):
            assert big.buffer(4.01).covers(small)  # nested up to simplification (2 × 2 m)
            assert big.area > small.area
    with pytest.raises(ValueError, match="exceeds the routing limit"):
        catchments.catchments(net, r, bands_min=[5])


def test_union_by(hand):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (200, 160), (0, 200)]))
    r = routing.reach(net, src, 120)
    c = catchments.catchments(net, r, bands_min=[1, 2])
    u = catchments.union_by(c, ["centre", "point", "point"], name="tier")
    assert sorted(zip(u["tier"], u["band_min"], strict=True)) == [
        ("centre", 1.0),
        ("centre", 2.0),
        ("point", 1.0),
        ("point", 2.0),
    ]
    pts = u[(u["tier"] == "point") & (u["band_min"] == 2.0)].geometry.iloc[0]
    both = c[(c["source"] > 0) & (c["band_min"] == 2.0)].union_all()
    assert pts.symmetric_difference(both).area < 1e-6
    np.testing.assert_allclose(u["area_km2"], u.area / 1e6)


def test_group_catchments_trace_the_union_of_each_group(hand):
    net = hand.net(hand.grid())
    # sources 0 and 3 in group "a", 1 (unsnapped) alone in "c", 2 in "b"
    src = routing.snap(net, hand.pts([(30, -5), (500, 5000), (200, 160), (0, 200)]))
    r = routing.reach(net, src, 120)
    groups = ["a", "c", "b", "a"]
    g = catchments.group_catchments(net, r, groups, bands_min=[1, 2], name="tier")
    # one row per group with a snapped source and band; "c" has none
    assert list(zip(g["tier"], g["band_min"], strict=True)) == [
        ("a", 1.0),
        ("a", 2.0),
        ("b", 1.0),
        ("b", 2.0),
    ]
    np.testing.assert_allclose(g["area_km2"], g.area / 1e6)
    c = catchments.catchments(net, r, bands_min=[1, 2])
    inc = catchments._incidence(net)
    for (tier, band), poly in zip(
        zip(g["tier"], g["band_min"], strict=True), g.geometry, strict=True
    ):
        members = [i for i, x in enumerate(groups) if x == tier]
        # the traced minimum distance contains each member's own traced catchment …
        own = c[c["source"].isin(members) & (c["band_min"] == band)].geometry
        assert all(poly.buffer(1e-6).covers(p) for p in own)
        # … and follows the exact distance to all the group's reached stretches
        s_all, e_all, a_all, b_all = catchments.reached_stretches(net, r, band * 60, inc)
        m = np.isin(s_all, members)
        lines = shapely.union_all(catchments.segment_geometries(net, e_all[m], a_all[m], b_all[m]))
        _check_grid_outline(poly, lines, W, 0.4 * W)
    # the exact method is the union of the exact catchments
    x = catchments.group_catchments(net, r, groups, bands_min=[1, 2], name="tier", method="exact")
    u = catchments.union_by(catchments.catchments(net, r, [1, 2], method="exact"), groups, "tier")
    assert list(x["tier"]) == list(u["tier"]) == ["a", "a", "b", "b"]
    for p, q in zip(x.geometry, u.geometry, strict=True):
        assert p.symmetric_difference(q).area < 1e-6
    with pytest.raises(ValueError, match="groups has 3 values for 4 sources"):
        catchments.group_catchments(net, r, groups[:3], bands_min=[1])


def test_grid_table_is_reused_and_extended_without_changing_results(hand):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (200, 160)]))
    r = routing.reach(net, src, 200)
    one = routing.reach(net, routing.snap(net, hand.pts([(30, -5)])), 200)
    # a first call needing few segments, then one needing more: the table grows
    small = catchments.catchments(net, one, bands_min=[1])
    table = net._grid_table
    big = catchments.catchments(net, r, bands_min=[1, 3])
    assert (
        net._grid_table is not table and (net._grid_table._row >= 0).sum() > (table._row >= 0).sum()
    )
    table = net._grid_table
    again = catchments.catchments(net, r, bands_min=[1, 3])
    assert net._grid_table is table  # covered: reused
    # the same polygons whichever table drew them, and as from a fresh network
    fresh = hand.net(hand.grid())
    ref = catchments.catchments(fresh, routing.reach(fresh, src, 200), bands_min=[1, 3])
    for a, b, c in zip(big.geometry, again.geometry, ref.geometry, strict=True):
        assert a.equals_exact(b, 1e-9) and a.equals_exact(c, 1e-9)
    assert small.geometry.iloc[0].equals_exact(big.geometry.iloc[0], 1e-9)


def test_chunking_does_not_change_the_polygons(hand, monkeypatch):
    net = hand.net(hand.grid())
    pts = [(30, -5), (200, 160), (100, 100), (0, 150), (170, 40), (60, 210), (500, 5000)]
    r = routing.reach(net, routing.snap(net, hand.pts(pts)), 200)
    whole = catchments.catchments(net, r, bands_min=[1, 3])
    monkeypatch.setattr(catchments, "_CHUNK", 1)  # one chunk per source (default: 2 per CPU)
    chunked = catchments.catchments(net, r, bands_min=[1, 3])
    assert list(chunked["source"]) == list(whole["source"])
    for a, b in zip(whole.geometry, chunked.geometry, strict=True):
        assert a.equals_exact(b, 1e-9)


# --------------------------------------------------------------------------------------------
# The real Wuhan network
# --------------------------------------------------------------------------------------------


def _assert_facility_inside(net, snapped, i: int, band: float, poly) -> None:
    """The facility's position on its street lies in its catchment when it reaches the street
    within the band."""
    on_street = routing.snapped_points(net, snapped.take(np.array([i])))[0]
    if snapped.access_s[i] <= band * 60:
        assert poly.covers(on_street), (i, band)


@pytest.mark.realdata
def test_wuhan_exact_catchments_contain_reachable_nodes(wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    bands = (5.0, 10.0, 15.0)
    c = catchments.catchments(net, r, bands_min=bands, method="exact")
    assert len(c) == 3 * len(wuhan_sample.snapped)
    assert c.geometry.is_valid.all() and not c.geometry.is_empty.any()
    for (source, band), poly in zip(
        zip(c["source"], c["band_min"], strict=True), c.geometry, strict=True
    ):
        nodes, times = r.node_times(int(source))
        inside = nodes[times <= band * 60]
        pts = shapely.points(net.x[inside], net.y[inside])
        # every node reachable within the band is covered (tiny tolerance for float noise) …
        assert shapely.dwithin(poly, pts, 1e-6).all(), (source, band)
        # … and lies well inside: a reached node is on a reached street, so at least the walk-off
        # distance from the edge, less the 16-gon chord (50 × (1 − cos(π/16)) ≈ 0.96 m) and the
        # 2 m simplification tolerance: ≥ 47 m
        assert shapely.distance(poly.boundary, pts).min() >= 47.0, (source, band)
        # the snapped facility itself is inside too
        _assert_facility_inside(net, wuhan_sample.snapped, int(source), band, poly)
    # bands are nested, up to the simplification: each boundary moves ≤ 2 m, so a smaller band
    # lies within the next one grown by 2 + 2 m
    for s in np.unique(c["source"]):
        p = c[c["source"] == s].sort_values("band_min").geometry.to_list()
        assert p[1].buffer(4.01).covers(p[0]) and p[2].buffer(4.01).covers(p[1])


@pytest.mark.realdata
def test_wuhan_grid_catchments_follow_the_exact_distance(wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    bands = (5.0, 10.0, 15.0)
    c = catchments.catchments(net, r, bands_min=bands)  # grid, 20 m cells
    assert len(c) == 3 * len(wuhan_sample.snapped)
    assert c.geometry.is_valid.all() and not c.geometry.is_empty.any()
    inc = catchments._incidence(net)
    for band in bands:
        s_all, e_all, a_all, b_all = catchments.reached_stretches(net, r, band * 60, inc)
        for s in np.unique(c["source"]):
            poly = c[(c["source"] == s) & (c["band_min"] == band)].geometry.iloc[0]
            m = s_all == s
            lines = shapely.union_all(
                catchments.segment_geometries(net, e_all[m], a_all[m], b_all[m])
            )
            nodes, times = r.node_times(int(s))
            inside = nodes[times <= band * 60]
            _check_grid_outline(poly, lines, W, 0.4 * W, np.c_[net.x[inside], net.y[inside]])
            _assert_facility_inside(net, wuhan_sample.snapped, int(s), band, poly)
    # bands are nested: on the same grid a larger set of stretches gives a smaller distance at
    # every grid point (up to floating-point noise in the traced outline: measured < 1e-4 m²)
    for s in np.unique(c["source"]):
        p = c[c["source"] == s].sort_values("band_min").geometry.to_list()
        assert p[0].difference(p[1]).area < 0.01 and p[1].difference(p[2]).area < 0.01


@pytest.mark.realdata
def test_wuhan_reached_stretches_equal_the_per_source_loop(wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    for limit in (300.0, 900.0):
        got = catchments.reached_stretches(net, r, limit)
        assert _as_list(net, *got) == per_source_stretches(net, r, limit)
