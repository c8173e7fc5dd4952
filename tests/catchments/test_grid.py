"""The grid method: traced outlines against the exact distance, the shared distance table, and
chunked tracing.

Hand networks use 3.6 km/h = 1 m/s, so a time in seconds equals a walked distance in metres.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from coverage import catchments, routing
from coverage.catchments import grid
from coverage.catchments.stretches import _incidence

from .cases import CAP_CIRCLE, W, _assert_facility_inside, _check_grid_outline


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


@pytest.mark.parametrize("cell", [None, 10.0, 25.0])
def test_grid_outline_follows_the_exact_distance_on_the_hand_grid(hand, cell):
    net = hand.net(hand.grid())
    src = routing.snap(net, hand.pts([(30, -5), (200, 160), (100, 100)]))
    r = routing.reach(net, src, 200)
    c = catchments.catchments(net, r, bands_min=[1, 2, 10 / 3], cell_m=cell)
    inc = _incidence(net)
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
    monkeypatch.setattr(grid, "_CHUNK", 1)  # one chunk per source (default: 2 per CPU)
    chunked = catchments.catchments(net, r, bands_min=[1, 3])
    assert list(chunked["source"]) == list(whole["source"])
    for a, b in zip(whole.geometry, chunked.geometry, strict=True):
        assert a.equals_exact(b, 1e-9)


def test_grid_table_built_on_threads_equals_one_thread(hand, monkeypatch):
    net = hand.net(hand.grid())
    g = grid._Grid.around(net, 10.0, 60.0)
    edges = np.arange(0, net.n_edges, 2)
    one = grid._Table(net, g, edges)
    monkeypatch.setattr(grid, "_PIECES_PER_CHUNK", 3)  # chunks of 3 pieces on 3 threads
    monkeypatch.setattr(grid, "thread_count", lambda: 3)
    three = grid._Table(net, g, edges)
    for name in ("g", "along", "perp", "d", "_ptr", "_row", "_first", "_count", "_box"):
        assert np.array_equal(getattr(one, name), getattr(three, name)), name
    assert len(one.g) > 0


@pytest.mark.realdata
def test_wuhan_grid_catchments_follow_the_exact_distance(wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    bands = (5.0, 10.0, 15.0)
    c = catchments.catchments(net, r, bands_min=bands)  # grid, 20 m cells
    assert len(c) == 3 * len(wuhan_sample.snapped)
    assert c.geometry.is_valid.all() and not c.geometry.is_empty.any()
    inc = _incidence(net)
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


def test_tile_of_points_equals_a_label_array():
    # the slow path it replaces: a canvas-sized array labelled with each packed tile
    rng = np.random.default_rng(3)
    w, h = rng.integers(1, 40, 200), rng.integers(1, 40, 200)
    tx, ty, height = grid._pack(w, h, 120)
    label = np.full((height, 120), -1)
    for t in range(len(w)):
        label[ty[t] : ty[t] + h[t], tx[t] : tx[t] + w[t]] = t
    j, i = np.nonzero(label >= 0)
    xy = np.c_[i + rng.random(len(i)) * 0.999, j + rng.random(len(j)) * 0.999]
    assert (grid._tile_of(xy, tx, ty, 120) == label[j, i]).all()


def test_shared_mesh_rows_are_the_meshgrid_of_that_height():
    """The mesh shared by tracings gives, for any height, what np.meshgrid would."""
    from coverage.catchments.grid import _Mesh

    mesh = _Mesh(4)
    for h in (3, 7, 2, 7):  # grows, then serves shorter ones from the taller mesh
        x, y = mesh.rows(h)
        ex, ey = np.meshgrid(np.arange(4.0), np.arange(float(h)))
        assert x.shape == (h, 4) and np.array_equal(x, ex) and np.array_equal(y, ey)
        assert x.flags.c_contiguous and y.flags.c_contiguous


def test_thread_pools_keep_to_a_parallel_runners_cap(hand, monkeypatch):
    # A dask worker has OMP_NUM_THREADS=1: two workers on two cores must not run 2 × 2 threads.
    sizes = []

    class Pool(grid.ThreadPoolExecutor):
        def __init__(self, max_workers=None):
            sizes.append(max_workers)
            super().__init__(max_workers)

    monkeypatch.setattr(grid, "ThreadPoolExecutor", Pool)
    monkeypatch.setattr(grid, "_PIECES_PER_CHUNK", 3)  # the table's pieces on a pool too
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    net = hand.net(hand.grid())
    r = routing.reach(net, routing.snap(net, hand.pts([(30, -5), (200, 160)])), 200)
    catchments.catchments(net, r, bands_min=[1, 3])
    assert len(sizes) == 2 and set(sizes) == {1}
