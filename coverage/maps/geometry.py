"""Geometries ready to draw: layers in WGS-84, shifted to the basemap's datum, rounded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from coverage.datum import from_wgs84

__all__ = [
    "SCALE",
    "area_geometry",
    "draw_geoms",
    "feature_collection",
    "fit",
    "pack_geometry",
    "wgs84",
]

#: Degrees: catchment and boundary polygons are simplified by about 1 m and rounded to 5
#: decimals (about 1 m) before embedding, which roughly halves the HTML without visible change.
_SIMPLIFY_DEG = 1e-5
_DECIMALS = 5
_M_PER_DEG = 111_320.0  # metres per degree of latitude (of longitude at the equator)

#: Coordinates travel to the page as whole multiples of ``1 / SCALE`` degrees (the rounding
#: above), each position list as ``[x0, y0, dx1, dy1, …]``: the first position, then steps
#: from the one before. Neighbouring vertices are metres apart, so most steps are 1–3 digits
#: instead of a 9-digit coordinate: the map's polygons take a third of the space.
SCALE = 10**_DECIMALS
# Nesting of a geometry's ``coordinates`` above its position lists (a Point is one position).
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2}
_DEPTH["MultiPolygon"] = 3


def wgs84(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """The layer in EPSG:4326 without missing or empty geometries (None stays None)."""
    if frame is None:
        return None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"expected a GeoDataFrame, got {type(frame).__name__}")
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    geoms = frame.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return frame.loc[keep].copy()


def area_geometry(area: Any) -> shapely.Geometry | None:
    """The study area as one WGS-84 geometry (a GeoSeries/GeoDataFrame is merged); None if empty."""
    if isinstance(area, gpd.GeoDataFrame | gpd.GeoSeries):
        if area.crs is not None and not area.crs.equals("EPSG:4326"):
            area = area.to_crs(4326)
        area = shapely.union_all(area.geometry.to_numpy() if hasattr(area, "geometry") else area)
    if area is None or shapely.is_missing(area) or shapely.is_empty(area):
        return None
    return area


def _shifter(datum: str) -> Callable[[np.ndarray], np.ndarray]:
    """Coordinate function for ``shapely.transform``: WGS-84 to ``datum``, rounded."""

    def shift(coords: np.ndarray) -> np.ndarray:
        if datum != "wgs84" and len(coords):
            lon, lat = from_wgs84(coords[:, 0], coords[:, 1], datum)
            coords = np.column_stack([lon, lat])
        return np.round(coords, _DECIMALS)

    return shift


def draw_geoms(
    geoms: Any,
    datum: str,
    *,
    simplify: bool | float = False,
    cache: tuple[Path, str] | None = None,
) -> np.ndarray:
    """Geometries ready to embed: simplified, shifted to ``datum`` and rounded.

    ``simplify`` is a tolerance in metres (``True``: about 1 m); lines and polygons only.
    ``cache`` (a folder and a layer role) keeps simplified drawings between runs
    (:mod:`coverage.maps.outline_cache`): the same input draws the same output, read back.
    """
    geoms = np.asarray(geoms, dtype=object)
    if not simplify:
        return _draw(geoms, datum, None)
    tol = _SIMPLIFY_DEG if simplify is True else float(simplify) / _M_PER_DEG
    if cache is None:
        return _draw(geoms, datum, tol)
    from coverage.maps.outline_cache import cached

    return cached(geoms, datum, tol, cache[0], cache[1], lambda: _draw(geoms, datum, tol))


def _draw(geoms: np.ndarray, datum: str, tol: float | None) -> np.ndarray:
    if tol is not None:
        # Simplify before shifting: fewer vertices to push through the GCJ-02 formula.
        geoms = shapely.simplify(geoms, tol, preserve_topology=True)
    out: np.ndarray = shapely.transform(geoms, _shifter(datum))
    return out


def _pack(coords: Any, depth: int) -> list[Any]:
    if depth > 1:
        return [_pack(part, depth - 1) for part in coords]
    xy = np.rint(np.asarray(coords, dtype=float).reshape(-1, 2) * SCALE).astype(np.int64)
    xy[1:] -= xy[:-1].copy()  # steps from the previous position
    packed: list[Any] = xy.ravel().tolist()
    return packed


def pack_geometry(geom: shapely.Geometry) -> dict[str, Any]:
    """A geometry as packed GeoJSON: ``coordinates`` replaced by integer steps in ``c``.

    Every position list becomes ``[x0, y0, dx1, dy1, …]`` in units of ``1 / SCALE`` degrees
    (see :data:`SCALE`); the nesting above it is GeoJSON's. ``map.js`` (``unpack``) restores
    ``coordinates`` before anything is drawn.
    """
    kind = geom.geom_type
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [pack_geometry(g) for g in geom.geoms]}
    if kind in _DEPTH and not geom.is_empty and not shapely.has_z(geom):
        # The coordinates as arrays straight from GEOS: the same numbers as GeoJSON's tuples
        # (``mapping``, kept for empty and 3-D geometries), without a Python float each.
        return {"type": kind, "c": _pack(_positions(geom), _DEPTH[kind])}
    gj = mapping(geom)
    return {"type": gj["type"], "c": _pack(gj["coordinates"], _DEPTH[gj["type"]])}


def _positions(geom: Any) -> Any:
    """GeoJSON ``coordinates`` nesting with each position list an (n, 2) array."""
    kind = geom.geom_type
    if kind in ("Point", "LineString", "MultiPoint"):
        return shapely.get_coordinates(geom)
    if kind == "Polygon":
        return [shapely.get_coordinates(r) for r in (geom.exterior, *geom.interiors)]
    return [_positions(g) for g in geom.geoms]  # MultiLineString, MultiPolygon


def feature_collection(
    geoms: Sequence[Any] | np.ndarray, props: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """A FeatureCollection of ``geoms`` with ``props``; missing or empty ones skipped.

    Geometries are packed (:func:`pack_geometry`); ``scale`` (a foreign member) says so, and
    by how much, to the page's decoder.
    """
    return {
        "type": "FeatureCollection",
        "scale": SCALE,
        "features": [
            {"type": "Feature", "properties": p, "geometry": pack_geometry(g)}
            for g, p in zip(geoms, props, strict=True)
            if g is not None and not g.is_empty
        ],
    }


def fit(m: folium.Map, bounds: list[np.ndarray], datum: str) -> list[list[float]] | None:
    """Centre the map on, and zoom it to, the union of ``bounds`` (drawn coordinates).

    Returns the box fitted, ``[[south, west], [north, east]]`` (None when nothing is drawn):
    ``map.js`` fits it again into the room its panels leave on a phone.
    """
    boxes = [b for b in bounds if np.all(np.isfinite(b))]
    if not boxes:
        return None
    arr = np.vstack(boxes)
    x0, y0 = arr[:, 0].min(), arr[:, 1].min()
    x1, y1 = arr[:, 2].max(), arr[:, 3].max()
    # Bounds are of drawn (possibly shifted) coordinates already.
    m.location = [(y0 + y1) / 2, (x0 + x1) / 2]
    box = [[float(y0), float(x0)], [float(y1), float(x1)]]
    m.fit_bounds(box, padding=(20, 20))
    return box
