"""Reading a scenario file: TOML, validation, one line per problem, input files checked."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coverage.errors import Msg, ScenarioError
from coverage.scenario.checks import WRITE_KEYS, error_msg, line_of, location
from coverage.scenario.model import Scenario
from coverage.scenario.unusual import unusual

__all__ = ["load_scenario", "read_toml", "validation_lines"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path
        The scenario file (TOML); its input paths are relative to its folder.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        Naming the file, the field and (where it can be found) the line for every problem.
    """
    path = Path(path)
    text, raw = read_toml(path, "scenario")
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(validation_lines(path, text, exc)) from exc
    scenario.source = path.resolve()
    for key, (section, name, _) in WRITE_KEYS.items():
        part = getattr(scenario, section)
        if name in part.model_fields_set and getattr(part, name) is not None:
            scenario._file_writes[key] = getattr(part, name)
    missing = []
    for label, p in input_files(scenario):
        if p is not None and not p.exists():
            missing.append(
                Msg("error.scenario.file_not_found", scenario=str(path), setting=label, file=str(p))
            )
    if missing:
        raise ScenarioError(missing)
    scenario._warnings = unusual(scenario, raw, text)
    return scenario


def input_files(s: Scenario) -> list[tuple[str, Path | None]]:
    out: list[tuple[str, Path | None]] = [
        ("area.path", s.input_path(s.area.path)),
        ("area.subdistricts", s.input_path(s.area.subdistricts)),
        ("network.path", s.input_path(s.network.path)),
    ]
    for group in ("facilities", "demand", "candidates"):
        for i, layer in enumerate(getattr(s, group)):
            out.append((f"{group}[{i}].path", s.input_path(layer.path)))
    return out


def validation_lines(path: Path, text: str, exc: ValidationError) -> list[Msg]:
    """One message per validation error of a TOML file: ``file:line: [section] key: message``.

    A check of ours raises ``ValueError(Msg(...))`` (its own words in both languages); pydantic's
    common checks (missing, unknown key, wrong type, out of range, not one of…) are worded from
    the catalogue by their type, and only a rare one keeps pydantic's English text.
    """
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        what = error_msg(err)
        if not loc and "setting" in what.fields:  # a check across sections names its own key
            loc = tuple(
                int(p) if p.isdigit() else p for p in str(what.fields["setting"]).split(".")
            )
        where = location(text, loc) or Msg("error.where.top_level")
        line = line_of(text, loc)
        lines.append(
            Msg("error.scenario.line", file=f"{path}{f':{line}' if line else ''}", where=where)
            + what
        )
    return lines


def read_toml(path: Path, what: str) -> tuple[str, dict[str, Any]]:
    """The text of a TOML file (``what``: "scenario", "audit") and its data, or one-line errors."""
    if not path.exists():
        raise ScenarioError(Msg(f"error.read.{what}_not_found"), path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(Msg("error.read.not_utf8", reason=str(exc)), path) from exc
    except OSError as exc:
        raise ScenarioError(
            Msg(f"error.read.{what}_unreadable", reason=exc.strerror), path
        ) from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(Msg("error.read.invalid", reason=str(exc)), path) from exc
