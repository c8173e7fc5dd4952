"""The exact method: shapely buffers of the reached stretches and their union (GEOS).

The reference the grid method is tested against; 10-20× slower.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from shapely import ops

from coverage._threads import thread_count
from coverage.network import WalkNetwork

__all__ = ["segment_geometries"]


def segment_geometries(
    net: WalkNetwork, edge: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Geometries of segment stretches; whole segments are reused, partial ones cut.

    Parameters
    ----------
    net
        The walking network.
    edge
        Segment rows, one per stretch.
    start
        Where each stretch starts along its segment (fraction of its length, 0 at ``u``).
    end
        Where each stretch ends (fraction, at most 1).

    Returns
    -------
    ndarray
        One line string per stretch, in the network CRS.
    """
    geoms = net.edges.geometry.values[edge].copy()
    partial = np.flatnonzero((start > 1e-9) | (end < 1 - 1e-9))
    for k in partial:
        geoms[k] = ops.substring(geoms[k], start[k], end[k], normalized=True)
    return np.asarray(geoms)


def _buffer_union(parts: np.ndarray, walk_off_m: float) -> shapely.Geometry:
    """Buffer and union segment stretches.

    Merging stretches into longer lines first (``line_merge``) leaves fewer, larger buffers to
    union, which measured 1.5× faster than buffering each segment on the Wuhan network.
    """
    is_line = shapely.get_type_id(parts) == 1
    lines = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(parts[is_line])))
    pieces = np.concatenate([lines, parts[~is_line]])  # degenerate stretches are points
    return shapely.union_all(shapely.buffer(pieces, walk_off_m, quad_segs=4))


def _exact_catchments(
    net: WalkNetwork,
    per_band: list[tuple[np.ndarray, ...]],
    sources: np.ndarray,
    walk_off_m: float,
    on_done: Callable[[int, int], None] | None,
) -> list[shapely.Geometry]:
    jobs: list[np.ndarray] = []
    n = int(sources.max()) + 2 if len(sources) else 1
    for src, edge, start, end in per_band:
        bounds = np.searchsorted(src, np.arange(n))
        for s in sources:
            sl = slice(bounds[s], bounds[s + 1])
            jobs.append(segment_geometries(net, edge[sl], start[sl], end[sl]))
    return _run(lambda parts: _buffer_union(parts, walk_off_m), jobs, on_done)


def _run(
    build: Callable[[np.ndarray], shapely.Geometry],
    jobs: list[np.ndarray],
    on_done: Callable[[int, int], None] | None,
) -> list[shapely.Geometry]:
    """Build every polygon on a thread pool (GEOS and numpy release the GIL)."""
    out: list[shapely.Geometry] = []
    with ThreadPoolExecutor(max_workers=thread_count()) as pool:
        for poly in pool.map(build, jobs):
            out.append(poly)
            if on_done is not None and (len(out) % 10 == 0 or len(out) == len(jobs)):
                on_done(len(out), len(jobs))
    return out
