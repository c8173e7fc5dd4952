"""Points located on the walking network: the nearest position on a street segment.

A point is snapped to its nearest position on a segment (not just the nearest node), so a
facility half-way along a long block starts half-way along it; the straight walk from the point
to the street counts as its access time. :mod:`coverage.routing` routes from and to these
positions (and re-exports these names).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from coverage.network.graph import WalkNetwork
from coverage.network.nearest import nearest_segments as _nearest
from coverage.scenario.defaults import setting

__all__ = ["Snapped", "snap", "snapped_points"]


@dataclass
class Snapped:
    """Points located on the network.

    Attributes
    ----------
    edge
        Row of ``network.edges`` each point lies on (-1 where it is too far from any street).
    frac
        Position along that segment from ``u`` (0) to ``v`` (1).
    dist_m
        Straight-line distance from the point to the street.
    access_s
        Time to walk ``dist_m`` (0 when access walking is not counted).
    """

    edge: np.ndarray
    frac: np.ndarray
    dist_m: np.ndarray
    access_s: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """Which points were snapped to a segment."""
        return self.edge >= 0

    def __len__(self) -> int:
        return len(self.edge)

    def take(self, idx: np.ndarray) -> Snapped:
        """The snapped points at positions ``idx``.

        Parameters
        ----------
        idx
            Positions (or a boolean mask).
        """
        return Snapped(self.edge[idx], self.frac[idx], self.dist_m[idx], self.access_s[idx])


def snap(
    net: WalkNetwork,
    points: gpd.GeoSeries | np.ndarray,
    *,
    max_dist_m: float | None = None,
    include_access: bool = True,
) -> Snapped:
    """Snap points (in the network CRS) to the nearest position on a walkable segment.

    Points farther than ``max_dist_m`` (default :data:`coverage.settings.max_snap_m`) from every
    segment get ``edge = -1``.

    Parameters
    ----------
    net
        The walking network.
    points
        Points in the network CRS (an array of shapely points), or a GeoSeries (in its own CRS,
        projected to the network's).
    max_dist_m
        Largest distance to a street in metres (see above).
    include_access
        Whether the walk from the point to its street counts in ``access_s``.

    Returns
    -------
    Snapped
        Segment, position along it, distance and access time of each point.
    """
    max_dist_m = setting("max_snap_m") if max_dist_m is None else max_dist_m
    if not max_dist_m >= 0:  # NaN too: every point would be left off the streets
        raise ValueError(f"max_dist_m must be metres >= 0, not {max_dist_m!r}")
    if isinstance(points, gpd.GeoSeries) and points.crs is not None and points.crs != net.crs:
        # degrees read as metres would snap nothing, without a word
        points = points.to_crs(net.crs)
    geoms = np.asarray(points.values if isinstance(points, gpd.GeoSeries) else points)
    n = len(geoms)
    edge, frac, dist = _nearest(net, geoms)
    far = ~(dist <= max_dist_m)
    edge[far], frac[far], dist[far] = -1, 0.0, np.inf
    access = (
        np.where(np.isfinite(dist), dist / net.speed_mps, 0.0) if include_access else np.zeros(n)
    )
    return Snapped(edge, frac, dist, access)


def snapped_points(net: WalkNetwork, snapped: Snapped) -> np.ndarray:
    """Positions on the street (network CRS) of snapped points; None where unsnapped.

    Parameters
    ----------
    net
        The walking network.
    snapped
        Points from :func:`snap`.

    Returns
    -------
    ndarray
        One shapely point (or None) per snapped point.
    """
    out = np.full(len(snapped), None, dtype=object)
    ok = snapped.ok
    out[ok] = shapely.line_interpolate_point(
        net.edges.geometry.values[snapped.edge[ok]], snapped.frac[ok], normalized=True
    )
    return out
