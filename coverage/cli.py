"""Command line: ``coverage run SCENARIO``, its single steps, ``plan``, ``report`` and ``audit``.

Every command takes a scenario file (TOML, see the README), ``audit`` an audit file. Failures
print one line per problem on stderr, naming the file/row/field, and exit with status 1.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer
from rich.console import Console
from rich.markup import escape

from coverage import console
from coverage._version import __version__
from coverage.cli_options import (
    _OUTPUT_OPTIONS,
    BasemapOpt,
    ColumnsOpt,
    GreedyOpt,
    LangOpt,
    MapOpt,
    ModelOpt,
    OutOpt,
    ScenarioArg,
    SelfContainedOpt,
    StageOpt,
    TargetOpt,
    TierOpt,
    TiersOpt,
    TimeLimitOpt,
    _bad,
    _lang,
    _plan_how,
)
from coverage.errors import Msg, Problem
from coverage.file_labels import file_label
from coverage.i18n import t
from coverage.inputs.problems import skipped_row_count, warned_rows
from coverage.progress import Step, err, log_handler, prefix, shown
from coverage.progress import step as _step

if TYPE_CHECKING:
    from coverage.planning import PlanRun
    from coverage.scenario import Scenario

__all__ = [
    "app",
    "main",
]

app = typer.Typer(
    name="coverage",
    help="Street-network service coverage: 15-minute walking catchments, gaps and new sites.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()


def _scenario(path: Path, step: Step, lang: str | None = None, **output: object) -> Scenario:
    """Load and validate the scenario, then apply the command line's ``[output]`` settings.

    From then on the console speaks the scenario's language (or ``--lang``).

    Paths given here (``--out``, ``--map``, ``--print``) are the user's own choice and are not
    confined to the scenario's folder like the scenario file's own output paths.
    """
    from coverage.scenario import load_scenario

    chosen = _lang(lang)
    s = load_scenario(path)
    s.lang = chosen or s.lang
    step.lang = s.lang
    for line in s.warning_lines(
        step.lang
    ):  # unusual but valid values: one line each, the run goes on
        warning = prefix(step.lang, "console.warning")
        err.print(f"[yellow]{warning}[/]{shown(line)}", highlight=False, soft_wrap=True)
    for key, value in output.items():
        if value is not None:
            s.set_output(key, value, label=_OUTPUT_OPTIONS.get(key, f"--{key}"))
    return s


def _map_in(s: Scenario, folder: Path) -> Path:
    """The scenario's map (``[output] map``) by its file name in ``folder``: --out alone's map.

    Only the name is taken: a scenario file's map outside its folder is not written, so not
    refused (:meth:`~coverage.scenario.Scenario.check_writes` is for the paths written).
    """
    return folder / (s.output.map or s.map_path).name


def _version(show: bool) -> None:
    if show:
        out.print(f"coverage {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Street-network service coverage: 15-minute walking catchments, gaps and new sites."""


@app.command("run")
def run_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    out_dir: OutOpt = None,
    map_path: MapOpt = None,
    basemap: BasemapOpt = None,
    self_contained: SelfContainedOpt = None,
    columns: ColumnsOpt = None,
) -> None:
    """Run a scenario: catchments, coverage per tier, tables, GeoPackage, Excel and the map."""
    from coverage import pipeline

    with _step("coverage run", scenario, lang) as progress:
        s = _scenario(
            scenario,
            progress,
            lang,
            dir=out_dir,
            map=map_path,
            basemap=basemap,
            self_contained=self_contained,
            columns=columns,
        )
        if out_dir is not None and map_path is None:  # beside the results it shows, not over
            s.set_output("map", _map_in(s, out_dir), label="--out")  # another run's map
        if out_dir is not None and s.output.print_map is not None:  # its printable one too
            s.set_output("print_map", out_dir / s.output.print_map.name, label="--out")
        result = pipeline.run(s, progress=progress)
    out.print(console.kpi_table(result.coverage, s.lang))
    skipped = pipeline.run_info(result)["rows_skipped"]
    if skipped:
        see = t(s.lang, "console.run.skipped_see", path=shown(str(result.files["skipped"])))
        out.print(f"[yellow]{t(s.lang, 'console.run.skipped', n=skipped)}[/] — {see}")
    # Rows kept with a warning (a value corrected or assumed), per input file; the scenario's
    # own warnings were printed when it was read.
    layers = [p for p in result.layers.problems if p.path != str(s.source or "scenario")]
    for name, n in warned_rows(layers).items():
        warned = t(s.lang, "console.run.warned", file=file_label(name, s.folder), n=n)
        see = t(s.lang, "console.run.warned_see", path=str(result.files["problems"]))
        out.print(f"[yellow]{shown(warned)}[/] — {shown(see)}", soft_wrap=True)
    for note in result.layers.notes:  # how each layer was read, in the console's language
        out.print(f"  {shown(note.text(s.lang))}", highlight=False, soft_wrap=True)
    out.print(t(s.lang, "console.wrote"))
    for path in result.files.values():  # the file names say what each is
        out.print(f"  {shown(str(path))}", highlight=False)


@app.command("network")
def network_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    save: Annotated[
        Path | None, typer.Option(help="Also save the walking edges (.parquet/.gpkg).")
    ] = None,
) -> None:
    """Load (or download and cache) the scenario's walking network and report what was kept."""
    from coverage import single_steps

    with _step("coverage network", scenario, lang) as progress:
        if save is not None and save.suffix.lower() not in (".parquet", ".gpkg"):
            raise _bad("--save", save, Msg("error.output.edges_suffix"))
        s = _scenario(scenario, progress, lang)
        net = single_steps.walk_network(s, save=save, progress=progress)
    kept, dropped = console.network_tables(net.summary(), s.display_title(s.lang), s.lang)
    out.print(kept)
    if dropped.row_count:
        out.print(dropped)
    if save is not None:  # as every command that writes: what it wrote
        out.print(t(s.lang, "console.wrote"))
        out.print(f"  {shown(str(save))}", highlight=False)


@app.command("catchments")
def catchments_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    bands: Annotated[
        str | None,
        typer.Option(help=escape("Bands in minutes, e.g. 5,10,15 (default: [walk] bands_min).")),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write: .gpkg (GeoPackage) or .geojson/.json (GeoJSON); "
            "default: catchments.gpkg in the results folder.",
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help=escape(
                'How outlines are drawn: "grid" (fast, within half a cell of exact) or "exact" '
                "(shapely buffers, about 10× slower); default: [walk] catchment_method."
            )
        ),
    ] = None,
    columns: ColumnsOpt = None,
) -> None:
    """Walking catchments of every facility (per band) and their union per tier."""
    from coverage import single_steps
    from coverage.layer_files import layer_format

    with _step("coverage catchments", scenario, lang) as progress:
        band_list = _bands(bands)
        if method is not None and method not in ("grid", "exact"):
            raise _bad("--method", method, Msg("error.scenario.method", method=method))
        if output is not None and layer_format(output) is None:
            raise _bad("--out", output, Msg("error.output.layers_suffix"))
        s = _scenario(scenario, progress, lang, columns=columns)
        path, catch, n_fac = single_steps.draw_catchments(
            s,
            bands=band_list or None,
            method=cast(Literal["grid", "exact"] | None, method),
            path=output,
            progress=progress,
        )
    out.print(
        t(s.lang, "console.catchments.done", n=n_fac, polygons=len(catch), path=shown(str(path)))
    )


def _bands(text: str | None) -> list[float]:
    """``--bands 5,10,15`` as sorted minutes, each a number above 0 (empty: not given)."""
    if not text:
        return []
    try:
        bands = sorted({float(b) for b in text.split(",")})
    except ValueError:
        raise _bad("--bands", text, Msg("error.scenario.bands_list")) from None
    if not all(0 < b < float("inf") for b in bands):
        raise _bad("--bands", text, Msg("error.scenario.bands_positive"))
    return bands


@app.command("map")
def map_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out", help=escape("HTML map to write (default: [output] map, maps/<name>.html).")
        ),
    ] = None,
    basemap: BasemapOpt = None,
    self_contained: SelfContainedOpt = None,
    print_path: Annotated[
        Path | None,
        typer.Option("--print", help="Also a printable static map: a .png or .pdf file."),
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(
            help=escape("Paper size of the printable map: A4 or A3 (default: [output] paper, A4).")
        ),
    ] = None,
) -> None:
    """Only the HTML map (computes coverage and catchments, writes no other files)."""
    from coverage import single_steps

    with _step("coverage map", scenario, lang) as progress:
        if paper is not None and paper not in ("A4", "A3"):
            raise _bad("--paper", paper, Msg("error.output.paper"))
        if print_path is not None and print_path.suffix.lower() not in (".png", ".pdf"):
            raise _bad("--print", print_path, Msg("error.output.print_suffix"))
        s = _scenario(scenario, progress, lang, basemap=basemap, self_contained=self_contained)
        path, printed = single_steps.draw_map(
            s, output, print_path=print_path, paper=paper, progress=progress
        )
    out.print(t(s.lang, "console.map.done", path=shown(str(path))))
    if printed is not None:
        out.print(t(s.lang, "console.print.done", path=shown(str(printed))))


def _print_plan(result: PlanRun) -> None:
    """Stages, proposed sites, the files written and the next step: the map and workbook."""
    s = result.before.scenario
    stages = result.stages()
    out.print(console.stages_table(stages, s.lang))
    for note in console.stage_notes(stages, s.lang):
        out.print(note)
    if len(result.proposed):
        out.print(console.proposed_table(result.proposed, s.lang, s.output.datum))
    _print_skipped(result.before.layers.problems, s.lang)
    out.print(t(s.lang, "console.wrote"))
    for path in result.files.values():
        out.print(f"  {shown(str(path))}", highlight=False)
    files = {k: shown(str(result.files[k])) for k in ("map", "excel") if k in result.files}
    if "map" in files:
        key = "console.next" if "excel" in files else "console.next_map"
        step = t(s.lang, key, map=files["map"], workbook=files.get("excel", ""))
        out.print(f"[bold]{step}[/]", highlight=False, soft_wrap=True)


def _print_skipped(problems: list[Problem], lang: str) -> None:
    """Each skipped input row on its own line: a plan writes no ``skipped_rows.csv`` to read."""
    n = skipped_row_count(problems)
    if not n:
        return
    warning = prefix(lang, "console.warning")
    err.print(f"[yellow]{warning}[/]{t(lang, 'console.run.skipped', n=n)}", highlight=False)
    rows = [p for p in problems if p.action == "skipped" and p.row is not None]
    for p in rows[:_SKIPPED_SHOWN]:  # the rows the count counts
        err.print(f"  {shown(p.to_error().text(lang))}", highlight=False, soft_wrap=True)
    if len(rows) > _SKIPPED_SHOWN:
        n = len(rows) - _SKIPPED_SHOWN
        more = t(lang, "console.plan.skipped_more", n=n, command="coverage run", file=_SKIPPED_FILE)
        err.print(f"  {more}", highlight=False, soft_wrap=True)


#: Skipped-row lines ``plan`` prints before it points to ``coverage run`` for the rest.
_SKIPPED_SHOWN = 20
_SKIPPED_FILE = "skipped_rows.csv"


@app.command("plan")
def plan_cmd(
    scenario: ScenarioArg,
    add: Annotated[
        int | None,
        typer.Option(
            "--add",
            help=escape("New sites to add, most demand covered (MCLP) (default: [plan] add)."),
        ),
    ] = None,
    target: TargetOpt = None,
    tier: TierOpt = None,
    tiers: TiersOpt = False,
    model: ModelOpt = None,
    greedy: GreedyOpt = False,
    stage: StageOpt = None,
    time_limit: TimeLimitOpt = None,
    lang: LangOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=escape(
                "Results folder; the plan and its map go to its plan/ subfolder (default: "
                "[output] dir)."
            ),
        ),
    ] = None,
    map_path: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help=escape(
                "HTML plan map to write (default: [output] map + _plan, maps/<name>_plan.html; "
                "with --out, in its plan/ subfolder)."
            ),
        ),
    ] = None,
    columns: ColumnsOpt = None,
) -> None:
    """Propose new sites that close the coverage gaps, with before/after coverage and a map."""
    from coverage import pipeline

    with _step("coverage plan", scenario, lang) as progress:
        how = _plan_how(tier, tiers, model, greedy, stage, time_limit)
        s = _scenario(scenario, progress, lang, dir=out_dir, columns=columns)
        if out_dir is not None and map_path is None:  # beside the plan it shows, in plan/
            from coverage.export_maps import plan_map_of

            map_path = plan_map_of(_map_in(s, out_dir / "plan"))
        # Every setting is checked before the network is loaded (pipeline.plan_stages).
        result = pipeline.plan(
            s,
            add=add,
            target=target,
            **how,
            progress=progress,
            map_path=map_path,
            spelled="cli",
        )
    _print_plan(result)


@app.command("report")
def report_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--out", help="HTML file to write (default: <results>/report.html)."),
    ] = None,
    add: Annotated[
        int | None,
        typer.Option(
            "--add", help=escape("New sites to propose (default: [plan] add or target, else 10).")
        ),
    ] = None,
    target: TargetOpt = None,
    tier: TierOpt = None,
    tiers: TiersOpt = False,
    model: ModelOpt = None,
    greedy: GreedyOpt = False,
    stage: StageOpt = None,
    time_limit: TimeLimitOpt = None,
    map_path: Annotated[
        Path | None,
        typer.Option("--map", help="Also write the interactive map (with proposed sites) here."),
    ] = None,
) -> None:
    """One-page HTML report for leaders: KPIs, sub-districts, coverage curve, before/after maps."""
    from coverage import pipeline

    with _step("coverage report", scenario, lang) as progress:
        if add is not None and target is not None:
            raise _bad("--add", add, Msg("error.plan.add_and_target"))
        if target is not None and not 0 < target <= 1:
            raise _bad("--target", target, Msg("error.plan.share"))
        if add is not None and add < 1:
            raise _bad("--add", add, Msg("error.plan.whole_sites"))
        how = _plan_how(tier, tiers, model, greedy, stage, time_limit)
        s = _scenario(scenario, progress, lang)
        if output is None:
            s.check_writes(["[output] dir"])  # refused before anything is loaded
        path = pipeline.report(
            s,
            output,
            lang=s.lang,
            add=add,
            target=target,
            **how,
            progress=progress,
            map_path=map_path,
            spelled="cli",
        )
    out.print(t(s.lang, "console.report.done", path=shown(str(path))), highlight=False)
    if map_path is not None:
        out.print(t(s.lang, "console.map.done", path=shown(str(map_path))), highlight=False)


@app.command("audit")
def audit_cmd(
    audit: Annotated[
        Path, typer.Argument(help="Audit file (TOML).", show_default=False, metavar="AUDIT")
    ],
    workers: Annotated[
        int | None, typer.Option(help="Worker processes of the local dask cluster (default 1).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="An existing dask scheduler, e.g. tcp://HOST:8786.")
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help=escape("Results folder (default: the audit's [output] dir).")),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run every district, even unchanged ones.")
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Language of the console and every file written: zh or en (default: the audit's "
            "lang).",
        ),
    ] = None,
) -> None:
    """Audit every district of a layer, one dask task each; exit 1 if any district failed."""
    from coverage.audit import load_audit, run_audit
    from coverage.audit.results import failure_line

    # Ctrl-C: the districts finished so far are written, and a re-run skips them.
    with _step("coverage audit", audit, lang, "console.audit.interrupted_note") as progress:
        if workers is not None and workers < 1:
            raise _bad(
                "--workers", workers, Msg("error.value.greater_than_equal", ge=1, input=workers)
            )
        chosen = _lang(lang)
        loaded = load_audit(audit)
        loaded.lang = chosen or loaded.lang
        progress.lang = loaded.lang
        result = run_audit(
            loaded, workers=workers, scheduler=scheduler, out=out_dir, force=force,
            progress=progress,
        )  # fmt: skip
    lang, n = result.audit.lang, len(result.districts)
    done, secs = n - len(result.failed), f"{result.seconds:.0f}"
    out.print(t(lang, "console.audit.summary", done=done, n=n, s=secs), highlight=False)
    warning = prefix(lang, "console.warning")
    # a district not audited says why in its failure line; a skipped part of an audited one here
    rows = (
        p for d in result.districts for p in d.problems
        if p.action != "skipped" or d.geometry is not None
    )  # fmt: skip
    for p in [*result.problems, *rows]:  # the layer's (an undeclared datum), then its rows'
        line = p.to_error().text(lang)  # the reader's notes (repaired polygon, no name)
        err.print(f"[yellow]{warning}[/]{shown(line)}", highlight=False, soft_wrap=True)
    for rec in result.failed:  # failed, or not audited (the reader skipped its polygon)
        line = failure_line(rec, lang)  # with its notes: why (no street there, no people)
        what = "skipped" if rec.get("status") == "skipped" else "failed"
        head = prefix(lang, f"console.audit.{what}_head")
        err.print(f"[bold red]{head}[/]{shown(line)}", highlight=False, soft_wrap=True)
    out.print(t(lang, "console.wrote"), highlight=False)
    for path in result.files.values():
        out.print(f"  {shown(str(path))}", highlight=False)
    if result.failed:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover - entry point
    """Run the command-line interface (the ``coverage`` console script)."""
    logging.basicConfig(level=logging.WARNING, handlers=[log_handler()])
    sys.exit(app())
