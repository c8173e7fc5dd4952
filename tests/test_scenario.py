"""Scenario files: valid ones load with paths resolved; bad ones name the file, field and line."""

from __future__ import annotations

import re
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
    assert s.walk.max_walk_m == pytest.approx(1500.0)  # 4.5 km/h for 20 minutes
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
        ScenarioError, match=r"facilities\[0\].datum_check: must be one of 'error', 'warn' or 'off'"
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
            r"walk.threshold_min: must be greater than 0, got -3",
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
            r"walk.threshold_min: must be a number, got 'fifteen'",
        ),
        (('place = "江北区, 重庆市, 中国"', ""), r"network: .*exactly one network source"),
        (('place = "江北区, 重庆市, 中国"', 'place = "x"\npath = "n.osm"'), r"got path, place"),
        (
            ('weight = "workers"', ""),
            r"scenario.toml:\d+: demand\[0\]: name the weight column of dem.csv",
        ),
        (('crs = "gcj02"', "crs = [1]"), r"facilities\[0\].crs"),
        (('name = "t"', 'name = "a b/c"'), r"scenario.toml:1: name: .*letters, digits"),
        (
            ("threshold_min = 12", "threshold_min = 12\nwalk_off_m = 0"),
            r"walk.walk_off_m: must be greater than 0",
        ),
        (
            ("threshold_min = 12", 'threshold_min = 12\ncatchment_method = "fast"'),
            r"walk.catchment_method: must be one of 'grid' or 'exact'",
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


# --- where a scenario file may write ---------------------------------------------------------


@pytest.fixture
def places(tmp_path, monkeypatch):
    """``scen/`` holds the scenario, the command runs in ``run/``; ``elsewhere/`` is neither."""
    for name in ("scen", "run", "elsewhere"):
        (tmp_path / name).mkdir()
    monkeypatch.chdir(tmp_path / "run")
    return tmp_path


def _with_writes(folder: Path, output: str = "", cache: str | None = None) -> Path:
    text = GOOD + ("\n[output]\n" + output if output else "")
    if cache is not None:
        text = text.replace('place = "江北区, 重庆市, 中国"', f'place = "x"\ncache_dir = "{cache}"')
    return _write(folder, text)


@pytest.mark.parametrize(
    ("output", "key", "attr"),
    [
        ('dir = "{tmp}/elsewhere/out"', "[output] dir", "output_dir"),  # absolute, elsewhere
        ('dir = "../../x"', "[output] dir", "output_dir"),  # climbs out of the cwd
        ('map = "../elsewhere/m.html"', "[output] map", "map_path"),  # a sibling of the cwd
        ('map = "{tmp}/scen/link/m.html"', "[output] map", "map_path"),  # symlink in the folder
        ('print_map = "{tmp}/run/link/p.pdf"', "[output] print_map", "print_map_path"),  # in cwd
    ],
)
def test_scenario_output_outside_its_folder_and_the_cwd_is_refused(places, output, key, attr):
    (places / "scen" / "link").symlink_to(places / "elsewhere")
    (places / "run" / "link").symlink_to(places / "elsewhere")
    line = output.format(tmp=places.as_posix())
    s = load_scenario(_with_writes(places / "scen", line))  # loading is fine: nothing written
    value = line.split(" = ")[1].strip('"')
    with pytest.raises(ScenarioError) as info:
        getattr(s, attr)  # every writer asks for the path through these properties
    msg = str(info.value)
    assert len(msg.splitlines()) == 1
    assert msg.startswith(f"{places / 'scen' / 'scenario.toml'}: {key} = '{value}' is outside")
    option = {"[output] dir": "--out", "[output] map": "--map"}.get(key, "--print")
    assert f"pass {option}" in msg
    with pytest.raises(ScenarioError, match=re.escape(key)):
        s.check_writes()


@pytest.mark.parametrize("cache", ["../elsewhere/cache", "link", "{tmp}/elsewhere"])
def test_scenario_cache_outside_is_refused(places, cache):
    (places / "scen" / "link").symlink_to(places / "elsewhere")
    s = load_scenario(_with_writes(places / "scen", cache=cache.format(tmp=places.as_posix())))
    with pytest.raises(ScenarioError, match=r"\[network\] cache_dir = .* is outside"):
        _ = s.cache_dir


def test_a_write_path_the_caller_confined_is_allowed(places):
    """The audit confines its cache to its own folder, then lets each district's scenario use
    it (Scenario.allow_write); a key that is no write path is a KeyError, not a silent no-op."""
    s = load_scenario(_with_writes(places / "scen", cache="../elsewhere/cache"))
    with pytest.raises(ScenarioError, match=r"\[network\] cache_dir = .* is outside"):
        _ = s.cache_dir
    s.allow_write("[network] cache_dir")
    assert s.cache_dir.resolve() == places.resolve() / "elsewhere" / "cache"
    with pytest.raises(KeyError, match="network.cache_dir"):
        s.allow_write("network.cache_dir")


def test_scenario_outputs_inside_its_folder_or_the_cwd_are_allowed(places):
    (places / "run" / "inner").mkdir()
    (places / "run" / "inner" / "link").symlink_to(places / "scen")  # points into the folder
    lines = (
        'dir = "results/../results/x"\n'  # cwd-relative, `..` staying inside
        f'map = "{places.as_posix()}/scen/maps/m.html"\n'  # inside the scenario's folder
        'print_map = "inner/link/p.png"\n'  # through a symlink that stays inside the folder
    )
    s = load_scenario(_with_writes(places / "scen", lines, cache="cache"))
    s.check_writes()
    assert s.output_dir == Path("results/../results/x")
    assert s.map_path == places / "scen" / "maps" / "m.html"
    assert s.print_map_path == Path("inner/link/p.png")
    assert s.cache_dir == places.resolve() / "scen" / "cache"


def test_paths_set_by_the_caller_are_not_confined(places):
    far = places / "elsewhere" / "out"
    s = load_scenario(_with_writes(places / "scen", f'dir = "{far.as_posix()}"\nmap = "../m.html"'))
    s.set_output("dir", far, label="--out")  # the same path, now the user's own choice
    s.set_output("map", places / "elsewhere" / "m.html")
    s.check_writes()
    assert s.output_dir == far and s.map_path == places / "elsewhere" / "m.html"
    # A default is never refused (it is inside the cwd by construction).
    assert load_scenario(_write(places / "scen", GOOD)).map_path == Path("maps/t.html")


def test_set_output_validates_like_the_file(tmp_path):
    s = load_scenario(_write(tmp_path, GOOD))
    with pytest.raises(ScenarioError) as info:
        s.set_output("basemap", "gaode", label="--basemap")
    # worded as a scenario file's value is, in both languages
    choices = "'osm', 'amap', 'tianditu', 'none' or 'auto'"
    assert str(info.value) == f"--basemap gaode: must be one of {choices}, got 'gaode'"
    assert info.value.text("zh") == (
        "--basemap gaode：应为 'osm'、'amap'、'tianditu'、'none'、'auto' 之一，实际为 'gaode'"
    )
    assert s.output.basemap == "auto"  # unchanged: the default (by language)
    with pytest.raises(ScenarioError, match=r"^\[output\] print_map m.jpg: a .png or .pdf file"):
        s.set_output("print_map", Path("m.jpg"))
    s.set_output("basemap", "amap")
    assert s.output.basemap == "amap"


def test_tianditu_without_a_key_fails_as_basemap_is_given_not_when_the_map_is_drawn(
    tmp_path, monkeypatch
):
    # The map needs a key for Tianditu's tiles; without one the command stopped with a
    # traceback after the whole run. --basemap fails as given, naming where to put a key; a
    # scenario file's setting is read as it is (the key may be whoever runs it's TIANDITU_KEY)
    # and checked before the work of a command that draws the map (tests/test_pipeline.py).
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    s = load_scenario(_write(tmp_path, GOOD))
    with pytest.raises(ScenarioError) as info:
        s.set_output("basemap", "tianditu", label="--basemap")
    assert str(info.value) == (
        '--basemap tianditu: basemap = "tianditu" needs a key: set [output] tianditu_key or the '
        "TIANDITU_KEY environment variable (a free key from tianditu.gov.cn)"
    )
    assert s.output.basemap == "auto"
    in_file = GOOD + '\n[output]\nbasemap = "tianditu"\n'
    read = load_scenario(_write(tmp_path, in_file))
    assert read.output.basemap == "tianditu" and read.output.tianditu_key is None
    read.set_output("basemap", "osm", label="--basemap")  # the command line's choice wins
    assert read.output.basemap == "osm"
    keyed = in_file + 'tianditu_key = "K"\n'
    assert load_scenario(_write(tmp_path, keyed)).output.basemap == "tianditu"
    monkeypatch.setenv("TIANDITU_KEY", "K")  # the environment's key stands in for the setting
    assert load_scenario(_write(tmp_path, in_file)).output.basemap == "tianditu"
    s.set_output("basemap", "tianditu")


def test_a_misspelt_columns_field_is_an_error_not_a_lost_column(tmp_path):
    # capcity = "容量" mapped nothing, and took the 容量 column from the capacity it is
    # (recognised by name otherwise): the README's "a typo never silently falls back".
    bad = GOOD.replace(
        'tier = "point"', 'tier = "point"\ncolumns = { capcity = "容量", name = "站名" }'
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, bad))
    assert str(info.value).endswith(
        "facilities[0].columns: unknown field 'capcity': a key of columns is a standard field "
        "(lon, lat, name, id, tier, type, services, capacity, weight, area, address, role, "
        "district, subdistrict)"
    )
    good = bad.replace("capcity", "capacity")
    assert load_scenario(_write(tmp_path, good)).facilities[0].columns["capacity"] == "容量"


# --- [plan] settings checked when the file is read ------------------------------------------


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        (
            'tiers = ["subcentre", "pont"]',
            r"plan: tiers: unknown tier 'pont'; known tiers: centre \(",
        ),
        ('tier = "站台"', r"plan: tier: unknown tier '站台'; known tiers: centre \("),
        ('tiers = ["point", "point"]', r"plan: tiers names point more than once"),
        ("tiers = []", r"plan.tiers: needs at least 1 item\(s\), got \[\]"),
        ("stage_add = { centre = 1 }", r"plan: stage_add names centre, not among tiers"),
        ("stage_add = { point = 0 }", r"plan.stage_add.point: must be at least 1, got 0"),
        ("stage_add = { point = 2.5 }", r"plan.stage_add.point: must be a whole number, got 2.5"),
        ("add = 0", r"plan.add: must be at least 1, got 0"),
        ("add = 5\ntarget = 0.9", r"plan: give add or target, not both"),
        ("target = 1.2", r"plan.target: must be at most 1, got 1.2"),
    ],
)
def test_bad_plan_settings_fail_when_the_file_is_read(tmp_path, plan, expected):
    p = _write(tmp_path, GOOD + "\n[plan]\n" + plan + "\n")
    with pytest.raises(ScenarioError, match=expected) as info:
        load_scenario(p)
    # One line, pointing at the line of the key it names (or the [plan] header).
    m = re.fullmatch(rf"{re.escape(str(p))}:(\d+): (plan[\w.]*): .*", str(info.value))
    assert m is not None, str(info.value)
    named = p.read_text(encoding="utf-8").splitlines()[int(m.group(1)) - 1]
    key = m.group(2).split(".")[1] if "." in m.group(2) else None
    assert named.startswith(f"{key} =") if key else named == "[plan]"


def test_plan_tiers_may_be_those_with_their_own_threshold(tmp_path):
    # A tier outside the vocabulary is declared as a type (a bare threshold key is an error).
    text = GOOD.replace("centre = 20", "centre = 20\ncommunity = 12")
    text += '\n[types.community]\nlabel_zh = "社区驿站"\n'
    s = load_scenario(_write(tmp_path, text + '\n[plan]\ntiers = ["community", "point"]\n'))
    assert s.plan.tiers == ["community", "point"]
    assert s.known_tiers == ["centre", "subcentre", "point", "outdoor_station", "community"]


# --- polygon datums, rasters and building footprints (real-data layers) ---------------------


def test_area_crs_and_selection_are_read(tmp_path):
    (tmp_path / "districts.geojson").write_text("{}", encoding="utf-8")
    text = GOOD + (
        '\n[area]\npath = "districts.geojson"\ncrs = "GCJ-02"\n'
        'select = { adcode = 420103, name = ["江汉区", "硚口区"] }\n'
    )
    s = load_scenario(_write(tmp_path, text))
    assert s.area.crs == "gcj02" and s.area.subdistricts_crs is None
    assert s.area.select == {"adcode": 420103, "name": ["江汉区", "硚口区"]}


def test_raster_and_building_demand_layers(tmp_path):
    (tmp_path / "people.tif").write_bytes(b"")
    (tmp_path / "area.geojson").write_text("{}", encoding="utf-8")
    text = GOOD.replace('path = "dem.csv"\nweight = "workers"', 'path = "people.tif"\nband = 2') + (
        '\n[[demand]]\nosm_buildings = true\nkind = "workers"\n'
        "buildings = { floor_area_per_person_m2 = { residents = 35.0, workers = 20.0 } }\n"
        '\n[area]\npath = "area.geojson"\n'
    )
    s = load_scenario(_write(tmp_path, text))
    raster, buildings = s.demand
    assert raster.is_raster and raster.band == 2 and not raster.crs_given
    assert buildings.osm_buildings and buildings.path is None and not buildings.is_raster


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace('[[demand]]\npath = "dem.csv"', '[[demand]]\nosm_buildings = true\npath = "dem.csv"'),
         r"demand\[0\]: give a path, or osm_buildings = true \(demand\), not both"),
        (GOOD.replace('weight = "workers"', 'weight = "workers"\nband = 2'),
         r"band and max_cell_m are for population rasters"),
        (GOOD.replace('path = "dem.csv"\nweight = "workers"', 'path = "dem.tif"')
         .replace('place = "江北区, 重庆市, 中国"', 'path = "fac.csv"'),
         r"raster and osm_buildings demand need a study area"),
        (GOOD.replace('path = "fac.csv"', 'path = "fac.tif"'),
         r"facilities\[0\]: a register of points .* rasters and osm_buildings are for \[\[demand\]\]"),
        (GOOD.replace('[[demand]]\npath = "dem.csv"\nweight = "workers"',
                      '[[demand]]\nosm_buildings = true\nbuildings = { floors = 3 }\n[area]\npath = "fac.csv"'),
         r"floors"),
        (GOOD + '\n[area]\npath = "fac.csv"\ncrs = "mars"\n', r"area\.crs: .*unknown coordinate system"),
        (GOOD + '\n[area]\npath = "fac.csv"\nselect = {}\n', r"select needs at least one field"),
        (GOOD.replace('path = "dem.csv"\nweight = "workers"', 'path = "dem.tif"\nlayer = "b1"'),
         r"demand\[0\]: layer picks a workbook's sheet or a GeoPackage's layer: a population "
         r"raster or osm_buildings has none; remove the setting"),
    ],
)  # fmt: skip
def test_bad_real_data_layers_are_one_line(tmp_path, text, expected):
    for name in ("dem.tif", "fac.tif"):
        (tmp_path / name).write_bytes(b"")
    with pytest.raises(ScenarioError, match=expected) as info:
        load_scenario(_write(tmp_path, text))
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


def test_a_bad_value_is_worded_in_both_languages(tmp_path):
    p = _write(tmp_path, GOOD + "\n[area]\nselect = {}\n")  # GOOD has 21 lines: select on 24
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert str(info.value) == (
        f'{p}:24: area.select: select needs at least one field, e.g. {{ name = "江汉区" }}'
    )
    assert info.value.text("en") == str(info.value)
    assert info.value.text("zh") == (
        f'{p}:24：area.select：select 至少需要一个字段，例如 {{ name = "江汉区" }}'
    )
    assert info.value.key == "error.scenario.line"


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ('layer = "districts"\nsubdistricts = "fac.csv"', "layer picks from the study area file (path)"),
        ("select = { adcode = 420103 }", "select picks from the study area file (path)"),
        ('path = "fac.csv"\nname_field = "NAME"', "name_field is a setting of the sub-districts file"),
        ('path = "fac.csv"\nsubdistricts_crs = "wgs84"', "subdistricts_crs is a setting of the sub-"),
        ('crs = "gcj02"', "crs is the datum of path and subdistricts, and neither is set"),
    ],
)  # fmt: skip
def test_an_area_setting_that_cannot_apply_is_refused(tmp_path, area, expected):
    # [area] layer without path (only path's features are picked) was ignored without a word.
    p = _write(tmp_path, GOOD + f"\n[area]\n{area}\n")  # [area] on line 23
    with pytest.raises(ScenarioError, match=re.escape(f"{p}:23: area: {expected}")) as info:
        load_scenario(p)
    assert "\n" not in str(info.value)


def test_area_layer_without_path_is_worded_in_both_languages(tmp_path):
    p = _write(tmp_path, GOOD + '\n[area]\nsubdistricts = "fac.csv"\nlayer = "streets"\n')
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert info.value.text("en") == (
        f"{p}:23: area: layer picks from the study area file (path), which is not set; a "
        "subdistricts file is read whole: set path or remove layer"
    )
    assert info.value.text("zh") == (
        f"{p}:23：area：layer 用于从研究区文件（path）中选取，但未设置 path；街道/乡镇边界文件"
        "（subdistricts）总是整体读取：请设置 path 或删除 layer"
    )


def test_area_settings_that_apply_load(tmp_path):
    text = GOOD + '\n[area]\ncrs = "gcj02"\nsubdistricts = "fac.csv"\nname_field = "NAME"\n'
    s = load_scenario(_write(tmp_path, text))  # crs: the sub-districts' datum
    assert (s.area.crs, s.area.name_field, s.area.path) == ("gcj02", "NAME", None)
    with pytest.raises(ValueError, match="select picks from the study area file"):
        s.area.select = {"name": "江汉区"}  # in Python too


def test_a_check_across_sections_names_its_key_in_both_languages(tmp_path):
    p = _write(tmp_path, GOOD.replace('weight = "workers"\n', ""))
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    # the demand layer's own table ([[demand]] on line 19), not "(top level)"
    assert info.value.text("en") == (
        f'{p}:19: demand[0]: name the weight column of dem.csv with weight = "..."'
    )
    assert info.value.text("zh") == f'{p}:19：demand[0]：请用 weight = "..." 指明 dem.csv 的权重列'


def test_a_path_outside_the_folder_is_refused_in_both_languages(tmp_path):
    p = _write(tmp_path, GOOD + '\n[output]\ndir = "../x"\n')
    s = load_scenario(p)
    with pytest.raises(ScenarioError) as info:
        s.check_writes(["[output] dir"])
    src, folder, cwd = p.resolve(), tmp_path.resolve(), Path.cwd()
    assert info.value.text("en") == (
        f"{src}: [output] dir = '../x' is outside the scenario's folder ({folder}) and the "
        f"working directory ({cwd}); a scenario file may only write inside them: pass --out on "
        'the command line instead (from Python: scenario.set_output("dir", path))'
    )
    assert info.value.text("zh") == (
        f"{src}：[output] dir = '../x' 位于情景文件所在文件夹（{folder}）和工作目录（{cwd}）之外；"
        '情景文件只能写入这两处：请改在命令行中使用 --out（Python 中：scenario.set_output("dir", 路径)）'
    )


@pytest.mark.parametrize(
    ("head", "zh", "en"),
    [
        # title_en is the English title; the Chinese title never heads an English output.
        ('name = "t"\ntitle = "测试"\ntitle_en = "A test"', "测试", "A test"),
        # Without title_en: the name, readable (a lower-case file-like name gets words).
        ('name = "wuhan"\ntitle = "测试"', "测试", "Wuhan"),
        ('name = "jianghan_2025-draft"', "jianghan_2025-draft", "Jianghan 2025 draft"),
        ('name = "JiangHan_v2"', "JiangHan_v2", "JiangHan_v2"),  # capitals: spelt as chosen
        ('name = "2025"', "2025", "2025"),
    ],
)
def test_display_title_per_language(tmp_path, head, zh, en):
    s = load_scenario(_write(tmp_path, GOOD.replace('name = "t"\ntitle = "测试"', head)))
    assert (s.display_title("zh"), s.display_title("en")) == (zh, en)


SECTIONS = """\
name = "t"

[area]
path = "area.geojson"
crs = "gcj02"

[network]
place = "江北区, 重庆市, 中国"

[[facilities]]
path = "fac.csv"
crs = "wgs84"

[[facilities]]
path = "fac2.csv"
crs = "gcj02"
columns = { tier = "层级" }

[walk.tier_threshold_min]
"服务中心" = 20
"""


def test_error_line_is_the_key_of_its_own_section(tmp_path):
    # A typo in the second facility layer's crs sits on line 16; the first `crs =` of the file
    # (line 5, the area's) must not be named instead.
    text = SECTIONS.replace('crs = "gcj02"\ncolumns', 'crs = "gcj-2"\ncolumns')
    files = ("fac.csv", "fac2.csv", "area.geojson")
    with pytest.raises(ScenarioError, match=r"scenario.toml:16: facilities\[1\].crs: "):
        load_scenario(_write(tmp_path, text, files))


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("name",), 1),
        (("area", "crs"), 5),
        (("facilities", 0, "crs"), 12),
        (("facilities", 1, "crs"), 16),
        (("facilities", 1), 14),  # a check of the whole layer: its [[facilities]] header
        (("facilities", 1, "columns", "tier"), 17),  # inside an inline table: its key
        (("walk",), 19),  # known only through [walk.tier_threshold_min]
        (("walk", "tier_threshold_min", "服务中心"), 20),  # a quoted key
        (("plan", "add"), None),
    ],
)
def test_line_of_follows_tables_and_layers(loc, line):
    from coverage.scenario.checks import line_of

    assert line_of(SECTIONS, loc) == line


#: Sub-tables of an array of tables' elements (``[facilities.columns]``: the last layer's).
SUBTABLES = """[[facilities]]
path = "a.csv"
[facilities.columns]
tier = "层级"
[[facilities]]
path = "b.csv"
[facilities.columns]
tier = "级别"
"""


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("facilities", 0, "columns", "tier"), 4),
        (("facilities", 1, "columns", "tier"), 8),
        (("facilities", 1, "columns"), 7),
        (("facilities", 1, "path"), 6),
    ],
)
def test_line_of_a_sub_table_of_a_layer(loc, line):
    from coverage.scenario.checks import line_of

    assert line_of(SUBTABLES, loc) == line


def test_a_declared_types_threshold_holds_without_a_walk_section(tmp_path):
    # [types.nursing_room] threshold_min = 10 in a scenario with no [walk] section: the type's
    # threshold is 10, as with one (it was the general 15, silently).
    (tmp_path / "streets.parquet").write_bytes(b"")
    text = (
        '[network]\npath = "streets.parquet"\n[[facilities]]\npath = "fac.csv"\n'
        '[types.nursing_room]\nlabel_zh = "爱心妈咪小屋"\nthreshold_min = 10\n'
    )
    s = load_scenario(_write(tmp_path, text))
    assert s.walk.tier_threshold_min == {"nursing_room": 10.0}
    with_walk = load_scenario(_write(tmp_path, text + "[walk]\nthreshold_min = 15\n"))
    assert with_walk.walk.tier_threshold_min == s.walk.tier_threshold_min


# A building-demand scenario, with `buildings` on line 24: each bad assumption is one line naming the setting and the value, in either language.
_BUILDINGS = GOOD.replace(
    '[[demand]]\npath = "dem.csv"\nweight = "workers"\n',
    '[area]\npath = "fac.csv"\n\n[[demand]]\nosm_buildings = true\nbuildings = {}\n',
)


@pytest.mark.parametrize(
    ("assumptions", "en", "zh"),
    [
        ("{ floor_area_per_person_m2 = { residents = -40.0, workers = 25.0 } }",
         "demand[0].buildings.floor_area_per_person_m2.residents: must be greater than 0, got -40.0",
         "demand[0].buildings.floor_area_per_person_m2.residents：应大于 0，实际为 -40.0"),
        ("{ max_levels = 0 }",
         "demand[0].buildings.max_levels: must be greater than 0, got 0",
         "demand[0].buildings.max_levels：应大于 0，实际为 0"),
        ('{ building_types = { residents = ["House"], workers = ["office"] } }',
         "demand[0].buildings: building_types.residents: building type 'House' must be lower "
         "case, without spaces around (write 'house')",
         "demand[0].buildings：building_types.residents：建筑类型 'House' 应为小写、前后无空格"
         "（请写作 'house'）"),
        ('{ building_types = { residents = ["house"] } }',
         "demand[0].buildings: building_types and floor_area_per_person_m2 must name the same "
         "demand kinds: building_types names residents, floor_area_per_person_m2 names "
         "residents, workers",
         "demand[0].buildings：building_types 与 floor_area_per_person_m2 应列出相同的需求类别："
         "building_types 为 residents，floor_area_per_person_m2 为 residents, workers"),
        ('{ building_types = { residents = "house", workers = ["office"] } }',
         "demand[0].buildings.building_types.residents: must be a list [...], got 'house'",
         "demand[0].buildings.building_types.residents：应为列表 [...]，实际为 'house'"),
        ('{ building_types = { residents = ["house"], workers = ["office"] }, '
         "levels_by_type = { house = 2, apartment = 15 } }",
         "demand[0].buildings: levels_by_type: building type 'apartment' is not counted by "
         "building_types (counted: house, office); check the spelling",
         "demand[0].buildings：levels_by_type：建筑类型 'apartment' 不在 building_types 所计的类型"
         "之中（已计：house, office），请检查拼写"),
    ],
)  # fmt: skip
def test_bad_building_assumptions_are_one_line_in_each_language(tmp_path, assumptions, en, zh):
    p = _write(tmp_path, _BUILDINGS.replace("buildings = {}", f"buildings = {assumptions}"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    assert info.value.text("en") == f"{p}:24: {en}"
    assert info.value.text("zh") == f"{p}:24：{zh}"


def test_building_assumptions_as_a_table_and_defaults_still_load(tmp_path):
    # A type set in levels_by_type must be counted; the default tables need not be.
    text = _BUILDINGS.replace(
        "buildings = {}\n",
        '\n[demand.buildings]\nbuilding_types = { residents = ["house"], workers = ["office"] }\n'
        "levels_by_type = { house = 2 }\n",
    )
    (layer,) = load_scenario(_write(tmp_path, text)).demand
    assert layer.buildings["levels_by_type"] == {"house": 2}
    text = text.replace("levels_by_type = { house = 2 }", "max_levels = -1")
    with pytest.raises(ScenarioError) as info:
        load_scenario(_write(tmp_path, text))
    # the key's own line (27) under [demand.buildings], not the layer's
    assert info.value.text("zh") == (
        f"{tmp_path / 'scenario.toml'}:27：demand[0].buildings.max_levels：应大于 0，实际为 -1"
    )


@pytest.mark.parametrize(
    ("written", "code"),
    [("居民", "residents"), ("Resident", "residents"), (" 职工 ", "workers"), ("worker", "workers"),
     ("工作地（就业）", "workers"), ("骑手", "骑手"), ("couriers", "couriers")],
)  # fmt: skip
def test_demand_kind_is_normalised_when_read(tmp_path, written, code):
    """A usual kind by another name becomes its code (the audit's workers and population
    figures and the building assumptions look kinds up by code); a kind of the scenario's own
    stays as written, without a warning."""
    text = GOOD.replace('weight = "workers"', f'weight = "workers"\nkind = "{written}"')
    s = load_scenario(_write(tmp_path, text))
    assert s.demand[0].kind == code
    assert s.warnings == []


def test_demand_kind_one_slip_from_a_usual_one_warns_with_its_line(tmp_path):
    text = GOOD.replace('weight = "workers"', 'weight = "workers"\nkind = "wokers"')
    s = load_scenario(_write(tmp_path, text))
    assert s.demand[0].kind == "wokers"  # kept: it is still the planner's own name
    assert s.warnings == [
        f"{tmp_path.resolve() / 'scenario.toml'}:22: demand[0].kind: kind 'wokers' is not a "
        "usual demand kind but is close to 'workers': its people are shown as a kind of their "
        "own (write 'workers' to count them as Workers (at workplaces))"
    ]
    assert "“wokers”" in s.warning_lines("zh")[0] and "工作地（就业）" in s.warning_lines("zh")[0]


# --- coverage.settings: read when a scenario is built, not when the package is imported -----

#: A scenario that leaves every [walk] key, [network] cache_dir and lang to coverage.settings.
BARE = """\
[network]
place = "江北区, 重庆市, 中国"

[[facilities]]
path = "fac.csv"
crs = "gcj02"
tier = "point"
"""


@pytest.mark.parametrize(
    ("name", "value", "read"),
    [
        ("walk_speed_kmh", 3.6, lambda s: (s.walk.speed_kmh, s.walk_model().speed_kmh)),
        ("threshold_min", 20.0, lambda s: (s.walk.threshold_min, s.walk_model().threshold_min)),
        ("steps_penalty", 3.0, lambda s: (s.walk.steps_penalty, s.walk_model().steps_penalty)),
        ("max_snap_m", 200.0, lambda s: (s.walk.max_snap_m, s.walk_model().max_snap_m)),
        ("walk_off_m", 40.0, lambda s: (s.walk.walk_off_m, s.catchment_spec().walk_off_m)),
        (
            "circle_radius_m",
            500.0,
            lambda s: (s.walk.circle_radius_m, s.walk_model().circle_radius_m),
        ),
        # Sorted as the file's bands are: the catchments need them ascending.
        (
            "bands_min",
            (10.0, 5.0),
            lambda s: (s.walk.bands_min, list(s.catchment_spec().bands_min)),
        ),
    ],
)
def test_a_setting_changed_after_import_is_the_default_of_a_scenario(
    tmp_path, monkeypatch, name, value, read
):
    from coverage import settings

    monkeypatch.setattr(settings, name, value)
    s = load_scenario(_write(tmp_path, BARE, files=("fac.csv",)))
    want = sorted(value) if isinstance(value, tuple) else value
    assert read(s) == (want, want)
    assert s.warnings == []


def test_the_scenario_file_still_wins_over_a_changed_setting(tmp_path, monkeypatch):
    from coverage import settings

    monkeypatch.setattr(settings, "threshold_min", 10.0)
    monkeypatch.setattr(settings, "lang", "en")
    s = load_scenario(_write(tmp_path, 'lang = "zh"\n' + GOOD))
    assert s.walk.threshold_min == 12 and s.lang == "zh"


def test_the_walk_specs_built_by_hand_read_the_settings_when_built(monkeypatch):
    from coverage import settings
    from coverage.scenario import CatchmentSpec, WalkModel

    for name, value in [("walk_speed_kmh", 3.6), ("threshold_min", 10.0), ("max_snap_m", 200.0),
                        ("steps_penalty", 3.0), ("circle_radius_m", 500.0),
                        ("bands_min", (5.0, 10.0)), ("walk_off_m", 40.0)]:  # fmt: skip
        monkeypatch.setattr(settings, name, value)
    model, spec = WalkModel(), CatchmentSpec()
    assert (model.speed_kmh, model.threshold_min, model.max_snap_m) == (3.6, 10.0, 200.0)
    assert (model.steps_penalty, model.circle_radius_m) == (3.0, 500.0)
    assert (spec.bands_min, spec.walk_off_m) == ((5.0, 10.0), 40.0)


def test_the_cache_folder_setting_is_the_default_cache(tmp_path, monkeypatch):
    from coverage import settings

    monkeypatch.setattr(settings, "cache_folder", "downloads")
    s = load_scenario(_write(tmp_path, BARE, files=("fac.csv",)))
    assert s.cache_dir == tmp_path.resolve() / "downloads"


def test_the_lang_setting_is_the_language_of_a_scenario_without_lang(tmp_path, monkeypatch):
    from coverage import settings

    path = _write(tmp_path, BARE, files=("fac.csv",))
    monkeypatch.setattr(settings, "lang", "en")
    assert load_scenario(path).lang == "en"
    monkeypatch.setattr(settings, "lang", "fr")
    line = "setting coverage.settings.lang: must be one of 'zh' or 'en', got 'fr'"
    with pytest.raises(ValueError, match=re.escape(line)):  # an ArgumentError
        load_scenario(path)
    from typer.testing import CliRunner

    from coverage.cli import app

    res = CliRunner().invoke(app, ["run", str(path)])  # one line, not a traceback
    shown = res.output.strip()
    assert res.exit_code == 1 and len(shown.splitlines()) == 1, shown
    assert shown.endswith("运行参数 coverage.settings.lang：应为 'zh'、'en' 之一，实际为 'fr'")


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("walk_speed_kmh", -4.5, "must be greater than 0, got -4.5"),
        ("walk_speed_kmh", 0, "must be greater than 0, got 0"),
        ("threshold_min", -15, "must be greater than 0, got -15"),
        ("threshold_min", float("nan"), "must be a finite number, got nan"),
        ("max_snap_m", float("inf"), "must be a finite number, got inf"),
        ("walk_off_m", "50 m", "must be a number, got '50 m'"),
        ("steps_penalty", 0.5, "must be at least 1, got 0.5"),
        ("circle_radius_m", 0.0, "must be greater than 0, got 0.0"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_its_range(
    tmp_path, monkeypatch, name, value, said
):
    """Checked as the scenario file's [walk] value is, when read: by a scenario without that
    key, by the walk specs built by hand, and at the command line (one line, no traceback)."""
    from typer.testing import CliRunner

    from coverage import settings
    from coverage.cli import app
    from coverage.errors import ArgumentError
    from coverage.scenario import CatchmentSpec, WalkModel

    path = _write(tmp_path, BARE, files=("fac.csv",))
    monkeypatch.setattr(settings, name, value)
    line = f"setting coverage.settings.{name}: {said}"
    with pytest.raises(ArgumentError) as info:
        load_scenario(path)
    assert info.value.text("en") == line
    with pytest.raises(ValueError, match=re.escape(line)):  # an ArgumentError is a ValueError
        WalkModel() if name not in ("walk_off_m",) else CatchmentSpec()
    res = CliRunner().invoke(app, ["run", str(path)])
    assert res.exit_code != 0 and "Traceback" not in res.output
    shown = res.output.strip()  # the scenario's language (settings.lang, zh)
    assert len(shown.splitlines()) == 1 and shown.endswith(info.value.text("zh")), shown


def test_a_bad_band_setting_names_the_band(tmp_path, monkeypatch):
    from coverage import settings
    from coverage.errors import ArgumentError

    monkeypatch.setattr(settings, "bands_min", (5.0, -10.0))
    with pytest.raises(ArgumentError) as info:
        load_scenario(_write(tmp_path, BARE, files=("fac.csv",)))
    assert (
        info.value.text("en")
        == "setting coverage.settings.bands_min[1]: must be greater than 0, got -10.0"
    )
    assert (
        info.value.text("zh") == "运行参数 coverage.settings.bands_min[1]：应大于 0，实际为 -10.0"
    )
    # a scenario that sets its own value does not need the setting
    path = _write(
        tmp_path, BARE.replace("[[facilities]]", "[walk]\nbands_min = [5]\n\n[[facilities]]")
    )
    assert load_scenario(path).walk.bands_min == [5.0]


def test_threshold_for_reads_tier_names_as_the_command_line_does(tmp_path):
    """An analyst asking for 驿站 or 区级职工服务中心 gets that tier's threshold, not the
    general one (the keys are codes once read); a value no tier has gets the general one."""
    s = load_scenario(_write(tmp_path, GOOD))
    assert s.walk.threshold_for("区级职工服务中心") == s.walk.threshold_for("centre") == 20
    assert s.walk_model().threshold_for("服务中心") == 20
    assert s.walk.threshold_for("驿站") == s.walk.threshold_for("outdoor_station") == 12
    assert s.walk.threshold_for("nowhere") == 12
