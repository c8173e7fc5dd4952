"""Run a scenario end to end: network → layers → coverage → catchments → files and map.

Each step is a plain function so notebooks can run them one by one::

    from coverage import pipeline
    s = pipeline.load_scenario("data/wuhan/scenario.toml")
    net = pipeline.load_network(s)
    layers = pipeline.read_layers(s, net)
    cov = pipeline.evaluate(s, net, layers)

:func:`run` does all of it and writes the results, :func:`plan` proposes new sites and
:func:`report` runs what the one-page report shows. This module orchestrates: the steps of a
run are in :mod:`coverage.steps`, the writers in :mod:`coverage.export` and
:mod:`coverage.export_maps` (all re-exported here, e.g. ``pipeline.write_results``), the
catchment layers in :mod:`coverage.catchment_layers`, the rendering of the report in
:mod:`coverage.report`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import geopandas as gpd

from coverage import io as cio
from coverage import network
from coverage.catchment_layers import catchments_for, facility_catchments
from coverage.errors import ArgumentError, CoverageError, InputError, Msg, PlanError, ScenarioError
from coverage.export import (
    edges_path,
    run_info,
    write_edges,
    write_layers,
    write_plan,
    write_results,
)
from coverage.export_maps import (
    coverage_map,
    plan_map_path,
    write_map,
    write_plan_map,
    write_print_map,
)
from coverage.i18n import t
from coverage.inputs.layers import Layers
from coverage.inputs.usable import check_usable
from coverage.planning import (
    PLAN_MODELS,
    PlanRun,
    Stage,
    plan_stages,
    planning_sites,
    site_capacity,
)
from coverage.planning.plan import describe_sites, staged_plan
from coverage.planning.stages import (
    Spelled,
    _check_candidates,
    _has_candidates,
    _option,
    _reworded,
    _said,
    _solving,
)
from coverage.planning.times import stage_times
from coverage.preflight import (
    check_catchment_args,
    check_file,
    check_flag,
    check_outputs,
    check_print_args,
    check_report_paths,
    check_writes,
    scenario_of,
)
from coverage.results import Run
from coverage.scenario import Scenario, load_scenario
from coverage.steps import Progress, _noop, evaluate, load_area, load_network, read_layers

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


def run(
    scenario: Scenario | str | Path,
    *,
    progress: Progress = _noop,
    write: bool = True,
    loaded: network.WalkNetwork | None = None,
    amend: Callable[[Layers], None] | None = None,
) -> Run:
    """Run a scenario: load the network and layers, compute coverage and catchments, write files.

    ``loaded``: the scenario's network already loaded, clipped here (see :func:`load_network`).

    Parameters
    ----------
    scenario
        A scenario file, or a loaded :class:`~coverage.scenario.Scenario`.
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    write
        Write the tables, GeoPackage, workbook, ``run.json`` and the map (False: compute only).
    loaded
        The scenario's network already loaded; None: load it here.
    amend
        Called with the layers as read, before anything checks or uses them; may change them
        in place or raise (an audit names its district copies' rows as the city register's).

    Returns
    -------
    Run
        Everything the run produced.
    """
    check_flag("write", write)
    s = scenario_of(scenario)
    check_writes(s, ["[output] dir", "[output] map", "[output] print_map"] if write else [])
    if write:
        check_outputs(s)  # a read-only or mistyped results folder: say so now, not at the end
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    area = load_area(s)
    net = load_network(s, area[0], progress, loaded)
    timings["network"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    layers = read_layers(s, net, progress, area=area)
    if amend is not None:
        amend(layers)
    timings["layers"] = time.perf_counter() - t0
    # Nothing to compute with: the problems still go to problems.csv, which the message names.
    check_usable(s, layers, s.output_dir / "problems.csv" if write else None)
    t0 = time.perf_counter()
    progress(t(s.lang, "console.step.coverage"))
    cov = evaluate(s, net, layers)
    timings["coverage"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    progress(t(s.lang, "console.step.catchments"))
    catch, by_tier = catchments_for(
        net, cov.facilities, s.catchment_spec(), snapped=cov.facility_snap, progress=progress
    )
    timings["catchments"] = time.perf_counter() - t0
    result = Run(s, net, layers, cov, catch, by_tier, timings=timings)
    if write:
        t0 = time.perf_counter()
        result.files = write_results(result, progress)
        timings["write"] = time.perf_counter() - t0
    return result


# --- single steps of the command line -------------------------------------------------------


def walk_network(
    s: Scenario | str | Path, *, save: str | Path | None = None, progress: Progress = _noop
) -> network.WalkNetwork:
    """The scenario's walking network (loaded, or downloaded and cached); ``save``: its edges.

    Parameters
    ----------
    s
        The scenario, or its file.
    save
        Also write the walking edges here (``.parquet`` or ``.gpkg``).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.

    Returns
    -------
    WalkNetwork
        The walking network, not clipped.
    """
    s = scenario_of(s)
    check_writes(s, [])
    save = None if save is None else edges_path(save)  # a wrong extension: before loading
    if save is not None:
        check_file(save)  # a folder in its place or a read-only folder: before loading too
    area, _ = load_area(s)
    net = load_network(s, area, progress)
    if save is not None:
        write_edges(net, save)
    return net


def draw_catchments(
    s: Scenario | str | Path,
    *,
    bands: list[float] | None = None,
    method: Literal["grid", "exact"] | None = None,
    path: str | Path | None = None,
    progress: Progress = _noop,
) -> tuple[Path, gpd.GeoDataFrame, int]:
    """Catchments of every facility (``bands`` and ``method`` over the scenario's), written.

    Returns the file written (``path``: ``.gpkg`` for a GeoPackage, ``.geojson`` or ``.json``
    for GeoJSON; default ``catchments.gpkg`` in the results folder), the per-facility catchment
    polygons and the number of facilities.

    Parameters
    ----------
    s
        The scenario, or its file.
    bands
        Bands in minutes; None: ``[walk] bands_min``.
    method
        ``"grid"`` or ``"exact"``; None: ``[walk] catchment_method``.
    path
        The file to write (see above).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    """
    s = scenario_of(s)
    check_catchment_args(bands, method)  # as the command line checks --bands, before loading
    given = None if bands is None or len(bands) == 0 else [float(b) for b in bands]  # arrays too
    spec = s.catchment_spec().with_(bands_min=given, method=method)
    path = None if path is None else Path(path)
    if path is not None and cio.layer_format(path) is None:
        raise ScenarioError(
            Msg("error.scenario.argument", name="path", value=repr(str(path)))
            + Msg("error.output.layers_suffix")
        )
    check_writes(s, [] if path is not None else ["[output] dir"])  # before loading
    path = path or s.output_dir / "catchments.gpkg"
    check_file(path)  # a folder in its place or a read-only folder: before the long work
    area = load_area(s)
    net = load_network(s, area[0], progress)
    layers = read_layers(s, net, progress, area=area)
    if len(layers.facilities) == 0:
        raise CoverageError(Msg("error.plan.no_facility_rows"))
    fac = layers.facilities
    progress(t(s.lang, "console.step.catchments"))
    catch, by_tier = catchments_for(net, fac, spec, max_snap_m=s.walk_model().max_snap_m)
    write_layers(path, {"catchments": catch, "tier_catchments": by_tier}, s)
    return path, catch, len(fac)


def draw_map(
    s: Scenario | str | Path,
    path: str | Path | None = None,
    *,
    print_path: str | Path | None = None,
    paper: str | None = None,
    progress: Progress = _noop,
) -> tuple[Path, Path | None]:
    """Only the HTML map (default: the scenario's) and, with ``print_path``, a printable one.

    Computes coverage and catchments and writes no other file; returns the two paths written.
    ``paper`` is the printable map's paper size, ``"A4"`` or ``"A3"`` (default: ``[output]
    paper``).

    Parameters
    ----------
    s
        The scenario, or its file.
    path
        The HTML map to write; None: ``[output] map``.
    print_path
        Also a printable map (``.png`` or ``.pdf``).
    paper
        Its paper size (see above).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    """
    s = scenario_of(s)
    check_print_args(print_path, paper)  # as the command line checks them, before loading
    check_writes(s, [] if path is not None else ["[output] map"])
    path = Path(path) if path is not None else s.map_path
    for target in [path] if print_path is None else [path, Path(print_path)]:
        check_file(target)  # a folder in its place or a read-only folder: before the long work
    result = run(s, progress=progress, write=False)
    path = write_map(result, path)
    printed = None
    if print_path is not None:
        paper = paper or s.output.paper
        progress(t(s.lang, "console.step.print_map", paper=paper))
        printed = write_print_map(result, Path(print_path), paper=paper)
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
    spelled: Spelled = "api",
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
    (default: ``[output] map`` with ``_plan`` added to its name). A bad setting raises a
    :class:`~coverage.errors.ScenarioError` naming it as this function's parameter
    (``add=0``); ``spelled="cli"`` names the command line's option instead (``--add 0``).

    Parameters
    ----------
    scenario
        A scenario file, or a loaded :class:`~coverage.scenario.Scenario`.
    tier
        Tier of the new sites (default ``[plan] tier``).
    add
        New sites to add with MCLP (default ``[plan] add``); not with ``target``.
    target
        Share of the demand weight to cover with the fewest sites, LSCP (default ``[plan] target``).
    staged
        Plan every tier of ``[plan] tiers`` in order.
    model
        ``"mclp"``, ``"lscp"``, ``"backup"`` or ``"pmedian"`` (default: MCLP, LSCP for a target;
        p-median for sub-centres in a staged plan).
    method
        ``"milp"`` (HiGHS) or ``"greedy"``.
    time_limit
        Seconds HiGHS may spend on each stage (default ``[plan] time_limit_s``).
    stage_add
        New sites per tier of a staged plan, over ``[plan] stage_add`` (implies ``staged``).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    write
        Write the plan's tables, workbook and map (False: compute only).
    before
        A :func:`run` result of the same scenario, to reuse.
    map_path
        The plan map to write (see above).
    spelled
        ``"api"`` or ``"cli"``: how a bad setting is named (see above).

    Returns
    -------
    PlanRun
        The run before, the stages, all sites considered and the files written.
    """
    check_flag("write", write)
    check_flag("staged", staged)
    if before is not None and not isinstance(before, Run):
        raise TypeError(f"before must be a pipeline.run result (Run), not {type(before).__name__}")
    s = scenario_of(scenario)
    stages = plan_stages(
        s,
        tier=tier,
        add=add,
        target=target,
        staged=staged,
        model=model,
        stage_add=stage_add,
        spelled=spelled,
    )
    if method not in ("milp", "greedy"):
        use = Msg("error.plan.use", choices="milp, greedy")
        raise ArgumentError(_option("method", method, use, spelled), s.source)
    number = isinstance(time_limit, (int, float)) and not isinstance(time_limit, bool)
    if time_limit is not None and not (number and time_limit > 0):  # "60": one line, no TypeError
        what = _option("time_limit", time_limit, Msg("error.plan.time_limit"), spelled)
        raise ArgumentError(what, s.source)
    _check_candidates(s)
    if write:
        check_writes(s, ["[output] dir"] + ([] if map_path is not None else ["[output] map"]))
        check_outputs(s, s.output_dir / "plan", map_path=plan_map_path(s, map_path))
    if before is None:
        before = run(s, progress=progress, write=False)
    sites = planning_sites(s, before, progress)
    if not (sites["role"] == "candidate").any():
        raise InputError(Msg("error.plan.no_candidates"), s.source)
    weights = before.coverage.demand["weight"].to_numpy(dtype=float)
    times = stage_times(s, before, sites, [tier for tier, *_ in stages], progress)
    capacity = site_capacity(sites) if s.plan.capacity else None
    progress(_solving(stages, method, s.lang))
    walk = s.walk_model()
    try:
        plans = staged_plan(
            times,
            weights,
            sites,
            stages,
            {tier: walk.threshold_for(tier) for tier in times},
            method=method,
            time_limit=time_limit if time_limit is not None else s.plan.time_limit_s,
            mip_rel_gap=s.plan.mip_rel_gap,
            capacity=capacity,
        )
    except PlanError as exc:  # what to ask for instead, named as this caller names it
        raise _reworded(exc, spelled) from None
    for p in plans:
        describe_sites(p.proposed, before)
    result = PlanRun(before, sites, plans)
    if write:
        result.files = write_plan(result, progress, map_path=map_path)
    return result


# --- the report -----------------------------------------------------------------------------


def report(
    scenario: Scenario | str | Path,
    path: str | Path | None = None,
    *,
    lang: str | None = None,
    add: int | None = None,
    target: float | None = None,
    tier: str | None = None,
    staged: bool = False,
    model: str | None = None,
    method: str = "milp",
    time_limit: float | None = None,
    stage_add: dict[str, int] | None = None,
    progress: Progress = _noop,
    map_path: str | Path | None = None,
    spelled: Spelled = "api",
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
    tier, staged, model, method, time_limit, stage_add
        Which plan to make, as for :func:`plan` (e.g. ``stage_add={"subcentre": 2, "point": 10}``
        for a staged plan), so the report shows the plan ``coverage plan`` made with them.
    progress
        Called with a line for each step (the command line's spinner); default: nothing.
    map_path
        Also write the interactive map of the same run (with the proposed sites) to this file.
    spelled
        Name a bad setting as this function's parameter (``"api"``) or the command line's option.

    Returns
    -------
    Path
        The written report.
    """
    from coverage import report as pages

    s = scenario_of(scenario)
    lang = lang or s.lang
    pages.check_lang(lang)
    target_path = Path(path) if path is not None else s.output_dir / "report.html"
    check_report_paths(target_path, None if map_path is None else Path(map_path))
    notes: list[str] = []
    plan_run = None
    given = [v is not None for v in (add, target, tier, model, time_limit)] + [bool(stage_add)]
    if _has_candidates(s):
        asked = (add, target, s.plan.add, s.plan.target)
        if not (staged or stage_add) and all(v is None for v in asked):  # stages have counts
            add = pages.DEFAULT_ADD
            notes.append(t(lang, "report.default_add", n=add))
        plan_run = plan(
            s, tier=tier, add=add, target=target, staged=staged, model=model, method=method,
            time_limit=time_limit, stage_add=stage_add, write=False, progress=progress,
            spelled=spelled,
        )  # fmt: skip
        result = plan_run.before
    elif any(given) or staged or method != "milp":  # a plan asked for: say why there is none
        raise ArgumentError(_said("error.plan.add_needs_candidates", spelled), s.source)
    else:
        notes.append(t(lang, "report.no_plan", reason=t(lang, "report.no_candidates")))
        result = run(s, progress=progress, write=False)
    written = pages.write_report(
        result, plan_run, target_path, lang=lang, notes=notes, progress=progress
    )
    if map_path is not None:
        progress(t(lang, "console.step.writing", path=map_path))
        if plan_run is not None:
            write_plan_map(plan_run, Path(map_path))
        else:
            write_map(result, Path(map_path))
    return written
