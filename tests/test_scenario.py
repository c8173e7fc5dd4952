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


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"wgs84"', "wgs84"),
        ('"WGS-84"', "wgs84"),  # a listed spelling: the datum check stays on
        ('"wgs-84"', "wgs84"),
        ('"EPSG:4326"', "wgs84"),
        ("4326", "wgs84"),
        ('"GCJ-02"', "gcj02"),
        ('"高德"', "gcj02"),
        ('"Baidu"', "bd09"),
        ('"cgcs2000"', 4490),
        ("32650", 32650),
        ('"EPSG:32650"', 32650),
    ],
)
def test_crs_names_and_epsg_codes(tmp_path, value, expected):
    s = load_scenario(_write(tmp_path, GOOD.replace('crs = "gcj02"', f"crs = {value}")))
    assert s.facilities[0].crs == expected
    assert s.facilities[0].datum_check == "error"  # the default


@pytest.mark.parametrize("value", ['"wgs 84 (gps)"', '"mars"', '"+proj=longlat"', "99999", "true"])
def test_unknown_crs_fails_at_load_naming_file_key_and_choices(tmp_path, value):
    # Nothing has been read yet: even the input files may be missing.
    p = _write(tmp_path, GOOD.replace('crs = "gcj02"', f"crs = {value}"), files=())
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    (line,) = str(info.value).splitlines()
    assert line.startswith(f"{p}:16: facilities[0].crs: ")
    assert "gcj02 (gcj, amap, gaode" in line and '"EPSG:4326"' in line


def test_datum_check_values(tmp_path):
    for value in ("warn", "off"):
        text = GOOD.replace('tier = "point"', f'tier = "point"\ndatum_check = "{value}"')
        assert load_scenario(_write(tmp_path, text)).facilities[0].datum_check == value
    text = GOOD.replace('tier = "point"', 'tier = "point"\ndatum_check = "warning"')
    with pytest.raises(
        ScenarioError, match=r"facilities\[0\].datum_check: Input should be 'error'"
    ):
        load_scenario(_write(tmp_path, text))


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
