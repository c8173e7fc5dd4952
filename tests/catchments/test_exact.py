"""The exact method: buffered reached stretches, by hand on a straight street and on Wuhan.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a walked distance in metres.

Buffers use ``quad_segs=4``: a round cap is drawn with 8 chords per half circle, so a buffered
straight line of length L and radius w has area 2 w L + 8 w² sin(π/8) (a 16-gon) instead of the
exact 2 w L + π w².
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from coverage import catchments, routing

from .cases import CAP_16GON, CAP_CIRCLE, W, _assert_facility_inside


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
