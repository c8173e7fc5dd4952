"""Writing a run's and a plan's results: tables, GeoPackage, workbook, run.json.

The maps are written by :mod:`coverage.export_maps`, which :func:`write_results` and
:func:`write_plan` call. Named *export* rather than *outputs*: ``[output]`` is the scenario
section that says where results go, and this module writes them there. Every writer takes
results already computed (:class:`coverage.results.Run`, :class:`coverage.planning.PlanRun`)
and computes nothing but presentation (finite numbers, GCJ-02 and WGS-84 coordinate columns,
joined names, and with ``[output] columns = "labels"`` headers, layer names and codes in the
scenario's language); every file is written atomically (:mod:`coverage.io`).
``coverage.pipeline`` re-exports each public name, so ``pipeline.write_results`` and friends
keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage import analysis
from coverage import io as cio
from coverage.counts import off_the_ends, shown_counts, shown_parts, with_shown_people
from coverage.datum import add_coordinates
from coverage.errors import ArgumentError, Msg, Problem
from coverage.excel import (
    AREA,
    DECIMAL,
    INTEGER,
    PERCENT,
    WHOLE,
    is_minutes,
    minutes_up,
    number_format,
)
from coverage.export_maps import plan_map_path, write_map, write_plan_map, write_print_map
from coverage.export_people import demand_people, people_after_plan, shown_curve
from coverage.figures import save_curve_png
from coverage.file_labels import file_label
from coverage.i18n import t
from coverage.inputs.problems import layer_skips, problems_frame, skipped_row_count, skipped_rows
from coverage.layer_files import layer_format, write_geojson, write_gpkg
from coverage.run_layers import finite, subdistrict_layer
from coverage.scenario import Scenario
from coverage.summary import subdistricts_after
from coverage.table_words import header, localize, sheet_name

if TYPE_CHECKING:
    from coverage.network import WalkNetwork
    from coverage.results import PlanResult, Run

__all__ = [
    "edges_path",
    "run_info",
    "write_edges",
    "write_layers",
    "write_plan",
    "write_problem_tables",
    "write_results",
]

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


def _demand_table(
    cov: analysis.Coverage, first: str, after: tuple[pd.DataFrame, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """The demand table, with coordinates and the nearest facility's name.

    ``after``: the demand after a plan (:func:`coverage.planning.demand_after`) and the plan's
    proposed sites, which name the points nearest to one of them.
    """
    d = cov.demand if after is None else after[0]
    out = add_coordinates(
        pd.DataFrame(d.drop(columns="geometry")), d.geometry.x, d.geometry.y, first
    )
    names = cov.facilities["name"].to_numpy() if "name" in cov.facilities else None
    if names is not None:
        nf = d["nearest_fid"].to_numpy()
        out["nearest_facility"] = np.where(nf >= 0, names[np.maximum(nf, 0)], "")
    if after is not None and "name" in after[1] and len(after[1]):  # a plan of no new site
        site = d["nearest_proposed"].to_numpy()
        new = after[1]["name"].astype(str).to_numpy()
        old = out["nearest_facility"].to_numpy() if "nearest_facility" in out else ""
        out["nearest_facility"] = np.where(site >= 0, new[np.maximum(site, 0)], old)
    return out


def _facility_table(cov: analysis.Coverage, first: str) -> pd.DataFrame:
    f = cov.facilities
    out = add_coordinates(
        pd.DataFrame(f.drop(columns="geometry")), f.geometry.x, f.geometry.y, first
    )
    if "services" in out:
        out["services"] = out["services"].map(
            lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v
        )
    return out


#: Columns the workbooks leave out (the CSV files keep them): row positions inside the program
#: and the solver's own diagnostics, which mean nothing to a planner.
INTERNAL_COLUMNS: tuple[str, ...] = (
    "fid", "nearest_fid", "nearest_proposed", "site_row", "solver_status", "solver_bound",
    "solver_gap", "n_demand_model", "n_demand_aggregated", "build_time_s", "solve_time_s",
)  # fmt: skip


def _for_people(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` without :data:`INTERNAL_COLUMNS` (and a stage's model name twice)."""
    drop = [c for c in INTERNAL_COLUMNS if c in table.columns]
    if {"model", "name"} <= set(table.columns) and (table["model"] == table["name"]).all():
        drop.append("name")  # a stage row's "name" is its model's code again
    if {"after_share", "covered_share"} <= set(table.columns) and (
        table["after_share"].equals(table["covered_share"])
    ):
        drop.append("covered_share")  # a stage's share after it, twice
    return table.drop(columns=drop)


def _table(table: pd.DataFrame, s: Scenario, *, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """A data table as written (CSV file, GeoPackage layer).

    ``[output] columns = "labels"``: headers and codes in the scenario's language, numbers
    rounded as the workbooks show them, without :data:`INTERNAL_COLUMNS` (the workbooks'
    columns) nor ``drop``; ``"keys"``: the program's own names, every column, full precision.
    """
    if s.output.columns == "keys":
        return table
    table = _for_people(table.drop(columns=[c for c in drop if c in table]))
    return localize(_rounded(table), s.lang)


#: Decimals a person reads, by the workbook's number format of the column: shares as 0.7030
#: (70.30 %), minutes and metres to a tenth, km² to a hundredth; people and counts are whole.
_DECIMALS = {PERCENT: 4, DECIMAL: 1, AREA: 2}


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its numbers rounded as the workbook shows them (the cells stay numbers)."""
    table = table.copy()
    for col in table.columns:
        s = table[col]
        if not pd.api.types.is_float_dtype(s):
            continue
        s = table[col] = s.where(np.isfinite(s))  # no walking path: an empty cell, not "inf"
        fmt = number_format(col)
        if fmt in (INTEGER, WHOLE):  # row numbers too: 1203, not 1203.0 beside a missing one
            whole = s.round()
            table[col] = whole.astype("Int64")
        elif is_minutes(col):
            table[col] = minutes_up(s)  # 15.04 → 15.1, never "15.0" beside "not covered"
        elif fmt == PERCENT:  # 0.99996 as 0.9999, not 1.0: someone is still left out
            table[col] = off_the_ends(s, _DECIMALS[fmt]).round(_DECIMALS[fmt])
        elif fmt in _DECIMALS:
            table[col] = s.round(_DECIMALS[fmt])
    return table


def write_layers(path: Path, layers: dict[str, gpd.GeoDataFrame], s: Scenario) -> Path:
    """Write layers as :func:`_table` says, atomically, in the format ``path``'s extension names.

    A GeoPackage (``.gpkg``) keeps one layer per entry; GeoJSON (``.geojson``, ``.json``) holds
    one collection, so each feature says its layer in a ``layer`` property. With ``[output]
    columns = "labels"`` the layer names are words too (QGIS shows both).

    Parameters
    ----------
    path
        A ``.gpkg``, ``.geojson`` or ``.json`` file.
    layers
        Layer name → its features.
    s
        The scenario: its ``[output] columns`` and ``lang``.

    Returns
    -------
    Path
        The file written.
    """
    if s.output.columns != "keys":
        layers = {sheet_name(k, s.lang): _table(v, s) for k, v in layers.items()}
    if layer_format(path) != "GeoJSON":
        return write_gpkg(path, layers)
    # each feature says its layer, under a name in the words of the rest (图层 beside 层级)
    key = "layer" if s.output.columns == "keys" else header("layer", s.lang)
    parts = [gdf.assign(**{key: name}) for name, gdf in layers.items()]
    crs = next((p.crs for p in parts if p.crs is not None), None)
    both = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=crs)
    return write_geojson(path, both)


def run_info(run: Run) -> dict[str, Any]:
    """A summary of the run: scenario, network, walking model, KPIs, input sizes, notes, timings.

    Parameters
    ----------
    run
        A scenario run.

    Returns
    -------
    dict
        What ``run.json`` records, with program keys.
    """
    s = run.scenario
    return {
        "scenario": str(s.source),
        "name": s.name,
        "title": s.title,
        "title_en": s.title_en,
        "network": run.network.summary(),
        "walk": s.walk.model_dump(),
        "thresholds_min": run.coverage.thresholds,
        "kpis": run.coverage.kpis(),
        "facilities": int(len(run.layers.facilities)),
        "demand_points": int(len(run.layers.demand)),
        # Rows as listed in skipped_rows.csv; a layer's skipped cells are named, not counted.
        "rows_skipped": skipped_row_count(run.layers.problems),
        "layer_skips": [
            f"{file_label(p.path, s.folder)}: {p.message}" for p in layer_skips(run.layers.problems)
        ],
        "notes": [str(n) for n in run.layers.notes],  # English: the machine record
        "timings_s": {k: round(v, 2) for k, v in run.timings.items()},
    }


def write_problem_tables(
    problems: Sequence[Problem], s: Scenario, out: Path
) -> tuple[pd.DataFrame, dict[str, Path]]:
    """Write ``problems.csv`` and ``skipped_rows.csv`` in ``out``, atomically.

    People open these two whatever ``[output] columns`` says: headers and actions in the
    scenario's language, the messages too (plain-text ones stay as written); files named
    relative to the scenario's folder, as the planner wrote them.

    Parameters
    ----------
    problems
        What reading the inputs found (:attr:`coverage.inputs.layers.Layers.problems`).
    s
        The scenario: its ``lang`` and ``folder``.
    out
        The folder to write in.

    Returns
    -------
    tuple
        The problems table (program keys, for the workbook) and the files written, by kind
        (``problems``, ``skipped``).
    """
    table = problems_frame(problems, s.lang, s.folder)
    skipped = skipped_rows(problems, s.lang, s.folder)
    files = {
        "problems": cio.write_csv(out / "problems.csv", localize(table, s.lang)),
        "skipped": cio.write_csv(out / "skipped_rows.csv", localize(skipped, s.lang)),
    }
    return table, files


def write_results(run: Run, progress: Progress = _noop) -> dict[str, Path]:
    """Write the GeoPackage, CSV tables, problems report, Excel workbook and map, atomically.

    With ``[output] excel = false`` an earlier run's ``coverage.xlsx`` is removed.

    Parameters
    ----------
    run
        A scenario run.
    progress
        Called with a line for each step; default: nothing.

    Returns
    -------
    dict
        The files written, by kind (``gpkg``, ``summary``, ``map`` …).
    """
    s = run.scenario
    cov = run.coverage
    out = s.output_dir
    files: dict[str, Path] = {}
    progress(t(s.lang, "console.step.results", path=out))
    keys = s.output.columns == "keys"  # the program's own numbers: full precision
    # the people of each demand point as the layer, the tables and the workbook show them
    shown = shown_counts(cov.summary)
    whole = demand_people(cov.demand["weight"], cov.demand["covered"], shown, cov.demand)
    demand_layer = finite(cov.demand)
    layers = {
        "facilities": finite(cov.facilities),
        "demand": demand_layer if keys else demand_layer.assign(weight=whole),
        "catchments": run.catchments,
        "tier_catchments": run.tier_catchments,
    }
    # people as the report and the map show them (keys: the exact weights)
    subdistricts = subdistrict_layer(run, shown=not keys)
    if subdistricts is not None:
        layers["subdistricts"] = subdistricts
    files["gpkg"] = write_layers(out / "coverage.gpkg", layers, s)
    shown_summary = with_shown_people(cov.summary)
    summary = cov.summary if keys else shown_summary
    files["summary"] = cio.write_csv(out / "summary.csv", _table(summary, s))
    facilities = _facility_table(cov, s.output.datum)
    files["facilities"] = cio.write_csv(out / "facilities.csv", _table(facilities, s))
    demand = _demand_table(cov, s.output.datum)
    people = demand.assign(weight=whole)  # labels and the workbook: they add up
    files["demand"] = cio.write_csv(out / "demand.csv", _table(demand if keys else people, s))
    order = demand.loc[~demand["covered"], "weight"].sort_values(ascending=False).index
    uncovered = people.loc[order]  # heaviest first, by the people each point really has
    shown = demand.loc[order] if keys else uncovered
    files["uncovered"] = cio.write_csv(out / "uncovered.csv", _table(shown, s))
    problems, written = write_problem_tables(run.layers.problems, s, out)
    files.update(written)
    files["run"] = cio.write_json(out / "run.json", run_info(run))
    if s.output.excel:
        from coverage import excel

        sheets = {
            "summary": shown_summary,
            "uncovered": _for_people(uncovered),
            "facilities": _for_people(facilities),
            "problems": problems,
        }
        if "subdistrict" in cov.demand:
            sheets["by_subdistrict"] = shown_summary[shown_summary["scope"] == "subdistrict"]
        files["excel"] = excel.write_workbook(
            out / "coverage.xlsx", sheets, lang=s.lang, datum=s.output.datum
        )
    else:  # [output] excel = false: an earlier run's workbook would disagree with these tables
        cio.remove_outputs(out, ["coverage.xlsx"])
    files["map"] = write_map(run, s.map_path)
    if s.print_map_path is not None:
        files["print_map"] = write_print_map(run, s.print_map_path)
    return files


def write_plan(
    result: PlanResult, progress: Progress = _noop, *, map_path: str | Path | None = None
) -> dict[str, Path]:
    """Proposed sites (GeoPackage, CSV), stage summary, coverage curve (CSV, PNG) and the map.

    The map goes to ``map_path``, by default ``[output] map`` with ``_plan`` added to its name.
    What this plan does not write (``plan.xlsx`` with ``[output] excel = false``, the curve of a
    plan of no new site) is removed if an earlier plan left it.

    Parameters
    ----------
    result
        A plan (:func:`coverage.pipeline.plan` with ``write=False``).
    progress
        Called with a line for each step; default: nothing.
    map_path
        The plan map to write (see above).

    Returns
    -------
    dict
        The files written, by kind.
    """
    s = result.before.scenario
    out = s.output_dir / "plan"
    progress(t(s.lang, "console.step.plan", path=out))
    files: dict[str, Path] = {}
    prop = result.proposed
    table = pd.DataFrame(prop.drop(columns="geometry"))
    # whole people adding up to the plan's total, as the console, map and report show them
    people = table.assign(gain=shown_parts(table["gain"])) if "gain" in table else table
    files["proposed_gpkg"] = write_layers(out / "proposed_sites.gpkg", {"proposed_sites": prop}, s)
    shown = table if s.output.columns == "keys" else _table(people, s)  # keys: full precision
    files["proposed_csv"] = cio.write_csv(out / "proposed_sites.csv", shown)
    files["stages"] = cio.write_csv(out / "plan_summary.csv", _table(result.stages(), s))
    after = result.after
    if after.k:  # the one curve the report and the plan map show too
        # "site" is the row of the site in the plan's table: the name says which it is
        whole = after.curve if s.output.columns == "keys" else shown_curve(after.curve)
        curve = _table(whole, s, drop=("site",))
        files["curve_csv"] = cio.write_csv(out / "coverage_curve.csv", curve)
        files["curve_png"] = save_curve_png(after.curve, out / "coverage_curve.png", lang=s.lang)
    else:  # no new site, no curve: an earlier plan's would contradict this one's tables
        cio.remove_outputs(out, ["coverage_curve.csv", "coverage_curve.png"])
    if s.output.excel:
        from coverage import excel

        cov = result.before.coverage
        # existing and proposed sites: how far what the plan leaves is from the nearest of them
        demand = _demand_table(cov, s.output.datum, (result.demand, prop))
        shown_summary = with_shown_people(cov.summary)  # people as the report shows them
        subdistricts = subdistricts_after(cov, after.covered)
        mine = shown_summary["scope"] == "subdistrict"
        subdistricts["weight"] = shown_summary.loc[mine, "weight"].to_numpy()
        # what the plan leaves, in whole people adding up to what the plan map shows it leaves
        left_shown = people_after_plan(cov, after.covered, subdistricts)
        whole = demand_people(demand["weight"], after.covered, left_shown, demand)
        left = demand.assign(weight=whole)
        sheets = {
            "proposed": _for_people(people),
            "plan_stages": _for_people(result.stages()),
            "summary_before": shown_summary,  # the run's, titled as before the plan
            "by_subdistrict": subdistricts,
            "uncovered_after": _for_people(left[~after.covered]),
        }
        files["excel"] = excel.write_workbook(
            out / "plan.xlsx", sheets, lang=s.lang, datum=s.output.datum
        )
    else:  # [output] excel = false: an earlier plan's workbook would disagree with the map
        cio.remove_outputs(out, ["plan.xlsx"])
    files["map"] = write_plan_map(result, plan_map_path(s, map_path))
    return files


def edges_path(path: str | Path) -> Path:
    """``path`` as a file :func:`write_edges` can write (``.parquet``, ``.gpkg``), or one line.

    Parameters
    ----------
    path
        The file to write.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ArgumentError
        Another extension (a GeoPackage named ``.csv`` would surprise whoever opens it).
    """
    path = Path(path)
    if path.suffix.lower() not in (".parquet", ".gpkg"):
        raise ArgumentError(
            Msg("error.scenario.argument", name="path", value=repr(str(path)))
            + Msg("error.output.edges_suffix")
        )
    return path


def write_edges(net: WalkNetwork, path: str | Path) -> Path:
    """The walking network's edges as GeoParquet (``.parquet``) or a GeoPackage (``.gpkg``).

    Parameters
    ----------
    net
        The walking network.
    path
        The file to write.

    Returns
    -------
    Path
        The file written.
    """
    path = edges_path(path)
    edges = net.edges.drop(columns=["u_idx", "v_idx"])
    if path.suffix.lower() == ".parquet":
        return cio.write_with(path, lambda p: edges.to_parquet(p))
    return write_gpkg(path, {"edges": edges})
