"""Bad input, case by case: every failure is one line naming the file, row, field or key.

The tables below are the fixture: each case builds a small file in ``tmp_path`` and states the
message it must produce, worked out by hand. Then the same through ``coverage run`` (exit 1, one
``error:`` line, no traceback) on a hand-made 3 × 3 street grid, and Hypothesis fuzzing of the
table readers: whatever the bytes, only :class:`~coverage.errors.InputError` may escape.
"""

from __future__ import annotations

import errno
import html
import io
import json
import os
import random
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import FIXTURES, X0, Y0, edge_table, grid_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from typer.testing import CliRunner

from coverage import io as cio
from coverage import pipeline
from coverage.cli import app
from coverage.errors import InputError, OutputError, ScenarioError
from coverage.inputs.columns import describe_columns
from coverage.inputs.points import read_points
from coverage.inputs.readers import read_frame
from coverage.inputs.validation import validate_layer
from coverage.inputs.values import numeric
from coverage.report import sections
from coverage.scenario import load_scenario

REG = FIXTURES / "registers"
runner = CliRunner()


def _workbook(rows: list[list[object]], title: str = "Sheet") -> bytes:
    """An xlsx written by openpyxl (which stores formulas but never their values)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _random_bytes(n: int, seed: int, head: bytes = b"") -> bytes:
    return head + random.Random(seed).randbytes(n)


def _truncated_xlsx() -> bytes:
    whole = _workbook([["name", "lon", "lat"], ["A", 114.27, 30.58]])
    return whole[: len(whole) // 2]


def _zip_of_text() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


def _long_cell_csv() -> bytes:
    # Row 3 opens a quote that is never closed: the rest of the file becomes one value.
    filler = "\n".join(f"B{i},114.3,30.6" for i in range(20_000))
    return f'name,lon,lat\nA,114.27,30.58\n"C,114.3,30.6\n{filler}\n'.encode()


# --- whole-file errors: (case, file name, content, read_points keywords, message parts) -------

FILE_ERRORS: list[tuple[str, str, Callable[[], bytes], dict, list[str]]] = [
    (
        "random bytes named .xlsx",
        "sites.xlsx",
        lambda: _random_bytes(2000, 1),
        {},
        ["sites.xlsx: not an Excel workbook: the file is neither an xlsx (zip) nor an xls "
         "workbook nor text, so it is damaged or of another type renamed .xlsx"],
    ),
    (
        "truncated xlsx",
        "sites.xlsx",
        _truncated_xlsx,
        {},
        ["sites.xlsx: not a readable Excel workbook (xlsx): the file is damaged, truncated or not "
         "a workbook (BadZipFile:", "open it in Excel and save it again"],
    ),
    (
        "a zip that is not a workbook",
        "sites.xlsx",
        _zip_of_text,
        {},
        ["sites.xlsx: not a readable Excel workbook (xlsx): the file is damaged"],
    ),
    (
        "OLE2 header then garbage named .xls",
        "sites.xls",
        lambda: _random_bytes(3000, 2, head=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        {},
        ["sites.xls: not a readable Excel 97-2003 workbook (xls):", "save it as .xlsx"],
    ),
    (
        "random bytes named .csv",
        "sites.csv",
        lambda: _random_bytes(2000, 3),
        {},
        ["sites.csv: not a text (CSV) file: it holds binary data"],
    ),
    (
        "random bytes named .geojson",
        "sites.geojson",
        lambda: _random_bytes(2000, 4),
        {},
        ["sites.geojson: cannot read the file: ", "(is it damaged, or not really .geojson?)"],
    ),
    (
        "a value over the CSV field limit",
        "long.csv",
        _long_cell_csv,
        {},
        ["long.csv, row 3: a value is longer than 131,072 characters",
         "a quote (\") opened and never closed"],
    ),
    (
        "header only, weight required but missing",
        "dem.csv",
        lambda: b"name,lon,lat\n",
        {"require": ("weight",)},
        ["dem.csv, field 'weight': missing required column for 'weight'"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "parts"),
    [pytest.param(*case[1:], id=case[0]) for case in FILE_ERRORS],
)
def test_file_errors_are_one_line_naming_the_file(
    tmp_path: Path, name: str, content: Callable[[], bytes], kwargs: dict, parts: list[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(content())
    with pytest.raises(InputError) as err:
        read_points(path, **kwargs)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(tmp_path) + "/")
    for part in parts:
        assert part in msg


def test_a_formula_without_a_saved_value_skips_only_its_row(tmp_path: Path) -> None:
    # Row 3's longitude and latitude are formulas openpyxl never calculated (two problems, one
    # skipped row); row 4's formula is in 备注, a column the tool does not use (no problem);
    # rows 2 and 4 are read.
    path = tmp_path / "calc.xlsx"
    rows = [
        ["名称", "经度", "纬度", "备注"],
        ["A", 114.27, 30.58, ""],
        ["B", "=114.27+0", "=30.58+0", ""],
        ["C", 114.28, 30.59, "=1+1"],
    ]
    path.write_bytes(_workbook(rows, title="站点"))
    gdf, problems = read_points(path)
    assert gdf["name"].tolist() == ["A", "C"] and gdf["row"].tolist() == [2, 4]
    assert gdf.geometry.x.tolist() == [114.27, 114.28]
    said = "without a saved value: open and save the file in Excel/WPS"
    assert [(p.path, p.row, p.field, p.action, p.message) for p in problems] == [
        (str(path), 3, "经度", "skipped", f"formula =114.27+0 {said}"),
        (str(path), 3, "纬度", "skipped", f"formula =30.58+0 {said}"),
    ]
    assert (
        problems[0].text("zh")
        == "公式 =114.27+0 没有保存的计算结果：请用 Excel/WPS 打开并保存该文件"
    )
    assert gdf.attrs["rows_read"] == 3  # the skipped row was read


def test_formulas_with_saved_values_and_in_unused_columns_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "calc.xlsx"
    rows = [["名称", "经度", "纬度", "备注"], ["A", 114.27, 30.58, "=1+1"]]
    path.write_bytes(_workbook(rows))
    gdf, problems = read_points(path)  # 备注 is not used: its formula does not matter
    assert problems == [] and gdf.geometry.x.tolist() == [114.27]


# --- row problems: (case, file name, text, read_points keywords, expected problems) ----------

ROW_PROBLEMS: list[tuple[str, str, str, dict, list[tuple[int | None, str | None, str, str]]]] = [
    (
        "30,580 in a coordinate",
        "f.csv",
        'name,lon,lat\nA,114.27,"30,580"\nB,114.28,30.59\n',
        {},
        [(2, "lat", "'30,580' is ambiguous: 30.580 with a decimal comma or 30580 with a "
                    "thousands separator; write 30.580 or 30580", "skipped")],
    ),
    (
        "minutes over 60 are not degrees-minutes-seconds",
        "f.csv",
        "name,lon,lat\nA,114°75',30.58\n",
        {},
        [(2, "lon", "not a number: '114°75''", "skipped")],
    ),
    (
        "a sign and a hemisphere together",
        "f.csv",
        "name,lon,lat\nA,-114°W,30.58\n",
        {},
        [(2, "lon", "not a number: '-114°W'", "skipped")],
    ),
    (
        "a line break inside a bad value stays on one line",
        "f.csv",
        'name,lon,lat\nA,"114\n27",30.58\n',
        {},
        [(2, "lon", "not a number: '114\\n27'", "skipped")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "kwargs", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in ROW_PROBLEMS],
)
def test_row_problems_name_row_and_field(
    tmp_path: Path, name: str, text: str, kwargs: dict, expected: list
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, problems = read_points(path, **kwargs)
    assert [(p.row, p.field, p.message, p.action) for p in problems] == expected
    assert all(p.path == str(path) for p in problems)
    assert all("\n" not in str(p.to_error()) for p in problems)


@pytest.mark.parametrize("require", [("weight",), ()])
def test_a_count_with_one_comma_is_thousands(tmp_path: Path, require: tuple[str, ...]) -> None:
    # People are counted whole and Chinese registers never write a decimal comma: 30,580 and
    # １，２００人 in a count are thousands, where the same 30,580 in a coordinate is ambiguous.
    text = 'name,lon,lat,workers\nA,114.27,30.58,"30,580"\nB,114.28,30.59,"１，２００人"\n'
    path = tmp_path / "d.csv"
    path.write_text(text, encoding="utf-8")
    gdf, problems = read_points(path, require=require)
    assert problems == [] and gdf["weight"].tolist() == [30580.0, 1200.0]


# --- numbers that do parse ----------------------------------------------------------------

# Hand-checked: 17' = 17/60 = 0.283333…°, 20.2" = 20.2/3600 = 0.005611…°; 35'42" = 0.595°.
E_114_17_20_2 = 114 + 17 / 60 + 20.2 / 3600  # 114.288944…
N_30_35_42 = 30 + 35 / 60 + 42 / 3600  # 30.595


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("东经114度17分20.2秒", E_114_17_20_2),
        ("114°17'20.2\"E", E_114_17_20_2),
        ("E 114°17′20.2″", E_114_17_20_2),  # NFKC turns ″ into two primes
        ("114°17’20.2”", E_114_17_20_2),  # curly quotes from a word processor
        ("北纬30°35′42″", N_30_35_42),
        ("北纬30度35分42秒", N_30_35_42),
        ("30°35.7'N", 30.595),  # decimal minutes: 35.7/60 = 0.595
        ("西经73°59′", -(73 + 59 / 60)),
        ("南纬33°52'", -(33 + 52 / 60)),
        ("33°52'S", -(33 + 52 / 60)),
        ("-114°17'", -(114 + 17 / 60)),
        ("114.2889°", 114.2889),
        ("１１４．２７", 114.27),  # full-width digits
        ("114,27", 114.27),  # one comma, not three digits after it: a decimal comma
        ("0,580", 0.58),  # a leading 0 cannot start a thousands group
        ("114.27E", 114.27),  # a hemisphere says degrees, without a degree sign
        ("E114.27", 114.27),
        ("东经114", 114.0),
        ("北纬30.5", 30.5),
        ("30.5 N", 30.5),
        ("S33.5", -33.5),
        ("73.9w", -73.9),
        ("114。27274", 114.27274),  # a Chinese input method's full stop as the decimal point
        ("-73。9", -73.9),
    ],
)
def test_coordinates_that_parse(text: str, value: float) -> None:
    got = numeric(pd.Series([text]), coordinate=True).iat[0]
    assert got == pytest.approx(value, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234,567", 1234567), ("30,580.5", 30580.5), ("-1,234,567.25", -1234567.25), ("1,2", 1.2)],
)
def test_unambiguous_separators(text: str, value: float) -> None:
    assert numeric(pd.Series([text])).iat[0] == value


@pytest.mark.parametrize(
    "text",
    ["30,580", "1,200", "-30,580", "东经一一四", "114°17'75\"", "1,2,3", "N30.5E", "-E114",
     "114。27。3", "114.27EN"],
)  # fmt: skip
def test_texts_that_stay_not_a_number(text: str) -> None:
    # NaN, so read_points reports them: Chinese numerals, 75" is not a second, two hemispheres,
    # a sign and a hemisphere, two full stops.
    assert np.isnan(numeric(pd.Series([text]), coordinate=True).iat[0])


def test_dms_register_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "dms.csv"
    path.write_text("名称,经度,纬度\n甲,东经114度17分20.2秒,北纬30°35′42″\n", encoding="utf-8")
    gdf, problems = read_points(path)
    assert problems == []
    assert gdf.geometry.x.iat[0] == pytest.approx(E_114_17_20_2, abs=1e-12)
    assert gdf.geometry.y.iat[0] == pytest.approx(30.595, abs=1e-12)


# --- workbooks by content, with a note -----------------------------------------------------


def test_xlsx_named_xls_is_read_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(_workbook([["名称", "经度", "纬度"], ["甲", 114.27, 30.58]]))
    gdf, problems = read_points(path)
    assert gdf["name"].tolist() == ["甲"] and gdf.attrs["format"] == "xlsx (named .xls)"
    assert [(p.row, p.field, p.message, p.action) for p in problems] == [
        (None, None, "the file is an Excel workbook (xlsx) named .xls; read as xlsx", "kept")
    ]
    assert gdf.attrs["rows_read"] == 1  # the note is not a row
    # How it was read, in each language's words (was "XLSX (NAMED .XLS)" in both).
    assert describe_columns(gdf, "en").startswith("export.xls: XLSX (named .xls), sheet")
    assert describe_columns(gdf, "zh").startswith("export.xls：XLSX（扩展名为 .xls），工作表")


def test_xls_named_xlsx_is_read_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "sites.xlsx"
    shutil.copy(REG / "sites.xls", path)
    gdf, problems = read_points(path, layer="站点")
    assert gdf.attrs["format"] == "xls (named .xlsx)" and gdf["row"].tolist() == [2, 3, 5, 6]
    assert (None, "the file is an Excel workbook (xls) named .xlsx; read as xls") in [
        (p.row, p.message) for p in problems
    ]


def test_xlsx_named_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(_workbook([["名称", "经度", "纬度"], ["甲", 114.27, 30.58]]))
    gdf, problems = read_points(path)
    assert gdf["name"].tolist() == ["甲"]
    assert [p.message for p in problems] == [
        "the file is an Excel workbook (xlsx) named .csv; read as xlsx"
    ]


# --- duplicate ids ---------------------------------------------------------------------------


def test_duplicate_ids_are_reported_row_by_row(tmp_path: Path) -> None:
    # Four places about 100 m apart with different names: only the ids clash.
    text = (
        "编号,名称,经度,纬度,层级\n"
        "F1,甲,114.270,30.580,point\n"
        "F2,乙,114.271,30.580,point\n"
        "F1,丙,114.272,30.580,point\n"
        "Ｆ1,丁,114.273,30.580,point\n"  # full-width Ｆ: the same id after NFKC
        ",戊,114.274,30.580,point\n"  # no id: nothing to compare
    )
    path = tmp_path / "ids.csv"
    path.write_text(text, encoding="utf-8")
    gdf, read_problems = read_points(path)
    assert read_problems == []
    kept, problems = validate_layer(gdf, path, role="facility")
    assert [(p.row, p.field, p.message, p.action) for p in problems] == [
        (4, "编号", "duplicate id 'F1': row 2 has the same id (ids must be unique)", "kept"),
        (5, "编号", "duplicate id 'F1': row 2 has the same id (ids must be unique)", "kept"),
    ]
    assert kept["row"].tolist() == [2, 3, 4, 5, 6]  # warnings only: nothing dropped


# --- scenario numbers ------------------------------------------------------------------------

SCENARIO = """\
name = "t"

[network]
place = "江汉区, 武汉市, 中国"

[walk]
speed_kmh = 4.5
threshold_min = 15
bands_min = [5, 10, 15]
max_snap_m = 300

[walk.tier_threshold_min]
outdoor_station = 10

[[facilities]]
path = "fac.csv"

[plan]
target = 0.9
"""

SCENARIO_ERRORS = [
    ("speed_kmh = 4.5", "speed_kmh = inf", "scenario.toml:7: walk.speed_kmh: must be a finite "
     "number, got inf"),
    ("threshold_min = 15", "threshold_min = nan", "scenario.toml:8: walk.threshold_min: must be "
     "a finite number, got nan"),
    ("bands_min = [5, 10, 15]", "bands_min = [5, -inf]", "scenario.toml:9: walk.bands_min[1]: "
     "must be a finite number, got -inf"),
    ("outdoor_station = 10", "outdoor_station = +inf", "scenario.toml:13: "
     "walk.tier_threshold_min.outdoor_station: must be a finite number, got inf"),
    ("max_snap_m = 300", "max_snap_m = inf", "scenario.toml:10: walk.max_snap_m: must be a "
     "finite number, got inf"),
    ('place = "江汉区, 武汉市, 中国"', "bbox = [114.2, 30.5, inf, 30.7]", "scenario.toml:4: "
     "network.bbox[2]: must be a finite number, got inf"),
    ("target = 0.9", "target = nan", "scenario.toml:19: plan.target: must be a finite number, "
     "got nan"),
]  # fmt: skip


def _scenario(tmp_path: Path, text: str) -> Path:
    (tmp_path / "fac.csv").write_text("lon,lat\n", encoding="utf-8")
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "line"), SCENARIO_ERRORS)
def test_non_finite_scenario_numbers_name_key_and_line(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    assert old in SCENARIO
    with pytest.raises(ScenarioError) as err:
        load_scenario(_scenario(tmp_path, SCENARIO.replace(old, new)))
    assert str(err.value) == f"{tmp_path}/{line}"


def test_a_plain_scenario_has_no_warnings(tmp_path: Path) -> None:
    assert load_scenario(_scenario(tmp_path, SCENARIO)).warnings == []


SCENARIO_WARNINGS = [
    ("speed_kmh = 4.5", "speed_kmh = 1000", 7, "walk.speed_kmh",
     "1000 km/h is unusual (usually 1 to 10 km/h: walking is 3–6 km/h); used as given"),
    ("speed_kmh = 4.5", "speed_kmh = 0.5", 7, "walk.speed_kmh",
     "0.5 km/h is unusual (usually 1 to 10 km/h: walking is 3–6 km/h); used as given"),
    ("threshold_min = 15", "threshold_min = 10000", 8, "walk.threshold_min",
     "10000 min is unusual (usually at most 120 min: a walking threshold is minutes, not hours); "
     "used as given"),
    ("outdoor_station = 10", "outdoor_station = 600", 13, "walk.tier_threshold_min.outdoor_station",
     "600 min is unusual (usually at most 120 min: a walking threshold is minutes, not hours); "
     "used as given"),
    ("max_snap_m = 300", "max_snap_m = 5000", 10, "walk.max_snap_m",
     "5000 m is unusual (usually at most 2000 m: points this far from a street are not on it); "
     "used as given"),
    # Thresholds 15 (general) and 10 (outdoor stations): a 20-minute band is above both.
    ("bands_min = [5, 10, 15]", "bands_min = [5, 10, 20]", 9, "walk.bands_min",
     "bands 20 min are above every threshold (15 min): the map draws catchments beyond what "
     "counts as covered"),
    # Threshold 10 without bands: the default bands (5, 10, 15) reach beyond it.
    ("threshold_min = 15\nbands_min = [5, 10, 15]\n", "threshold_min = 10\n", 6, "walk",
     "the default bands 15 min are above every threshold (10 min): the map draws catchments "
     "beyond what counts as covered"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "line", "key", "message"), SCENARIO_WARNINGS)
def test_unusual_scenario_values_warn_once_each(
    tmp_path: Path, old: str, new: str, line: int, key: str, message: str
) -> None:
    assert old in SCENARIO
    s = load_scenario(_scenario(tmp_path, SCENARIO.replace(old, new)))
    assert [(n, k, str(m)) for n, k, m in s.warning_items] == [(line, key, message)]
    assert s.warnings == [f"{s.source}:{line}: {key}: {message}"]
    # In Chinese: the same numbers, no English words.
    (zh,) = [m.text("zh") for _, _, m in s.warning_items]
    assert sorted(re.findall(r"\d+(?:\.\d+)?", zh)) == sorted(re.findall(r"\d+(?:\.\d+)?", message))
    assert [w for w in ASCII_WORD.findall(zh) if len(w) >= 2] == []


def test_usual_ranges_say_why_in_the_catalogues_words() -> None:
    from coverage.i18n import t
    from coverage.scenario import USUAL_RANGES

    for (section, key), (*_, why) in USUAL_RANGES.items():
        assert t("en", f"problem.why.{section}_{key}") == why


def test_scenario_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "scenario.toml"
    path.write_bytes(SCENARIO.encode("gbk"))
    with pytest.raises(ScenarioError, match=r"scenario.toml: not UTF-8 text .*save it as UTF-8"):
        load_scenario(path)


# --- output folders --------------------------------------------------------------------------

FRAME = pd.DataFrame({"a": [1, 2]})


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    with pytest.raises(OutputError) as err:
        cio.write_csv(tmp_path / "out" / "summary.csv", FRAME)
    assert str(err.value) == (
        f"{tmp_path}/out: the output folder is a file, not a folder; remove the file or choose "
        "another output folder"
    )
    with pytest.raises(OutputError, match=r"out/sub: .*\('.*/out' is a file\)"):
        cio.check_writable(tmp_path / "out" / "sub")


def test_output_file_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "summary.csv").mkdir()
    with pytest.raises(OutputError, match=r"summary.csv: a folder of that name is in the way"):
        cio.write_csv(tmp_path / "summary.csv", FRAME)


def test_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root, chmod does not stop writes: the refusal is simulated where the OS would say it.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(cio.tempfile, "mkstemp", refuse)
    msg = "permission denied (the folder is read-only?); choose another output folder"
    with pytest.raises(OutputError) as err:
        cio.write_csv(tmp_path / "summary.csv", FRAME)
    assert str(err.value) == f"{tmp_path}/summary.csv: cannot write: {msg}"
    with pytest.raises(OutputError) as err:
        cio.check_writable(tmp_path)
    assert str(err.value) == f"{tmp_path}: cannot write in the output folder: {msg}"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_folder_for_real(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            cio.check_writable(ro)
        with pytest.raises(OutputError, match="permission denied"):
            cio.write_csv(ro / "x.csv", FRAME)
    finally:
        ro.chmod(0o700)


def test_full_disk_leaves_the_old_file_and_no_parts(tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"
    target.write_text("old\n")

    def fill_up(tmp: Path) -> None:
        tmp.write_text("half a fi")
        tmp.with_name(tmp.name + "-journal").write_text("x")  # what SQLite leaves beside it
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError) as err:
        cio.write_with(target, fill_up)
    assert str(err.value) == (
        f"{target}: cannot write: the disk is full; free some space or choose another output folder"
    )
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]


def test_full_disk_reported_by_gdal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def gdal_full(*args: object, **kwargs: object) -> None:
        raise RuntimeError("sqlite3_exec(COMMIT) failed: database or disk is full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", gdal_full)
    with pytest.raises(OutputError, match=r"summary.csv: cannot write: the disk is full"):
        cio.write_csv(tmp_path / "summary.csv", FRAME)
    assert list(tmp_path.iterdir()) == []


def test_other_writer_errors_are_not_disguised(tmp_path: Path) -> None:
    def bug(tmp: Path) -> None:
        raise ValueError("a bug, not the disk")

    with pytest.raises(ValueError, match="a bug"):
        cio.write_with(tmp_path / "x.txt", bug)
    assert list(tmp_path.iterdir()) == []


def test_check_writable_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = cio.check_writable(tmp_path / "new" / "results")
    assert folder.is_dir() and list(folder.iterdir()) == []


# --- a hand-made scenario for pipeline.run and the CLI ----------------------------------------

TO_LONLAT = Transformer.from_crs(32650, 4326, always_xy=True)


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_LONLAT.transform(X0 + x, Y0 + y)
    return round(lon, 7), round(lat, 7)


def _hand_scenario(tmp_path: Path, *, facilities: str | None = None, walk: str = "") -> Path:
    """A 3 × 3 grid of 100 m blocks (UTM 50N near Wuhan) with 2 facilities and 3 demand points;
    outputs in ``tmp_path/out`` and ``tmp_path/map.html``, inside the scenario's folder (a
    scenario may only write there or in the working directory)."""
    folder = tmp_path
    edge_table(grid_lines(3, 100.0)).to_parquet(folder / "streets.parquet")
    if facilities is None:
        rows = [("甲", *_lonlat(50, 0)), ("乙", *_lonlat(150, 200))]
        facilities = "名称,经度,纬度\n" + "".join(f"{n},{x},{y}\n" for n, x, y in rows)
    (folder / "facilities.csv").write_text(facilities, encoding="utf-8")
    dem = [("a", *_lonlat(0, 100), 10), ("b", *_lonlat(200, 100), 20), ("c", *_lonlat(100, 0), 5)]
    (folder / "demand.csv").write_text(
        "name,lon,lat,workers\n" + "".join(f"{n},{x},{y},{w}\n" for n, x, y, w in dem),
        encoding="utf-8",
    )
    text = f"""\
name = "hand"
[network]
path = "streets.parquet"
[walk]
threshold_min = 5
bands_min = [5]
{walk}
[[facilities]]
path = "facilities.csv"
tier = "point"
[[demand]]
path = "demand.csv"
weight = "workers"
[output]
dir = "{(tmp_path / "out").as_posix()}"
map = "{(tmp_path / "map.html").as_posix()}"
excel = false
"""
    (folder / "scenario.toml").write_text(text, encoding="utf-8")
    return folder / "scenario.toml"


def _bad_facilities() -> str:
    # Every row unusable: rows 2-3 not numbers, row 4 ambiguous, rows 5-8 missing latitudes.
    lon, lat = _lonlat(50, 0)
    rows = [f"甲,abc,{lat}", f"乙,{lon},north", f'丙,{lon},"30,580"'] + [
        f"丁{i},{lon}," for i in range(4)
    ]
    return "名称,经度,纬度\n" + "\n".join(rows) + "\n"


def test_no_usable_rows_still_writes_problems_csv(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, facilities=_bad_facilities())
    with pytest.raises(InputError) as err:
        pipeline.run(scenario)
    problems_csv = tmp_path / "out" / "problems.csv"
    fac = scenario.parent / "facilities.csv"
    lines = str(err.value).splitlines()
    assert lines[0] == (
        f"no usable facility rows in facilities.csv: 7 rows skipped, 7 problems (all listed in "
        f"{problems_csv}); the first:"
    )
    assert lines[1:] == [
        f"  {fac}, row 2, field '经度': not a number: 'abc'",
        f"  {fac}, row 3, field '纬度': not a number: 'north'",
        f"  {fac}, row 4, field '纬度': '30,580' is ambiguous: 30.580 with a decimal comma or "
        "30580 with a thousands separator; write 30.580 or 30580",
        f"  {fac}, row 5, field '纬度': missing latitude",
        f"  {fac}, row 6, field '纬度': missing latitude",
        f"  … and 2 more in {problems_csv}",
    ]
    table = pd.read_csv(problems_csv, encoding="utf-8-sig")  # in the scenario's language
    assert table.columns.tolist() == ["文件", "行号", "字段", "问题", "处理"]
    assert table["行号"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    # The file as the scenario names it, not the planner's folders (the console keeps the path).
    assert set(table["处理"]) == {"跳过"} and set(table["文件"]) == {"facilities.csv"}
    # Nothing else was written: no result pretends to be complete.
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["problems.csv"]


def test_no_usable_rows_without_writing_names_no_file(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, facilities="名称,经度,纬度\n甲,abc,30.5\n")
    with pytest.raises(InputError) as err:
        pipeline.run(scenario, write=False)
    assert str(err.value).splitlines() == [
        "no usable facility rows in facilities.csv: 1 row skipped, 1 problem; the first:",
        f"  {scenario.parent / 'facilities.csv'}, row 2, field '经度': not a number: 'abc'",
    ]
    assert not (tmp_path / "out").exists()


def test_header_only_register(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, facilities="名称,经度,纬度\n")
    with pytest.raises(InputError, match="^no usable facility rows: facilities.csv has no data"):
        pipeline.run(scenario)
    assert (tmp_path / "out" / "problems.csv").is_file()


def _errors(output: str) -> list[str]:
    """The error lines, their prefix (``错误：`` in these Chinese scenarios) read as ``error:``."""
    return [
        "error: " + line.removeprefix("错误：").removeprefix("error: ")
        for line in output.splitlines()
        if line.startswith(("错误：", "error:"))
    ]


def test_cli_output_folder_is_a_file_fails_before_the_network(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path)
    (tmp_path / "out").write_text("a file")
    # A broken network file would fail later: the output check must come first.
    (scenario.parent / "streets.parquet").write_bytes(b"not parquet")
    res = runner.invoke(app, ["run", str(scenario), "--lang", "en"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert _errors(res.output) == [
        f"error: {tmp_path}/out: the output folder is a file, not a folder; remove the file or "
        "choose another output folder"
    ]


def test_cli_infinite_speed(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, walk="speed_kmh = inf")
    res = runner.invoke(app, ["run", str(scenario), "--lang", "en"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert _errors(res.output) == [
        f"error: {scenario}:7: walk.speed_kmh: must be a finite number, got inf"
    ]
    res = runner.invoke(app, ["run", str(scenario)])  # the scenario's language: Chinese
    assert (
        res.output.splitlines()[-1]
        == f"错误：{scenario}:7：walk.speed_kmh：应为有限数值，实际为 inf"
    )


def test_cli_uncalculated_workbook_skips_the_row(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path)
    lon, lat = _lonlat(50, 0)
    book = _workbook([["名称", "经度", "纬度"], ["甲", lon, lat], ["乙", f"={lon}+0", lat]])
    (scenario.parent / "facilities.xlsx").write_bytes(book)
    text = scenario.read_text(encoding="utf-8").replace("facilities.csv", "facilities.xlsx")
    scenario.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["run", str(scenario), "--lang", "en"])
    assert res.exit_code == 0, res.output
    # Only 乙 is listed (file, row, field, problem, action: in whichever language).
    table = pd.read_csv(tmp_path / "out" / "problems.csv", encoding="utf-8-sig", dtype=str)
    listed = [r for r in table.to_numpy().tolist() if r[0] == "facilities.xlsx"]
    assert [r[1:3] for r in listed] == [["3", "经度"]]
    assert f"={lon}+0" in listed[0][3]


def test_cli_no_usable_rows_prints_reasons_and_the_report(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, facilities=_bad_facilities())
    res = runner.invoke(app, ["run", str(scenario)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    errors = _errors(res.output)
    assert len(errors) == 1 + 5 + 1  # the summary, five reasons, the rest's count
    assert str(tmp_path / "out" / "problems.csv") in errors[0]
    assert (tmp_path / "out" / "problems.csv").is_file()


def test_cli_no_usable_rows_in_chinese(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, facilities=_bad_facilities())
    res = runner.invoke(app, ["run", str(scenario)])  # the scenario's language: Chinese
    assert res.exit_code == 1 and "Traceback" not in res.output
    fac, problems_csv = scenario.parent / "facilities.csv", tmp_path / "out" / "problems.csv"
    lines = [line for line in res.output.splitlines() if line.startswith("错误：")]
    assert lines == [
        f"错误：facilities.csv 中没有可用的设施行：跳过 7 行，共 7 个问题（全部列于 {problems_csv}）；"
        "前几个如下：",
        f"错误：  {fac}，第 2 行，字段“经度”：不是数字：“abc”",
        f"错误：  {fac}，第 3 行，字段“纬度”：不是数字：“north”",
        f"错误：  {fac}，第 4 行，字段“纬度”：“30,580”有歧义：逗号作小数点时为 30.580，作千位分隔符时为 "
        "30580；请写成 30.580 或 30580",
        f"错误：  {fac}，第 5 行，字段“纬度”：缺少纬度",
        f"错误：  {fac}，第 6 行，字段“纬度”：缺少纬度",
        f"错误：  ……另有 2 个，见 {problems_csv}",
    ]


def test_cli_missing_register_in_chinese_and_english(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path)
    (scenario.parent / "demand.csv").write_text("", encoding="utf-8")
    dem = scenario.parent / "demand.csv"
    res = runner.invoke(app, ["run", str(scenario)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"错误：{dem}：文件是空的" in res.output.splitlines()
    res = runner.invoke(app, ["run", str(scenario), "--lang", "en"])
    assert f"error: {dem}: the file is empty" in res.output.splitlines()


def test_cli_and_report_say_how_each_layer_was_read_in_chinese(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path)
    res = runner.invoke(app, ["run", str(scenario)])
    assert res.exit_code == 0, res.output
    read = (
        "facilities.csv：CSV，UTF-8，表头在第 1 行；WGS-84；经度 ← “经度”（自动识别），"
        "纬度 ← “纬度”（自动识别），名称 ← “名称”（自动识别）"
    )
    few = "facilities.csv：中国境内的点太少（2 个），无法对照街道检查坐标系"
    console = [line.strip() for line in res.output.splitlines()]
    assert read in console and few in console
    assert not any("run.json" in line for line in console if "：" in line)
    # The report's data notes: the same lines (escaped for HTML).
    run = pipeline.run(scenario, write=False)
    notes = sections.data_notes(run, "zh", [])
    assert f"<li>{html.escape(read)}</li><li>{html.escape(few)}</li>" in notes
    assert "run.json" not in notes
    # run.json keeps the English record
    record = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert record["notes"][:2] == [
        "facilities.csv: CSV, UTF-8, header on row 1; WGS-84; longitude ← '经度' (recognised), "
        "latitude ← '纬度' (recognised), name ← '名称' (recognised)",
        "facilities.csv: too few points in China (2) to check the datum against the streets",
    ]


def test_cli_unusual_value_warns_and_the_run_goes_on(tmp_path: Path) -> None:
    scenario = _hand_scenario(tmp_path, walk="speed_kmh = 12")
    res = runner.invoke(app, ["run", str(scenario)])
    assert res.exit_code == 0, res.output
    warning = (
        f"{scenario.resolve()}:7: walk.speed_kmh: 12 公里/小时不常见（通常为 1 至 10 公里/小时："
        "步行速度为每小时 3–6 公里）；按给定值使用"
    )
    assert f"警告：{warning}" in res.output.splitlines()  # the scenario's language
    table = pd.read_csv(tmp_path / "out" / "problems.csv", encoding="utf-8-sig")
    assert table[["文件", "行号", "字段", "处理"]].values.tolist() == [
        ["scenario.toml", 7, "walk.speed_kmh", "保留（警告）"]
    ]


def test_outputs_name_files_relative_to_the_scenario_folder(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Facilities in a subfolder of the scenario's, demand given by absolute path elsewhere; one
    # bad row in each (row 3 of facilities: longitude "abc"; row 3 of demand: weight 0).
    scenario = _hand_scenario(tmp_path)
    (tmp_path / "inputs").mkdir()
    lon, lat = _lonlat(50, 0)
    (tmp_path / "inputs" / "facilities.csv").write_text(
        f"名称,经度,纬度\n甲,{lon},{lat}\n乙,abc,{lat}\n", encoding="utf-8"
    )
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "demand.csv"
    text = (tmp_path / "demand.csv").read_text(encoding="utf-8").replace(",20\n", ",0\n")
    elsewhere.write_text(text, encoding="utf-8")
    text = scenario.read_text(encoding="utf-8")
    text = text.replace('path = "facilities.csv"', 'path = "inputs/facilities.csv"')
    text = text.replace('path = "demand.csv"', f'path = "{elsewhere.as_posix()}"')
    scenario.write_text(text.replace("excel = false", "excel = true"), encoding="utf-8")
    res = runner.invoke(app, ["run", str(scenario)])
    assert res.exit_code == 0, res.output
    out = tmp_path / "out"
    # Sorted by the name shown: "/" before "i".
    expected = [[str(elsewhere), 3, "workers"], ["inputs/facilities.csv", 3, "经度"]]
    problems = pd.read_csv(out / "problems.csv", encoding="utf-8-sig")
    assert problems[["文件", "行号", "字段"]].values.tolist() == expected
    skipped = pd.read_csv(out / "skipped_rows.csv", encoding="utf-8-sig")
    assert skipped[["文件", "行号", "字段"]].values.tolist() == expected
    sheet = openpyxl.load_workbook(out / "coverage.xlsx")["数据问题"]
    rows = [list(r[:3]) for r in sheet.iter_rows(values_only=True)]
    assert rows == [["文件", "行号", "字段"], *expected]
    # The report's page keeps the planner's folders private: a file outside by its name alone.
    notes = sections.data_notes(pipeline.run(scenario, write=False), "zh", [])
    cells = re.findall(r"<tr><td>([^<]*)</td>", notes)
    assert cells == ["inputs/facilities.csv", "demand.csv"]
    assert str(tmp_path) not in notes
    # run.json, the machine record, names the scenario by its absolute path.
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["scenario"] == str(scenario) and record["rows_skipped"] == 2


# --- fuzzing: only InputError escapes the readers ---------------------------------------------

HEADERS = [
    "名称",
    "经度",
    "纬度",
    "lon",
    "lat",
    "职工人数",
    "容量",
    "编号",
    "层级",
    "面积",
    "x",
    "",
]
VALUES = ["30,580", "1,234,567", "114,27", "东经114度17分20.2秒", "北纬30°35′42″", "114°17'20\"E",
          "106.53", "29.57", "inf", "-inf", "nan", "1e400", "#N/A", '"', "\n", ",", "0", "-1", "",
          " ", "centre", "F1"]  # fmt: skip
CELL = st.one_of(st.sampled_from(VALUES), st.text(max_size=12), st.floats(-200, 200).map(str))


@st.composite
def registers(draw: st.DrawFn, cell: st.SearchStrategy = CELL) -> list[list[object]]:
    """A header (usually with longitude and latitude, so rows get interpreted) and rows of
    random cells, mostly as wide as the header."""
    extra = draw(st.lists(st.sampled_from(HEADERS), max_size=4))
    header = draw(
        st.one_of(
            st.permutations(["名称", "经度", "纬度", *extra]),
            st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6),
        )
    )
    width = len(header)
    row = st.one_of(
        st.lists(cell, min_size=width, max_size=width), st.lists(cell, max_size=width + 2)
    )
    return [list(header), *draw(st.lists(row, max_size=8))]


def _read_all(path: Path) -> None:
    """Every public reader on one file; an InputError is the only acceptable failure."""
    for call in (
        lambda: read_frame(path),
        lambda: read_points(path),
        lambda: read_points(path, require=("weight",), crs="gcj02"),
    ):
        try:
            call()
        except InputError as exc:
            assert str(exc)  # and it says something


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(
    table=registers(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_fuzz_csv_text(table: list[list[str]], encoding: str, sep: str) -> None:
    import csv

    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(table)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.csv"
        try:
            path.write_bytes(buf.getvalue().encode(encoding))
        except UnicodeEncodeError:
            return  # text GB18030/UTF-16 cannot hold (lone surrogates): not a file anyone has
        _read_all(path)


@FUZZ
@given(text=st.text(max_size=300))
def test_fuzz_raw_csv(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "raw.csv"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        _read_all(path)


XLSX_CELL = st.one_of(
    CELL,
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from(["=1+1", "=A1", "=114.27+0", "=NA()", None]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=registers(XLSX_CELL),
    name=st.sampled_from(["fuzz.xlsx", "fuzz.xls", "fuzz.csv"]),
)
def test_fuzz_xlsx_cells(table: list[list[object]], name: str) -> None:
    # openpyxl refuses control characters in cells, as Excel does.
    clean = [[_printable(v) for v in r] for r in table]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(_workbook(clean))
        _read_all(path)


def _printable(value: object) -> object:
    if not isinstance(value, str):
        return value
    return "".join(c for c in value if c >= " " or c in "\t\n\r")


MAGIC = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{", b"<", b"\xef\xbb\xbf",
         b"\xff\xfe"]  # fmt: skip


@FUZZ
@given(
    head=st.sampled_from(MAGIC),
    body=st.binary(max_size=400),
    suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".geojson", ".txt", ".gpkg"]),
)
def test_fuzz_random_bytes(head: bytes, body: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"random{suffix}"
        path.write_bytes(head + body)
        _read_all(path)


# --- the problems of the fault registers, in the scenario's language ----------------------------

#: Text from the registers that the messages quote: “…” in Chinese, '…' in English.
QUOTED = {"zh": re.compile(r"“[^”]*”"), "en": re.compile(r"'[^']*'")}
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


def _fault_scenario(tmp_path: Path, lang: str) -> Path:
    """The two fault registers and the study area on a 4.4 km street grid around Guanyinqiao."""
    for name in ("facilities_faults.csv", "demand_faults.csv", "study_area.geojson"):
        shutil.copy(REG / name, tmp_path / name)
    fac = tmp_path / "facilities_faults.csv"  # an unknown tier stops the run: a known one here
    text = fac.read_text(encoding="utf-8-sig").replace(",supercentre,", ",point,")
    fac.write_text(text, encoding="utf-8-sig")
    x0, y0 = Transformer.from_crs(4326, 32648, always_xy=True).transform(106.515, 29.565)
    edges = edge_table(grid_lines(23, 200.0), origin=(x0, y0), crs="EPSG:32648")
    edges.to_parquet(tmp_path / "streets.parquet")
    out = tmp_path / "out"
    scenario = f"""\
name = "faults"
lang = "{lang}"
title_en = "Faults"
[area]
path = "study_area.geojson"
crs = "wgs84"
[network]
path = "streets.parquet"
[[facilities]]
path = "facilities_faults.csv"
[[demand]]
path = "demand_faults.csv"
weight = "职工人数"
[output]
dir = "{out.as_posix()}"
map = "{(out / "map.html").as_posix()}"
excel = false
"""
    (tmp_path / "s.toml").write_text(scenario, encoding="utf-8")
    return tmp_path / "s.toml"


@pytest.fixture(scope="module")
def fault_problems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """problems.csv of the fault registers run in Chinese and in English."""
    found = {}
    for lang in ("zh", "en"):
        scenario = _fault_scenario(tmp_path_factory.mktemp(f"faults_{lang}"), lang)
        pipeline.run(scenario)
        table = pd.read_csv(scenario.parent / "out" / "problems.csv", encoding="utf-8-sig")
        found[lang] = table.set_axis(["file", "row", "field", "problem", "action"], axis=1)
    return found


def test_fault_problems_are_the_same_rows_in_both_languages(fault_problems) -> None:
    zh, en = fault_problems["zh"], fault_problems["en"]
    assert len(zh) == len(en) == 19  # 7 demand rows, 12 facility ones (see the README's table)
    assert zh["row"].equals(en["row"])
    # The planner's column names as written; the program's word for a point's place translated.
    assert zh["field"].replace({"几何图形": "geometry"}).equals(en["field"])
    assert (zh["field"] == "几何图形").sum() == 5
    assert zh["problem"].tolist() != en["problem"].tolist()
    # The numbers are the same (in each language's order): the registers' values and distances.
    digits = [[sorted(re.findall(r"\d+(?:\.\d+)?", p)) for p in t["problem"]] for t in (zh, en)]
    assert digits[0] == digits[1]


def test_fault_problems_in_chinese_hold_no_english(fault_problems) -> None:
    zh = fault_problems["zh"]["problem"]
    stray = {
        p: words
        for p in zh
        if (words := [w for w in ASCII_WORD.findall(QUOTED["zh"].sub("", p)) if len(w) >= 3])
    }
    assert stray == {}
    assert "不是数字：“abc”" in set(zh)  # the register's own text stays as written
    assert "缺少层级（已知：服务中心、分中心、服务站点、户外劳动者驿站）" in set(zh)


def test_fault_problems_in_english_hold_no_chinese(fault_problems) -> None:
    en = fault_problems["en"]["problem"]
    assert [p for p in en if CJK.search(QUOTED["en"].sub("", p))] == []
    assert "duplicate of row 2 (same name '观音桥职工服务中心', 2.2 m apart)" in set(en)
    assert "missing tier (known: centre, subcentre, point, outdoor_station)" in set(en)


def test_the_word_checks_catch_the_other_language() -> None:
    # the patterns above find what they must (a check that finds nothing proves nothing)
    assert ASCII_WORD.findall(QUOTED["zh"].sub("", "不是数字：“abc” missing")) == ["missing"]
    assert CJK.search(QUOTED["en"].sub("", "not a number: '很多' 跳过"))
    assert not CJK.search(QUOTED["en"].sub("", "not a number: '很多'"))
