"""Reading a scenario file: TOML, validation, one line per problem, input files checked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coverage.errors import Msg, ScenarioError
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
        cause = (err.get("ctx") or {}).get("error")
        what: Msg | str = err["msg"].removeprefix("Value error, ")
        if isinstance(cause, ValueError) and cause.args and isinstance(cause.args[0], Msg):
            what = cause.args[0]
            if not loc and "setting" in what.fields:  # a check across sections names its own key
                loc = tuple(str(what.fields["setting"]).split("."))
        else:
            named = re.match(r"(\w+(?:\.\w+)+): (.*)", str(what)) if not loc else None
            if named:  # a check across sections names its own key, e.g. plan.tiers
                loc, what = tuple(named.group(1).split(".")), named.group(2)
            what = _pydantic_msg(err) or what
        where = location(text, loc) or Msg("error.where.top_level")
        line = line_of(text, loc)
        lines.append(
            Msg("error.scenario.line", file=f"{path}{f':{line}' if line else ''}", where=where)
            + (what if isinstance(what, Msg) else Msg("error.text", text=what))
        )
    return lines


#: pydantic's error types worded from the catalogue (``error.value.<type>``), with the fields of
#: their context; others keep pydantic's English message.
_PYDANTIC_TYPES = {
    "missing": (),
    "extra_forbidden": (),
    "finite_number": ("input",),
    "int_type": ("input",),
    "int_parsing": ("input",),
    "int_from_float": ("input",),
    "float_type": ("input",),
    "float_parsing": ("input",),
    "string_type": ("input",),
    "bool_type": ("input",),
    "bool_parsing": ("input",),
    "list_type": ("input",),
    "dict_type": ("input",),
    "model_type": ("input",),
    "literal_error": ("input", "expected"),
    "enum": ("input", "expected"),
    "greater_than": ("input", "gt"),
    "greater_than_equal": ("input", "ge"),
    "less_than": ("input", "lt"),
    "less_than_equal": ("input", "le"),
    "too_short": ("input", "min_length"),
    "too_long": ("input", "max_length"),
}


def _pydantic_msg(err: Any) -> Msg | None:
    """pydantic's message for ``err`` from the catalogue, or None for a type it does not hold."""
    names = _PYDANTIC_TYPES.get(err["type"])
    if names is None:
        return None
    ctx = err.get("ctx") or {}
    values = {n: ctx[n] if n in ctx else err.get(n, "") for n in names}
    if "input" in values:
        values["input"] = _shown(values["input"])
    for limit in ("gt", "ge", "lt", "le"):  # 0.0 -> 0, as the planner would write it
        if isinstance(values.get(limit), float):
            values[limit] = f"{values[limit]:g}"
    if "expected" in values:  # pydantic's "'a', 'b' or 'c'"
        said = str(values["expected"])
        values["expected"] = {"en": said, "zh": said.replace(" or ", "、").replace(", ", "、")}
    return Msg(f"error.value.{err['type']}", **values)


def _shown(value: object) -> str:
    """A value as the planner wrote it in TOML, short: strings quoted, tables and lists cut."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


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
