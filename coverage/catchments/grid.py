"""The grid method: catchment outlines traced on the distance to the reached stretches.

The distance from grid points (spacing ``cell``) to the nearest reached stretch is traced at the
walk-off distance by marching squares (contourpy). Distances at grid points are exact and change
by at most a cell between neighbours, so every outline vertex is within half a cell of the exact
walk-off line. Distances from each street segment to its grid points are computed once per
network (:class:`_Table`) and shared by every source that reaches the segment (a source that
reaches a whole cluster of nearby segments takes the cluster's least distances instead, see
:mod:`coverage.catchments.clusters`), and all sources of a band are traced in one contourpy call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt
import shapely
from contourpy import FillType, contour_generator

from coverage._arrays import ranges
from coverage._threads import thread_count
from coverage.catchments.clusters import Clusters
from coverage.catchments.stretches import _whole
from coverage.network import WalkNetwork

if TYPE_CHECKING:
    from contourpy._contourpy import FillReturn_ChunkCombinedOffsetOffset

__all__: list[str] = []

_FAR = 1e9  # field value of grid points no reached stretch is near
_CHUNK = 64  # most sources traced together (their distance entries are held at once)
_PIECES_PER_CHUNK = 4_000  # pieces of the grid table built at once (on threads)


class _Mesh:
    """Canvas coordinates (column, row) as 2-D arrays, made once and shared by every tracing.

    contourpy needs x and y as large as the field; given 1-D ones it builds them with
    ``np.meshgrid`` on every call, a sixth of the tracing time for thousands of sources. The
    first ``h`` rows of a taller mesh are the mesh of ``h`` rows (and C-contiguous: no copy).
    """

    def __init__(self, width: int) -> None:
        self.width = width
        self._xy = np.zeros((2, 0, width))
        self._lock = threading.Lock()

    def rows(self, height: int) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the first ``height`` canvas rows."""
        with self._lock:
            if self._xy.shape[1] < height:
                x, y = np.meshgrid(
                    np.arange(self.width, dtype=float), np.arange(height, dtype=float)
                )
                self._xy = np.stack([x, y])
            xy = self._xy
        return xy[0, :height], xy[1, :height]


@dataclass(frozen=True)
class _Grid:
    """Grid points ``(x0 + i·cell, y0 + j·cell)``, ``0 ≤ i < ni``, ``0 ≤ j < nj``.

    They cover the network with a margin; distances are kept up to ``reach``.
    """

    x0: float
    y0: float
    cell: float
    reach: float
    ni: int
    nj: int

    @classmethod
    def around(cls, net: WalkNetwork, cell: float, reach: float) -> _Grid:
        _, x0, y0, x1, y1, *_ = _pieces(net)
        xs, ys = np.concatenate([x0, x1, net.x]), np.concatenate([y0, y1, net.y])
        pad = reach + 2 * cell
        gx = float(np.floor((xs.min() - pad) / cell) * cell)
        gy = float(np.floor((ys.min() - pad) / cell) * cell)
        ni = int(np.ceil((xs.max() + pad - gx) / cell)) + 1
        nj = int(np.ceil((ys.max() + pad - gy) / cell)) + 1
        return cls(gx, gy, cell, reach, ni, nj)


def _pieces(net: WalkNetwork) -> tuple[np.ndarray, ...]:
    """Straight pieces of every segment: (indptr by edge, x0, y0, x1, y1, m0, length, total).

    ``m0`` is where a piece starts, in metres along its segment, and ``total`` the segment's
    drawn length, so a stretch ``[start, end]`` (fractions) clips each piece in metres.
    """
    cached: tuple[np.ndarray, ...] | None = getattr(net, "_pieces", None)
    if cached is not None:
        return cached
    xy, idx = shapely.get_coordinates(net.edges.geometry.values, return_index=True)
    j = np.flatnonzero(idx[1:] == idx[:-1])
    edge = idx[j]
    x0, y0, x1, y1 = xy[j, 0], xy[j, 1], xy[j + 1, 0], xy[j + 1, 1]
    ln = np.hypot(x1 - x0, y1 - y0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(edge, minlength=net.n_edges))])
    m0 = np.cumsum(ln) - ln
    m0 -= m0[indptr[edge]]
    total = np.bincount(edge, weights=ln, minlength=net.n_edges)
    out = (indptr, x0, y0, x1, y1, m0, ln, total)
    net._pieces = out  # type: ignore[attr-defined]
    return out


class _Table:
    """Grid points near the pieces of some segments, computed once and shared by all sources.

    Each entry keeps the point (``g``, its position in the grid, row-major) and its position
    relative to its piece — ``along`` (metres from the piece start, projected, unclipped) and
    ``perp`` (distance to the piece's line) — so the distance to any stretch of the piece is
    ``hypot(perp, max(lo - along, 0, along - hi))`` without touching geometry again.
    """

    def __init__(self, net: WalkNetwork, grid: _Grid, edges: np.ndarray) -> None:
        self.net, self.grid = net, grid
        self.mesh = _Mesh(grid.ni)
        indptr = _pieces(net)[0]
        edges = np.unique(edges)
        piece = ranges(indptr[edges], indptr[edges + 1] - indptr[edges])[0]
        # pieces in small contiguous chunks on threads (numpy releases the GIL; a chunk's
        # temporaries are reused from the heap, not fresh pages), concatenated in order
        n = max(1, len(piece) // _PIECES_PER_CHUNK)
        if n == 1:
            parts = [_near(net, grid, piece)]
        else:
            with ThreadPoolExecutor(max_workers=thread_count()) as pool:
                parts = list(pool.map(lambda c: _near(net, grid, c), np.array_split(piece, n)))
        per_piece, self.g, self.along, self.perp, self.d, i0, i1, j0, j1 = (
            np.concatenate([p[i] for p in parts]) for i in range(9)
        )
        # entries are grouped by piece and pieces by edge: one contiguous range for each
        self._ptr = np.concatenate([[0], np.cumsum(per_piece)])
        row = np.full(net.n_edges, -1, dtype=np.int64)
        row[edges] = np.arange(len(edges))
        self._row = row
        self._first = np.searchsorted(piece, indptr[edges])  # by row: first table piece
        self._count = indptr[edges + 1] - indptr[edges]
        # by row: the box of grid points every stretch of the edge can touch
        self._box = np.stack(
            [np.minimum.reduceat(i0, self._first), np.maximum.reduceat(i1, self._first),
             np.minimum.reduceat(j0, self._first), np.maximum.reduceat(j1, self._first)],
            axis=1,
        ) if len(edges) else np.zeros((0, 4), np.int64)  # fmt: skip
        lo = self._ptr[self._first]
        self.clusters = Clusters(
            self._box, lo, self._ptr[self._first + self._count], self.g, self.d, grid.ni
        )

    def whole(
        self, src: np.ndarray, edges: np.ndarray, offset: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Canvas cells and distances near whole segments, in parts: [(cell, distance), …].

        A grid point ``g`` of source ``s`` is canvas cell ``g + offset[s]``. Segments in a
        cluster their source reaches whole come as the cluster's entries (the least distance at
        each of its grid points), in the first part; the others as their own.
        """
        row = self._row[edges]
        full, pair_src, pair_cl = self.clusters.split(src, row)
        c = self.clusters
        lo, hi = c.ptr[pair_cl], c.ptr[pair_cl + 1]
        pos = ranges(lo, hi - lo)[0]
        parts = [(c.g[pos] + np.repeat(offset[pair_src], hi - lo), c.d[pos])]
        rest = np.flatnonzero(~full)
        row = row[rest]
        lo = self._ptr[self._first[row]]
        hi = self._ptr[self._first[row] + self._count[row]]
        pos = ranges(lo, hi - lo)[0]
        parts.append((self.g[pos] + np.repeat(offset[src[rest]], hi - lo), self.d[pos]))
        return parts

    def partial(
        self, edge: np.ndarray, start: np.ndarray, end: np.ndarray, offset: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Canvas cells and distances near stretches (``offset``: per stretch)."""
        indptr, *_, m0, ln, total = _pieces(self.net)
        row = self._row[edge]
        tp, k = ranges(self._first[row], self._count[row])  # table piece, stretch
        gp = indptr[edge][k] + tp - self._first[row][k]  # the same piece in _pieces
        lo = start[k] * total[edge][k] - m0[gp]
        hi = end[k] * total[edge][k] - m0[gp]
        keep = (hi >= 0) & (lo <= ln[gp])
        tp, k = tp[keep], k[keep]
        lo, hi = np.maximum(lo[keep], 0), np.minimum(hi[keep], ln[gp][keep])
        n = self._ptr[tp + 1] - self._ptr[tp]
        pos = ranges(self._ptr[tp], n)[0]
        a = self.along[pos]
        d = np.hypot(
            self.perp[pos], np.maximum(np.maximum(np.repeat(lo, n) - a, 0), a - np.repeat(hi, n))
        )
        return self.g[pos] + np.repeat(offset[k], n), d.astype(np.float32)

    def boxes(self, owner: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, ...]:
        """Grid box (i0, i1, j0, j1), around each owner's segments.

        Inclusive, with one point of margin; ``owner`` sorted. Returns the owners and their boxes.
        """
        b = self._box[self._row[edges]]
        first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        return (
            owner[first],
            np.minimum.reduceat(b[:, 0], first) - 1,
            np.maximum.reduceat(b[:, 1], first) + 1,
            np.minimum.reduceat(b[:, 2], first) - 1,
            np.maximum.reduceat(b[:, 3], first) + 1,
        )


def _near(net: WalkNetwork, grid: _Grid, piece: np.ndarray) -> tuple[np.ndarray, ...]:
    """Grid points within reach of each piece, then each piece's box of grid points.

    Returns the number of entries of each piece, then (g, along, perp, distance) per entry and
    (i0, i1, j0, j1) per piece.
    """
    _, x0, y0, x1, y1, _, ln, _ = _pieces(net)
    c, reach = grid.cell, grid.reach
    ax, ay, bx, by = x0[piece], y0[piece], x1[piece], y1[piece]
    i0 = np.ceil((np.minimum(ax, bx) - reach - grid.x0) / c).astype(np.int64)
    i1 = np.floor((np.maximum(ax, bx) + reach - grid.x0) / c).astype(np.int64)
    j0 = np.ceil((np.minimum(ay, by) - reach - grid.y0) / c).astype(np.int64)
    j1 = np.floor((np.maximum(ay, by) + reach - grid.y0) / c).astype(np.int64)
    w = i1 - i0 + 1
    pos, k = ranges(np.zeros(len(w), np.int64), w * (j1 - j0 + 1))
    dj = pos // w[k]
    i, j = i0[k] + pos - dj * w[k], j0[k] + dj
    px, py = grid.x0 + i * c - ax[k], grid.y0 + j * c - ay[k]
    length = ln[piece]
    safe = np.where(length > 0, length, 1.0)
    ux, uy = ((bx - ax) / safe)[k], ((by - ay) / safe)[k]  # zero for a zero-length piece
    along = px * ux + py * uy
    perp = np.where(length[k] > 0, np.abs(px * uy - py * ux), np.hypot(px, py))
    d = np.hypot(perp, np.maximum(np.maximum(-along, 0), along - length[k]))
    near = d <= reach
    # float32 halves the memory; distances are compared at centimetre scale
    f32 = np.float32
    return (
        np.bincount(k[near], minlength=len(piece)), j[near] * grid.ni + i[near],
        along[near].astype(f32), perp[near].astype(f32), d[near].astype(f32),
        i0, i1, j0, j1,
    )  # fmt: skip


def _table(net: WalkNetwork, grid: _Grid, edges: np.ndarray) -> _Table:
    """The table for ``edges`` on ``grid``.

    Kept on the network and reused by later calls that need no other segment (e.g. the tier unions
    after the facility catchments).
    """
    need = np.zeros(net.n_edges, dtype=bool)
    need[edges] = True  # flags, not np.unique: the stretches of thousands of sources are many
    cached: _Table | None = getattr(net, "_grid_table", None)
    if cached is not None and cached.grid == grid:
        have = cached._row >= 0
        if not (need & ~have).any():
            return cached
        need |= have
    table = _Table(net, grid, np.flatnonzero(need))
    net._grid_table = table  # type: ignore[attr-defined]
    return table


def _pack(w: np.ndarray, h: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Shelf-pack rectangles ``w × h`` (each at most ``width`` wide) into a canvas ``width`` wide.

    Returns (x, y) of each and the canvas height.
    """
    x, y = np.zeros(len(w), np.int64), np.zeros(len(w), np.int64)
    cx = cy = shelf = 0
    for k in np.argsort(-h, kind="stable"):
        if cx + w[k] > width:
            cx, cy, shelf = 0, cy + shelf, 0
        x[k], y[k] = cx, cy
        cx, shelf = cx + int(w[k]), max(shelf, int(h[k]))
    return x, y, cy + shelf


def _tile_of(xy: np.ndarray, tx: np.ndarray, ty: np.ndarray, width: int) -> np.ndarray:
    """The packed tile (by :func:`_pack`) that holds each canvas point.

    Tiles on one shelf share their ``ty`` and are laid left to right, so a point's tile is the
    last one at or before it in (shelf, x) order; no canvas-sized label array is needed.
    """
    shelves = np.unique(ty)
    order = np.lexsort((tx, ty))
    key = np.searchsorted(shelves, ty[order]) * (width + 1) + tx[order]
    x, y = np.floor(xy[:, 0]).astype(np.int64), np.floor(xy[:, 1]).astype(np.int64)
    shelf = np.searchsorted(shelves, y, side="right") - 1
    tile: np.ndarray = order[np.searchsorted(key, shelf * (width + 1) + x, side="right") - 1]
    return tile


def _trace_band(
    table: _Table,
    src: np.ndarray,
    edge: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    sources: np.ndarray,
    level: float,
    mesh: _Mesh | None = None,
) -> list[shapely.Geometry]:
    """Traced polygons of every source for one band, with one contourpy call.

    Each source's distance field lives on its own tile (the grid box around its stretches,
    bordered by far points), and the tiles are packed side by side into one canvas as wide as
    the grid, so a grid point ``g`` of a tile is canvas cell ``g + offset``: tracing the canvas
    traces every source at once, and each polygon is moved back from its tile.
    """
    grid = table.grid
    out = {int(s): shapely.MultiPolygon() for s in sources}
    if len(src) == 0:
        return list(out.values())
    has, i0, i1, j0, j1 = table.boxes(src, edge)
    tx, ty, height = _pack(i1 - i0 + 1, j1 - j0 + 1, grid.ni)
    offset = np.zeros(int(src.max()) + 1, dtype=np.int64)
    offset[has] = (ty - j0) * grid.ni + (tx - i0)

    canvas = np.full(grid.ni * height, _FAR, dtype=np.float32)
    whole = _whole(start, end)
    for cell, d in table.whole(src[whole], edge[whole], offset):
        np.minimum.at(canvas, cell, d)
    part = np.flatnonzero(~whole)
    cell, d = table.partial(edge[part], start[part], end[part], offset[src[part]])
    np.minimum.at(canvas, cell, d)

    x, y = (mesh or _Mesh(grid.ni)).rows(height)
    # contourpy types filled() as the union over fill types; this one is chosen by fill_type
    chunk_pts, chunk_rings, chunk_polys = cast(
        "FillReturn_ChunkCombinedOffsetOffset",
        contour_generator(
            x=x,
            y=y,
            z=canvas.reshape(height, grid.ni),
            fill_type=FillType.ChunkCombinedOffsetOffset,
        ).filled(-1.0, level),
    )
    # one chunk, whose three arrays are all None when nothing is traced
    pts, ring_ofs, poly_ofs = chunk_pts[0], chunk_rings[0], chunk_polys[0]
    if pts is None or ring_ofs is None or poly_ofs is None:
        return list(out.values())
    # the tile of each polygon, from its first vertex (tiles never touch: far borders)
    first = pts[ring_ofs[poly_ofs[:-1]]]
    poly_tile = _tile_of(first, tx, ty, grid.ni)
    pt = np.repeat(np.repeat(poly_tile, np.diff(poly_ofs)), np.diff(ring_ofs))
    xy = np.c_[
        grid.x0 + (pts[:, 0] + (i0 - tx)[pt]) * grid.cell,
        grid.y0 + (pts[:, 1] + (j0 - ty)[pt]) * grid.cell,
    ]
    polys = shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy, (ring_ofs, poly_ofs))
    order = np.argsort(poly_tile, kind="stable")
    tiles, idx = np.unique(poly_tile[order], return_inverse=True)
    for t, mp in zip(tiles, shapely.multipolygons(polys[order], indices=idx), strict=True):
        out[int(has[t])] = mp
    return list(out.values())


def _grid_catchments(
    net: WalkNetwork,
    per_band: list[tuple[np.ndarray, ...]],
    sources: np.ndarray,
    walk_off_m: float,
    cell_m: float,
    on_done: Callable[[int, int], None] | None,
) -> list[shapely.Geometry]:
    """Grid-traced polygons for every (band, source), band by band."""
    # A grid edge crossing the outline has one end nearer than walk_off and so (distances are
    # 1-Lipschitz) the other within walk_off + cell: farther points are never interpolated.
    grid = _Grid.around(net, cell_m, walk_off_m + cell_m)
    table = _table(net, grid, np.concatenate([p[1] for p in per_band]))
    # sources in contiguous chunks on a thread pool (numpy and contourpy release the GIL for
    # most of the work); at most _CHUNK sources each, so memory stays bounded for many sources
    n_chunks = max(2 * thread_count(), -(-len(sources) // _CHUNK))
    n_chunks = min(len(sources), n_chunks) or 1
    chunks = np.array_split(np.asarray(sources), n_chunks)
    out: list[shapely.Geometry] = []
    mesh = table.mesh  # kept with the table: later calls reuse its rows
    with ThreadPoolExecutor(max_workers=thread_count()) as pool:
        for src, edge, start, end in per_band:
            cut = np.searchsorted(src, [c[0] if len(c) else 0 for c in chunks] + [np.inf])

            def trace(
                k: int,
                src: np.ndarray = src,
                edge: np.ndarray = edge,
                start: np.ndarray = start,
                end: np.ndarray = end,
                cut: npt.NDArray[np.intp] = cut,
            ) -> list[shapely.Geometry]:
                sl = slice(cut[k], cut[k + 1])
                return _trace_band(
                    table, src[sl], edge[sl], start[sl], end[sl], chunks[k], walk_off_m, mesh
                )

            for polys in pool.map(trace, range(n_chunks)):
                out.extend(polys)
            if on_done is not None:
                on_done(len(out), len(per_band) * len(sources))
    return out


def _regroup(
    of_source: np.ndarray, src: np.ndarray, edge: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Stretches relabelled by group and sorted by it; a whole segment is kept once per group."""
    g = of_source[src]
    whole = _whole(start, end)
    n = int(edge.max()) + 1 if len(edge) else 1
    w = np.unique(g[whole] * n + edge[whole])  # (group, edge) pairs, once each
    part = ~whole
    out = (
        np.concatenate([w // n, g[part]]),
        np.concatenate([w % n, edge[part]]),
        np.concatenate([np.zeros(len(w)), start[part]]),
        np.concatenate([np.ones(len(w)), end[part]]),
    )
    order = np.argsort(out[0], kind="stable")
    return tuple(x[order] for x in out)
