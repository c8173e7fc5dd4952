"""Run a scenario end to end: network → layers → coverage → catchments → files and map.

Each step is a plain function so notebooks can run them one by one::

    from coverage import pipeline
    s = pipeline.load_scenario("data/wuhan/scenario.toml")
    net = pipeline.load_network(s)
    layers = pipeline.read_layers(s, net)
    cov = pipeline.evaluate(s, net, layers)

:func:`run` does all of it and writes the results, :func:`plan` proposes new sites and
:func:`report` runs what the one-page report shows. This module orchestrates: the writers are
in :mod:`coverage.export` (re-exported here, e.g. ``pipeline.write_results``), the catchment
layers in :mod:`coverage.catchment_layers`, the rendering of the report in
:mod:`coverage.report`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import analysis, datum, network, routing, tables, validation
from coverage import io as cio
from coverage.catchment_layers import catchments_for, facility_catchments
from coverage.errors import CoverageError, InputError, OutputError, Problem, ScenarioError
from coverage.export import (
    coverage_map,
    plan_map_path,
    run_info,
    write_edges,
    write_map,
    write_plan,
    write_plan_map,
    write_print_map,
    write_results,
)
from coverage.planning import PLAN_MODELS, PlanRun, Stage, plan_stages, planning_sites
from coverage.planning.plan import describe_sites, staged_plan
from coverage.planning.stages import _check_candidates
from coverage.planning.times import stage_times
from coverage.scenario import Layer, Scenario, load_scenario
from coverage.vocab import activate as activate_vocabulary

__all__ = [
    "Layers",
    "Run",
    "load_scenario",
    "load_area",
    "load_network",
    "read_layers",
    "check_usable",
    "check_outputs",
    "evaluate",
    "facility_catchments",
    "catchments_for",
    "coverage_map",
    "run_info",
    "write_results",
    "write_map",
    "write_print_map",
    "write_edges",
    "run",
    "walk_network",
    "draw_catchments",
    "draw_map",
    "PLAN_MODELS",
    "PlanRun",
    "Stage",
    "plan",
    "plan_map_path",
    "plan_stages",
    "planning_sites",
    "write_plan",
    "write_plan_map",
    "report",
]

log = logging.getLogger(__name__)

#: Progress callback: receives short messages; a message ending in "done/total" (e.g.
#: "catchments 120/570") reports a count, which the CLI shows as a progress bar.
Progress = Callable[[str], None]


@dataclass
class Layers:
    """Validated input layers (WGS-84) and everything found wrong with them."""

    facilities: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    area: shapely.Geometry | None
    subdistricts: gpd.GeoDataFrame | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how files were read, datum findings


@dataclass
class Run:
    """Everything a scenario run produced (returned by :func:`run`)."""

    scenario: Scenario
    network: network.WalkNetwork
    layers: Layers
    coverage: analysis.Coverage
    catchments: gpd.GeoDataFrame
    tier_catchments: gpd.GeoDataFrame
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def _noop(_: str) -> None:
    pass


# --- area and network -----------------------------------------------------------------------


def load_area(s: Scenario) -> tuple[shapely.Geometry | None, gpd.GeoDataFrame | None]:
    """Study area (one WGS-84 geometry) and sub-district polygons (WGS-84), if given.

    Without an area file the area is the sub-districts' union, or the boundary of the network's
    ``place`` (geocoded once, then cached).
    """
    area = None
    if s.area.path is not None:
        p = s.input_path(s.area.path)
        gdf = _read_polygons(p, s.area.layer)
        area = shapely.union_all(gdf.geometry.values)
    subs = None
    if s.area.subdistricts is not None:
        p = s.input_path(s.area.subdistricts)
        subs = _read_polygons(p, None)
        if s.area.name_field not in subs:
            raise InputError(
                f"no column '{s.area.name_field}' for sub-district names "
                f"(columns: {[c for c in subs.columns if c != 'geometry']}); "
                "set [area] name_field",
                p,
                field=s.area.name_field,
            )
        if area is None:
            area = shapely.union_all(subs.geometry.values)
    if area is None and s.network.place is not None:
        # No area file: the named place's boundary (Nominatim, cached with the network).
        area = network.geocode_area(s.network.place, s.cache_dir)
    return area, subs


def _read_polygons(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    try:
        gdf = gpd.read_file(path, layer=layer)
    except Exception as exc:
        raise InputError(f"cannot read polygons: {exc}", path) from exc
    if gdf.crs is None:
        raise InputError(
            "the file has no coordinate system; save it with one (e.g. EPSG:4326)", path
        )
    kinds = set(gdf.geom_type.dropna())
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        raise InputError(f"expected polygons, found {sorted(kinds) or 'no geometries'}", path)
    bad = np.flatnonzero(~gdf.is_valid.to_numpy())
    if len(bad):
        gdf.loc[gdf.index[bad], "geometry"] = gdf.geometry.iloc[bad].make_valid()
    return gdf.to_crs(4326)


def load_network(
    s: Scenario, area: shapely.Geometry | None = None, progress: Progress = _noop
) -> network.WalkNetwork:
    """Load (or download) the walking network and clip it to the area plus a walking margin.

    The margin defaults to the distance walked in the largest threshold, so that facilities
    just outside the area still reach the people inside and catchments are not cut at the edge.
    """
    opts = {
        "speed_kmh": s.walk.speed_kmh,
        "steps_penalty": s.walk.steps_penalty,
        "component": s.network.component,
    }
    margin = s.network.margin_m
    if margin is None:
        margin = s.walk.speed_kmh / 3.6 * s.walk.max_threshold_min * 60
    nw = s.network
    if nw.path is not None:
        progress(f"reading network {nw.path}")
        net = network.load(s.input_path(nw.path), **opts)
    else:
        progress("downloading network (cached after the first run)")
        query: dict[str, Any]
        if nw.place is not None:
            query = {"place": nw.place}
        elif nw.bbox is not None:
            query = {"bbox": tuple(nw.bbox)}
        else:
            if area is None:
                raise ScenarioError(f"{s.source}: network.polygon = true needs an [area] path")
            poly = area.buffer(margin / 111_000)  # degrees, generous at these latitudes
            query = {"polygon": poly}
        net = network.download(cache_dir=s.cache_dir, **query, **opts)
    if area is not None:
        area_m = gpd.GeoSeries([area], crs=4326).to_crs(net.crs).iloc[0]
        net = network.clip(net, area_m, margin)
    return net


# --- layers ---------------------------------------------------------------------------------


def _read_layer(
    s: Scenario,
    layer: Layer,
    role: str,
    net: network.WalkNetwork,
    area: shapely.Geometry | None,
    problems: list[Problem],
    notes: list[str],
) -> gpd.GeoDataFrame:
    path = s.input_path(layer.path)
    columns = dict(layer.columns)
    if layer.weight is not None:
        columns.setdefault("weight", layer.weight)
    require = ("weight",) if role == "demand" else ()
    gdf, found = tables.read_points(
        path,
        columns=columns or None,
        crs=layer.crs,
        layer=layer.layer,
        require=require,
        encoding=layer.encoding,
    )
    problems += found
    notes.append(tables.describe_columns(gdf))
    gdf = _defaults(gdf, layer, role)
    if layer.datum_check != "off" and len(gdf):
        # Before validation, which would drop points read in the wrong datum as off the streets
        # or outside the area. EPSG codes are WGS-84-based.
        key = datum.parse_crs(layer.crs)
        findings = datum.check_datum(
            gdf,
            net.edges[["geometry"]],
            declared=key if isinstance(key, str) else "wgs84",
            per_row=True,
        )
        found, said = datum.review(
            findings,
            path,
            crs=layer.crs,
            strict=layer.datum_check == "error",
            field=gdf.attrs.get("columns", {}).get("lon", "geometry"),
        )
        problems += found
        notes += [f"{path.name}: {line}" for line in said]
    # Distance to the nearest walkable street, for the "too far from any street" check.
    pts = gdf.geometry.to_crs(net.crs)
    snapped = routing.snap(net, pts, max_dist_m=10 * s.walk.max_snap_m, include_access=False)
    if role == "facility" and "tier" not in gdf:
        raise InputError(
            "no tier column and no default: add a tier column (centre/subcentre/point/…) "
            'or set tier = "..." for this layer in the scenario',
            path,
            field="tier",
        )
    gdf, found = validation.validate_layer(
        gdf,
        path,
        role=role,
        area=area,
        vocabulary=s.vocabulary,  # tier values become codes here, before anything uses them
        allowed_services=s.services or None,
        street_distance_m=snapped.dist_m,
        max_street_m=s.walk.max_snap_m,
    )
    problems += found
    gdf["layer"] = path.name
    return gdf


def _defaults(gdf: gpd.GeoDataFrame, layer: Layer, role: str) -> gpd.GeoDataFrame:
    """Fill a layer's default tier/type/role where rows leave them empty."""
    gdf = gdf.copy()
    for col, default in (("tier", layer.tier), ("type", layer.type), ("role", layer.role)):
        if default is None:
            continue
        if col not in gdf:
            gdf[col] = default
        else:
            empty = gdf[col].isna() | (gdf[col].astype(str).str.strip() == "")
            gdf.loc[empty, col] = default
    if role == "candidate" and "role" not in gdf:
        gdf["role"] = "candidate"
    return gdf


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    if not frames:
        return gpd.GeoDataFrame(geometry=[], crs=4326)
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)


def read_layers(s: Scenario, net: network.WalkNetwork, progress: Progress = _noop) -> Layers:
    """Read, validate and datum-check every facility, demand and candidate layer."""
    area, subs = load_area(s)
    activate_vocabulary(s.vocabulary)  # maps, report and workbooks label these layers' tier codes
    # Unusual scenario values go to the problems report too (row: the scenario file's line).
    problems: list[Problem] = [
        Problem(s.source or "scenario", line, key, message, action="kept")
        for line, key, message in s.warning_items
    ]
    notes: list[str] = []
    groups: dict[str, list[gpd.GeoDataFrame]] = {"facility": [], "demand": [], "candidate": []}
    for role, layers in (
        ("facility", s.facilities),
        ("demand", s.demand),
        ("candidate", s.candidates),
    ):
        for layer in layers:
            progress(f"reading {role} layer {layer.path}")
            groups[role].append(_read_layer(s, layer, role, net, area, problems, notes))
    return Layers(
        facilities=_concat(groups["facility"]),
        demand=_concat(groups["demand"]),
        candidates=_concat(groups["candidate"]),
        area=area,
        subdistricts=subs,
        problems=problems,
        notes=notes,
    )


#: How many reasons the "no usable rows" error lists before pointing to problems.csv.
FIRST_REASONS = 5


def check_usable(s: Scenario, layers: Layers, problems_csv: Path | None = None) -> None:
    """Fail when no facility or no demand row is left, saying why.

    Parameters
    ----------
    s, layers
        The scenario and its layers as :func:`read_layers` returned them.
    problems_csv
        Where to write every problem first (``coverage run`` writes ``problems.csv`` in the
        results folder, so the message points to a file that exists); None writes nothing.

    Raises
    ------
    InputError
        One line saying which layer has no usable rows and how many problems were found, then
        the first :data:`FIRST_REASONS` of them, one line each.
    """
    empty = [
        (what, group)
        for what, frame, group in (
            ("facility", layers.facilities, s.facilities),
            ("demand", layers.demand, s.demand),
        )
        if len(frame) == 0
    ]
    if not empty:
        return
    written = None
    if problems_csv is not None:
        written = cio.write_csv(problems_csv, validation.problems_frame(layers.problems))
    what, group = empty[0]
    if not group:
        section = "demand" if what == "demand" else "facilities"
        raise InputError(f"no [[{section}]] layer: coverage needs at least one", s.source)
    files = {str(s.input_path(layer.path)) for layer in group}
    skipped = [p for p in layers.problems if p.path in files and p.action == "skipped"]
    rows = len({(p.path, p.row) for p in skipped if p.row is not None})
    names = ", ".join(sorted(Path(f).name for f in files))
    if not skipped:
        head = f"no usable {what} rows: {names} has no data rows"
    else:
        head = (
            f"no usable {what} rows in {names}: {rows} rows skipped, {len(skipped)} problems"
            + (f" (all listed in {written})" if written else "")
            + "; the first:"
        )
    # One line per problem: a line break inside a cell value must not start another.
    lines = [head, *(f"  {p.to_error()}".replace("\n", "\\n") for p in skipped[:FIRST_REASONS])]
    if len(skipped) > FIRST_REASONS:
        rest = f"  … and {len(skipped) - FIRST_REASONS} more"
        lines.append(rest + (f" in {written}" if written else ""))
    raise InputError("\n".join(lines))


def check_outputs(s: Scenario, *folders: Path, map_path: Path | None = None) -> None:
    """Fail fast, before the long work, when the results cannot be written.

    Checks the results folder, the map's folder (``map_path``, default the scenario's map) and
    any other ``folders`` (created if missing) and that the map is not in the way of a folder.
    Raises :class:`~coverage.errors.OutputError`.
    """
    map_path = s.map_path if map_path is None else Path(map_path)
    targets = [s.output_dir, map_path.parent, *folders]
    if s.output.print_map is not None:
        targets.append(Path(s.output.print_map).parent)
    for folder in dict.fromkeys(Path(t) for t in targets):
        cio.check_writable(folder)
    if map_path.is_dir():
        raise OutputError("the map path is a folder; give a file name ending in .html", map_path)


# --- analysis -------------------------------------------------------------------------------


def evaluate(s: Scenario, net: network.WalkNetwork, layers: Layers) -> analysis.Coverage:
    """Coverage of the scenario's demand by its facilities.

    Raises
    ------
    InputError
        When no facility or no demand row is usable, with the first reasons.
    """
    check_usable(s, layers)
    walk = s.walk_model()
    return analysis.evaluate(
        net,
        layers.facilities,
        layers.demand,
        threshold_min=walk.threshold_min,
        tier_threshold_min=walk.tier_threshold_min,
        max_snap_m=walk.max_snap_m,
        include_access=walk.include_access,
        circle_radius_m=walk.circle_radius_m,
        subdistricts=layers.subdistricts,
        name_field=s.area.name_field,
    )


def run(
    scenario: Scenario | str | Path,
    *,
    progress: Progress = _noop,
    write: bool = True,
) -> Run:
    """Run a scenario: load the network and layers, compute coverage and catchments, write files."""
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    _check_writes(s, ["[output] dir", "[output] map", "[output] print_map"] if write else [])
    if write:
        check_outputs(s)  # a read-only or mistyped results folder: say so now, not at the end
    timings: dict[str, float] = {}
    t = time.perf_counter()
    area, _ = load_area(s)
    net = load_network(s, area, progress)
    timings["network"] = time.perf_counter() - t
    t = time.perf_counter()
    layers = read_layers(s, net, progress)
    timings["layers"] = time.perf_counter() - t
    # Nothing to compute with: the problems still go to problems.csv, which the message names.
    check_usable(s, layers, s.output_dir / "problems.csv" if write else None)
    t = time.perf_counter()
    progress("computing coverage")
    cov = evaluate(s, net, layers)
    timings["coverage"] = time.perf_counter() - t
    t = time.perf_counter()
    progress("drawing catchments")
    catch, by_tier = catchments_for(
        net, cov.facilities, s.catchment_spec(), snapped=cov.facility_snap, progress=progress
    )
    timings["catchments"] = time.perf_counter() - t
    result = Run(s, net, layers, cov, catch, by_tier, timings=timings)
    if write:
        t = time.perf_counter()
        result.files = write_results(result, progress)
        timings["write"] = time.perf_counter() - t
    return result


def _check_writes(s: Scenario, keys: list[str]) -> None:
    """Refuse the scenario's unsafe write paths that this run will use, before loading anything."""
    if s.network.path is None:  # downloads (and geocoding) write to the cache
        keys = [*keys, "[network] cache_dir"]
    s.check_writes(keys)


# --- single steps of the command line -------------------------------------------------------


def walk_network(
    s: Scenario, *, save: Path | None = None, progress: Progress = _noop
) -> network.WalkNetwork:
    """The scenario's walking network (loaded, or downloaded and cached); ``save``: its edges."""
    area, _ = load_area(s)
    net = load_network(s, area, progress)
    if save is not None:
        write_edges(net, save)
    return net


def draw_catchments(
    s: Scenario,
    *,
    bands: list[float] | None = None,
    method: Literal["grid", "exact"] | None = None,
    path: Path | None = None,
    progress: Progress = _noop,
) -> tuple[Path, gpd.GeoDataFrame, int]:
    """Catchments of every facility (``bands`` and ``method`` over the scenario's), written.

    Returns the GeoPackage written (``path``, default ``catchments.gpkg`` in the results
    folder), the per-facility catchment polygons and the number of facilities.
    """
    spec = s.catchment_spec().with_(bands_min=bands or None, method=method)
    path = path or s.output_dir / "catchments.gpkg"  # refused paths fail before loading
    net = walk_network(s, progress=progress)
    layers = read_layers(s, net, progress)
    if len(layers.facilities) == 0:
        raise CoverageError("no usable facility rows")
    fac = layers.facilities
    progress("drawing catchments")
    catch, by_tier = catchments_for(net, fac, spec, max_snap_m=s.walk_model().max_snap_m)
    cio.write_gpkg(path, {"catchments": catch, "tier_catchments": by_tier})
    return path, catch, len(fac)


def draw_map(
    s: Scenario,
    path: Path | None = None,
    *,
    print_path: Path | None = None,
    paper: str = "A4",
    progress: Progress = _noop,
) -> tuple[Path, Path | None]:
    """Only the HTML map (default: the scenario's) and, with ``print_path``, a printable one.

    Computes coverage and catchments and writes no other file; returns the two paths written.
    """
    path = path or s.map_path  # a refused scenario path fails before anything is loaded
    result = run(s, progress=progress, write=False)
    path = write_map(result, path)
    printed = None
    if print_path is not None:
        progress(f"drawing the printable map ({paper})")
        printed = write_print_map(result, print_path, paper=paper)
    return path, printed


# --- site proposals -------------------------------------------------------------------------


def plan(
    scenario: Scenario | str | Path,
    *,
    tier: str | None = None,
    add: int | None = None,
    target: float | None = None,
    staged: bool = False,
    model: str | None = None,
    method: str = "milp",
    time_limit: float | None = None,
    stage_add: dict[str, int] | None = None,
    progress: Progress = _noop,
    write: bool = True,
    before: Run | None = None,
    map_path: str | Path | None = None,
) -> PlanRun:
    """Propose new sites for a scenario and write them with before/after coverage.

    One stage (``tier``; ``add`` sites with MCLP, or the fewest sites for ``target`` with LSCP),
    or every tier of ``[plan] tiers`` in order with ``staged=True`` (sub-centres by p-median,
    then points given the sub-centres; ``stage_add`` sites per tier, over ``[plan] stage_add``).
    Defaults come from the scenario's ``[plan]`` section. Every setting is checked
    (:func:`plan_stages`) before anything is loaded.

    Existing facilities count with their own tier's threshold (as in ``coverage run``), new
    sites with the planned tier's; pass ``before`` (a :func:`run` result of the same scenario)
    to skip recomputing coverage and catchments. ``map_path`` is the plan map to write
    (default: ``[output] map`` with ``_plan`` added to its name).
    """
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    stages = plan_stages(
        s, tier=tier, add=add, target=target, staged=staged, model=model, stage_add=stage_add
    )
    if time_limit is not None and not time_limit > 0:
        raise ScenarioError(f"{s.source}: --time-limit {time_limit}: give seconds, more than 0")
    _check_candidates(s)
    if write:
        _check_writes(s, ["[output] dir"] + ([] if map_path is not None else ["[output] map"]))
        check_outputs(s, s.output_dir / "plan", map_path=plan_map_path(s, map_path))
    if before is None:
        before = run(s, progress=progress, write=False)
    sites = planning_sites(s, before, progress)
    if not (sites["role"] == "candidate").any():
        raise InputError(
            "no candidate sites: add [[candidates]] layers or set [plan] grid_spacing_m", s.source
        )
    weights = before.coverage.demand["weight"].to_numpy(dtype=float)
    times = stage_times(s, before, sites, [t for t, *_ in stages], progress)
    capacity = None
    if s.plan.capacity and "capacity" in sites:
        capacity = pd.to_numeric(sites["capacity"], errors="coerce").to_numpy(dtype=float)
    progress("solving " + ", then ".join(f"{m} for {t}" for t, m, *_ in stages) + f" ({method})")
    walk = s.walk_model()
    plans = staged_plan(
        times,
        weights,
        sites,
        stages,
        {t: walk.threshold_for(t) for t in times},
        method=method,
        time_limit=time_limit if time_limit is not None else s.plan.time_limit_s,
        mip_rel_gap=s.plan.mip_rel_gap,
        capacity=capacity,
    )
    for p in plans:
        describe_sites(p.proposed, before)
    result = PlanRun(before, sites, plans)
    if write:
        result.files = write_plan(result, progress, map_path=map_path)
    return result


# --- the report -----------------------------------------------------------------------------


def _has_candidates(s: Scenario) -> bool:
    return bool(s.candidates) or s.plan.grid_spacing_m > 0 or s.plan.osm_features


def report(
    scenario: Scenario | str | Path,
    path: str | Path | None = None,
    *,
    lang: str | None = None,
    add: int | None = None,
    target: float | None = None,
    progress: Progress = _noop,
    map_path: str | Path | None = None,
) -> Path:
    """Run a scenario and its site plan and write the one-page HTML report (atomically).

    The report (:mod:`coverage.report`) only renders: this runs what it shows.

    Parameters
    ----------
    scenario
        Scenario file or loaded :class:`~coverage.scenario.Scenario`.
    path
        HTML file to write (default ``<output dir>/report.html``, e.g. ``results/wuhan``).
    lang
        ``"zh"`` or ``"en"`` (default: the scenario's ``lang``).
    add, target
        New sites to propose, or the share to reach with the fewest sites (default: the
        scenario's ``[plan]``, else :data:`coverage.report.DEFAULT_ADD` sites). Without
        candidate sites (no ``[[candidates]]``, no ``[plan] grid_spacing_m``) the plan part is
        left out with a note.
    map_path
        Also write the interactive map of the same run (with the proposed sites) to this file.

    Returns
    -------
    Path
        The written report.
    """
    from coverage import report as pages

    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    lang = lang or s.lang
    pages.check_lang(lang)
    notes: list[str] = []
    plan_run = None
    if _has_candidates(s):
        if add is None and target is None and s.plan.add is None and s.plan.target is None:
            add = pages.DEFAULT_ADD
            notes.append(pages.message(lang, "default_add", n=add))
        plan_run = plan(s, add=add, target=target, write=False, progress=progress)
        result = plan_run.before
    elif add is not None or target is not None:
        raise ScenarioError(
            f"{s.source}: --add/--target need candidate sites: add [[candidates]] layers "
            "or set [plan] grid_spacing_m"
        )
    else:
        notes.append(pages.message(lang, "no_plan", reason=pages.message(lang, "no_candidates")))
        result = run(s, progress=progress, write=False)
    target_path = Path(path) if path is not None else s.output_dir / "report.html"
    written = pages.write_report(
        result, plan_run, target_path, lang=lang, notes=notes, progress=progress
    )
    if map_path is not None:
        progress(f"writing {map_path}")
        if plan_run is not None:
            write_plan_map(plan_run, Path(map_path))
        else:
            write_map(result, Path(map_path))
    return written
