"""Writing maps: the run's interactive map, the plan map and the printable map.

Every writer takes results already computed (:class:`coverage.results.Run`,
:class:`coverage.planning.PlanRun`) and their layers (:mod:`coverage.run_layers`,
:mod:`coverage.plan_layers`); the drawing itself is :mod:`coverage.maps` and
:mod:`coverage.figures`. ``coverage.pipeline`` re-exports each public name.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from coverage.datum import add_coordinates
from coverage.i18n import t
from coverage.i18n.values import served_notes, unsolved_notes
from coverage.plan_layers import at_own_thresholds, plan_demand, plan_subdistricts
from coverage.run_layers import finite, subdistrict_layer
from coverage.scenario import Scenario
from coverage.summary import subdistricts_after

if TYPE_CHECKING:
    from coverage.results import PlanResult, Run

__all__ = [
    "coverage_map",
    "map_sources",
    "plan_map_of",
    "plan_map_path",
    "write_map",
    "write_plan_map",
    "write_print_map",
]


def coverage_map(
    run: Run,
    *,
    proposed: gpd.GeoDataFrame | None = None,
    kpis: dict[str, float] | None = None,
    lang: str | None = None,
    basemap: str | None = None,
    plan: PlanResult | None = None,
) -> Any:
    """The run's interactive map as a ``folium.Map`` (display it in a notebook, or save it).

    With ``plan`` (a plan of this run, :func:`coverage.pipeline.plan`), the plan map: its
    proposed sites (unless ``proposed`` is given) and the situation with them: worker points
    the plan newly covers in a class of their own, those left uncovered after it, sub-district
    popups with the people covered before, after and added, and the proposed sites' catchments
    (:mod:`coverage.plan_layers`).

    Parameters
    ----------
    run
        A scenario run.
    proposed
        Proposed sites to draw (default: the plan's, with ``plan``).
    kpis
        Figures of the KPI panel (default: the run's, or the plan's with ``plan``).
    lang
        ``"zh"`` or ``"en"`` (default: the scenario's).
    basemap
        The basemap shown first (default: ``[output] basemap``).
    plan
        A plan of this run, for the plan map.

    Returns
    -------
    folium.Map
        The map.
    """
    from coverage import maps

    s = run.scenario
    cov = run.coverage
    f = cov.facilities
    demand, subdistricts = cov.demand, subdistrict_layer(run, shown=True)
    new_catchments = None
    notes: list[str] = []
    title = s.display_title(lang)
    if plan is not None:
        proposed = plan.proposed if proposed is None else proposed
    if plan is not None and plan.plans:
        after = plan.after
        # walks with the proposed sites open: what the plan leaves, as plan.xlsx says
        demand = plan_demand(demand, plan.plan_min, after, walks=plan.demand)
        if subdistricts is not None:
            by_key = subdistricts_after(cov, after.covered)
            subdistricts = plan_subdistricts(subdistricts, by_key, s.area.name_field)
        new_catchments = at_own_thresholds(plan.catchments, plan.plans)
        # capacities: what the sites can serve, beside "after" (everyone within reach)
        notes = served_notes(plan.plans, lang or s.lang)
        notes += unsolved_notes(plan.plans, lang or s.lang)  # a stage that found no plan
        # the plan's map says so at the top, as the report's map after the plan
        title = t(lang or s.lang, "map.title_plan", title=title, n=len(plan.proposed))
    return maps.coverage_map(
        add_coordinates(f, f.geometry.x, f.geometry.y, s.output.datum),  # for the popups
        finite(demand),
        catchments=run.catchments,
        tier_catchments=run.tier_catchments,
        subdistricts=subdistricts,
        proposed=proposed,
        proposed_catchments=new_catchments,
        area=run.layers.area,
        kpis=cov.kpis() if kpis is None else kpis,
        kpi_notes=notes,
        title=title,
        lang=lang or s.lang,
        basemap=basemap or s.output.basemap,
        tianditu_key=_tianditu_key(s),
        thresholds=cov.thresholds,
        streets=run.network.edges,
        landcover=getattr(run.network, "landcover", None),
        # Outlines are drawn on a grid: within half a cell is within what they already mean.
        outline_tolerance_m=0.5 * (s.walk.catchment_cell_m or 0.4 * s.walk.walk_off_m),
        speed_kmh=s.walk.speed_kmh,
        date=datetime.date.today().isoformat(),
        sources=map_sources(s),
        cache_dir=s.cache_dir,  # refused before the run (preflight)
    )


def map_sources(s: Scenario) -> list[str]:
    """Data sources named under the map's KPIs: the street network's, and WorldPop's rasters.

    Parameters
    ----------
    s
        The scenario.

    Returns
    -------
    list of str
        The sources' names.
    """
    sources = ["OpenStreetMap"]  # the walking network (downloaded, or an OSM extract)
    if any(layer.is_raster for layer in s.demand):
        sources.append("WorldPop")
    return sources


def write_map(
    run: Run,
    path: Path,
    *,
    lang: str | None = None,
    basemap: str | None = None,
    self_contained: bool | None = None,
) -> Path:
    """Write the scenario's HTML map.

    Parameters
    ----------
    run
        A scenario run.
    path
        The HTML file to write.
    lang
        ``"zh"`` or ``"en"`` (default: the scenario's).
    basemap
        The basemap shown first (default: ``[output] basemap``).
    self_contained
        Inline Leaflet and jQuery (default: ``[output] self_contained``).

    Returns
    -------
    Path
        The file written.
    """
    from coverage import maps

    s = run.scenario
    m = coverage_map(run, lang=lang, basemap=basemap)
    keep = s.output.self_contained if self_contained is None else self_contained
    return maps.save_map(m, path, self_contained=keep)


def _tianditu_key(s: Scenario) -> str | None:
    return s.output.tianditu_key or os.environ.get("TIANDITU_KEY") or None


def write_print_map(
    run: Run, path: Path, *, paper: str | None = None, lang: str | None = None
) -> Path:
    """A printable static map (PNG or PDF by suffix) of catchments, facilities and gaps.

    Parameters
    ----------
    run
        A scenario run.
    path
        A ``.png`` or ``.pdf`` file.
    paper
        ``"A4"`` or ``"A3"`` (default: ``[output] paper``).
    lang
        ``"zh"`` or ``"en"`` (default: the scenario's).

    Returns
    -------
    Path
        The file written.
    """
    from coverage import figures
    from coverage.figures.print_notes import print_sources

    s = run.scenario
    cov = run.coverage
    lang = lang or s.lang
    drawn = figures.drawn_lang(lang)  # English without a Chinese font: its words too
    landcover = getattr(run.network, "landcover", None)
    subs = run.layers.subdistricts
    if subs is not None and s.area.name_field != "name":
        subs = subs.drop(columns="name", errors="ignore").rename(
            columns={s.area.name_field: "name"}
        )
    return figures.save_static_map(
        cov.facilities,
        finite(cov.demand),
        run.tier_catchments,
        run.layers.area,
        path,
        lang=lang,
        paper=paper or s.output.paper,
        title=s.display_title(drawn),
        thresholds=cov.thresholds,
        subdistricts=subs,
        kpis=cov.kpis(),
        date=datetime.date.today().isoformat(),
        sources=print_sources(s, drawn, landcover=landcover is not None and len(landcover) > 0),
        speed_kmh=s.walk.speed_kmh,
        landcover=landcover,
    )


def plan_map_path(s: Scenario, map_path: str | Path | None = None) -> Path:
    """The plan map to write: ``map_path``, or ``[output] map`` with ``_plan`` added.

    Parameters
    ----------
    s
        The scenario.
    map_path
        The caller's choice, if any.

    Returns
    -------
    Path
        The plan map's path.
    """
    if map_path is not None:
        return Path(map_path)
    return plan_map_of(s.map_path)


def plan_map_of(run_map: str | Path) -> Path:
    """The plan map beside the run's map ``run_map``: its name with ``_plan`` added.

    >>> plan_map_of("maps/wuhan.html").as_posix()
    'maps/wuhan_plan.html'
    """
    run_map = Path(run_map)
    return run_map.with_name(run_map.stem + "_plan" + run_map.suffix)


def write_plan_map(result: PlanResult, path: Path) -> Path:
    """The coverage map with the plan: its sites, their effect (see :func:`coverage_map`), KPIs.

    The KPI panel keeps the run's figures, with the shares before and after the plan.

    Parameters
    ----------
    result
        A plan.
    path
        The HTML file to write.

    Returns
    -------
    Path
        The file written.
    """
    from coverage import maps

    before = result.before
    kpis = before.coverage.kpis()
    if result.plans:
        after = result.after
        kpis["share_after_plan"] = after.after_share
        kpis["share_before_plan"] = after.before_share
    m = coverage_map(before, kpis=kpis, plan=result)
    return maps.save_map(m, path, self_contained=before.scenario.output.self_contained)
