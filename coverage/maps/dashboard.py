"""The interactive map: :func:`coverage_map` draws every layer and panel on one Leaflet map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Figure

from coverage.i18n import lang_or_default, t
from coverage.maps.basemaps import BASEMAPS, TILE_DATUM, add_basemaps, resolve_basemap
from coverage.maps.demand import demand_classes, demand_layer
from coverage.maps.geometry import area_geometry, draw_geoms, feature_collection, fit, wgs84
from coverage.maps.landcover import landcover_layer
from coverage.maps.layers import (
    catchment_layers,
    facility_catchments,
    facility_layers,
    proposed_layer,
    subdistrict_layer,
    tier_bands,
)
from coverage.maps.panels import kpi_note, panel_data, style_tag
from coverage.maps.plan import proposed_catchment_layer
from coverage.maps.registry import Raw, Registry, Script, map_script, polygon_spec
from coverage.maps.streets import streets_layer
from coverage.maps.tiers import Tiers, normalize_tier

__all__ = ["coverage_map"]


def coverage_map(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None = None,
    *,
    catchments: gpd.GeoDataFrame | None = None,
    tier_catchments: gpd.GeoDataFrame | None = None,
    subdistricts: gpd.GeoDataFrame | None = None,
    proposed: gpd.GeoDataFrame | None = None,
    proposed_catchments: gpd.GeoDataFrame | None = None,
    area: shapely.Geometry | None = None,
    kpis: Mapping[str, float] | None = None,
    kpi_notes: Sequence[str] = (),
    title: str = "",
    lang: str | None = None,
    basemap: str = "osm",
    tianditu_key: str | None = None,
    thresholds: Mapping[str, float] | None = None,
    streets: gpd.GeoDataFrame | None = None,
    landcover: gpd.GeoDataFrame | None = None,
    outline_tolerance_m: float = 1.0,
    speed_kmh: float | None = None,
    date: str = "",
    sources: Sequence[str] = (),
    cache_dir: Path | None = None,
) -> folium.Map:
    """Interactive coverage map for leaders: facilities, catchments, gaps, proposals, KPIs.

    Parameters
    ----------
    facilities
        Points (EPSG:4326) with optional ``name``, ``tier``, ``type``, ``services``,
        ``address``, ``capacity``, ``workers_reached``, ``snap_m``, ``fid``.
    demand
        Worker points with optional ``name``, ``weight``, ``covered``, ``n_reach``,
        ``nearest_min`` and ``t_<tier>`` minutes. Uncovered points are always all drawn. On a
        plan map, ``plan_added`` marks the points covered only thanks to the plan (a class of
        their own, ``covered`` being coverage after the plan) and ``plan_min`` their walk to
        the nearest proposed site (:func:`coverage.plan_layers.plan_demand`).
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
    proposed_catchments
        The proposed sites' catchments (``band_min``: the minutes they were drawn at), one
        toggleable layer (:func:`coverage.plan_layers.proposed_catchments`).
    area
        Study-area outline (WGS-84).
    kpis
        Figures for the KPI panel; ``share*`` keys show as percentages, unknown keys by name.
    kpi_notes
        Sentences for the KPI panel, under a plan map's figures (what a capacitated plan's
        sites can serve, :func:`coverage.i18n.values.served_notes`).
    title
        Title bar text (a default title when empty).
    lang
        ``"zh"`` or ``"en"`` for every label (default :data:`coverage.settings.lang`).
    basemap
        The basemap shown on opening: ``"osm"``, ``"amap"`` (data shifted to GCJ-02),
        ``"tianditu"`` (needs ``tianditu_key``), ``"none"`` or ``"auto"`` (Amap for
        ``lang="zh"``, OSM otherwise). The others are offered in the layer control.
    tianditu_key
        Tianditu API key.
    thresholds
        Walking threshold (minutes) per tier: each tier opens with the catchment band of its
        own threshold (or the largest band below it) shown. Default: ``settings.threshold_min``.
    streets
        The walking network's edges (projected, with optional ``highway`` and ``name``): drawn
        clipped to the map as a light background under everything, always shown.
    landcover
        Water and green polygons (``kind`` ``water``/``green``), drawn under the streets,
        always shown; no layer without them.
    outline_tolerance_m
        Catchment outlines are simplified within this many metres (half the catchment grid
        cell is invisible and halves the file).
    speed_kmh, date, sources
        For the KPI panel's footnote: walking speed, date of the run and data sources.
    cache_dir
        Folder keeping the simplified catchment outlines between runs (the same polygons
        draw the same outlines, read back instead of simplified again); None: no cache.

    Returns
    -------
    folium.Map
        With ``window.coverageMap`` set by a script (see :mod:`coverage.maps`).
    """
    lang = lang_or_default(lang)
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {BASEMAPS}, not {basemap!r}")
    basemap = resolve_basemap(basemap, lang)
    datum = TILE_DATUM[basemap]
    layers = _layers(facilities, demand, catchments, tier_catchments, subdistricts, proposed, area)
    layers.proposed_catchments = wgs84(proposed_catchments)
    m = _base_map()
    # Every layer, popup, tooltip, label and panel is drawn by one fixed script from one JSON
    # payload (see Raw): folium only provides the map itself.
    reg = Registry()
    box = _extent(layers)
    add_basemaps(reg, basemap, lang, tianditu_key, box)
    cast(Figure, m.get_root()).header.add_child(Raw(style_tag()), name="coverage_css")
    if landcover is not None and len(landcover):
        landcover_layer(reg, landcover, box, lang, datum)
    if streets is not None and len(streets):
        streets_layer(reg, streets, box, lang, datum)
    bounds = _draw(reg, layers, lang, datum, thresholds or {}, outline_tolerance_m, cache_dir)
    view = fit(m, bounds, datum)
    title = title or t(lang, "map.title")
    panels = panel_data(
        reg, layers.tiers, layers.bands, kpis or {}, title, lang, basemap, kpi_notes
    )
    panels["note"] = kpi_note(lang, speed_kmh, date, sources) if kpis else ""
    panels["fit"] = view
    m.add_child(Script(map_script(m, reg, layers.tiers, lang, datum, panels)))
    return m


@dataclass
class _Layers:
    """The inputs in WGS-84 without empty geometries, and the tiers they hold."""

    facilities: gpd.GeoDataFrame
    fac_tiers: list[str]  # tier code of each facility
    demand: gpd.GeoDataFrame | None
    catchments: gpd.GeoDataFrame | None
    bands: gpd.GeoDataFrame | None  # union per tier and band
    subdistricts: gpd.GeoDataFrame | None
    proposed: gpd.GeoDataFrame | None
    area: shapely.Geometry | None
    tiers: Tiers
    proposed_catchments: gpd.GeoDataFrame | None = None


def _layers(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame | None,
    catchments: gpd.GeoDataFrame | None,
    tier_catchments: gpd.GeoDataFrame | None,
    subdistricts: gpd.GeoDataFrame | None,
    proposed: gpd.GeoDataFrame | None,
    area: shapely.Geometry | None,
) -> _Layers:
    """The inputs of :func:`coverage_map` ready to draw."""
    fac = wgs84(facilities)
    if fac is None:
        raise TypeError("facilities is required (an empty GeoDataFrame is fine)")
    demand, catchments, tier_catchments, subdistricts, proposed = (
        wgs84(f) for f in (demand, catchments, tier_catchments, subdistricts, proposed)
    )
    fac_tiers = [normalize_tier(t) for t in fac["tier"]] if "tier" in fac else ["other"] * len(fac)
    bands = tier_bands(tier_catchments, catchments)
    band_tiers = [normalize_tier(t) for t in bands["tier"]] if bands is not None else []
    return _Layers(
        facilities=fac,
        fac_tiers=fac_tiers,
        demand=demand,
        catchments=catchments,
        bands=bands,
        subdistricts=subdistricts,
        proposed=proposed,
        area=area_geometry(area),
        tiers=Tiers([*fac_tiers, *band_tiers]),
    )


def _extent(layers: _Layers) -> tuple[float, float, float, float] | None:
    """WGS-84 box of everything drawn, padded by about 200 m (streets are clipped to it)."""
    frames = [layers.facilities, layers.demand, layers.catchments, layers.bands]
    frames += [layers.subdistricts, layers.proposed]
    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    if layers.area is not None:
        boxes.append(np.asarray(layers.area.bounds))
    arr = np.vstack(boxes) if boxes else np.empty((0, 4))
    arr = arr[np.all(np.isfinite(arr), axis=1)]
    if not len(arr):
        return None
    pad = 0.002
    return (
        float(arr[:, 0].min() - pad),
        float(arr[:, 1].min() - pad),
        float(arr[:, 2].max() + pad),
        float(arr[:, 3].max() + pad),
    )


def _base_map() -> folium.Map:
    """An empty Leaflet map on a canvas, loading only Leaflet and jQuery."""
    m = folium.Map(
        location=[30.0, 114.0],
        zoom_start=12,
        tiles=None,
        prefer_canvas=True,  # 30k worker points as DOM paths would make the page crawl
        control_scale=False,  # map.js adds a metric-only scale bar
        max_zoom=19,
    )
    # Only Leaflet and jQuery: the markers here are inline SVG, so Bootstrap, awesome-markers
    # and icon fonts would be dead weight and CDN requests.
    m.default_js = [(n, u) for n, u in m.default_js if n in ("leaflet", "jquery")]
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
    return m


def _draw(
    reg: Registry,
    layers: _Layers,
    lang: str,
    datum: str,
    thresholds: Mapping[str, float],
    tolerance_m: float,
    cache_dir: Path | None = None,
) -> list[np.ndarray]:
    """Add every overlay to the registry, bottom first; returns the bounds of what is drawn."""
    bounds: list[np.ndarray] = []
    # Order matters on the shared canvas: area and boundaries under catchments, then points.
    if layers.area is not None:
        geom = draw_geoms([layers.area], datum, simplify=True)[0]
        bounds.append(np.asarray(geom.bounds))
        style = {"color": "#222", "weight": 2.5, "dashArray": "8 6", "fill": False}
        spec = polygon_spec(feature_collection([geom.boundary], [{}]), style)
        reg.add("area", t(lang, "map.area"), spec, count=1)
    if layers.subdistricts is not None and len(layers.subdistricts):
        subdistrict_layer(reg, layers.subdistricts, lang, datum, bounds)
    if layers.bands is not None and len(layers.bands):
        catchment_layers(
            reg, layers.bands, layers.tiers, lang, datum, thresholds, tolerance_m, cache_dir
        )
    new = layers.proposed_catchments
    if new is not None and len(new):
        proposed_catchment_layer(reg, new, lang, datum, tolerance_m, cache_dir)
    demand = layers.demand
    if demand is not None and len(demand):
        # Bounds of the drawn (for Amap: GCJ-02-shifted) points, like every other layer.
        geoms = draw_geoms(demand.geometry.to_numpy(), datum)
        bounds.append(np.asarray(shapely.total_bounds(geoms)))
        for key, mask in demand_classes(demand, thresholds).items():
            demand_layer(reg, demand, key, mask, lang, datum, thresholds)
    catchments = layers.catchments
    if catchments is not None and len(catchments) and "fid" in catchments:
        facility_catchments(reg, catchments, datum, tolerance_m, cache_dir)
    facility_layers(reg, layers.facilities, layers.fac_tiers, layers.tiers, lang, datum, bounds)
    if layers.proposed is not None and len(layers.proposed):
        proposed_layer(reg, layers.proposed, lang, datum, bounds)
    return bounds
