"""Basemap tiles: OpenStreetMap, Amap (Gaode, GCJ-02), Tianditu (needs a key) or none.

All are offered in the layer control's switcher; the scenario chooses the one shown first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import numpy as np

from coverage.datum import from_wgs84, to_wgs84
from coverage.i18n import t
from coverage.maps.registry import Registry

__all__ = ["BASEMAPS", "TILE_DATUM", "add_basemaps", "resolve_basemap"]

#: Basemaps :func:`coverage.maps.coverage_map` can open on (``"auto"``: by language).
BASEMAPS = ("osm", "amap", "tianditu", "none", "auto")

#: Datum of each provider's tiles: the data are drawn in the opening basemap's.
TILE_DATUM = {"osm": "wgs84", "amap": "gcj02", "tianditu": "wgs84", "none": "wgs84"}

_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_AMAP_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)
_AMAP_ATTR = '&copy; <a href="https://www.amap.com/">高德地图 AutoNavi</a>'
_TDT_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_TDT_ATTR = (
    '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a> 国家地理信息公共服务平台'
)


def resolve_basemap(basemap: str, lang: str) -> str:
    """The basemap a map opens on: ``"auto"`` is Amap in Chinese, OpenStreetMap otherwise."""
    if basemap == "auto":
        return "amap" if lang == "zh" else "osm"
    return basemap


def _tiles(provider: str, key: str | None) -> list[dict[str, Any]]:
    """The tile layers of one provider, bottom first."""
    if provider == "osm":
        return [{"url": _OSM_URL, "options": {"attribution": _OSM_ATTR, "maxZoom": 19}}]
    if provider == "amap":
        options = {"attribution": _AMAP_ATTR, "subdomains": "1234", "maxZoom": 19}
        return [{"url": _AMAP_URL, "options": {**options, "maxNativeZoom": 18}}]
    if provider == "tianditu" and key:
        options = {"attribution": _TDT_ATTR, "subdomains": "01234567", "maxZoom": 19}
        tk = quote(str(key), safe="")  # a key is one URL parameter, whatever it holds
        return [
            {
                "url": _TDT_URL.format(layer=layer, key=tk),
                "options": {**options, "maxNativeZoom": 18},
            }
            for layer in ("vec", "cva")
        ]
    return []


def _shift_grid(datum: str, box: Sequence[float], n: int = 9) -> dict[str, Any]:
    """Offsets (degrees) from the other datum's tile coordinates to the drawn ``datum``.

    Tiles of the other datum are moved by these (interpolated at each tile's centre), so the
    switcher changes tiles without redrawing the data. Sampled on an ``n`` × ``n`` grid over
    ``box`` (WGS-84, padded); the GCJ-02 offset varies by metres over kilometres.
    """
    pad = 0.02  # degrees: covers the GCJ-02 offset itself and some panning
    x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    lon, lat = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    if datum == "gcj02":  # WGS-84 tiles under GCJ-02 data
        to_lon, to_lat = from_wgs84(lon.ravel(), lat.ravel(), "gcj02")
    else:  # Amap (GCJ-02) tiles under WGS-84 data
        to_lon, to_lat = to_wgs84(lon.ravel(), lat.ravel(), "gcj02")
    return {
        "x": [x0, x1],
        "y": [y0, y1],
        "n": n,
        "dx": np.round(to_lon - lon.ravel(), 7).tolist(),
        "dy": np.round(to_lat - lat.ravel(), 7).tolist(),
    }


def add_basemaps(
    reg: Registry, basemap: str, lang: str, key: str | None, box: Sequence[float] | None
) -> None:
    """Add the basemap choices (keys ``basemap_<provider>``), ``basemap`` shown on opening.

    OpenStreetMap, Amap and "none" are offered, Tianditu when there is a key (only "none"
    when ``basemap`` is ``"none"``: such a page requests no tiles at all). The data
    are drawn in the datum of the opening basemap (:data:`TILE_DATUM`); tiles of the other
    datum are shifted to the data by :func:`_shift_grid`.
    """
    if basemap == "tianditu" and not key:
        raise ValueError("basemap='tianditu' needs tianditu_key (a free key from tianditu.gov.cn)")
    datum = TILE_DATUM[basemap]
    # "none" is a choice not to fetch tiles at all: then nothing else is offered either.
    providers = ("none",) if basemap == "none" else ("osm", "amap", "tianditu", "none")
    for provider in providers:
        tiles = _tiles(provider, key)
        if provider != "none" and not tiles:
            continue
        name = "OpenStreetMap" if provider == "osm" else t(lang, f"map.basemap_{provider}")
        reg.basemaps.append(
            {
                "key": f"basemap_{provider}",
                "show": provider == basemap,
                "shift": provider != "none" and TILE_DATUM[provider] != datum,
                "tiles": tiles,
            }
        )
        reg.names[f"basemap_{provider}"] = name
    if box is not None and any(b["shift"] for b in reg.basemaps):
        reg.shift = _shift_grid(datum, box)
