"""Command line: ``coverage run SCENARIO`` and its sub-steps.

Every command takes a scenario file (TOML, see the README). Failures print one line per
problem on stderr, naming the file/row/field, and exit with status 1.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from coverage.errors import CoverageError

app = typer.Typer(
    name="coverage",
    help="Street-network service coverage: 15-minute walking catchments, gaps and new sites.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
_COUNT = re.compile(r"(\d+)/(\d+)$")
out = Console()

ScenarioArg = Annotated[
    Path, typer.Argument(help="Scenario file (TOML).", show_default=False, metavar="SCENARIO")
]
LangOpt = Annotated[
    str | None, typer.Option("--lang", help="Labels: zh (default from the scenario) or en.")
]


@contextlib.contextmanager
def _step(title: str) -> Iterator[Callable[[str], None]]:
    """A spinner whose text follows the pipeline's progress messages; errors become exit 1."""
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(title, total=None)
            last = [""]

            def progress(msg: str) -> None:
                count = _COUNT.search(msg)
                if count:  # "catchments 120/570": move the bar, log only the first time
                    text = msg[: count.start()].strip()
                    done, total = int(count.group(1)), int(count.group(2))
                    bar.update(task, description=text, completed=done, total=total)
                    if text != last[0]:
                        err.log(text)
                else:
                    bar.update(task, description=msg, completed=0, total=None)
                    err.log(msg)
                    text = msg
                last[0] = text

            yield progress
    except CoverageError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            err.print(f"[bold red]error:[/] {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("[bold red]interrupted[/]: previous results were left as they were")
        raise typer.Exit(130) from None


def _scenario(path: Path, lang: str | None = None, **output: object):
    from coverage.scenario import load_scenario

    s = load_scenario(path)
    for line in s.warnings:  # unusual but valid values: one line each, the run goes on
        err.print(f"[yellow]warning:[/] {escape(line)}", highlight=False, soft_wrap=True)
    if lang is not None:
        if lang not in ("zh", "en"):
            raise typer.BadParameter("use zh or en", param_hint="--lang")
        s.lang = lang
    for key, value in output.items():
        if value is not None:
            setattr(s.output, key, value)
    return s


def _kpi_table(cov, lang: str) -> Table:
    from coverage.analysis import tier_order

    table = Table(title="Coverage (share of demand weight within the walking threshold)")
    for col in ("scope", "key", "facilities", "weight", "covered", "share", "cross", "1 km circle"):
        table.add_column(col, justify="right" if col not in ("scope", "key") else "left")
    s = cov.summary
    show = s[s["scope"].isin(["overall", "tier"])]
    order = {t: i for i, t in enumerate(tier_order(cov.thresholds))}
    show = show.assign(_o=show["key"].map(order).fillna(-1)).sort_values(["_o"])
    for _, r in show.iterrows():
        table.add_row(
            r["scope"],
            str(r["key"]),
            str(r["facilities"]),
            f"{r['weight']:,.0f}",
            f"{r['covered_weight']:,.0f}",
            f"{r['share']:.1%}",
            f"{r['cross_share']:.1%}",
            f"{r['circle_share']:.1%}",
        )
    return table


@app.command("run")
def run_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default from the scenario).")
    ] = None,
    map_path: Annotated[Path | None, typer.Option("--map", help="HTML map to write.")] = None,
    basemap: Annotated[
        str | None, typer.Option(help="Basemap: osm, amap (GCJ-02 handled), tianditu or none.")
    ] = None,
    self_contained: Annotated[
        bool | None,
        typer.Option(
            "--self-contained/--cdn",
            help="Inline Leaflet and plugins in the HTML (works offline) or load them from CDNs.",
        ),
    ] = None,
) -> None:
    """Run a scenario: catchments, coverage per tier, tables, GeoPackage, Excel and the map."""
    from coverage import pipeline

    with _step("coverage run") as progress:
        s = _scenario(
            scenario,
            lang,
            dir=out_dir,
            map=map_path,
            basemap=basemap,
            self_contained=self_contained,
        )
        result = pipeline.run(s, progress=progress)
    out.print(_kpi_table(result.coverage, s.lang))
    skipped = pipeline.run_info(result)["rows_skipped"]
    if skipped:
        out.print(
            f"[yellow]{skipped} input rows skipped[/] — see {result.files['skipped']} for why"
        )
    for note in result.layers.notes:
        out.print(f"  {note}", highlight=False)
    out.print("Wrote:")
    for key, path in result.files.items():
        out.print(f"  {key:<12} {path}", highlight=False)


@app.command("network")
def network_cmd(
    scenario: ScenarioArg,
    save: Annotated[
        Path | None, typer.Option(help="Also save the walking edges (.parquet/.gpkg).")
    ] = None,
) -> None:
    """Load (or download and cache) the scenario's walking network and report what was kept."""
    from coverage import io as cio
    from coverage import pipeline

    with _step("coverage network") as progress:
        s = _scenario(scenario)
        area, _ = pipeline.load_area(s)
        net = pipeline.load_network(s, area, progress)
        if save is not None:
            edges = net.edges.drop(columns=["u_idx", "v_idx"])
            if save.suffix == ".parquet":
                cio.write_with(save, lambda p: edges.to_parquet(p))
            else:
                cio.write_gpkg(save, {"edges": edges})
    table = Table(title=f"Walking network of {s.name}")
    table.add_column("item")
    table.add_column("value", justify="right")
    for key, value in net.summary().items():
        table.add_row(str(key), str(value))
    out.print(table)


@app.command("catchments")
def catchments_cmd(
    scenario: ScenarioArg,
    bands: Annotated[
        str | None, typer.Option(help="Bands in minutes, e.g. 5,10,15 (default: scenario).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="GeoPackage to write (default: results folder).")
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help='How outlines are drawn: "grid" (fast, within half a cell of exact) or "exact" '
            "(shapely buffers, about 10× slower). Default: the scenario's catchment_method."
        ),
    ] = None,
) -> None:
    """Walking catchments of every facility (per band) and their union per tier."""
    from coverage import io as cio
    from coverage import pipeline

    with _step("coverage catchments") as progress:
        s = _scenario(scenario)
        try:
            band_list = (
                sorted(float(b) for b in bands.split(",")) if bands else list(s.walk.bands_min)
            )
        except ValueError:
            raise typer.BadParameter(
                f"not a list of minutes: {bands}", param_hint="--bands"
            ) from None
        if method not in (None, "grid", "exact"):
            raise typer.BadParameter(f"'{method}' is not 'grid' or 'exact'", param_hint="--method")
        area, _ = pipeline.load_area(s)
        net = pipeline.load_network(s, area, progress)
        layers = pipeline.read_layers(s, net, progress)
        if len(layers.facilities) == 0:
            raise CoverageError("no usable facility rows")
        fac = layers.facilities
        progress("drawing catchments")
        catch, by_tier = pipeline.facility_catchments(
            net,
            fac,
            band_list,
            s.walk.walk_off_m,
            max_snap_m=s.walk.max_snap_m,
            method=method or s.walk.catchment_method,
            cell_m=s.walk.catchment_cell_m,
        )
        path = output or s.output_dir / "catchments.gpkg"
        cio.write_gpkg(path, {"catchments": catch, "tier_catchments": by_tier})
    out.print(f"{len(catch)} catchment polygons for {len(fac)} facilities → {path}")


@app.command("map")
def map_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    output: Annotated[Path | None, typer.Option("--out", help="HTML file to write.")] = None,
    basemap: Annotated[
        str | None, typer.Option(help="Basemap: osm, amap (GCJ-02 handled), tianditu or none.")
    ] = None,
    self_contained: Annotated[
        bool | None, typer.Option("--self-contained/--cdn", help="Inline JS/CSS (offline use).")
    ] = None,
    print_path: Annotated[
        Path | None,
        typer.Option("--print", help="Also a printable static map: a .png or .pdf file."),
    ] = None,
    paper: Annotated[str, typer.Option(help="Paper size of the printable map: A4 or A3.")] = "A4",
) -> None:
    """Only the HTML map (computes coverage and catchments, writes no other files)."""
    from coverage import pipeline

    if paper not in ("A4", "A3"):
        raise typer.BadParameter("A4 or A3", param_hint="--paper")
    if print_path is not None and print_path.suffix.lower() not in (".png", ".pdf"):
        raise typer.BadParameter("a .png or .pdf file", param_hint="--print")
    with _step("coverage map") as progress:
        s = _scenario(scenario, lang, basemap=basemap, self_contained=self_contained)
        result = pipeline.run(s, progress=progress, write=False)
        path = pipeline.write_map(result, output or s.map_path)
        if print_path is not None:
            progress(f"drawing the printable map ({paper})")
            printed = pipeline.write_print_map(result, print_path, paper=paper)
    out.print(f"map → {path}")
    if print_path is not None:
        out.print(f"printable map → {printed}")


@app.command("plan")
def plan_cmd(
    scenario: ScenarioArg,
    add: Annotated[
        int | None, typer.Option("--add", help="New sites to add (maximal covering, MCLP).")
    ] = None,
    target: Annotated[
        float | None,
        typer.Option(
            "--target", help="Share of demand weight to cover with the fewest sites (LSCP), 0-1."
        ),
    ] = None,
    tier: Annotated[
        str | None, typer.Option("--tier", help="Tier of the new sites (default: scenario).")
    ] = None,
    tiers: Annotated[
        bool,
        typer.Option(
            "--tiers", help="Staged plan: sub-centres first (p-median), then points given them."
        ),
    ] = False,
    model: Annotated[
        str | None,
        typer.Option(help="Model: mclp, lscp, backup (cross-coverage) or pmedian."),
    ] = None,
    greedy: Annotated[
        bool, typer.Option("--greedy", help="Lazy greedy with a bound instead of the exact MILP.")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds for the MILP solver per stage.")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Propose new sites that close the coverage gaps, with before/after coverage and a map."""
    from coverage import pipeline

    if target is not None and not 0 < target <= 1:
        raise typer.BadParameter("a share between 0 and 1, e.g. 0.95", param_hint="--target")
    if model is not None and model not in ("mclp", "lscp", "backup", "pmedian"):
        raise typer.BadParameter("use mclp, lscp, backup or pmedian", param_hint="--model")
    with _step("coverage plan") as progress:
        s = _scenario(scenario, lang)
        result = pipeline.plan(
            s,
            tier=tier,
            add=add,
            target=target,
            staged=tiers,
            model=model,
            method="greedy" if greedy else "milp",
            time_limit=time_limit,
            progress=progress,
        )
    table = Table(title="Site proposals")
    for col in (
        "tier",
        "model",
        "new sites",
        "covered before",
        "after",
        "status",
        "gap",
        "solve s",
    ):
        table.add_column(col, justify="left" if col in ("tier", "model", "status") else "right")
    for _, r in result.stages().iterrows():
        table.add_row(
            str(r["tier"]),
            str(r["model"]),
            str(r["n_selected"]),
            f"{r['before_share']:.1%}",
            f"{r['after_share']:.1%}",
            str(r["status"]),
            f"{r['gap']:.2%}",
            f"{r['solve_time_s']:.1f}",
        )
    out.print(table)
    for _, r in result.stages().iterrows():
        asked = r.get("requested")
        note = r.get("note")
        if isinstance(note, str) and note:
            out.print(f"[yellow]{r['tier']}: {note}.[/]")
        elif asked == asked and asked is not None and r["n_selected"] < asked:  # not NaN
            out.print(
                f"[yellow]{r['tier']}: {r['n_selected']} of the {int(asked)} sites asked for "
                "already reach every worker any candidate site can reach; more would add nobody.[/]"
            )
    out.print("Wrote:")
    for key, path in result.files.items():
        out.print(f"  {key:<14} {path}", highlight=False)


@app.command("report")
def report_cmd(
    scenario: ScenarioArg,
    lang: LangOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--out", help="HTML file to write (default: <results>/report.html)."),
    ] = None,
    add: Annotated[
        int | None, typer.Option("--add", help="New sites to propose (default: [plan] add).")
    ] = None,
    target: Annotated[
        float | None,
        typer.Option("--target", help="Share of workers to cover with the fewest sites, 0-1."),
    ] = None,
) -> None:
    """One-page HTML report for leaders: KPIs, sub-districts, coverage curve, before/after maps."""
    from coverage import report

    if target is not None and not 0 < target <= 1:
        raise typer.BadParameter("a share between 0 and 1, e.g. 0.95", param_hint="--target")
    if add is not None and target is not None:
        raise typer.BadParameter("give --add or --target, not both", param_hint="--add")
    with _step("coverage report") as progress:
        s = _scenario(scenario, lang)
        path = report.write_report(
            s, output, lang=s.lang, add=add, target=target, progress=progress
        )
    out.print(f"report → {path}", highlight=False)


def main() -> None:  # pragma: no cover - entry point
    logging.basicConfig(level=logging.WARNING)
    sys.exit(app())
