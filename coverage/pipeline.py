"""Run a scenario end to end: network → layers → coverage → catchments → files and map.

Each step is a plain function so notebooks can run them one by one::

    from coverage import pipeline
    s = pipeline.load_scenario("data/wuhan/scenario.toml")
    net = pipeline.load_network(s)
    layers = pipeline.read_layers(s, net)
    cov = pipeline.evaluate(s, net, layers)

:func:`run` does all of it and writes the results.
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

from coverage import analysis, catchments, network, routing, settings
from coverage import io as cio
from coverage.errors import InputError, OutputError, ScenarioError
from coverage.figures import save_curve_png
from coverage.inputs.layers import Layers, check_usable, load_area, read_layers
from coverage.inputs.problems import problems_frame, skipped_rows
from coverage.planning import PLAN_MODELS, PlanRun, Stage, plan_stages, planning_sites
from coverage.planning.plan import describe_sites, staged_plan
from coverage.planning.stages import _check_candidates
from coverage.planning.times import stage_times
from coverage.scenario import Scenario, load_scenario

__all__ = [
    "Layers",
    "Run",
    "load_scenario",
    "load_area",
    "load_network",
    "read_layers",
    "evaluate",
    "facility_catchments",
    "coverage_map",
    "write_results",
    "run",
    "PLAN_MODELS",
    "PlanRun",
    "Stage",
    "plan",
    "plan_stages",
    "planning_sites",
    "write_plan",
    "write_plan_map",
]

log = logging.getLogger(__name__)

#: Progress callback: receives short messages; a message ending in "done/total" (e.g.
#: "catchments 120/570") reports a count, which the CLI shows as a progress bar.
Progress = Callable[[str], None]


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


# --- network --------------------------------------------------------------------------------


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


def plan_map_path(s: Scenario, map_path: str | Path | None = None) -> Path:
    """The plan map to write: ``map_path``, or ``[output] map`` with ``_plan`` added."""
    if map_path is not None:
        return Path(map_path)
    return s.map_path.with_name(s.map_path.stem + "_plan" + s.map_path.suffix)


# --- analysis -------------------------------------------------------------------------------


def evaluate(s: Scenario, net: network.WalkNetwork, layers: Layers) -> analysis.Coverage:
    """Coverage of the scenario's demand by its facilities.

    Raises
    ------
    InputError
        When no facility or no demand row is usable, with the first reasons.
    """
    check_usable(s, layers)
    return analysis.evaluate(
        net,
        layers.facilities,
        layers.demand,
        threshold_min=s.walk.threshold_min,
        tier_threshold_min=s.walk.tier_threshold_min,
        max_snap_m=s.walk.max_snap_m,
        include_access=s.walk.include_access,
        circle_radius_m=s.walk.circle_radius_m,
        subdistricts=layers.subdistricts,
        name_field=s.area.name_field,
    )


def facility_catchments(
    net: network.WalkNetwork,
    facilities: gpd.GeoDataFrame,
    bands_min: list[float],
    walk_off_m: float = settings.walk_off_m,
    *,
    snapped: routing.Snapped | None = None,
    max_snap_m: float = settings.max_snap_m,
    method: Literal["grid", "exact"] = "grid",
    cell_m: float | None = None,
    progress: Progress = _noop,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Per-facility catchment bands and their union per tier (both WGS-84).

    ``facilities`` needs ``tier``; ``fid`` and ``name`` are copied to the polygons when present.
    ``method`` and ``cell_m`` are passed to :func:`coverage.catchments.catchments`.
    """
    fac = facilities.reset_index(drop=True)
    if "fid" not in fac:
        fac = fac.assign(fid=np.arange(len(fac)))
    fs = snapped
    if fs is None:
        fs = routing.snap(net, fac.geometry.to_crs(net.crs), max_dist_m=max_snap_m)
    r = routing.reach(net, fs, max(bands_min) * 60.0)
    catch = catchments.catchments(
        net,
        r,
        bands_min,
        walk_off_m,
        on_done=lambda d, n: progress(f"catchments {d}/{n}"),
        method=method,
        cell_m=cell_m,
    )
    catch["fid"] = fac["fid"].to_numpy()[catch["source"].to_numpy()]
    catch["tier"] = fac["tier"].to_numpy()[catch["source"].to_numpy()]
    if "name" in fac:
        catch["name"] = fac["name"].to_numpy()[catch["source"].to_numpy()]
    tiers = fac["tier"].to_numpy()
    if method == "exact":  # the facility polygons are drawn already: union them, not redraw
        by_tier = catchments.union_by(catch, tiers, "tier")
    else:
        by_tier = catchments.group_catchments(
            net, r, tiers, bands_min, walk_off_m, name="tier", cell_m=cell_m
        )
    catch = catch.drop(columns="source")
    return catch.to_crs(4326), by_tier.to_crs(4326)


# --- outputs --------------------------------------------------------------------------------


def _demand_table(cov: analysis.Coverage) -> pd.DataFrame:
    d = cov.demand
    out = pd.DataFrame(d.drop(columns="geometry"))
    out.insert(0, "lon", d.geometry.x.round(6))
    out.insert(1, "lat", d.geometry.y.round(6))
    names = cov.facilities["name"].to_numpy() if "name" in cov.facilities else None
    if names is not None:
        nf = d["nearest_fid"].to_numpy()
        out["nearest_facility"] = np.where(nf >= 0, names[np.maximum(nf, 0)], "")
    return out


def _facility_table(cov: analysis.Coverage) -> pd.DataFrame:
    f = cov.facilities
    out = pd.DataFrame(f.drop(columns="geometry"))
    out.insert(0, "lon", f.geometry.x.round(6))
    out.insert(1, "lat", f.geometry.y.round(6))
    if "services" in out:
        out["services"] = out["services"].map(
            lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v
        )
    return out


def _finite(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Infinite times become empty (GeoPackage/CSV readers choke on inf)."""
    gdf = gdf.copy()
    for c in gdf.columns:
        if c != "geometry" and pd.api.types.is_float_dtype(gdf[c]):
            gdf[c] = gdf[c].where(np.isfinite(gdf[c]))
    return gdf


def run_info(run: Run) -> dict[str, Any]:
    s = run.scenario
    return {
        "scenario": str(s.source),
        "name": s.name,
        "title": s.title,
        "network": run.network.summary(),
        "walk": s.walk.model_dump(),
        "thresholds_min": run.coverage.thresholds,
        "kpis": run.coverage.kpis(),
        "facilities": int(len(run.layers.facilities)),
        "demand_points": int(len(run.layers.demand)),
        "rows_skipped": int(
            len({(p.path, p.row) for p in run.layers.problems if p.action == "skipped"})
        ),
        "notes": run.layers.notes,
        "timings_s": {k: round(v, 2) for k, v in run.timings.items()},
    }


def write_results(run: Run, progress: Progress = _noop) -> dict[str, Path]:
    """Write the GeoPackage, CSV tables, problems report, Excel workbook and map, atomically."""
    s = run.scenario
    cov = run.coverage
    out = s.output_dir
    files: dict[str, Path] = {}
    progress(f"writing results to {out}")
    layers = {
        "facilities": _finite(cov.facilities),
        "demand": _finite(cov.demand),
        "catchments": run.catchments,
        "tier_catchments": run.tier_catchments,
    }
    if run.layers.subdistricts is not None:
        layers["subdistricts"] = _subdistrict_layer(run)
    files["gpkg"] = cio.write_gpkg(out / "coverage.gpkg", layers)
    files["summary"] = cio.write_csv(out / "summary.csv", cov.summary)
    files["facilities"] = cio.write_csv(out / "facilities.csv", _facility_table(cov))
    demand = _demand_table(cov)
    files["demand"] = cio.write_csv(out / "demand.csv", demand)
    uncovered = demand[~demand["covered"]].sort_values("weight", ascending=False)
    files["uncovered"] = cio.write_csv(out / "uncovered.csv", uncovered)
    problems = problems_frame(run.layers.problems)
    files["problems"] = cio.write_csv(out / "problems.csv", problems)
    skipped = skipped_rows(run.layers.problems)
    files["skipped"] = cio.write_csv(out / "skipped_rows.csv", skipped)
    files["run"] = cio.write_json(out / "run.json", run_info(run))
    if s.output.excel:
        from coverage import excel

        sheets = {
            "summary": cov.summary,
            "uncovered": uncovered,
            "facilities": _facility_table(cov),
            "problems": problems,
        }
        if "subdistrict" in cov.demand:
            sheets["by_subdistrict"] = cov.summary[cov.summary["scope"] == "subdistrict"]
        files["excel"] = excel.write_workbook(out / "coverage.xlsx", sheets, lang=s.lang)
    files["map"] = write_map(run, s.map_path)
    if s.print_map_path is not None:
        files["print_map"] = write_print_map(run, s.print_map_path)
    return files


def _subdistrict_layer(run: Run) -> gpd.GeoDataFrame:
    subs = run.layers.subdistricts.copy()
    table = run.coverage.summary[run.coverage.summary["scope"] == "subdistrict"]
    table = table.drop(columns="scope").rename(columns={"key": run.scenario.area.name_field})
    key = run.scenario.area.name_field
    subs[key] = subs[key].astype(str)
    return subs.merge(table, on=key, how="left")


def coverage_map(
    run: Run,
    *,
    proposed: gpd.GeoDataFrame | None = None,
    kpis: dict[str, float] | None = None,
    lang: str | None = None,
    basemap: str | None = None,
) -> Any:
    """The run's interactive map as a ``folium.Map`` (display it in a notebook, or save it)."""
    from coverage import maps

    s = run.scenario
    cov = run.coverage
    return maps.coverage_map(
        cov.facilities,
        _finite(cov.demand),
        catchments=run.catchments,
        tier_catchments=run.tier_catchments,
        subdistricts=_subdistrict_layer(run) if run.layers.subdistricts is not None else None,
        proposed=proposed,
        area=run.layers.area,
        kpis=cov.kpis() if kpis is None else kpis,
        title=s.title or s.name,
        lang=lang or s.lang,
        basemap=basemap or s.output.basemap,
        tianditu_key=_tianditu_key(s),
        thresholds=cov.thresholds,
    )


def write_map(run: Run, path: Path, *, lang: str | None = None, basemap: str | None = None,
              self_contained: bool | None = None) -> Path:  # fmt: skip
    """Write the scenario's HTML map."""
    from coverage import maps

    s = run.scenario
    m = coverage_map(run, lang=lang, basemap=basemap)
    keep = s.output.self_contained if self_contained is None else self_contained
    return maps.save_map(m, path, self_contained=keep)


def _tianditu_key(s: Scenario) -> str | None:
    import os

    return s.output.tianditu_key or os.environ.get("TIANDITU_KEY") or None


def write_print_map(run: Run, path: Path, *, paper: str | None = None,
                    lang: str | None = None) -> Path:  # fmt: skip
    """A printable static map (PNG or PDF by suffix) of catchments, facilities and gaps."""
    from coverage import figures

    s = run.scenario
    cov = run.coverage
    return figures.save_static_map(
        cov.facilities,
        _finite(cov.demand),
        run.tier_catchments,
        run.layers.area,
        path,
        lang=lang or s.lang,
        paper=paper or s.output.paper,
        title=s.title or s.name,
        thresholds=cov.thresholds,
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
    catch, by_tier = facility_catchments(
        net,
        cov.facilities,
        s.walk.bands_min,
        s.walk.walk_off_m,
        snapped=cov.facility_snap,
        method=s.walk.catchment_method,
        cell_m=s.walk.catchment_cell_m,
        progress=progress,
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
    plans = staged_plan(
        times,
        weights,
        sites,
        stages,
        {t: s.walk.threshold_for(t) for t in times},
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


def write_plan(
    result: PlanRun, progress: Progress = _noop, *, map_path: str | Path | None = None
) -> dict[str, Path]:
    """Proposed sites (GeoPackage, CSV), stage summary, coverage curve (CSV, PNG) and the map.

    The map goes to ``map_path``, by default ``[output] map`` with ``_plan`` added to its name.
    """
    s = result.before.scenario
    out = s.output_dir / "plan"
    progress(f"writing the plan to {out}")
    files: dict[str, Path] = {}
    prop = result.proposed
    table = pd.DataFrame(prop.drop(columns="geometry"))
    files["proposed_gpkg"] = cio.write_gpkg(out / "proposed_sites.gpkg", {"proposed_sites": prop})
    files["proposed_csv"] = cio.write_csv(out / "proposed_sites.csv", table)
    files["stages"] = cio.write_csv(out / "plan_summary.csv", result.stages())
    after = result.after
    if after.k:  # the one curve the report and the plan map show too
        files["curve_csv"] = cio.write_csv(out / "coverage_curve.csv", after.curve)
        files["curve_png"] = save_curve_png(after.curve, out / "coverage_curve.png", lang=s.lang)
    if s.output.excel:
        from coverage import excel

        cov = result.before.coverage
        sheets = {
            "proposed": table,
            "plan_stages": result.stages(),
            "summary": cov.summary,
            "by_subdistrict": cov.summary[cov.summary["scope"] == "subdistrict"],
            "uncovered": _demand_table(cov).query("~covered"),
        }
        files["excel"] = excel.write_workbook(out / "plan.xlsx", sheets, lang=s.lang)
    files["map"] = write_plan_map(result, plan_map_path(s, map_path))
    return files


def write_plan_map(result: PlanRun, path: Path) -> Path:
    """The coverage map with the proposed sites and before/after KPIs."""
    from coverage import maps

    before = result.before
    kpis = before.coverage.kpis()
    if result.plans:
        after = result.after
        kpis["share_after_plan"] = after.after_share
        kpis["share_before_plan"] = after.before_share
    m = coverage_map(before, proposed=result.proposed, kpis=kpis)
    return maps.save_map(m, path, self_contained=before.scenario.output.self_contained)
