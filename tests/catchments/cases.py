"""Hand values and reference computations shared by the catchment tests.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a walked distance in metres.

Buffers use ``quad_segs=4``: a round cap is drawn with 8 chords per half circle, so a buffered
straight line of length L and radius w has area 2 w L + 8 w² sin(π/8) (a 16-gon) instead of the
exact 2 w L + π w².
"""

from __future__ import annotations

import math

import numpy as np
import shapely

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


def _assert_facility_inside(net, snapped, i: int, band: float, poly) -> None:
    """The facility's position on its street lies in its catchment when it reaches the street
    within the band."""
    on_street = routing.snapped_points(net, snapped.take(np.array([i])))[0]
    if snapped.access_s[i] <= band * 60:
        assert poly.covers(on_street), (i, band)
