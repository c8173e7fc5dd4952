"""Leader-ready maps: an interactive folium dashboard of walking coverage.

:func:`coverage_map` draws facilities by tier, their walking catchments per tier (the band a
choice), covered/uncovered worker points, proposed sites, sub-district boundaries and the study
area on one Leaflet map, with a title bar, a legend, a KPI panel and a facility search, in
Chinese or English (the words are in :mod:`coverage.i18n`, keys ``map.*``). Popups show what a
reader needs in the map's language only (no snap distance, ids or program keys); a facility
whose reach exceeds :data:`~coverage.maps.layers.REACH_FACTOR` × its capacity is flagged.
:func:`save_map` writes it, optionally **self-contained** (Leaflet and jQuery inlined from
``coverage/static``; no request leaves the page except for basemap tiles, so the data still
shows offline). :func:`coverage.figures.save_static_map` renders a PNG/PDF for print.

Basemaps: ``"osm"``, ``"amap"`` (Gaode, GCJ-02: every drawn coordinate is shifted from
WGS-84 to GCJ-02 so the data lines up with the tiles), ``"tianditu"`` (WGS-84/CGCS2000, needs a
key), ``"none"`` or ``"auto"`` (Amap in Chinese, OSM otherwise) name the one shown on opening;
the layer control switches between them (tiles of the other datum are moved to the data by
offsets computed with prcoords). Under everything, always on, the walking network is drawn as
a light street layer (major streets heavier, names on hover), and under it water and green
areas when the network came from an osmnx download.

Input text is data
------------------
Names, addresses, services, tiers, sub-district names, titles and every other string taken
from the inputs reach the page only inside one JSON literal (``var coverageMeta=...;``, with
``<``, ``>`` and ``&`` escaped), which branca emits as is. One fixed script draws every layer,
marker, popup, tooltip, layer-control label and panel from it with ``textContent``. Nothing
built from input text is handed to branca/Jinja as template source (``Element(...)``,
``MacroElement``, folium's ``Popup``/``Tooltip``/``LayerControl``), since branca would run
a ``{{ ... }}`` in a register while drawing the map. The script is ``static/map.js`` and the
style ``static/map.css``: fixed files, read when a map is drawn. Input text is never an object
key in that literal (where ``"__proto__"`` would set a prototype): tables keyed by facility id
travel as ``[id, value]`` pairs.

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
      facilities,   // {fid: L.Marker}, an object without a prototype (any fid is a key)
      catchments,   // {fid: GeoJSON FeatureCollection, one feature per band}, likewise
      highlight,    // L.FeatureGroup holding the highlighted catchment
      selected,     // fid shown in highlight, or null
      chosen,       // fid of the facility marked (search or click), or null
      bands,        // {catchment_<tier>: band (minutes) drawn in that tier's layer}
      control,      // the L.Control.Layers
      showCatchment(fid),  // draw that facility's catchment; returns the L.GeoJSON or null
      clearCatchment(),
      setBand(key, band),  // draw that band in a tier's catchment layer (switching it on)
      findFacilities(text),  // [{fid, name, tier}] whose name contains text (any case)
      chooseFacility(fid),   // zoom to it, open its popup, mark it, show its catchment
      ready: true,
    }

Layer keys: ``basemap_osm``, ``basemap_amap``, ``basemap_tianditu``, ``basemap_none``
(the switcher's choices), ``streets`` and ``landcover`` (not in the layer control),
``facilities_<tier>``, ``catchment_<tier>`` (one per tier, all on; its band, e.g. 5/10/15 min,
is chosen in a ``<select class="cov-band" data-layer=…>`` beside its checkbox and opens on the
tier's threshold band), ``demand_uncovered`` (each point coloured by the minutes it would walk
beyond the standard of the nearest tier: up to 5, 5–15, more than 15, or not reachable on foot;
see :func:`coverage.maps.demand.minutes_over`),
``demand_covered``, ``demand_cross`` (covered by two or more facilities; ``demand`` when the
layer has no coverage columns, or for the points its walk times alone cannot tell: minutes to
the nearest facility within some tiers' thresholds but not others', its tier not given),
``proposed``, ``subdistricts``, ``area``; on a plan map also
``demand_added`` (points covered only thanks to the plan; ``demand_uncovered`` then holds those
still uncovered after it) and ``proposed_catchments`` (the proposed sites' catchments). ``<tier>`` is the tier
reduced to ``[A-Za-z0-9_-]`` (``tier1``, ``tier2``… for names with none of those characters).

DOM hooks: facility icons are ``<svg class="cov-fac cov-tier-<tier>" data-fid=… data-tier=…>``
(clicking one opens its popup, highlights its catchment and marks it with the class
``cov-chosen`` until another facility is chosen; clicking the map background clears the
catchment), the facility search box ``.cov-search input`` at the top of the layer control with
its results ``.cov-results li[data-fid]`` (names matched in the page from the payload, shown as
text), proposed sites ``<svg class="cov-proposed" data-rank=…>``, layer-control labels
``<span class="cov-layer" data-layer="<key>">``, panels ``#cov-title``, ``#cov-legend`` and
``#cov-kpi``. Worker points and polygons are drawn on a canvas (30k points stay fluid), so
they are not DOM elements: use ``layers`` and ``counts``.
"""

from __future__ import annotations

from coverage.i18n import LANGS
from coverage.maps.assets import STATIC, inline_assets, save_map
from coverage.maps.basemaps import BASEMAPS
from coverage.maps.dashboard import coverage_map
from coverage.maps.tiers import TIER_STYLE, normalize_tier, tier_label

__all__ = [
    "BASEMAPS",
    "LANGS",
    "STATIC",
    "TIER_STYLE",
    "coverage_map",
    "inline_assets",
    "normalize_tier",
    "save_map",
    "tier_label",
]
