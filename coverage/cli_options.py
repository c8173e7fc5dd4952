"""The command line's shared options and their parsing (`coverage.cli` defines the commands).

Options two commands take alike are defined once here: `coverage plan` and `coverage report`
make a plan from the same ones, so the report can show the plan the plan map shows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import typer
from rich.markup import escape

from coverage.errors import Msg, ScenarioError

__all__ = [
    "BasemapOpt",
    "ColumnsOpt",
    "GreedyOpt",
    "LangOpt",
    "MapOpt",
    "ModelOpt",
    "OutOpt",
    "ScenarioArg",
    "SelfContainedOpt",
    "StageOpt",
    "TargetOpt",
    "TierOpt",
    "TiersOpt",
    "TimeLimitOpt",
]

ScenarioArg = Annotated[
    Path, typer.Argument(help="Scenario file (TOML).", show_default=False, metavar="SCENARIO")
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the console and every file written: zh or en (default: the scenario's "
        "lang).",
    ),
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="Data tables and GeoPackage layers: labels (words of the language, default) or "
        "keys (the program's column names and codes, for scripts).",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help=escape(
            "Results folder, the map and printable map too (default: [output] dir, results/<name>)."
        ),
    ),
]
MapOpt = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help=escape(
            "HTML map to write (default: [output] map, maps/<name>.html; with --out, in that "
            "folder)."
        ),
    ),
]
BasemapOpt = Annotated[
    str | None,
    typer.Option(
        help=escape(
            "Basemap shown first: auto (Amap for zh, OpenStreetMap for en), osm, amap (data "
            "shifted to GCJ-02), tianditu or none (default: [output] basemap, auto)."
        )
    ),
]
SelfContainedOpt = Annotated[
    bool | None,
    typer.Option(
        "--self-contained/--cdn",
        help=escape(
            "Inline Leaflet and jQuery in the HTML (works offline) or load them from CDNs "
            "(default: [output] self_contained, inline)."
        ),
    ),
]

# The options of `coverage plan` that decide which plan is made; `coverage report` takes them too.
TierOpt = Annotated[
    str | None, typer.Option("--tier", help=escape("Tier of the new sites (default: [plan] tier)."))
]
TiersOpt = Annotated[
    bool,
    typer.Option(
        "--tiers",
        help=escape(
            "Staged plan, one stage per tier of [plan] tiers: sub-centres first (p-median), "
            "then points given them."
        ),
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        help="Model: mclp, lscp, backup (cross-coverage) or pmedian (default: mclp, lscp with "
        "--target; in a staged plan pmedian for sub-centres)."
    ),
]
GreedyOpt = Annotated[
    bool, typer.Option("--greedy", help="Lazy greedy with a bound instead of the exact MILP.")
]
StageOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--stage",
        # escape(): the help is rich markup, where "[plan]" would be a (dropped) style tag
        help=escape(
            "New sites of one tier of the staged plan, e.g. --stage subcentre=3 --stage "
            "point=30 (or subcentre=3,point=30); over [plan] stage_add; implies --tiers."
        ),
    ),
]
TimeLimitOpt = Annotated[
    float | None,
    typer.Option(
        help=escape("Seconds HiGHS may spend on each stage (default: [plan] time_limit_s).")
    ),
]
TargetOpt = Annotated[
    float | None,
    typer.Option(
        "--target",
        help=escape(
            "Share of the demand weight to cover with the fewest new sites (LSCP), 0-1 "
            "(default: [plan] target)."
        ),
    ),
]

#: Command-line option of each [output] setting, for error messages.
_OUTPUT_OPTIONS = {
    "dir": "--out",
    "map": "--map",
    "basemap": "--basemap",
    "self_contained": "--self-contained",
    "print_map": "--print",
    "paper": "--paper",
    "columns": "--columns",
}


def _bad(option: str, value: object, msg: Msg) -> ScenarioError:
    """One-line error for a command-line option (exit 1, like a bad scenario setting)."""
    return ScenarioError(Msg("error.scenario.option", option=option, value=value) + msg)


def _lang(lang: str | None) -> Literal["zh", "en"] | None:
    """``--lang`` checked (one error line unless zh or en), or None when not given."""
    if lang is not None and lang not in ("zh", "en"):
        raise _bad("--lang", lang, Msg("error.scenario.use_lang"))
    return cast(Literal["zh", "en"] | None, lang)


def _stages(values: list[str] | None) -> dict[str, int]:
    """``--stage subcentre=3 --stage point=30`` (or ``subcentre=3,point=30``) as a dict."""
    stages: dict[str, int] = {}
    for value in values or []:
        for item in value.split(","):
            tier, sep, count = (part.strip() for part in item.partition("="))
            if not sep or not tier:
                raise _bad(
                    "--stage", item, Msg("error.plan.stage_form", example="--stage point=30")
                )
            if not re.fullmatch(r"\+?\d+", count) or int(count) < 1:
                raise _bad("--stage", item, Msg("error.plan.whole_sites"))
            if tier in stages:
                raise _bad("--stage", item, Msg("error.plan.stage_twice", tier=tier))
            stages[tier] = int(count)
    return stages


def _plan_how(
    tier: str | None,
    tiers: bool,
    model: str | None,
    greedy: bool,
    stage: list[str] | None,
    time_limit: float | None,
) -> dict[str, Any]:
    """Which plan ``coverage plan`` and ``report`` make, for :func:`pipeline.plan` (it checks)."""
    method = "greedy" if greedy else "milp"
    return dict(tier=tier, staged=tiers, model=model, method=method, time_limit=time_limit,
                stage_add=_stages(stage))  # fmt: skip
