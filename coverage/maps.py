"""Leader-ready maps: an interactive folium dashboard and a printable static map.

:func:`coverage_map` draws facilities by tier, their walking catchments per tier and band,
covered/uncovered worker points, proposed sites, sub-district boundaries and the study area on
one Leaflet map, with a title bar, a legend and a KPI panel, in Chinese or English.
:func:`save_map` writes it, optionally **self-contained** (Leaflet and jQuery inlined from
``coverage/static``; no request leaves the page except for basemap tiles, so the data still
shows offline). :func:`save_static_map` renders a PNG/PDF for print with matplotlib.

Basemaps: ``"osm"`` (default), ``"amap"`` (Gaode, GCJ-02: every drawn coordinate is shifted
from WGS-84 to GCJ-02 so the data lines up with the tiles), ``"tianditu"`` (WGS-84/CGCS2000,
needs a key) or ``"none"``.

Input text is data
------------------
Names, addresses, services, tiers, sub-district names, titles and every other string taken
from the inputs reach the page only inside one JSON literal (``var coverageMeta=...;``, with
``<``, ``>`` and ``&`` escaped), which branca emits as is. One fixed script draws every layer,
marker, popup, tooltip, layer-control label and panel from it with ``textContent``. Nothing
built from input text is handed to branca/Jinja as template source (``Element(...)``,
``MacroElement``, folium's ``Popup``/``Tooltip``/``LayerControl``), since branca would run
a ``{{ ... }}`` in a register while drawing the map.

Browser registry
----------------
A script run after everything is drawn sets ``window.coverageMap`` (browser tests and
integrators should use it rather than folium's generated variable names)::

    window.coverageMap = {
      map,          // the L.Map
      lang,         // "zh" | "en"
      datum,        // "wgs84" | "gcj02": datum of the drawn coordinates
      layers,       // {key: L.Layer} for every overlay and basemap, keys below
      names,        // {key: label shown in the layer control}
      counts,       // {key: number of points / features drawn in that layer}
      facilities,   // {fid: L.Marker}
      catchments,   // {fid: GeoJSON FeatureCollection, one feature per band (band_min)}
      highlight,    // L.FeatureGroup holding the highlighted catchment
      selected,     // fid shown in highlight, or null
      showCatchment(fid),  // draw that facility's catchment; returns the L.GeoJSON or null
      clearCatchment(),
      ready: true,
    }

Layer keys: ``basemap`` (``basemap_labels`` for Tianditu annotations),
``facilities_<tier>``, ``catchment_<tier>_<band>`` (e.g. ``catchment_centre_15``; the
threshold band is shown on opening, other bands hidden), ``demand_uncovered``,
``demand_covered``, ``demand_cross`` (covered by two or more facilities; ``demand`` when the
layer has no coverage columns), ``proposed``, ``subdistricts``, ``area``. ``<tier>`` is the tier
reduced to ``[A-Za-z0-9_-]`` (``tier1``, ``tier2``… for names with none of those characters).

DOM hooks: facility icons are ``<svg class="cov-fac cov-tier-<tier>" data-fid=… data-tier=…>``
(clicking one opens its popup and highlights its catchment; clicking the map background
clears it), proposed sites ``<svg class="cov-proposed" data-rank=…>``, layer-control labels
``<span class="cov-layer" data-layer="<key>">``, panels ``#cov-title``, ``#cov-legend`` and
``#cov-kpi``. Worker points and polygons are drawn on a canvas (30k points stay fluid), so
they are not DOM elements: use ``layers`` and ``counts``.
"""

from __future__ import annotations

import base64
import json
import math
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from shapely.geometry import mapping

from coverage import settings, vocab
from coverage.datum import from_wgs84, utm_epsg
from coverage.io import write_text, write_with

__all__ = ["coverage_map", "save_map", "save_static_map"]

STATIC = Path(__file__).parent / "static"

#: Covered worker points drawn at most per layer; beyond this they are thinned evenly (and the
#: legend says so). Uncovered points are never thinned: they are what the map is for.
MAX_COVERED_POINTS: int = 60_000

#: Degrees: catchment and boundary polygons are simplified by about 1 m and rounded to 5
#: decimals (about 1 m) before embedding, which roughly halves the HTML without visible change.
_SIMPLIFY_DEG = 1e-5
_DECIMALS = 5

LANGS = ("zh", "en")
BASEMAPS = ("osm", "amap", "tianditu", "none")

# --- labels ---------------------------------------------------------------------------------

# Tier codes, labels, aliases and styles live in coverage.vocab; these names stay for callers.
TIER_LABELS: dict[str, dict[str, str]] = {
    lang: {
        **{c: vocab.tier_label(c, lang, vocab.BUILTIN) for c in vocab.TIER_CODES},
        "other": "设施" if lang == "zh" else "Facility",
    }
    for lang in vocab.LANGS
}

# Colour, SVG shape and icon size (px) per built-in tier; the centre is the largest.
TIER_STYLE: dict[str, dict[str, Any]] = {
    c: vocab.tier_style(c, vocab.BUILTIN) for c in vocab.TIER_CODES
}
_OTHER_COLORS = ("#8e44ad", "#7f8c8d", "#b7950b", "#17a589", "#a04000")

# Fill opacity of catchment bands: inner bands darker, so nested bands read as rings.
_BAND_OPACITY = {5.0: 0.28, 10.0: 0.2, 15.0: 0.12}

_DEMAND_STYLE: dict[str, dict[str, Any]] = {
    "demand_uncovered": {
        "radius": 3.5,
        "color": "#7b241c",
        "weight": 1,
        "fillColor": "#e74c3c",
        "fillOpacity": 0.9,
    },
    "demand_covered": {"radius": 2.5, "stroke": False, "fillColor": "#27ae60", "fillOpacity": 0.6},
    "demand_cross": {"radius": 2.5, "stroke": False, "fillColor": "#145a32", "fillOpacity": 0.75},
    "demand": {"radius": 2.5, "stroke": False, "fillColor": "#566573", "fillOpacity": 0.6},
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "职工服务阵地15分钟步行覆盖",
        "facilities": "设施",
        "count": "{label}（{n}处）",
        "catchment": "{label} {band}分钟步行范围",
        "catchments": "步行范围",
        "band": "{band}分钟",
        # Worker-point classes: "{pts}" counts points, "{w}" the workers they stand for.
        "demand_uncovered": "未覆盖劳动者点（{pts}）",
        "demand_uncovered_w": "未覆盖劳动者点：{pts}，共{w}人",
        "demand_covered": "已覆盖劳动者点（{pts}）",
        "demand_covered_w": "已覆盖劳动者点：{pts}，共{w}人",
        "demand_covered_once": "已覆盖·1个设施（{pts}）",
        "demand_covered_once_w": "已覆盖·1个设施：{pts}，共{w}人",
        "demand_cross": "交叉覆盖·≥2个设施（{pts}）",
        "demand_cross_w": "交叉覆盖·≥2个设施：{pts}，共{w}人",
        "demand": "劳动者点（{pts}）",
        "demand_w": "劳动者点：{pts}，共{w}人",
        "n_point": "{n}个点",
        "n_points": "{n}个点",
        "demand_head": "劳动者点",
        "proposed": "建议新增站点（{n}）",
        "proposed_head": "建议新增站点",
        "subdistricts": "街道/乡镇边界",
        "area": "研究范围",
        "name": "名称",
        "tier": "级别",
        "type": "类型",
        "services": "服务内容",
        "address": "地址",
        "capacity": "容量",
        "workers_reached": "步行可达劳动者",
        "snap_m": "距路网",
        "fid": "编号",
        "weight": "劳动者数",
        "n_reach": "可达设施数",
        "nearest_min": "到最近设施",
        "to_tier": "到{label}",
        "minutes": "{v}分钟",
        "beyond": "超出可达范围",
        "rank": "排序",
        "gain": "新增覆盖劳动者",
        "proposed_tier": "建议级别",
        "click_hint": "点击设施显示其步行范围",
        "offline": "底图需联网；离线时仍显示数据",
        "gcj02": "数据已由WGS-84转换为GCJ-02以对齐高德底图",
        "thinned": "已覆盖点抽样显示：{shown}/{total}",
        "kpi": "关键指标",
        "legend": "图例",
        "sep": "、",
        "no_font": "",
    },
    "en": {
        "title": "15-minute walking coverage of worker service facilities",
        "facilities": "Facilities",
        "count": "{label} ({n})",
        "catchment": "{label}: {band}-min walk",
        "catchments": "Walking catchments",
        "band": "{band} min",
        "demand_uncovered": "Uncovered worker points ({n})",
        "demand_uncovered_w": "Uncovered workers: {w} ({pts})",
        "demand_covered": "Covered worker points ({n})",
        "demand_covered_w": "Covered workers: {w} ({pts})",
        "demand_covered_once": "Points covered by 1 facility ({n})",
        "demand_covered_once_w": "Covered by 1 facility: {w} workers ({pts})",
        "demand_cross": "Points cross-covered, ≥2 facilities ({n})",
        "demand_cross_w": "Cross-covered, ≥2 facilities: {w} workers ({pts})",
        "demand": "Worker points ({n})",
        "demand_w": "Workers: {w} ({pts})",
        "n_point": "{n} point",
        "n_points": "{n} points",
        "demand_head": "Worker points",
        "proposed": "Proposed sites ({n})",
        "proposed_head": "Proposed sites",
        "subdistricts": "Sub-district boundaries",
        "area": "Study area",
        "name": "Name",
        "tier": "Tier",
        "type": "Type",
        "services": "Services",
        "address": "Address",
        "capacity": "Capacity",
        "workers_reached": "Workers within reach",
        "snap_m": "Distance to street",
        "fid": "ID",
        "weight": "Workers",
        "n_reach": "Facilities within reach",
        "nearest_min": "Nearest facility",
        "to_tier": "To {label}",
        "minutes": "{v} min",
        "beyond": "beyond reach",
        "rank": "Rank",
        "gain": "Workers added",
        "proposed_tier": "Proposed tier",
        "click_hint": "Click a facility to show its catchment",
        "offline": "Basemap needs internet; data shows offline",
        "gcj02": "Data shifted from WGS-84 to GCJ-02 to match the Amap basemap",
        "thinned": "Covered points thinned: {shown} of {total} shown",
        "kpi": "Key figures",
        "legend": "Legend",
        "sep": ", ",
        "no_font": "",
    },
}

KPI_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "share_any": "任一设施覆盖率",
        "share_cross": "交叉覆盖率（≥2个设施）",
        "uncovered_weight": "未覆盖劳动者",
        "covered_weight": "已覆盖劳动者",
        "total_weight": "劳动者总数",
        "share_circle_1km": "1公里直线圈覆盖率（对比）",
        "share_circle": "1公里直线圈覆盖率（对比）",
        "share_before_plan": "规划前覆盖率（按规划层级标准）",
        "share_after_plan": "规划后覆盖率（按规划层级标准）",
        "n_facilities": "设施数",
        "n_proposed": "建议新增站点数",
        "share_tier": "{label}覆盖率",
    },
    "en": {
        "share_any": "Covered by any facility",
        "share_cross": "Cross-covered (≥2 facilities)",
        "uncovered_weight": "Workers not covered",
        "covered_weight": "Workers covered",
        "total_weight": "Workers in total",
        "share_circle_1km": "1 km straight-line circle (comparison)",
        "share_circle": "1 km straight-line circle (comparison)",
        "share_before_plan": "Before the plan (planned tier's standard)",
        "share_after_plan": "After the plan (planned tier's standard)",
        "n_facilities": "Facilities",
        "n_proposed": "Proposed sites",
        "share_tier": "{label} coverage",
    },
}

# Sub-district summary columns people are likely to add; others keep their own names.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "name": "名称",
        "weight": "劳动者数",
        "covered_weight": "已覆盖劳动者",
        "uncovered_weight": "未覆盖劳动者",
        "share": "覆盖率",
        "share_cross": "交叉覆盖率",
        "n_facilities": "设施数",
        "population": "人口",
        "area_km2": "面积（km²）",
    },
    "en": {
        "name": "Name",
        "weight": "Workers",
        "covered_weight": "Workers covered",
        "uncovered_weight": "Workers not covered",
        "share": "Share covered",
        "share_cross": "Share cross-covered",
        "n_facilities": "Facilities",
        "population": "Population",
        "area_km2": "Area (km²)",
    },
}

# --- basemaps -------------------------------------------------------------------------------

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

# --- small helpers --------------------------------------------------------------------------


def _t(lang: str, key: str, **kw: Any) -> str:
    return TEXT[lang][key].format(**kw)


# Characters that could end a <script> element or an HTML comment, or break a JS literal.
_JS_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JS_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def _js(obj: Any) -> str:
    """JSON for embedding in a ``<script>``: compact, UTF-8, and unable to close the tag.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes (inside JSON strings only, where
    they can occur), so no text can end the script or open a comment; the result is only ever
    emitted as is, never handed to a template engine.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _JS_UNSAFE_RE.sub(lambda m: _JS_UNSAFE[m.group(0)], text)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays
        return False


def _number(value: Any, *, digits: int = 0, lang: str = "zh") -> str:
    """Thousands-separated number; '–' for missing, '∞'-free (inf reads as missing)."""
    if _missing(value):
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return "–"
    if digits == 0 or float(v).is_integer():
        return f"{round(v):,}"
    return f"{v:,.{digits}f}"


def _percent(value: Any) -> str:
    if _missing(value):
        return "–"
    v = float(value)
    return "–" if not math.isfinite(v) else f"{100 * v:.1f}%"


def _is_share(key: str) -> bool:
    return "share" in key or key.endswith("_rate") or key.startswith("pct")


def _band_text(band: float) -> str:
    return f"{band:g}"


def normalize_tier(tier: Any) -> str:
    """The tier code of a register's spelling (``"Center"`` → ``"centre"``, see
    :func:`coverage.vocab.normalize_tier`); free-form names keep a tidied spelling."""
    if _missing(tier) or str(tier).strip() == "":
        return "other"
    code = vocab.normalize_tier(tier)
    return code if code is not None else re.sub(r"[\s\-]+", "_", str(tier).strip().lower())


def tier_label(tier: str, lang: str) -> str:
    """Display name of a tier code (free-form tiers show as they are)."""
    if tier == "other":
        return TIER_LABELS[lang]["other"]
    return vocab.tier_label(tier, lang)


def _is_tier(code: str) -> bool:
    return code in vocab.active()


class _Tiers:
    """Stable slugs, colours and shapes for the tiers present, known ones first."""

    def __init__(self, tiers: Iterable[str]):
        self.order: list[str] = vocab.tier_order(set(tiers))
        self.slug: dict[str, str] = {}
        self.style: dict[str, dict[str, Any]] = {}
        used: set[str] = set()
        for i, tier in enumerate(self.order):
            slug = re.sub(r"[^0-9A-Za-z_-]+", "_", tier).strip("_") or f"tier{i + 1}"
            while slug in used:
                slug = f"{slug}_{i + 1}"
            used.add(slug)
            self.slug[tier] = slug
            self.style[tier] = {
                "color": _OTHER_COLORS[len(self.style) % len(_OTHER_COLORS)],
                "shape": "triangle",
                "size": 14,
                **vocab.tier_style(tier),  # declared types may set some of these
            }


def _wgs84(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
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


def _area(area: Any) -> shapely.Geometry | None:
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


def _draw_geoms(geoms: Any, datum: str, *, simplify: bool = False) -> np.ndarray:
    """Geometries ready to embed: simplified (polygons), shifted to ``datum`` and rounded."""
    geoms = np.asarray(geoms, dtype=object)
    if simplify:
        # Simplify before shifting: fewer vertices to push through the GCJ-02 formula.
        geoms = shapely.simplify(geoms, _SIMPLIFY_DEG, preserve_topology=True)
    return shapely.transform(geoms, _shifter(datum))


def _feature_collection(geoms: Sequence[Any], props: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": mapping(g)}
            for g, p in zip(geoms, props, strict=True)
            if g is not None and not g.is_empty
        ],
    }


def _clean(value: Any) -> Any:
    """JSON-safe scalar: NaN/inf → None, numpy → Python."""
    if _missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class _Raw(Element):
    """Page text emitted exactly as given.

    branca compiles the text given to ``Element(...)``, and the output of every
    ``MacroElement``, as a Jinja template, so a ``{{ ... }}`` in a register would run while the
    map is drawn. Nothing built from input text goes through there: it all travels as JSON in
    one :class:`_Script`, inside this element, which is never compiled.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "CoverageRaw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _Script(MacroElement):
    """The map's script, added to the page's ``<script>`` block as a :class:`_Raw` element."""

    def __init__(self, code: str):
        super().__init__()
        self._name = "CoverageScript"
        self.code = code

    def render(self, **kwargs: Any) -> None:
        self.get_root().script.add_child(_Raw(self.code), name=self.get_name())


# --- popups ---------------------------------------------------------------------------------


def _popup(title: str, rows: Iterable[tuple[str, str]], hint: str = "") -> dict[str, Any]:
    """A popup as data (title, label/value rows, hint): the page builds it with ``textContent``."""
    out: dict[str, Any] = {"title": str(title), "rows": [[str(k), str(v)] for k, v in rows]}
    if hint:
        out["hint"] = hint
    return out


def _services_text(value: Any, lang: str) -> str:
    if isinstance(value, str):
        items = [s.strip() for s in re.split(r"[;；,，、]", value) if s.strip()]
    elif isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        items = [str(s).strip() for s in value if not _missing(s) and str(s).strip()]
    else:
        items = [] if _missing(value) else [str(value)]
    return _t(lang, "sep").join(items)


def _facility_popup(row: pd.Series, tier: str, lang: str, has_catchment: bool) -> dict[str, Any]:
    title = row.get("name")
    if _missing(title) or str(title).strip() == "":
        title = f"{tier_label(tier, lang)} #{row.get('fid', '')}"
    rows: list[tuple[str, str]] = [(_t(lang, "tier"), tier_label(tier, lang))]
    kind = row.get("type")
    # A type that merely repeats the tier adds nothing; a tier-like type gets its label.
    if not _missing(kind) and str(kind).strip() and normalize_tier(kind) != tier:
        text = str(kind)
        if _is_tier(normalize_tier(kind)):
            text = tier_label(normalize_tier(kind), lang)
        rows.append((_t(lang, "type"), text))
    services = _services_text(row.get("services"), lang)
    if services:
        rows.append((_t(lang, "services"), services))
    address = row.get("address")
    if not _missing(address) and str(address).strip():
        rows.append((_t(lang, "address"), str(address).strip()))
    if not _missing(row.get("capacity")):
        rows.append((_t(lang, "capacity"), _number(row["capacity"], digits=1)))
    if not _missing(row.get("workers_reached")):
        rows.append((_t(lang, "workers_reached"), _number(row["workers_reached"])))
    if not _missing(row.get("snap_m")):
        rows.append((_t(lang, "snap_m"), f"{_number(row['snap_m'])} m"))
    if not _missing(row.get("fid")):
        rows.append((_t(lang, "fid"), str(row["fid"])))
    return _popup(str(title), rows, _t(lang, "click_hint") if has_catchment else "")


# --- layers ---------------------------------------------------------------------------------


class _Registry:
    """Everything the page draws, as data: it becomes ``coverageMeta`` in the map's script."""

    def __init__(self) -> None:
        self.basemaps: list[dict[str, Any]] = []  # tile layers, bottom first
        self.overlays: list[dict[str, Any]] = []  # {key, show, kind, ...}, in drawing order
        self.names: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.facility_tier: dict[str, str] = {}
        self.catchments: dict[str, dict[str, Any]] = {}
        self.front: list[str] = []  # keys raised above catchments when layers are toggled
        self.notes: list[str] = []

    def add(
        self, key: str, name: str, spec: dict[str, Any], *, show: bool = True, count: int = 0
    ) -> None:
        """An overlay: ``spec`` says what to draw (``kind`` geojson, points or markers)."""
        self.overlays.append({"key": key, "show": show, **spec})
        self.names[key] = name
        self.counts[key] = count


def _polygon_spec(
    fc: dict[str, Any], style: dict[str, Any], *, interactive: bool = False
) -> dict[str, Any]:
    """GeoJSON overlay; features with a ``popup`` property (see :func:`_popup`) get a popup."""
    return {"kind": "geojson", "data": fc, "style": style, "interactive": interactive}


def _add_basemap(reg: _Registry, basemap: str, lang: str, key: str | None) -> None:
    if basemap == "none":
        return
    if basemap == "osm":
        reg.basemaps.append({"url": _OSM_URL, "options": {"attribution": _OSM_ATTR, "maxZoom": 19}})
        label = "OpenStreetMap"
    elif basemap == "amap":
        label = "高德地图" if lang == "zh" else "Amap (Gaode)"
        options = {"attribution": _AMAP_ATTR, "subdomains": "1234", "maxZoom": 18}
        reg.basemaps.append({"url": _AMAP_URL, "options": {**options, "maxNativeZoom": 18}})
    else:
        if not key:
            raise ValueError(
                "basemap='tianditu' needs tianditu_key (a free key from tianditu.gov.cn)"
            )
        label = "天地图" if lang == "zh" else "Tianditu"
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


def _catchment_style(color: str, band: float, shown_band: float) -> dict[str, Any]:
    opacity = _BAND_OPACITY.get(float(band), 0.15)
    return {
        "color": color,
        "weight": 1.5 if band == shown_band else 1,
        "opacity": 0.8,
        "fillColor": color,
        "fillOpacity": opacity,
    }


def _tier_bands(
    tier_catchments: gpd.GeoDataFrame | None, catchments: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame | None:
    """Union per tier and band; dissolved from per-facility catchments when not given."""
    if tier_catchments is not None and len(tier_catchments):
        return tier_catchments
    if catchments is None or not len(catchments) or "band_min" not in catchments:
        return None
    frame = catchments.assign(tier=catchments["tier"] if "tier" in catchments else "other")
    rows = []
    for (tier, band), part in frame.groupby(["tier", "band_min"], sort=False):
        rows.append(
            {
                "tier": tier,
                "band_min": band,
                "geometry": shapely.union_all(part.geometry.to_numpy()),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=frame.crs)


def _demand_classes(demand: gpd.GeoDataFrame) -> dict[str, np.ndarray]:
    """Boolean masks per demand layer key (uncovered last so it is drawn on top)."""
    n = len(demand)
    covered: np.ndarray | None = None
    if "covered" in demand:
        covered = demand["covered"].fillna(False).astype(bool).to_numpy()
    elif "n_reach" in demand:
        covered = pd.to_numeric(demand["n_reach"], errors="coerce").fillna(0).to_numpy() > 0
    elif "nearest_min" in demand:
        nearest = pd.to_numeric(demand["nearest_min"], errors="coerce").to_numpy(dtype=float)
        covered = np.nan_to_num(nearest, nan=np.inf) <= settings.threshold_min
    if covered is None:
        return {"demand": np.ones(n, dtype=bool)}
    if "n_reach" in demand:
        reach = pd.to_numeric(demand["n_reach"], errors="coerce").fillna(0).to_numpy()
        cross = covered & (reach >= 2)
        return {
            "demand_covered": covered & ~cross,
            "demand_cross": cross,
            "demand_uncovered": ~covered,
        }
    return {"demand_covered": covered, "demand_uncovered": ~covered}


def _minutes(values: Any) -> list[float | None]:
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return [round(float(v), 1) if math.isfinite(v) else None for v in arr]


def _demand_label(lang: str, key: str, mask: np.ndarray, demand: pd.DataFrame) -> str:
    """Legend text of a worker-point class: its points, and its workers when weighted.

    Points and workers are named as such: a point is a workplace or a cluster of them, and its
    ``weight`` is how many workers it stands for. Worker totals are whole numbers (round half
    to even), like every worker count on the map.
    """
    n = int(mask.sum())
    pts = _t(lang, "n_point" if n == 1 else "n_points", n=f"{n:,}")
    if "weight" not in demand:
        return _t(lang, key, n=f"{n:,}", pts=pts)
    weights = pd.to_numeric(demand["weight"], errors="coerce").to_numpy(dtype=float)[mask]
    workers = float(np.nansum(weights)) if len(weights) else 0.0
    return _t(lang, f"{key}_w", n=f"{n:,}", pts=pts, w=_number(workers))


def _demand_layer(
    reg: _Registry,
    demand: gpd.GeoDataFrame,
    key: str,
    mask: np.ndarray,
    lang: str,
    datum: str,
) -> None:
    total = int(mask.sum())
    idx = np.flatnonzero(mask)
    if key != "demand_uncovered" and total > MAX_COVERED_POINTS:
        # Even thinning keeps the density pattern; the legend reports it.
        idx = idx[np.linspace(0, total - 1, MAX_COVERED_POINTS).round().astype(int)]
        reg.notes.append(_t(lang, "thinned", shown=f"{len(idx):,}", total=f"{total:,}"))
    part = demand.iloc[idx]
    label_key = key
    if key == "demand_covered" and "n_reach" in demand:
        label_key = "demand_covered_once"
    pts = _draw_geoms(shapely.point_on_surface(part.geometry.to_numpy()), datum)
    data: dict[str, Any] = {
        "x": shapely.get_x(pts).tolist(),
        "y": shapely.get_y(pts).tolist(),
    }
    # Columns are shipped as parallel arrays and popups built on click: far smaller than one
    # marker (and popup) per point.
    fields: list[list[Any]] = []  # [label, column key, kind]
    if "name" in part:
        data["name"] = [None if _missing(v) else str(v) for v in part["name"]]
    if "weight" in part:
        # Workers at the point: a whole number, like every worker count a person reads.
        data["w"] = [
            None if _missing(v) or not math.isfinite(v) else round(float(v))
            for v in pd.to_numeric(part["weight"], errors="coerce")
        ]
        fields.append([_t(lang, "weight"), "w", "num"])
    if "n_reach" in part:
        data["n"] = [_clean(v) for v in pd.to_numeric(part["n_reach"], errors="coerce")]
        fields.append([_t(lang, "n_reach"), "n", "num"])
    if "nearest_min" in part:
        data["m"] = _minutes(part["nearest_min"])
        fields.append([_t(lang, "nearest_min"), "m", "min"])
    for col in part.columns:
        if isinstance(col, str) and col.startswith("t_") and col != "t_any":
            tier = normalize_tier(col[2:])
            data[col] = _minutes(part[col])
            fields.append([_t(lang, "to_tier", label=tier_label(tier, lang)), col, "min"])
    style = dict(_DEMAND_STYLE[key])
    if len(idx) > 5000:
        # Thousands of large dots merge into a blanket; smaller ones keep the pattern legible.
        style["radius"] = min(style["radius"], 2.5)
    spec = {
        "kind": "points",
        "data": data,
        "style": style,
        "fields": fields,
        "head": _t(lang, "demand_head"),
        "minutes": _t(lang, "minutes", v="{v}"),
        "beyond": _t(lang, "beyond"),
    }
    reg.add(key, _demand_label(lang, label_key, mask, demand), spec, count=len(idx))
    reg.front.append(key)


def _fid_key(value: Any, fallback: int) -> str:
    if _missing(value):
        return str(fallback)
    try:
        f = float(value)
        if f.is_integer():
            return str(int(f))
    except (TypeError, ValueError):
        pass
    return str(value)


# --- the map --------------------------------------------------------------------------------


def coverage_map(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None = None,
    *,
    catchments: gpd.GeoDataFrame | None = None,
    tier_catchments: gpd.GeoDataFrame | None = None,
    subdistricts: gpd.GeoDataFrame | None = None,
    proposed: gpd.GeoDataFrame | None = None,
    area: shapely.Geometry | None = None,
    kpis: Mapping[str, float] | None = None,
    title: str = "",
    lang: str = "zh",
    basemap: str = "osm",
    tianditu_key: str | None = None,
    thresholds: Mapping[str, float] | None = None,
) -> folium.Map:
    """Interactive coverage map for leaders: facilities, catchments, gaps, proposals, KPIs.

    Parameters
    ----------
    facilities
        Points (EPSG:4326) with optional ``name``, ``tier``, ``type``, ``services``,
        ``address``, ``capacity``, ``workers_reached``, ``snap_m``, ``fid``.
    demand
        Worker points with optional ``name``, ``weight``, ``covered``, ``n_reach``,
        ``nearest_min`` and ``t_<tier>`` minutes. Uncovered points are always all drawn.
    catchments
        Per-facility polygons with ``fid``, ``tier``, ``band_min``: clicking a facility
        highlights its own; also dissolved into tier layers when ``tier_catchments`` is None.
    tier_catchments
        Union per ``tier`` and ``band_min``: one toggleable layer each, the threshold band
        (the tier's threshold, see ``thresholds``) shown on opening.
    subdistricts
        Boundaries with ``name`` and numeric summaries, shown in a table popup on click.
    proposed
        Proposed sites with ``name``, ``rank``, ``gain``, ``tier``.
    area
        Study-area outline (WGS-84).
    kpis
        Figures for the KPI panel; ``share*`` keys show as percentages, unknown keys by name.
    title
        Title bar text (a default title when empty).
    lang
        ``"zh"`` or ``"en"`` for every label.
    basemap
        ``"osm"``, ``"amap"`` (data shifted to GCJ-02), ``"tianditu"`` (needs
        ``tianditu_key``) or ``"none"``.
    tianditu_key
        Tianditu API key.
    thresholds
        Walking threshold (minutes) per tier: each tier opens with the catchment band of its
        own threshold (or the largest band below it) shown. Default: ``settings.threshold_min``.

    Returns
    -------
    folium.Map
        With ``window.coverageMap`` set by a script (see the module docstring).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {BASEMAPS}, not {basemap!r}")
    datum = "gcj02" if basemap == "amap" else "wgs84"

    facilities = _wgs84(facilities)
    if facilities is None:
        raise TypeError("facilities is required (an empty GeoDataFrame is fine)")
    demand, catchments, tier_catchments, subdistricts, proposed = (
        _wgs84(f) for f in (demand, catchments, tier_catchments, subdistricts, proposed)
    )
    area = _area(area)

    fac_tiers = (
        [normalize_tier(t) for t in facilities["tier"]]
        if "tier" in facilities
        else ["other"] * len(facilities)
    )
    bands = _tier_bands(tier_catchments, catchments)
    band_tiers = [normalize_tier(t) for t in bands["tier"]] if bands is not None else []
    tiers = _Tiers([*fac_tiers, *band_tiers])

    m = folium.Map(
        location=[30.0, 114.0],
        zoom_start=12,
        tiles=None,
        prefer_canvas=True,  # 30k worker points as DOM paths would make the page crawl
        control_scale=True,
        max_zoom=19,
    )
    # Only Leaflet and jQuery: the markers here are inline SVG, so Bootstrap, awesome-markers
    # and icon fonts would be dead weight and CDN requests.
    m.default_js = [(n, u) for n, u in m.default_js if n in ("leaflet", "jquery")]
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]

    # Every layer, popup, tooltip, label and panel is drawn by one fixed script from one JSON
    # payload (see _Raw): folium only provides the map itself.
    reg = _Registry()
    _add_basemap(reg, basemap, lang, tianditu_key)
    m.get_root().header.add_child(_Raw(_CSS), name="coverage_css")

    bounds: list[np.ndarray] = []

    # Order matters on the shared canvas: area and boundaries under catchments, then points.
    if area is not None:
        geom = _draw_geoms([area], datum, simplify=True)[0]
        bounds.append(np.asarray(geom.bounds))
        style = {"color": "#222", "weight": 2.5, "dashArray": "8 6", "fill": False}
        spec = _polygon_spec(_feature_collection([geom.boundary], [{}]), style)
        reg.add("area", _t(lang, "area"), spec, count=1)

    if subdistricts is not None and len(subdistricts):
        _subdistrict_layer(reg, subdistricts, lang, datum, bounds)

    if bands is not None and len(bands):
        _catchment_layers(reg, bands, tiers, lang, datum, thresholds or {})

    if demand is not None and len(demand):
        # Bounds of the drawn (for Amap: GCJ-02-shifted) points, like every other layer.
        geoms = _draw_geoms(demand.geometry.to_numpy(), datum)
        bounds.append(np.asarray(shapely.total_bounds(geoms)))
        for key, mask in _demand_classes(demand).items():
            _demand_layer(reg, demand, key, mask, lang, datum)

    if catchments is not None and len(catchments) and "fid" in catchments:
        _facility_catchments(reg, catchments, datum)

    _facility_layers(reg, facilities, fac_tiers, tiers, lang, datum, bounds)

    if proposed is not None and len(proposed):
        _proposed_layer(reg, proposed, lang, datum, bounds)

    _fit(m, bounds, datum)
    panels = _panels(reg, tiers, bands, kpis or {}, title or _t(lang, "title"), lang, basemap)
    m.add_child(_Script(_map_script(m, reg, tiers, lang, datum, panels)))
    return m


def _fit(m: folium.Map, bounds: list[np.ndarray], datum: str) -> None:
    boxes = [b for b in bounds if np.all(np.isfinite(b))]
    if not boxes:
        return
    arr = np.vstack(boxes)
    x0, y0 = arr[:, 0].min(), arr[:, 1].min()
    x1, y1 = arr[:, 2].max(), arr[:, 3].max()
    # Bounds are of drawn (possibly shifted) coordinates already.
    m.location = [(y0 + y1) / 2, (x0 + x1) / 2]
    m.fit_bounds([[y0, x0], [y1, x1]], padding=(20, 20))


def _subdistrict_layer(
    reg: _Registry,
    frame: gpd.GeoDataFrame,
    lang: str,
    datum: str,
    bounds: list[np.ndarray],
) -> None:
    geoms = _draw_geoms(frame.geometry.to_numpy(), datum, simplify=True)
    bounds.append(np.asarray(shapely.total_bounds(geoms)))
    labels = COLUMN_LABELS[lang]
    props = []
    columns = [c for c in frame.columns if c != frame.geometry.name and c != "name"]
    for i, (_, row) in enumerate(frame.iterrows()):
        rows = []
        for col in columns:
            value = row[col]
            if isinstance(value, bool | np.bool_):
                text = str(bool(value))
            elif pd.api.types.is_number(value):
                text = _percent(value) if _is_share(str(col)) else _count_or_value(str(col), value)
            elif _missing(value):
                continue
            else:
                text = str(value)
            rows.append((labels.get(str(col), str(col)), text))
        name = row.get("name")
        title = str(name) if not _missing(name) else f"{_t(lang, 'subdistricts')} {i + 1}"
        props.append({"popup": _popup(title, rows)})
    # A faint fill keeps the inside clickable for the summary popup.
    style = {
        "color": "#555",
        "weight": 1.5,
        "dashArray": "4 3",
        "fillColor": "#888",
        "fillOpacity": 0.02,
    }
    spec = _polygon_spec(_feature_collection(geoms, props), style, interactive=True)
    reg.add("subdistricts", _t(lang, "subdistricts"), spec, count=len(frame))


def _shown_band(bands: list[float], threshold: float) -> float:
    """The band drawn on opening: the threshold's own, else the largest below it."""
    below = [b for b in bands if b <= threshold + 1e-9]
    return max(below) if below else min(bands, default=0)


def _catchment_layers(
    reg: _Registry,
    bands: gpd.GeoDataFrame,
    tiers: _Tiers,
    lang: str,
    datum: str,
    thresholds: Mapping[str, float],
) -> None:
    frame = bands.assign(
        _tier=[normalize_tier(t) for t in bands["tier"]],
        _band=pd.to_numeric(bands["band_min"], errors="coerce"),
    )
    frame = frame[frame["_band"].notna()]
    limits = {normalize_tier(t): float(v) for t, v in thresholds.items()}
    # Listed (and drawn) from the centre down; large bands first so small ones draw over them.
    for tier in tiers.order:
        tier_bands = sorted(set(frame.loc[frame["_tier"] == tier, "_band"]))
        shown = _shown_band(tier_bands, limits.get(tier, settings.threshold_min))
        for band in reversed(tier_bands):
            part = frame[(frame["_tier"] == tier) & (frame["_band"] == band)]
            geoms = _draw_geoms(part.geometry.to_numpy(), datum, simplify=True)
            key = f"catchment_{tiers.slug[tier]}_{_band_text(band)}"
            name = _t(lang, "catchment", label=tier_label(tier, lang), band=_band_text(band))
            style = _catchment_style(tiers.style[tier]["color"], band, shown)
            spec = _polygon_spec(_feature_collection(geoms, [{}] * len(geoms)), style)
            reg.add(key, name, spec, show=band == shown, count=len(part))


def _facility_catchments(reg: _Registry, catchments: gpd.GeoDataFrame, datum: str) -> None:
    geoms = _draw_geoms(catchments.geometry.to_numpy(), datum, simplify=True)
    bands = (
        pd.to_numeric(catchments["band_min"], errors="coerce")
        if "band_min" in catchments
        else pd.Series(np.nan, index=catchments.index)
    )
    per: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for i, (fid, band, geom) in enumerate(zip(catchments["fid"], bands, geoms, strict=True)):
        per.setdefault(_fid_key(fid, i), []).append((geom, {"band_min": _clean(band)}))
    for fid, items in per.items():
        # Largest band first so the inner bands are drawn over it.
        items.sort(key=lambda gp: -(gp[1]["band_min"] or 0))
        reg.catchments[fid] = _feature_collection([g for g, _ in items], [p for _, p in items])


def _facility_layers(
    reg: _Registry,
    facilities: gpd.GeoDataFrame,
    fac_tiers: list[str],
    tiers: _Tiers,
    lang: str,
    datum: str,
    bounds: list[np.ndarray],
) -> None:
    if not len(facilities):
        return
    pts = _draw_geoms(shapely.point_on_surface(facilities.geometry.to_numpy()), datum)
    bounds.append(np.asarray(shapely.total_bounds(pts)))
    frame = facilities.reset_index(drop=True)
    tier_arr = np.asarray(fac_tiers, dtype=object)
    for tier in tiers.order:
        rows = np.flatnonzero(tier_arr == tier)
        if not len(rows):
            continue
        slug, style = tiers.slug[tier], tiers.style[tier]
        items = []
        for i in rows:
            row = frame.iloc[i]
            fid = _fid_key(row.get("fid"), int(i))
            name = row.get("name")
            name = "" if _missing(name) else str(name)
            items.append(
                {
                    "fid": fid,
                    "lat": float(pts[i].y),
                    "lng": float(pts[i].x),
                    "data": {"fid": fid, "tier": tier},
                    "popup": _facility_popup(row, tier, lang, fid in reg.catchments),
                    "tooltip": name or tier_label(tier, lang),
                }
            )
            reg.facility_tier[fid] = tier
        spec = {
            "kind": "markers",
            "icon": {
                "shape": style["shape"],
                "color": style["color"],
                "size": int(style["size"]),
                "class": f"cov-fac cov-tier-{slug}",
                "iconClass": "cov-fac-icon",
            },
            # Centres above sub-centres above points where they overlap.
            "z": 1000 * (len(tiers.order) - tiers.order.index(tier)),
            "items": items,
        }
        name = _t(lang, "count", label=tier_label(tier, lang), n=len(rows))
        reg.add(f"facilities_{slug}", name, spec, count=len(rows))


def _proposed_layer(
    reg: _Registry,
    proposed: gpd.GeoDataFrame,
    lang: str,
    datum: str,
    bounds: list[np.ndarray],
) -> None:
    pts = _draw_geoms(shapely.point_on_surface(proposed.geometry.to_numpy()), datum)
    bounds.append(np.asarray(shapely.total_bounds(pts)))
    items = []
    for i, (_, row) in enumerate(proposed.reset_index(drop=True).iterrows()):
        rank = row.get("rank")
        rank_text = "" if _missing(rank) else _fid_key(rank, i + 1)
        rows = []
        if rank_text:
            rows.append((_t(lang, "rank"), rank_text))
        if not _missing(row.get("gain")):
            rows.append((_t(lang, "gain"), _number(row["gain"])))
        if not _missing(row.get("tier")):
            rows.append((_t(lang, "proposed_tier"), tier_label(normalize_tier(row["tier"]), lang)))
        name = row.get("name")
        title = (
            _t(lang, "proposed_head") + (f"：{name}" if lang == "zh" else f": {name}")
            if not _missing(name)
            else _t(lang, "proposed_head")
        )
        items.append(
            {
                "lat": float(pts[i].y),
                "lng": float(pts[i].x),
                "data": {"rank": rank_text},
                "text": rank_text,
                "popup": _popup(title, rows),
                "tooltip": title,
            }
        )
    spec = {
        "kind": "markers",
        "icon": {
            "shape": "star",
            "color": "#6c3483",
            "size": 26,
            "class": "cov-proposed",
            "iconClass": "cov-proposed-icon",
        },
        "z": 5000,
        "items": items,
    }
    reg.add("proposed", _t(lang, "proposed", n=len(proposed)), spec, count=len(proposed))


# --- panels ---------------------------------------------------------------------------------

_CSS = """<style>
#cov-title{position:absolute;top:10px;left:50%;transform:translateX(-50%);z-index:1000;
 background:rgba(255,255,255,.92);padding:6px 16px;border-radius:6px;font:bold 18px/1.3
 "Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;box-shadow:0 1px 5px rgba(0,0,0,.4);
 max-width:60%;text-align:center;pointer-events:none}
.cov-panel{position:absolute;z-index:1000;background:rgba(255,255,255,.93);padding:8px 10px;
 border-radius:6px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:12px/1.4 "Microsoft YaHei",
 "PingFang SC","Noto Sans CJK SC",sans-serif;max-height:45vh;overflow-y:auto}
#cov-kpi{left:10px;bottom:64px;min-width:180px}
#cov-legend{right:10px;bottom:30px;max-width:280px}
.cov-panel h4,.cov-popup h4{margin:0 0 4px;font-size:13px}
.cov-panel table,.cov-popup table{border-collapse:collapse}
.cov-panel td,.cov-panel th,.cov-popup td,.cov-popup th{padding:1px 6px 1px 0;text-align:left;
 vertical-align:top}
.cov-popup th{font-weight:normal;color:#555;white-space:nowrap}
.cov-kpi-value{font-weight:bold;text-align:right!important;font-size:14px}
.cov-hint,.cov-note{color:#666;font-size:11px;margin-top:4px}
.cov-sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle;
 border:1px solid #666}
.cov-dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin:0 6px 0 3px;
 vertical-align:middle}
.cov-legend-row svg{vertical-align:middle;margin-right:4px}
.cov-fac-icon,.cov-proposed-icon{background:none;border:none}
.cov-fac,.cov-proposed{filter:drop-shadow(0 0 1.5px rgba(0,0,0,.8));cursor:pointer;display:block}
.leaflet-control-layers-expanded{max-height:55vh;overflow-y:auto;font-size:12px}
</style>"""

#: Figures that count people, facilities or sites (``*weight``, ``n_*``): whole numbers.
_COUNT_KEYS = frozenset({"population", "workers"})


def _is_count(key: str) -> bool:
    return key.endswith("weight") or key.startswith("n_") or key in _COUNT_KEYS


def _count_or_value(key: str, value: Any) -> str:
    """A figure as a person reads it: counts whole (round half to even), others to 2 places."""
    return _number(value) if _is_count(key) else _number(value, digits=2)


def _kpi_rows(kpis: Mapping[str, float], lang: str) -> list[tuple[str, str]]:
    labels = KPI_LABELS[lang]
    rows = []
    for key, value in kpis.items():
        key = str(key)
        if key in labels and key != "share_tier":
            label = labels[key]
        elif key.startswith("share_") and _is_tier(normalize_tier(key[6:])):
            label = labels["share_tier"].format(label=tier_label(normalize_tier(key[6:]), lang))
        else:
            label = key
        text = _percent(value) if _is_share(key) else _count_or_value(key, value)
        rows.append((label, text))
    return rows


def _panels(
    reg: _Registry,
    tiers: _Tiers,
    bands: gpd.GeoDataFrame | None,
    kpis: Mapping[str, float],
    title: str,
    lang: str,
    basemap: str,
) -> dict[str, Any]:
    """Title, KPI panel and legend as data (``title``, ``kpi``, ``legend`` of the payload)."""
    kpi = None
    if kpis:
        kpi = {"head": _t(lang, "kpi"), "rows": [list(r) for r in _kpi_rows(kpis, lang)]}

    rows: list[dict[str, Any]] = []
    for tier in tiers.order:
        if f"facilities_{tiers.slug[tier]}" in reg.names:
            st = tiers.style[tier]
            rows.append({"icon": [st["shape"], st["color"], 14], "text": tier_label(tier, lang)})
    if bands is not None and len(bands):
        values = sorted(set(pd.to_numeric(bands["band_min"], errors="coerce").dropna()))
        swatches = [
            [_BAND_OPACITY.get(b, 0.15), _t(lang, "band", band=_band_text(b))] for b in values
        ]
        rows.append({"text": f"{_t(lang, 'catchments')}: ", "bands": swatches})
    for key in ("demand_uncovered", "demand_covered", "demand_cross", "demand"):
        if key in reg.names:
            rows.append({"dot": _DEMAND_STYLE[key]["fillColor"], "text": reg.names[key]})
    if "proposed" in reg.names:
        rows.append({"icon": ["star", "#6c3483", 16], "text": _t(lang, "proposed_head")})
    notes = [*reg.notes]
    if reg.catchments:
        notes.append(_t(lang, "click_hint"))
    if basemap == "amap":
        notes.append(_t(lang, "gcj02"))
    if basemap != "none":
        notes.append(_t(lang, "offline"))
    legend = {"head": _t(lang, "legend"), "rows": rows, "notes": notes}
    return {"title": title, "kpi": kpi, "legend": legend}


#: The page's own code: fixed text, no input in it. It draws everything in ``coverageMeta``
#: (layers, markers, popups, tooltips, layer control, title, KPI panel, legend) and sets
#: ``window.coverageMap``. Input text reaches the page only through ``textContent`` and
#: ``setAttribute``, or escaped by ``esc`` for the layer control, which Leaflet fills with
#: ``innerHTML``.
_MAP_JS = r"""var M=coverageMeta,NS='http://www.w3.org/2000/svg';
function el(tag,cls,text){var e=document.createElement(tag);if(cls){e.className=cls;}
if(text!==undefined&&text!==null){e.textContent=String(text);}return e;}
function esc(s){return String(s).replace(/[&<>"'`]/g,function(c){
return '&#'+c.charCodeAt(0)+';';});}
function svgEl(tag,attrs){var e=document.createElementNS(NS,tag);
Object.keys(attrs).forEach(function(k){e.setAttribute(k,String(attrs[k]));});return e;}
var SHAPES={circle:['circle',{cx:10,cy:10,r:8}],square:['rect',{x:2,y:2,width:16,height:16,rx:2}],
diamond:['polygon',{points:'10,1 19,10 10,19 1,10'}],
triangle:['polygon',{points:'10,1.5 19,18 1,18'}],
star:['polygon',{points:'10,1 12.6,7 19,7.4 14,11.6 15.6,18.5 10,14.8 4.4,18.5 6,11.6 1,7.4 '
+'7.4,7'}]};
function icon(shape,color,size,attrs,text){
var s=svgEl('svg',Object.assign({viewBox:'0 0 20 20',width:size,height:size},attrs||{}));
var g=svgEl('g',{fill:color,stroke:'#fff','stroke-width':2}),sh=SHAPES[shape]||SHAPES.triangle;
g.appendChild(svgEl(sh[0],sh[1]));s.appendChild(g);
if(text){var t=svgEl('text',{x:10,y:12.5,'text-anchor':'middle','font-size':7,
'font-weight':'bold',fill:'#fff',stroke:'none'});t.textContent=text;s.appendChild(t);}
return s;}
function table(rows,head,cls){var t=el('table');rows.forEach(function(r){var tr=el('tr');
tr.appendChild(el(head,'',r[0]));tr.appendChild(el('td',cls,r[1]));t.appendChild(tr);});return t;}
function popup(p){var d=el('div','cov-popup');d.appendChild(el('h4','',p.title));
d.appendChild(table(p.rows||[],'th',''));if(p.hint){d.appendChild(el('div','cov-hint',p.hint));}
return d;}
var reg=window.coverageMap={map:map,lang:M.lang,datum:M.datum,layers:{},names:M.names,
counts:M.counts,facilities:{},catchments:M.catchments,highlight:null,selected:null,ready:false};
function label(key){return '<span class="cov-layer" data-layer="'+esc(key)+'">'
+esc(M.names[key])+'</span>';}
var base={},over={};
M.basemaps.forEach(function(b){var l=L.tileLayer(b.url,b.options).addTo(map);reg.layers[b.key]=l;
if(b.key==='basemap'){base[label(b.key)]=l;}});
var draw={
geojson:function(g,s){L.geoJSON(s.data,{style:s.style,interactive:s.interactive,
bubblingMouseEvents:false,onEachFeature:function(f,l){var p=f.properties&&f.properties.popup;
if(p){l.bindPopup(function(){return popup(p);},{maxWidth:360});}}}).addTo(g);},
points:function(g,s){var d=s.data,st=Object.assign({bubblingMouseEvents:false},s.style);
for(var i=0;i<d.x.length;i++){var c=L.circleMarker([d.y[i],d.x[i]],st);c._covIndex=i;c.addTo(g);}
g.on('click',function(e){var i=e.layer._covIndex,rows=s.fields.map(function(f){var v=d[f[1]][i];
if(v===null||v===undefined){v=f[2]==='min'?s.beyond:'\u2013';}
else{v=f[2]==='min'?s.minutes.split('{v}').join(String(v)):Number(v).toLocaleString('en-US');}
return [f[0],v];});
var title=d.name&&d.name[i]?d.name[i]:s.head;
L.popup({maxWidth:320}).setLatLng(e.layer.getLatLng()).setContent(popup({title:title,rows:rows}))
.openOn(g._map);});},
markers:function(g,s){var ic=s.icon,n=ic.size,h=Math.floor(n/2);
s.items.forEach(function(it){var attrs={'class':ic['class']};
Object.keys(it.data).forEach(function(k){attrs['data-'+k]=it.data[k];});
var mk=L.marker([it.lat,it.lng],{zIndexOffset:s.z,icon:L.divIcon({className:ic.iconClass,
html:icon(ic.shape,ic.color,n,attrs,it.text),iconSize:[n,n],iconAnchor:[h,h]})});
mk.bindPopup(function(){return popup(it.popup);},{maxWidth:340});
mk.bindTooltip(function(){return el('div','',it.tooltip);},{sticky:true});
mk.addTo(g);if(it.fid!==undefined){reg.facilities[it.fid]=mk;}});}};
M.overlays.forEach(function(s){var g=L.featureGroup();draw[s.kind](g,s);if(s.show){g.addTo(map);}
reg.layers[s.key]=g;over[label(s.key)]=g;});
L.control.layers(base,over,{collapsed:false,position:'topright',autoZIndex:true}).addTo(map);
// Panels go before the map's container, where the page's own markup would be.
var box=map.getContainer();
function panel(e,id){e.id=id;box.parentNode.insertBefore(e,box);}
panel(el('div','',M.title),'cov-title');
if(M.kpi){var k=el('div','cov-panel');k.appendChild(el('h4','',M.kpi.head));
k.appendChild(table(M.kpi.rows,'td','cov-kpi-value'));panel(k,'cov-kpi');}
var lg=el('div','cov-panel');lg.appendChild(el('h4','',M.legend.head));
M.legend.rows.forEach(function(r){var row=el('div','cov-legend-row');
if(r.icon){row.appendChild(icon(r.icon[0],r.icon[1],r.icon[2]));}
if(r.dot){var dot=el('span','cov-dot');dot.style.background=r.dot;row.appendChild(dot);}
row.appendChild(document.createTextNode(r.text));
(r.bands||[]).forEach(function(b){var sw=el('span','cov-sw');
sw.style.background='rgba(60,60,60,'+Number(b[0])+')';row.appendChild(sw);
row.appendChild(document.createTextNode(b[1]+' '));});lg.appendChild(row);});
M.legend.notes.forEach(function(t){lg.appendChild(el('div','cov-note',t));});
panel(lg,'cov-legend');
reg.highlight=L.featureGroup().addTo(map);
var colors=M.colors,front=M.front;
reg.clearCatchment=function(){reg.highlight.clearLayers();reg.selected=null;};
reg.showCatchment=function(fid){fid=String(fid);var fc=reg.catchments[fid];reg.clearCatchment();
if(!fc||!fc.features.length){return null;}
var c=colors[fid]||'#000';
var lyr=L.geoJSON(fc,{interactive:false,style:function(){return {color:'#111',weight:2.5,
fillColor:c,fillOpacity:0.18,dashArray:null};}}).addTo(reg.highlight);
reg.selected=fid;return lyr;};
Object.keys(reg.facilities).forEach(function(fid){
reg.facilities[fid].on('click',function(){reg.showCatchment(fid);});});
// Clicks on markers, worker points and boundaries do not bubble: this is the background.
map.on('click',function(){reg.clearCatchment();});
// Catchment layers switched on later would be drawn over the worker points on the shared
// canvas: lift the points (and the highlight) back on top.
map.on('overlayadd',function(){front.forEach(function(k){var l=reg.layers[k];
if(l&&map.hasLayer(l)){l.bringToFront();}});reg.highlight.bringToFront();});
reg.ready=true;
"""


def _map_script(
    m: folium.Map,
    reg: _Registry,
    tiers: _Tiers,
    lang: str,
    datum: str,
    panels: dict[str, Any],
) -> str:
    """The map's script: the payload as one JSON literal, then the fixed :data:`_MAP_JS`."""
    meta = {
        "lang": lang,
        "datum": datum,
        "names": reg.names,
        "counts": reg.counts,
        "catchments": reg.catchments,
        "colors": {fid: tiers.style[t]["color"] for fid, t in reg.facility_tier.items()},
        "front": reg.front,
        "basemaps": reg.basemaps,
        "overlays": reg.overlays,
        **panels,
    }
    # The data sits on one line as plain JSON ("var coverageMeta=...;"), easy to check from tests.
    return f"(function(){{\nvar map={m.get_name()};\nvar coverageMeta={_js(meta)};\n{_MAP_JS}}})();"


# --- saving ---------------------------------------------------------------------------------

# (pattern on the URL, kind, vendored file). Matched loosely on package and version, so the
# same file serves whichever CDN a folium release points at.
_ASSETS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"leaflet[@/-]1\.9\.3/(dist/)?leaflet\.js$"), "js", "leaflet-1.9.3/leaflet.js"),
    (re.compile(r"leaflet[@/-]1\.9\.3/(dist/)?leaflet\.css$"), "css", "leaflet-1.9.3/leaflet.css"),
    (
        re.compile(r"jquery-3\.7\.1\.min\.js$|jquery@3\.7\.1/dist/jquery\.min\.js$"),
        "js",
        "jquery-3.7.1/jquery.min.js",
    ),
]

_SCRIPT_RE = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>\s*</script>", re.I
)
_LINK_RE = re.compile(r"<link\b[^>]*?\bhref\s*=\s*([\"'])(?P<url>[^\"']+)\1[^>]*>", re.I)
_REMOTE_RE = re.compile(r"^(https?:)?//", re.I)

# Leaflet finds its default marker image from the CSS url(); with a data: URI that detection
# yields nonsense, so point the default icon at the inlined images directly.
_ICON_FIX = (
    "L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{iconUrl:{icon},"
    "iconRetinaUrl:{icon2x},shadowUrl:{shadow}}});"
)


@lru_cache(maxsize=8)
def _data_uri(path: str) -> str:
    data = Path(path).read_bytes()
    mime = "image/png" if path.endswith(".png") else "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


@lru_cache(maxsize=8)
def _asset(rel: str) -> str:
    """A vendored file ready to inline: source maps dropped, CSS images as data: URIs."""
    path = STATIC / rel
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^\s*//# sourceMappingURL=.*$", "", text, flags=re.M)
    if rel.endswith(".css"):

        def inline(match: re.Match[str]) -> str:
            target = (path.parent / match.group(2)).resolve()
            if not target.is_file():
                return match.group(0)  # e.g. url(#default#VML): no file behind it
            return f'url("{_data_uri(str(target))}")'

        text = re.sub(r"url\((['\"]?)(?!data:|#)([^'\")]+)\1\)", inline, text)
    if rel.endswith("leaflet.js"):
        img = STATIC / "leaflet-1.9.3" / "images"
        text += "\n" + _ICON_FIX.format(
            icon=_js(_data_uri(str(img / "marker-icon.png"))),
            icon2x=_js(_data_uri(str(img / "marker-icon-2x.png"))),
            shadow=_js(_data_uri(str(img / "marker-shadow.png"))),
        )
    return text


def _vendored(url: str) -> tuple[str, str] | None:
    for pattern, kind, rel in _ASSETS:
        if pattern.search(url):
            return kind, rel
    return None


def inline_assets(page: str) -> str:
    """Replace CDN ``<script src>``/``<link href>`` tags by vendored content inline.

    Raises
    ------
    ValueError
        When a remote script or stylesheet is not vendored (e.g. a folium plugin's): better
        than a map that silently breaks on an offline office machine.
    """
    missing: list[str] = []

    def script(match: re.Match[str]) -> str:
        url = match.group("url")
        if not _REMOTE_RE.match(url):
            return match.group(0)
        found = _vendored(url)
        if found is None or found[0] != "js":
            missing.append(url)
            return match.group(0)
        code = _asset(found[1]).replace("</script", "<\\/script")
        return f"<script>/* {found[1]} */\n{code}\n</script>"

    def link(match: re.Match[str]) -> str:
        tag, url = match.group(0), match.group("url")
        if not re.search(r"\brel\s*=\s*[\"']?stylesheet", tag, re.I) or not _REMOTE_RE.match(url):
            return tag
        found = _vendored(url)
        if found is None or found[0] != "css":
            missing.append(url)
            return tag
        css = _asset(found[1]).replace("</style", "<\\/style")
        return f"<style>/* {found[1]} */\n{css}\n</style>"

    page = _SCRIPT_RE.sub(script, page)
    page = _LINK_RE.sub(link, page)
    if missing:
        raise ValueError(
            "cannot make the map self-contained: no vendored copy of "
            + ", ".join(sorted(set(missing)))
            + " (maps from coverage_map need only Leaflet and jQuery; see coverage/static)"
        )
    return page


def save_map(m: folium.Map, path: str | Path, *, self_contained: bool = False) -> Path:
    """Write the map as one HTML file, atomically.

    Parameters
    ----------
    m
        A map, normally from :func:`coverage_map`.
    path
        Target ``.html`` file; replaced only once the whole page is written.
    self_contained
        Inline Leaflet and jQuery from ``coverage/static`` so the page makes no CDN request
        (basemap tiles still need the network; the data shows without them).

    Returns
    -------
    Path
        The written file.
    """
    page = m.get_root().render()
    if self_contained:
        page = inline_assets(page)
    return write_text(path, page)


# --- static map -----------------------------------------------------------------------------

_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Sarasa Gothic SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "Noto Sans CJK JP",
)

_PAPER_IN = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}  # landscape, inches


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of a font matplotlib can use for Chinese labels, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_FONTS:
        if name in names:
            return name
    for name in sorted(names):
        if re.search(r"CJK|Hei|Song|Ming|Kai|WenQuanYi|YaHei", name):
            return name
    return None


def _scale_bar(ax: Any, lang: str) -> None:
    """A plain scale bar in the lower left (axes in metres)."""
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    target = (x1 - x0) / 5
    steps = [50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000, 100000]
    length = max([s for s in steps if s <= target] or [steps[0]])
    bx, by, h = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05, (y1 - y0) * 0.008
    for k in range(2):
        ax.add_patch(
            Rectangle(
                (bx + k * length / 2, by),
                length / 2,
                h,
                facecolor="black" if k == 0 else "white",
                edgecolor="black",
                lw=0.8,
                zorder=20,
            )
        )
    if length >= 1000:
        text = f"{length / 1000:g} 公里" if lang == "zh" else f"{length / 1000:g} km"
    else:
        text = f"{length} 米" if lang == "zh" else f"{length} m"
    ax.text(bx + length / 2, by + 2.2 * h, text, ha="center", va="bottom", fontsize=8, zorder=20)


def _north_arrow(ax: Any, lang: str) -> None:
    ax.annotate(
        "北" if lang == "zh" else "N",
        xy=(0.96, 0.95),
        xytext=(0.96, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 10, "headlength": 10},
        zorder=20,
    )


def save_static_map(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None,
    tier_catchments: gpd.GeoDataFrame | None,
    area: shapely.Geometry | None,
    path: str | Path,
    *,
    lang: str = "zh",
    paper: str = "A4",
    dpi: int = 200,
    title: str = "",
    thresholds: Mapping[str, float] | None = None,
) -> Path:
    """Printable map (PNG or PDF by the file suffix) of catchments, facilities and gaps.

    Parameters
    ----------
    facilities, demand, tier_catchments, area
        As for :func:`coverage_map` (EPSG:4326); only uncovered worker points are drawn
        prominently, covered ones faintly.
    path
        ``.png`` or ``.pdf`` target, written atomically.
    lang
        ``"zh"`` or ``"en"``. Without a Chinese font matplotlib can find, English labels are
        used and a warning says so (install e.g. ``fonts-noto-cjk``).
    paper
        ``"A4"`` or ``"A3"``, landscape.
    dpi
        Resolution of a PNG.
    thresholds
        Walking threshold (minutes) per tier: only bands up to it are drawn for that tier
        (default ``settings.threshold_min``).
    title
        Title (a default title when empty).

    Returns
    -------
    Path
        The written file.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    if paper not in _PAPER_IN:
        raise ValueError(f"paper must be one of {tuple(_PAPER_IN)}, not {paper!r}")
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        raise ValueError(f"save_static_map writes .png or .pdf, not {path.suffix!r}")

    font = cjk_font()
    # Names and titles are shown as written: "$...$" in them is not mathtext.
    rc: dict[str, Any] = {"axes.unicode_minus": False, "pdf.fonttype": 42, "text.parse_math": False}
    if font:
        rc["font.family"] = [font, "sans-serif"]
    elif lang == "zh" or re.search(r"[^\x00-\x7f]", title):
        warnings.warn(
            "no Chinese font found for matplotlib (install fonts-noto-cjk); the static map "
            "uses English labels",
            stacklevel=2,
        )
        lang = "en"
        if re.search(r"[^\x00-\x7f]", title):
            title = ""
    title = title or _t(lang, "title")

    facilities = _wgs84(facilities)
    demand, tier_catchments = _wgs84(demand), _wgs84(tier_catchments)
    area = _area(area)
    sample = [g for g in (facilities, demand) if g is not None and len(g)]
    if area is not None:
        c = shapely.centroid(area)
        crs = utm_epsg([c.x], [c.y])
    elif sample:
        pts = shapely.point_on_surface(pd.concat([g.geometry for g in sample]).to_numpy())
        crs = utm_epsg(shapely.get_x(pts), shapely.get_y(pts))
    else:
        raise ValueError("nothing to draw: no facilities, demand or area")

    fac_tiers = (
        [normalize_tier(t) for t in facilities["tier"]]
        if facilities is not None and "tier" in facilities
        else ["other"] * (0 if facilities is None else len(facilities))
    )
    band_tiers = (
        [normalize_tier(t) for t in tier_catchments["tier"]]
        if tier_catchments is not None and "tier" in tier_catchments
        else []
    )
    tiers = _Tiers([*fac_tiers, *band_tiers])
    markers = {"square": "s", "diamond": "D", "circle": "o", "triangle": "^"}

    with rc_context(rc):
        fig = Figure(figsize=_PAPER_IN[paper], dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.02, 0.04, 0.74, 0.88))
        ax.set_axis_off()
        ax.set_aspect("equal")
        handles: list[Any] = []

        if tier_catchments is not None and len(tier_catchments):
            tc = tier_catchments.to_crs(crs).assign(
                _tier=band_tiers or ["other"] * len(tier_catchments),
                _band=pd.to_numeric(tier_catchments.get("band_min", np.nan), errors="coerce"),
            )
            # Centre drawn last (on top), but listed first in the legend.
            catch_handles: list[Any] = []
            for tier in reversed(tiers.order):
                part = tc[tc["_tier"] == tier]
                if not len(part):
                    continue
                color = tiers.style[tier]["color"]
                limit = {normalize_tier(t): float(v) for t, v in (thresholds or {}).items()}.get(
                    tier, settings.threshold_min
                )
                all_bands = sorted(set(part["_band"].dropna()))
                top = _shown_band(all_bands, limit) if all_bands else np.nan
                part = part[~(part["_band"] > top)]  # bands beyond the tier's standard: not drawn
                for band in sorted(set(part["_band"].dropna()), reverse=True) or [np.nan]:
                    sub = part if np.isnan(band) else part[part["_band"] == band]
                    sub.plot(
                        ax=ax,
                        color=color,
                        alpha=_BAND_OPACITY.get(float(band), 0.15),
                        edgecolor=color,
                        linewidth=0.4,
                        zorder=2,
                    )
                catch_handles.append(
                    Patch(
                        facecolor=color,
                        alpha=0.35,
                        edgecolor=color,
                        label=_t(
                            lang,
                            "catchment",
                            label=tier_label(tier, lang),
                            band="≤" + _band_text(part["_band"].max()),
                        ),
                    )
                )
            handles.extend(reversed(catch_handles))

        if area is not None:
            gpd.GeoSeries([area], crs=4326).to_crs(crs).boundary.plot(
                ax=ax, color="#222", linewidth=1.2, linestyle="--", zorder=3
            )
            handles.append(Line2D([], [], color="#222", ls="--", label=_t(lang, "area")))

        if demand is not None and len(demand):
            dm = demand.to_crs(crs)
            classes = _demand_classes(demand)
            unc = classes.get("demand_uncovered")
            if unc is not None:
                covered = dm[~unc]
                if len(covered):
                    covered.plot(ax=ax, color="#7f8c8d", markersize=0.6, alpha=0.5, zorder=4)
                    handles.append(
                        Line2D(
                            [],
                            [],
                            marker="o",
                            ls="",
                            color="#7f8c8d",
                            ms=3,
                            label=_demand_label(lang, "demand_covered", ~unc, demand),
                        )
                    )
                if unc.any():
                    dm[unc].plot(ax=ax, color="#e74c3c", markersize=3, zorder=5)
                    handles.append(
                        Line2D(
                            [],
                            [],
                            marker="o",
                            ls="",
                            color="#e74c3c",
                            ms=4,
                            label=_demand_label(lang, "demand_uncovered", unc, demand),
                        )
                    )
            else:
                dm.plot(ax=ax, color="#566573", markersize=0.8, zorder=4)
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker="o",
                        ls="",
                        color="#566573",
                        ms=3,
                        label=_demand_label(lang, "demand", np.ones(len(dm), bool), demand),
                    )
                )

        if facilities is not None and len(facilities):
            fc = facilities.to_crs(crs).reset_index(drop=True)
            pts = shapely.point_on_surface(fc.geometry.to_numpy())
            tier_arr = np.asarray(fac_tiers, dtype=object)
            for tier in tiers.order:
                rows = np.flatnonzero(tier_arr == tier)
                if not len(rows):
                    continue
                st = tiers.style[tier]
                mk = markers.get(st["shape"], "^")
                ax.scatter(
                    shapely.get_x(pts[rows]),
                    shapely.get_y(pts[rows]),
                    marker=mk,
                    s=st["size"] ** 2 / 4,
                    c=st["color"],
                    edgecolors="white",
                    linewidths=0.8,
                    zorder=10 + (tier == "centre"),
                )
                handles.append(
                    Line2D(
                        [],
                        [],
                        marker=mk,
                        ls="",
                        color=st["color"],
                        markeredgecolor="white",
                        ms=st["size"] / 2.5,
                        label=_t(lang, "count", label=tier_label(tier, lang), n=len(rows)),
                    )
                )
                if tier == "centre" and "name" in fc:
                    for r in rows:
                        name = fc.at[r, "name"]
                        if not _missing(name) and (font or str(name).isascii()):
                            ax.annotate(
                                str(name),
                                (pts[r].x, pts[r].y),
                                xytext=(6, 6),
                                textcoords="offset points",
                                fontsize=7,
                                zorder=12,
                            )

        if area is not None:
            x0, y0, x1, y1 = gpd.GeoSeries([area], crs=4326).to_crs(crs).total_bounds
            pad = 0.03 * max(x1 - x0, y1 - y0)
            ax.set_xlim(x0 - pad, x1 + pad)
            ax.set_ylim(y0 - pad, y1 + pad)
        _scale_bar(ax, lang)
        _north_arrow(ax, lang)
        fig.suptitle(title, fontsize=16, fontweight="bold", y=0.97)
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0.77, 0.9),
            fontsize=8,
            frameon=False,
            title=_t(lang, "legend"),
        )
        note = (
            "坐标：WGS-84\n步行时间按OpenStreetMap路网计算\n© OpenStreetMap contributors"
            if lang == "zh"
            else "Coordinates: WGS-84\nWalking times on the OpenStreetMap street network\n"
            "© OpenStreetMap contributors"
        )
        fig.text(0.77, 0.05, note, fontsize=6, color="#555", va="bottom")

        def writer(tmp: Path) -> None:
            fig.savefig(tmp, format=fmt, dpi=dpi)

        return write_with(path, writer)
