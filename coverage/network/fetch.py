"""Walking networks and area boundaries from OpenStreetMap over the internet.

Through osmnx (Overpass and Nominatim), cached on disk so that the second run needs no internet.
A network download also fetches the area's water and green polygons for the maps' background
(:mod:`coverage.network.landcover`), cached beside the network.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from coverage import settings
from coverage.errors import Msg, NetworkError, reason_line
from coverage.io import probe_folder
from coverage.network._ox import osmnx, osmnx_settings, simplify
from coverage.network.graph import WalkNetwork
from coverage.network.graphml import from_graph
from coverage.network.landcover import fetch_landcover, graph_box
from coverage.overpass import download_reason, overpass_or_cache

__all__ = ["download", "geocode_area"]

log = logging.getLogger(__name__)


def _writable_cache(folder: Path) -> None:
    """Fail before a download whose result could not be cached (the download would be lost)."""
    try:
        probe_folder(folder)
    except FileExistsError:
        raise NetworkError(Msg("error.network.cache_is_file", folder=str(folder))) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise NetworkError(
            Msg("error.network.cache_unwritable", folder=str(folder), reason=reason)
        ) from exc


def _save_cache(cache: Path, write: Callable[[Path], Any]) -> None:
    """Write a cache file atomically (``write`` to a temporary name, then rename)."""
    tmp = cache.with_name(cache.name + ".part")
    try:
        write(tmp)
        tmp.replace(cache)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise NetworkError(Msg("error.network.cache_save", file=str(cache), reason=reason)) from exc


def _read_cache(cache: Path, read: Callable[[Path], Any]) -> Any:
    """Read a cache file; a damaged one is named, with the way out."""
    try:
        return read(cache)
    except Exception as exc:
        raise NetworkError(
            Msg("error.network.cache_unreadable", file=str(cache), reason=reason_line(exc))
        ) from exc


def _download_key(query: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(query, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[
        :16
    ]


def download(
    *,
    place: str | None = None,
    polygon: shapely.Geometry | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    cache_dir: str | Path | None = None,
    **kwargs: Any,
) -> WalkNetwork:
    """Download a walking network through osmnx (Overpass), cached as GraphML.

    Give exactly one of ``place`` (a name Nominatim knows, e.g. ``"江北区, 重庆市, 中国"``),
    ``polygon`` (WGS-84) or ``bbox`` (west, south, east, north). The second call with the same
    query reads the cached GraphML and needs no internet. ``cache_dir`` defaults to
    :data:`coverage.settings.cache_folder`; ``kwargs`` go to :func:`~coverage.network.from_edges`.

    Parameters
    ----------
    place
        A place name Nominatim knows.
    polygon
        An area in WGS-84.
    bbox
        West, south, east, north in WGS-84 degrees.
    cache_dir
        Folder of the cached GraphML (default :data:`coverage.settings.cache_folder`).
    **kwargs
        Passed to :func:`~coverage.network.from_edges`.

    Returns
    -------
    WalkNetwork
        The walking network, with the area's water and green polygons for the maps.
    """
    cache_dir = settings.cache_folder if cache_dir is None else cache_dir
    ox = osmnx()
    given = [q is not None for q in (place, polygon, bbox)]
    if sum(given) != 1:
        raise NetworkError(Msg("error.network.download_query"))
    query = {
        "place": place,
        "bbox": list(bbox) if bbox else None,
        "polygon": shapely.to_wkt(polygon, rounding_precision=6) if polygon is not None else None,
        "network_type": "walk",
    }
    key = _download_key(query)
    cache = Path(cache_dir) / f"walk-{key}.graphml"
    landcover_cache = Path(cache_dir) / f"landcover-{key}.parquet"
    what = place or (
        Msg("error.network.what_bbox", bbox=list(bbox)) if bbox else Msg("error.network.what_area")
    )
    kwargs.setdefault("source", f"osmnx download {place or bbox or 'polygon'}")
    if cache.is_file():
        log.info("using cached network %s", cache)
        G = _read_cache(cache, ox.load_graphml)
        # Fetched with the network only: a cache from before has none, and asking now could
        # hang a run that is offline.
        landcover = (
            _read_cache(landcover_cache, gpd.read_parquet) if landcover_cache.is_file() else None
        )
    else:
        _writable_cache(Path(cache_dir))
        try:
            G = simplify(_graph_from_osm(cache_dir, place, polygon, bbox))
        except Exception as exc:  # osmnx raises many types; say what failed, keep the cause
            raise NetworkError(
                Msg(
                    "error.network.download_failed",
                    what=what,
                    cache=str(cache_dir),
                    reason=download_reason(exc),
                )
            ) from exc
        _save_cache(cache, lambda p: ox.save_graphml(G, p))
        landcover = _download_landcover(G, cache_dir, landcover_cache, cache)
    net = from_graph(G, **kwargs)
    net.landcover = landcover
    return net


def _download_landcover(
    G: Any, cache_dir: str | Path, cache: Path, graph_cache: Path
) -> gpd.GeoDataFrame | None:
    """Water and green areas of the network's box, cached; None (and a warning) on failure.

    They are background only: a failed download leaves the maps without them, not the run.
    """
    try:
        landcover = fetch_landcover(graph_box(G), cache_dir)
    except Exception as exc:  # osmnx raises many types; the network itself is fine
        log.warning(
            Msg(
                "error.network.landcover_failed",
                reason=download_reason(exc),
                cache=str(graph_cache),
            )
        )
        return None
    _save_cache(cache, lambda p: landcover.to_parquet(p))
    return landcover


def _graph_from_osm(
    cache_dir: str | Path,
    place: str | None,
    polygon: shapely.Geometry | None,
    bbox: tuple[float, float, float, float] | None,
) -> Any:
    """The unsimplified walk graph of exactly one of ``place``, ``polygon``, ``bbox``."""
    # offline: say so now, not after osmnx's minute of waiting (unless its cache answers)
    with osmnx_settings(cache_dir) as ox, overpass_or_cache(ox):
        if place is not None:
            return ox.graph_from_place(place, network_type="walk", retain_all=True, simplify=False)
        if polygon is not None:
            return ox.graph_from_polygon(
                polygon, network_type="walk", retain_all=True, simplify=False
            )
        assert bbox is not None  # exactly one of the three is given (checked by the caller)
        return ox.graph_from_bbox(bbox, network_type="walk", retain_all=True, simplify=False)


def geocode_area(place: str, cache_dir: str | Path | None = None) -> shapely.Geometry:
    """The boundary polygon (WGS-84) of a place name, via osmnx/Nominatim, cached on disk.

    Used as the study area when a scenario names a place but no area file; the second run reads
    the cached GeoJSON and needs no internet. ``cache_dir`` defaults to
    :data:`coverage.settings.cache_folder`.

    Parameters
    ----------
    place
        A place name Nominatim knows, e.g. ``"江北区, 重庆市, 中国"``.
    cache_dir
        Folder of the cached boundary (default :data:`coverage.settings.cache_folder`).

    Returns
    -------
    shapely.Geometry
        The boundary polygon in WGS-84.
    """
    cache_dir = settings.cache_folder if cache_dir is None else cache_dir
    cache = Path(cache_dir) / f"area-{_download_key({'place': place})}.geojson"
    if cache.is_file():
        gdf = _read_cache(cache, lambda p: gpd.read_file(p).to_crs(4326))
        return shapely.union_all(gdf.geometry.values)
    _writable_cache(Path(cache_dir))
    osmnx()  # a missing osmnx is said as such, not as a failed geocoding
    try:
        with osmnx_settings(cache_dir) as ox:
            gdf = ox.geocode_to_gdf(place)
    except Exception as exc:  # osmnx raises many types; say what failed, keep the cause
        raise NetworkError(
            Msg(
                "error.network.geocode_failed",
                place=place,
                cache=str(cache_dir),
                reason=reason_line(exc),
            )
        ) from exc
    kinds = set(gdf.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise NetworkError(Msg("error.network.geocode_not_area", place=place, kinds=sorted(kinds)))
    _save_cache(cache, lambda p: gdf[["geometry"]].to_file(p, driver="GeoJSON"))
    return shapely.union_all(gdf.geometry.values)
