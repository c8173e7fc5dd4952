"""The README's annotated scenario and module table say what the package has, no more, no less."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import typer
from typer.testing import CliRunner

import coverage
from coverage.cli import app
from coverage.scenario.layer_sections import FacilityType, Layer
from coverage.scenario.model import Scenario
from coverage.scenario.sections import Area, Network, Output, Plan, Walk

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

SECTION = re.compile(r"^\s*#?\s*\[{1,2}([a-z_.]+)\]{1,2}")
# A key and a TOML value ("# auto = Amap for ..." in a comment is words, not a key).
KEY = re.compile(r"^\s*#?\s*([a-z_]+)\s*=\s*([\"\[{\d-]|true|false)")


def _example_keys() -> dict[str, set[str]]:
    """Keys of the annotated scenario example, commented-out ones too, per section."""
    block = README.split("## Scenario file", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    keys: dict[str, set[str]] = {"": set()}
    section = ""
    for line in block.splitlines():
        if m := SECTION.match(line):
            name = m.group(1)
            # [types.nursing_room] documents every type; its code is the user's own.
            section = "types" if name.startswith("types.") else name
            keys.setdefault(section, set())
        elif m := KEY.match(line):
            keys[section].add(m.group(1))
    if "walk.tier_threshold_min" in keys:  # a table of its own: its keys are tiers
        keys["walk"].add("tier_threshold_min")
    return keys


def test_every_documented_scenario_key_exists_and_every_key_is_documented() -> None:
    keys = _example_keys()
    sections = {"area", "network", "walk", "types", "facilities", "demand", "candidates"}
    sections |= {"plan", "output"}
    top = set(Scenario.model_fields) - sections - {"source"}
    assert keys[""] == top
    for name, model in [
        ("area", Area),
        ("network", Network),
        ("walk", Walk),
        ("types", FacilityType),
        ("plan", Plan),
        ("output", Output),
    ]:
        assert keys[name] == set(model.model_fields), name
    # Layers: what the three kinds of layer show between them is every key a layer takes.
    layer = keys["facilities"] | keys["demand"] | keys["candidates"]
    assert layer == set(Layer.model_fields)
    assert set(keys) == {"", "walk.tier_threshold_min"} | sections


def test_module_table_names_every_module_of_the_package() -> None:
    table = README.split("## How it is built", 1)[1].split("## Scenario file", 1)[0]
    named = set(re.findall(r"`(coverage\.[a-z0-9_]+)", table))
    modules = {f"coverage.{m.name}" for m in pkgutil.iter_modules(coverage.__path__)}
    assert modules - {"coverage.__main__"} <= named
    assert named <= modules


def test_command_table_names_every_command_and_only_options_it_has() -> None:
    table = README.split("| command | writes", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z]+)` \|.*\| (.*) \|$", table, flags=re.M)
    commands = dict(rows)
    assert set(commands) == set(typer.main.get_command(app).commands)
    for cmd, options in commands.items():
        shown = CliRunner().invoke(app, [cmd, "--help"], env={"COLUMNS": "240", "NO_COLOR": "1"})
        assert shown.exit_code == 0, shown.output
        for opt in re.findall(r"--[a-z][\w-]*", options):
            assert opt in shown.output, f"README: {opt} is not an option of `coverage {cmd}`"
