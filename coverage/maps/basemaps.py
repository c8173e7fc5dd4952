"""Basemap tiles: OpenStreetMap, Amap (Gaode, GCJ-02), Tianditu (needs a key) or none."""

from __future__ import annotations

from urllib.parse import quote

from coverage.i18n import t
from coverage.maps.registry import Registry

__all__ = ["BASEMAPS", "add_basemap"]

#: Basemaps :func:`coverage.maps.coverage_map` can draw on.
BASEMAPS = ("osm", "amap", "tianditu", "none")

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


def add_basemap(reg: Registry, basemap: str, lang: str, key: str | None) -> None:
    """Add the tile layers of ``basemap`` (labelled in ``lang``) to the registry."""
    if basemap == "none":
        return
    if basemap == "osm":
        reg.basemaps.append({"url": _OSM_URL, "options": {"attribution": _OSM_ATTR, "maxZoom": 19}})
        label = "OpenStreetMap"
    elif basemap == "amap":
        label = t(lang, "map.basemap_amap")
        options = {"attribution": _AMAP_ATTR, "subdomains": "1234", "maxZoom": 18}
        reg.basemaps.append({"url": _AMAP_URL, "options": {**options, "maxNativeZoom": 18}})
    else:
        if not key:
            raise ValueError(
                "basemap='tianditu' needs tianditu_key (a free key from tianditu.gov.cn)"
            )
        label = t(lang, "map.basemap_tianditu")
        options = {"attribution": _TDT_ATTR, "subdomains": "01234567", "maxZoom": 18}
        tk = quote(str(key), safe="")  # a key is one URL parameter, whatever it holds
        reg.basemaps.append({"url": _TDT_URL.format(layer="vec", key=tk), "options": options})
        reg.basemaps.append(
            {
                "key": "basemap_labels",
                "url": _TDT_URL.format(layer="cva", key=tk),
                "options": options,
            }
        )
        reg.names["basemap_labels"] = label
    reg.basemaps[0]["key"] = "basemap"
    reg.names["basemap"] = label
