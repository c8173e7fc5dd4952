"""Scenario files: valid ones load with paths resolved; bad ones name the file, field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage.errors import ScenarioError
from coverage.scenario import load_scenario

GOOD = """\
name = "t"
title = "测试"

[network]
place = "江北区, 重庆市, 中国"

[walk]
threshold_min = 12
bands_min = [15, 5, 10, 5]

[walk.tier_threshold_min]
centre = 20

[[facilities]]
path = "fac.csv"
crs = "gcj02"
tier = "point"

[[demand]]
path = "dem.csv"
weight = "workers"
"""


def _write(tmp_path: Path, text: str, files: tuple[str, ...] = ("fac.csv", "dem.csv")) -> Path:
    for f in files:
        (tmp_path / f).write_text("lon,lat\n", encoding="utf-8")
    p = tmp_path / "scenario.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_scenario_resolves_paths_and_defaults(tmp_path):
    s = load_scenario(_write(tmp_path, GOOD))
    assert s.walk.bands_min == [5.0, 10.0, 15.0]
    assert s.walk.threshold_for("centre") == 20
    assert s.walk.threshold_for("point") == 12
    assert s.walk.max_threshold_min == 20
    assert s.walk.speed_kmh == 4.5
    assert s.input_path(s.facilities[0].path) == tmp_path.resolve() / "fac.csv"
    assert s.output_dir == Path("results/t")  # outputs are relative to where the command runs
    assert s.map_path == Path("maps/t.html")
    assert s.cache_dir == tmp_path.resolve() / "cache"
    assert s.warnings == []  # nothing unusual: bands up to 15 min, thresholds 12 and 20


def test_unusual_value_warns_with_file_line_and_key(tmp_path):
    s = load_scenario(_write(tmp_path, GOOD.replace("threshold_min = 12", "threshold_min = 150")))
    assert s.warnings == [
        f"{tmp_path.resolve() / 'scenario.toml'}:8: walk.threshold_min: 150 min is unusual "
        "(usually at most 120 min: a walking threshold is minutes, not hours); used as given"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("threshold_min = 12", "treshold_min = 12"),
            r"scenario.toml:8: walk.treshold_min: unknown key",
        ),
        (
            ("threshold_min = 12", "threshold_min = -3"),
            r"walk.threshold_min: Input should be greater than 0",
        ),
        (
            ("threshold_min = 12", "threshold_min = inf"),
            r"scenario.toml:8: walk.threshold_min: must be a finite number, got inf",
        ),
        (
            ("bands_min = [15, 5, 10, 5]", "bands_min = [15, nan]"),
            r"scenario.toml:9: walk.bands_min\[1\]: must be a finite number, got nan",
        ),
        (
            ("threshold_min = 12", 'threshold_min = "fifteen"'),
            r"walk.threshold_min: .*valid number",
        ),
        (('place = "江北区, 重庆市, 中国"', ""), r"network: .*exactly one network source"),
        (('place = "江北区, 重庆市, 中国"', 'place = "x"\npath = "n.osm"'), r"got path, place"),
        (('weight = "workers"', ""), r"demand\[0\] \(dem.csv\): name its weight column"),
        (('crs = "gcj02"', "crs = [1]"), r"facilities\[0\].crs"),
        (('name = "t"', 'name = "a b/c"'), r"scenario.toml:1: name: .*letters, digits"),
        (
            ("threshold_min = 12", "threshold_min = 12\nwalk_off_m = 0"),
            r"walk.walk_off_m: Input should be greater than 0",
        ),
        (
            ("threshold_min = 12", 'threshold_min = 12\ncatchment_method = "fast"'),
            r"walk.catchment_method: Input should be 'grid' or 'exact'",
        ),
        (
            ("threshold_min = 12", "threshold_min = 12\ncatchment_cell_m = 30"),
            r"walk: .*catchment_cell_m \(30.0\) must be at most half of walk_off_m \(50.0\)",
        ),
    ],
)
def test_bad_scenarios_name_file_field_and_line(tmp_path, change, expected):
    text = GOOD.replace(*change)
    with pytest.raises(ScenarioError, match=expected) as info:
        load_scenario(_write(tmp_path, text))
    assert str(tmp_path / "scenario.toml") in str(info.value)


def test_missing_input_file_is_named(tmp_path):
    p = _write(tmp_path, GOOD, files=("fac.csv",))
    with pytest.raises(ScenarioError, match=r"demand\[0\].path: file not found: .*dem.csv"):
        load_scenario(p)


def test_not_toml_and_missing_file(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"s.toml: not valid TOML"):
        load_scenario(p)
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_scenario_needs_a_facility_or_candidate_layer(tmp_path):
    text = GOOD.split("[[facilities]]")[0] + '[[demand]]\npath = "dem.csv"\nweight = "w"\n'
    with pytest.raises(ScenarioError, match="at least one \\[\\[facilities\\]\\]"):
        load_scenario(_write(tmp_path, text))
