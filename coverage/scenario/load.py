"""Reading a scenario file: TOML, validation, one line per problem, input files checked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coverage.errors import ScenarioError
from coverage.scenario.checks import WRITE_KEYS, line_of, location, unusual
from coverage.scenario.model import Scenario

__all__ = ["load_scenario", "read_toml", "validation_lines"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

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
            missing.append(f"{path}: {label}: file not found: {p}")
    if missing:
        raise ScenarioError("\n".join(missing))
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


def validation_lines(path: Path, text: str, exc: ValidationError) -> str:
    """One line per validation error of a TOML file: ``file:line: [section] key: message``."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        named = re.match(r"(\w+(?:\.\w+)+): (.*)", msg) if not loc else None
        if named:  # a check across sections names its own key, e.g. plan.tiers
            loc, msg = tuple(named.group(1).split(".")), named.group(2)
        where = location(text, loc) or "(top level)"
        line = line_of(text, loc)
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        elif err["type"] == "finite_number":
            msg = f"must be a finite number, got {err['input']}"
        elif err["type"] == "missing":
            msg = "required"
        lines.append(f"{path}{f':{line}' if line else ''}: {where}: {msg}")
    return "\n".join(lines)


def read_toml(path: Path, what: str) -> tuple[str, dict[str, Any]]:
    """The text of a TOML file (``what``: "scenario", "audit") and its data, or one-line errors."""
    if not path.exists():
        raise ScenarioError(f"{path}: {what} file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text ({exc}); save it as UTF-8") from exc
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the {what} file: {exc.strerror}") from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from exc
