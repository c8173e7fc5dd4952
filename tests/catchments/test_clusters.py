"""Clusters of segments in the grid table: their least distances and the whole-cluster test
against brute force, and catchments drawn with them equal to those drawn segment by segment."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from coverage import catchments, routing
from coverage.catchments import clusters, grid
from coverage.catchments.stretches import _incidence, _whole


def no_clusters(self, src, rows):
    """The slow path: every whole stretch drawn from its own segment's entries."""
    return np.zeros(len(rows), dtype=bool), np.zeros(0, np.int64), np.zeros(0, np.int64)


def assert_same_polygons(a, b) -> None:
    assert list(a["source"]) == list(b["source"]) and list(a["band_min"]) == list(b["band_min"])
    assert (shapely.to_wkb(a.geometry.values) == shapely.to_wkb(b.geometry.values)).all()


def check_table(table: grid._Table) -> int:
    """Each cluster's entries are the least distance of its segments at each grid point."""
    c = table.clusters
    rows = np.flatnonzero(c.cluster >= 0)
    n_checked = 0
    for k in np.unique(c.cluster[rows]):
        mine = rows[c.cluster[rows] == k]
        assert len(mine) <= 64
        # bits: one per segment, and the mask is all of them
        assert np.bitwise_or.reduce(c.bit[mine]) == c.mask[k]
        assert len(np.unique(c.bit[mine])) == len(mine)
        best: dict[int, float] = {}
        for row in mine:
            lo, hi = (
                table._ptr[table._first[row]],
                table._ptr[table._first[row] + table._count[row]],
            )
            for g, d in zip(table.g[lo:hi].tolist(), table.d[lo:hi].tolist(), strict=True):
                best[g] = min(best.get(g, np.inf), d)
        a, b = c.ptr[k], c.ptr[k + 1]
        assert dict(zip(c.g[a:b].tolist(), c.d[a:b].tolist(), strict=True)) == best
        n_checked += len(best)
    return n_checked


def test_split_equals_brute_force():
    rng = np.random.default_rng(4)
    box = np.zeros((300, 4), np.int64)
    box[:, 0] = rng.integers(0, 60, 300)
    box[:, 2] = rng.integers(0, 60, 300)
    box[:, 1] = box[:, 0] + rng.integers(0, 30, 300)  # some too large for a cluster
    box[:, 3] = box[:, 2] + rng.integers(0, 9, 300)
    lo = np.zeros(300, np.int64)
    c = clusters.Clusters(box, lo, lo, np.zeros(0, np.int64), np.zeros(0, np.float32), 100)
    assert (c.cluster >= 0).sum() > 100 and (c.cluster < 0).any()
    src = rng.integers(0, 5, 900)
    rows = rng.integers(0, 300, 900)  # repeats: a stretch listed twice counts once
    full, ps, pc = c.split(src, rows)
    for s in range(5):
        have = set(rows[src == s].tolist())
        for k in range(len(c.mask)):
            members = set(np.flatnonzero(c.cluster == k).tolist())
            whole = members <= have
            assert whole == bool(((ps == s) & (pc == k)).any())
            sel = (src == s) & (c.cluster[rows] == k)
            assert (full[sel] == whole).all()
    assert not full[c.cluster[rows] < 0].any() and len(ps) > 0


def test_big_cells_split_in_clusters_of_64(monkeypatch):
    box = np.zeros((150, 4), np.int64)  # all in one square
    lo = np.zeros(150, np.int64)
    c = clusters.Clusters(box, lo, lo, np.zeros(0, np.int64), np.zeros(0, np.float32), 10)
    assert np.bincount(c.cluster).tolist() == [64, 64, 22]
    assert c.mask.tolist() == [2**64 - 1, 2**64 - 1, 2**22 - 1]


def test_hand_grid_catchments_with_clusters_equal_without(hand, monkeypatch):
    net = hand.net(hand.grid(7))
    pts = [(30, -5), (200, 160), (100, 100), (0, 150), (170, 40), (560, 210), (5000, 5000)]
    r = routing.reach(net, routing.snap(net, hand.pts(pts)), 400)
    monkeypatch.setattr(clusters, "CLUSTER_CELLS", 15)  # 150 m squares: a few segments each
    fast = catchments.catchments(net, r, bands_min=[2, 4, 6], cell_m=10.0)
    assert check_table(net._grid_table) > 100
    assert (net._grid_table.clusters.cluster >= 0).sum() > 10
    groups = catchments.group_catchments(net, r, [0, 1, 0, 1, 0, 1, 0], bands_min=[6])
    monkeypatch.setattr(clusters.Clusters, "split", no_clusters)
    assert_same_polygons(fast, catchments.catchments(net, r, bands_min=[2, 4, 6], cell_m=10.0))
    slow = catchments.group_catchments(net, r, [0, 1, 0, 1, 0, 1, 0], bands_min=[6])
    assert (shapely.to_wkb(groups.geometry.values) == shapely.to_wkb(slow.geometry.values)).all()


@pytest.mark.realdata
def test_wuhan_catchments_with_clusters_equal_without(monkeypatch, wuhan_net, wuhan_sample):
    net, r = wuhan_net, wuhan_sample.reach
    fast = catchments.catchments(net, r, bands_min=[5, 10, 15])
    table = net._grid_table
    # most whole stretches of 15 minutes are drawn from clusters
    s, e, a, b = catchments.reached_stretches(net, r, 900.0, _incidence(net))
    w = _whole(a, b)
    full, _, pc = table.clusters.split(s[w], table._row[e[w]])
    assert full.mean() > 0.5 and len(pc) > 100
    monkeypatch.setattr(clusters.Clusters, "split", no_clusters)
    assert_same_polygons(fast, catchments.catchments(net, r, bands_min=[5, 10, 15]))


@pytest.mark.realdata
def test_wuhan_cluster_entries_are_least_distances(wuhan_net, wuhan_sample):
    net = wuhan_net
    catchments.catchments(net, wuhan_sample.reach, bands_min=[15])
    assert check_table(net._grid_table) > 10_000


@pytest.mark.realdata
def test_wuhan_clusters_made_in_chunks_equal_one_chunk(monkeypatch, wuhan_net, wuhan_sample):
    net = wuhan_net
    catchments.catchments(net, wuhan_sample.reach, bands_min=[15])
    t = net._grid_table
    lo, hi = t._ptr[t._first], t._ptr[t._first + t._count]
    one = clusters.Clusters(t._box, lo, hi, t.g, t.d, t.grid.ni)
    monkeypatch.setattr(clusters, "_ENTRIES_PER_CHUNK", 1000)  # hundreds of chunks, on threads
    many = clusters.Clusters(t._box, lo, hi, t.g, t.d, t.grid.ni)
    assert len(one.ptr) > 100 and one.ptr[-1] > 10 * 1000
    for name in ("cluster", "bit", "mask", "ptr", "g", "d"):
        a, b = getattr(one, name), getattr(many, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
