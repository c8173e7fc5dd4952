"""catchments(), group_catchments() and union_by(): bands, rows, argument errors, unions.

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

from coverage import catchments, routing
from coverage.catchments.stretches import _incidence

from .cases import W, _check_grid_outline


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


@pytest.mark.parametrize("bands", [[-5, 2], [float("nan")], [0]])
def test_a_band_of_no_minutes_is_named_not_drawn_empty(hand, line_net, bands):
    # Before, each such band came back as an empty polygon of 0 km² per facility.
    r = routing.reach(line_net, routing.snap(line_net, hand.pts([(0, 0)])), 150)
    with pytest.raises(ValueError, match=r"bands_min must be minutes > 0, not "):
        catchments.catchments(line_net, r, bands_min=bands)
    with pytest.raises(ValueError, match=r"walk_off_m must be positive, got nan"):
        catchments.catchments(line_net, r, bands_min=[2], walk_off_m=float("nan"))
    with pytest.raises(ValueError, match=r"limit_s must be a number of seconds >= 0, not -5"):
        routing.reach(line_net, r.sources, -5)
    with pytest.raises(ValueError, match=r"limit_s must be a number of seconds >= 0, not nan"):
        routing.nearest(line_net, r.sources, float("nan"))


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
    inc = _incidence(net)
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


def test_default_bands_and_walk_off_are_read_at_call_time(hand, line_net, monkeypatch):
    from coverage import settings

    src = routing.snap(line_net, hand.pts([(0, 0)]))
    r = routing.reach(line_net, src, 150)
    monkeypatch.setattr(settings, "bands_min", (1.0, 2.5))
    monkeypatch.setattr(settings, "walk_off_m", 20.0)
    c = catchments.catchments(line_net, r, method="exact", simplify_m=0)
    assert list(c["band_min"]) == [1.0, 2.5]
    # 2.5 min reach x = 0 … 150 (see the straight-line test), grown by 20 m: x = −20 … 170
    minx, _, maxx, _ = c.geometry.iloc[1].bounds
    assert (minx - hand.x0, maxx - hand.x0) == pytest.approx((-20, 170), abs=1e-6)
    g = catchments.group_catchments(line_net, r, ["a"], method="exact", simplify_m=0)
    assert list(g["band_min"]) == [1.0, 2.5]
    assert g.geometry.iloc[1].symmetric_difference(c.geometry.iloc[1]).area < 1e-6
