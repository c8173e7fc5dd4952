"""Excel workbooks for planners, and atomic writes surviving a SIGKILL mid-write."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import prcoords
import pytest
import shapely
from conftest import copy_small_scenario

from coverage import excel, io, layer_files, neutralize, pipeline, table_words
from coverage.errors import Problem
from coverage.inputs.problems import problems_frame

REPO = Path(__file__).resolve().parents[1]


def _sheets() -> dict[str, pd.DataFrame]:
    summary = pd.DataFrame(
        {"metric": ["覆盖率", "职工总数"], "value": [0.8125, 5400], "unit": ["%", "人"]}
    )
    by_sub = pd.DataFrame(
        {
            "subdistrict": ["观音桥街道", "华新街街道"],
            "total_weight": [3000, 2400],
            "covered_weight": [2800, 1588],
            "coverage_pct": [93.3, 66.2],
            "remark": ["", "需要新增驿站"],
        }
    )
    uncovered = gpd.GeoDataFrame(
        {"row": [5, 9], "name": ["某物流公司", "某科技公司"], "weight": [80.0, np.nan]},
        geometry=[shapely.Point(106.533, 29.578), shapely.Point(106.545, 29.589)],
        crs=4326,
    ).to_crs(32648)  # any CRS: the sheet gets WGS-84 longitude/latitude
    proposed = gpd.GeoDataFrame(
        {"rank": [1], "services": [["职工书屋", "母婴室"]], "gain": [620], "covered": [True]},
        geometry=[shapely.Point(106.54, 29.585)],
        crs=4326,
    )
    skipped = problems_frame(
        [
            Problem("demand.csv", 3, "职工人数", "weight must be positive, got 0"),
            Problem("sites.csv", 11, "geometry", "outside the study area", action="kept"),
        ]
    )
    return {
        "summary": summary,
        "by_subdistrict": by_sub,
        "uncovered": uncovered,
        "proposed": proposed,
        "skipped": skipped,
    }


def _rows(ws) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_chinese_workbook(tmp_path: Path) -> None:
    path = excel.write_workbook(tmp_path / "结果.xlsx", _sheets())
    assert path == tmp_path / "结果.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "分街道", "未覆盖需求点", "建议新增站点", "跳过的行"]
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
    assert _rows(wb["汇总"]) == [
        ["指标", "数值", "单位"],
        ["覆盖率", 0.8125, "%"],
        ["职工总数", 5400, "人"],
    ]
    sub = _rows(wb["分街道"])
    # Unknown columns keep their names.
    assert sub[0] == ["街道", "总人数", "已覆盖人数", "覆盖率（%）", "remark"]
    assert sub[2] == ["华新街街道", 2400, 1588, 66.2, "需要新增驿站"]
    unc = _rows(wb["未覆盖需求点"])
    coords = ["高德经度（GCJ-02）", "高德纬度（GCJ-02）", "经度（WGS-84）", "纬度（WGS-84）"]
    assert unc[0] == ["行号", "名称", "人数", *coords]
    assert unc[1][:3] == [5, "某物流公司", 80] and unc[2][2] is None  # NaN → empty cell
    # Amap's pair first (the default), from prcoords' own (lat, lon) function.
    lat, lon = prcoords.wgs_gcj((29.578, 106.533))
    assert unc[1][3:] == pytest.approx([lon, lat, 106.533, 29.578], abs=1e-6)
    assert 0.002 < abs(unc[1][3] - 106.533) < 0.01  # the GCJ-02 shift: hundreds of metres
    prop = _rows(wb["建议新增站点"])
    lat, lon = prcoords.wgs_gcj((29.585, 106.54))
    assert prop[0] == ["排序", "服务项目", "新增覆盖人数", "是否覆盖", *coords]
    assert prop[1][:4] == [1, "职工书屋、母婴室", 620, "是"]
    assert prop[1][4:] == pytest.approx([lon, lat, 106.54, 29.585], abs=1e-6)
    skipped = _rows(wb["跳过的行"])
    assert skipped[0] == ["文件", "行号", "字段", "问题", "处理"]
    assert skipped[1] == ["demand.csv", 3, "职工人数", "weight must be positive, got 0", "跳过"]
    assert skipped[2][-1] == "保留（警告）"


def test_english_workbook(tmp_path: Path) -> None:
    path = excel.write_workbook(tmp_path / "results.xlsx", _sheets(), lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "By sub-district",
        "Uncovered demand",
        "Proposed sites",
        "Skipped rows",
    ]
    assert _rows(wb["Proposed sites"])[0] == [
        "Rank",
        "Services",
        "People newly covered",
        "Covered",
        "Amap longitude (GCJ-02)",
        "Amap latitude (GCJ-02)",
        "Longitude (WGS-84)",
        "Latitude (WGS-84)",
    ]
    assert _rows(wb["Proposed sites"])[1][1] == "职工书屋; 母婴室"
    assert _rows(wb["Skipped rows"])[1][-1] == "Skipped"  # program keys as English words too
    assert _rows(wb["Proposed sites"])[1][3] == "Yes"
    # pandas reads the same table back.
    back = pd.read_excel(path, sheet_name="By sub-district")
    assert back["Sub-district"].tolist() == ["观音桥街道", "华新街街道"]


def test_output_datum_orders_the_coordinate_pairs(tmp_path: Path) -> None:
    sheets = {"proposed": _sheets()["proposed"]}
    path = excel.write_workbook(tmp_path / "w.xlsx", sheets, lang="en", datum="wgs84")
    head, row = _rows(openpyxl.load_workbook(path)["Proposed sites"])
    assert head[-4:] == [
        "Longitude (WGS-84)",
        "Latitude (WGS-84)",
        "Amap longitude (GCJ-02)",
        "Amap latitude (GCJ-02)",
    ]
    lat, lon = prcoords.wgs_gcj((29.585, 106.54))
    assert row[-4:] == pytest.approx([106.54, 29.585, lon, lat], abs=1e-6)
    # A table that brings its own coordinate columns keeps them, untouched.
    own = _sheets()["proposed"].assign(wgs84_lon=1.0, wgs84_lat=2.0)
    path = excel.write_workbook(tmp_path / "o.xlsx", {"proposed": own}, lang="en")
    head, row = _rows(openpyxl.load_workbook(path)["Proposed sites"])
    assert head[-2:] == ["Longitude (WGS-84)", "Latitude (WGS-84)"] and row[-2:] == [1, 2]
    with pytest.raises(ValueError, match="datum"):
        excel.write_workbook(tmp_path / "x.xlsx", sheets, datum="bd09")


def test_column_widths_follow_content(tmp_path: Path) -> None:
    long_zh = "江北区观音桥街道建新北路职工服务中心"
    frame = pd.DataFrame({"name": [long_zh], "x": [1], "address": ["a" * 200]})
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "w.xlsx", {"facilities": frame}))
    ws = wb["服务设施"]
    widths = {c: ws.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] == excel.display_width(long_zh) + 2  # CJK characters count double
    assert widths["B"] == 6  # minimum
    assert widths["C"] == 60  # capped
    assert excel.display_width("职工a") == 5


def _cell_by_cell_width(head: str, values: list) -> int:
    """The measure the column widths replaced: every cell, character by character."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)

    best = width(head)
    for v in values:
        if v is not None:
            text = f"{v:.4g}" if isinstance(v, float) else str(v)
            best = max(best, width(text.split("\n")[0]))
    return best


def test_column_width_equals_cell_by_cell_measure() -> None:
    rng = np.random.default_rng(1)
    words = [
        "职工之家",
        "ab",
        "Ｗｉｄｅ",
        "x\n很长很长很长很长",
        "",
        "é",
        "1,234",
        "ＡＢ c",
        "a\tb",
    ]
    for _ in range(50):
        values = list(rng.choice(words, 8)) + [None, 3, 1234567.891, 0.5, True, float("nan")]
        values = [v for v in values if rng.random() < 0.8]
        head = str(rng.choice(["名称", "name", "服务项目 services"]))
        assert excel.column_width(head, values) == _cell_by_cell_width(head, values)
    for text in ["", "abc", "职工a", "全角ＡＢ", "\x00\x7f", "€uro"]:
        assert excel.display_width(text) == _cell_by_cell_width(text, [])


def test_sheet_titles_are_made_valid_and_unique(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    sheets = {"a/b:c?": frame, "x" * 40: frame, "x" * 31: frame, "by_subdistrict": frame,
              "subdistricts": frame}  # fmt: skip
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "t.xlsx", sheets))
    assert wb.sheetnames == ["a_b_c_", "x" * 31, "x" * 27 + " (2)", "分街道", "分街道 (2)"]


def test_a_table_longer_than_a_sheet_goes_on_in_more_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # XlsxWriter ignores writes past Excel's last row: a whole city's uncovered cells would be
    # cut without a word. Sheets of 4 rows stand in for Excel's 1,048,575.
    monkeypatch.setattr(excel, "_SHEET_ROWS", 4)
    long = pd.DataFrame({"weight": np.arange(10.0)})
    short = pd.DataFrame({"weight": [1.0, 2.0]})
    path = excel.write_workbook(tmp_path / "l.xlsx", {"uncovered": long, "problems": short})
    wb = openpyxl.load_workbook(path)
    first = table_words.sheet_name("uncovered")
    assert wb.sheetnames == [
        first,
        f"{first} (2)",
        f"{first} (3)",
        table_words.sheet_name("problems"),
    ]
    bodies = [_rows(wb[name]) for name in wb.sheetnames]
    assert [len(b) - 1 for b in bodies] == [4, 4, 2, 2]
    assert all(b[0] == bodies[0][0] for b in bodies)  # every part has the header
    assert [r[0] for b in bodies[:3] for r in b[1:]] == list(range(10))


def test_sheet_rows_are_excels_limit_less_the_header() -> None:
    import xlsxwriter

    sheet = xlsxwriter.Workbook(os.devnull).add_worksheet()
    assert excel._SHEET_ROWS == sheet.xls_rowmax - 1 == 1_048_575


def test_a_share_short_of_everyone_never_reads_100_percent(tmp_path: Path) -> None:
    # 99.96 % in a "0.0%" cell reads "100.0%": the cell holds 0.999 instead (as the map shows
    # "99.9%"); everyone (1.0), no one and a middle share keep their exact value.
    frame = pd.DataFrame({"share": [0.99996, 1.0, 0.00004, 0.0, 0.92634]})
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "s.xlsx", {"summary": frame}))
    ws = wb.active
    assert [r[0] for r in _rows(ws)[1:]] == [0.999, 1.0, 0.001, 0.0, 0.92634]
    assert ws.cell(2, 1).number_format == excel.PERCENT


def test_index_and_empty_frames(tmp_path: Path) -> None:
    indexed = pd.DataFrame({"value": [3]}, index=pd.Index(["观音桥"], name="subdistrict"))
    empty = pd.DataFrame(columns=["file", "row"])
    wb = openpyxl.load_workbook(
        excel.write_workbook(tmp_path / "i.xlsx", {"by_subdistrict": indexed, "skipped": empty})
    )
    assert _rows(wb["分街道"]) == [["街道", "数值"], ["观音桥", 3]]
    assert _rows(wb["跳过的行"]) == [["文件", "行号"]]


def test_bad_arguments(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="at least one sheet"):
        excel.write_workbook(tmp_path / "a.xlsx", {})
    with pytest.raises(ValueError, match="lang must be"):
        excel.write_workbook(tmp_path / "a.xlsx", {"s": frame}, lang="fr")
    with pytest.raises(ValueError, match=r"writes \.xlsx files, not \.xls"):
        excel.write_workbook(tmp_path / "a.xls", {"s": frame})
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_previous_workbook(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    excel.write_workbook(target, {"summary": pd.DataFrame({"value": [1]})})
    before = target.read_bytes()

    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        excel.write_workbook(target, {"summary": pd.DataFrame({"value": [Boom()]})})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


# --- input text is never a formula ----------------------------------------------------------------

#: Text that spreadsheets evaluate, as planners' registers may hold it (or an attacker writes it).
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",  # importers may trim the space
    "＝1+1",  # full-width: CJK-locale Excel converts it as it parses input
]
#: Text that starts like a formula but is not one, or does not start like one.
HARMLESS = ["-5", "+1.5", "观音桥=1", "a+b", "#N/A", ""]
#: First characters a test flags on its own (independently of coverage.neutralize).
DANGEROUS = tuple("=+-@\t\r＝＋－＠")


def _hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "name": HOSTILE,
            "address": list(reversed(HOSTILE)),
            "subdistrict": HOSTILE[1:] + HOSTILE[:1],
            "weight": np.arange(n, dtype=float) - 4.5,  # negative numbers stay numbers
            "row": np.arange(n) - 3,
            "=SUM(A1:A9)": "header from a register",  # a column name is input text too
        }
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_neutralize_text_by_hand() -> None:
    for text in HOSTILE:
        assert neutralize.formula_like(text), repr(text)
        assert neutralize.neutralize_text(text) == "'" + text
    for text in HARMLESS:
        assert not neutralize.formula_like(text), repr(text)
        assert neutralize.neutralize_text(text) == text
    assert neutralize.neutralize_text("  -7.25 ") == "  -7.25 "  # a number with spaces is a number
    assert neutralize.neutralize_text("-") == "'-"
    for value in (-5, -2.5, np.float64(-1.0), np.int64(-3), None, True):
        assert neutralize.neutralize_text(value) is value


def test_csv_text_has_no_formulas(tmp_path: Path) -> None:
    frame = _hostile_frame()
    frame["note"] = HARMLESS[:4] + [np.nan] * (len(frame) - 4)
    io.write_csv(tmp_path / "t.csv", frame)
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel on Chinese Windows
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    # One header and one line per row: the carriage return stayed inside its quoted field.
    assert len(rows) == len(frame) + 1 and {len(r) for r in rows} == {7}
    for r in rows:
        for field in r:
            if field.lstrip()[:1] in DANGEROUS or field[:1] in DANGEROUS:
                assert _is_number(field), repr(field)
    assert rows[0] == ["name", "address", "subdistrict", "weight", "row", "'=SUM(A1:A9)", "note"]
    body = rows[1:]
    assert [r[0] for r in body] == ["'" + t for t in HOSTILE]  # readable: the text after a '
    assert [r[1] for r in body] == ["'" + t for t in reversed(HOSTILE)]
    assert [r[2] for r in body] == ["'" + t for t in HOSTILE[1:] + HOSTILE[:1]]
    assert [float(r[3]) for r in body] == [i - 4.5 for i in range(len(HOSTILE))]
    assert [int(r[4]) for r in body] == [i - 3 for i in range(len(HOSTILE))]
    assert [r[6] for r in body[:4]] == HARMLESS[:4]  # "-5" is a number, the rest no formula
    # pandas reads the numbers back as numbers.
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert back["weight"].tolist() == frame["weight"].tolist()
    assert back["row"].tolist() == frame["row"].tolist()


def _check_cells(wb: openpyxl.Workbook) -> list[object]:
    """Assert no cell is a formula and formula-like text is quote-prefixed; return the values."""
    values = []
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str) and c.value.lstrip()[:1] in DANGEROUS:
                    assert c.data_type == "s" and (c.quotePrefix or _is_number(c.value)), (
                        ws.title,
                        c.coordinate,
                        c.value,
                    )
                values.append(c.value)
    return values


def test_workbook_writes_input_text_as_text(tmp_path: Path) -> None:
    frame = _hostile_frame()
    frame["remark"] = HARMLESS + [None] * (len(frame) - len(HARMLESS))
    path = excel.write_workbook(tmp_path / "t.xlsx", {"facilities": frame})
    wb = openpyxl.load_workbook(path)
    _check_cells(wb)
    ws = wb["服务设施"]
    head = [c.value for c in ws[1]]
    assert head == ["名称", "地址", "街道", "人数", "行号", "=SUM(A1:A9)", "remark"]
    assert ws["F1"].quotePrefix and ws["F1"].data_type == "s"
    # XML turns a bare carriage return into a line feed: Excel shows both as a line break.
    shown = [t.replace("\r", "\n") for t in HOSTILE]
    body = list(ws.iter_rows(min_row=2))
    assert [r[0].value for r in body] == shown  # the original text, unchanged
    assert all(r[0].quotePrefix and r[0].data_type == "s" for r in body)
    assert [r[1].value for r in body] == list(reversed(shown))
    assert [r[2].value for r in body] == shown[1:] + shown[:1]
    assert [r[3].value for r in body] == [i - 4.5 for i in range(len(HOSTILE))]
    assert [r[4].value for r in body] == [i - 3 for i in range(len(HOSTILE))]
    assert all(r[3].data_type == "n" and r[4].data_type == "n" for r in body)
    notes = [r[6] for r in body[: len(HARMLESS)]]
    assert [c.value for c in notes] == HARMLESS[:-1] + [None]  # "" is an empty cell
    assert notes[3].data_type == "s"  # "#N/A" stays text, not an error value
    assert not any(c.quotePrefix for c in notes)


def test_workbook_control_characters_do_not_abort_the_write(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["站点\x01一", "ok\tfine"]})
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "c.xlsx", {"s": frame}))
    assert _rows(wb["s"]) == [["名称"], ["站点\ufffd一"], ["ok\tfine"]]


@pytest.mark.realdata
def test_hostile_register_gives_clean_results(tmp_path: Path, wuhan_edges_path: Path) -> None:
    """Names, addresses, services and sub-district names from the input files, written by a run:
    coverage.xlsx and every CSV file hold them as text, never as formulas."""
    toml = copy_small_scenario(tmp_path, wuhan_edges_path)
    folder = toml.parent
    fac = pd.read_csv(folder / "facilities.csv", dtype=str)
    k = len(HOSTILE)
    fac.loc[: k - 1, "名称"] = [t.strip() for t in HOSTILE]
    fac["地址"] = [HOSTILE[i % k].strip() for i in range(len(fac))]
    fac.loc[0, "服务项目"] = "@SUM(A1);休息"
    fac["类型"] = "=1+1"  # the free-text type column, summarised per type
    fac.to_csv(folder / "facilities.csv", index=False)
    subs = json.loads((folder / "subdistricts.geojson").read_text(encoding="utf-8"))
    sub_names = ['=HYPERLINK("http://x","西")', "-东街道+1"]
    for feat, name in zip(subs["features"], sub_names, strict=True):
        feat["properties"]["name"] = name
    (folder / "subdistricts.geojson").write_text(json.dumps(subs), encoding="utf-8")

    run = pipeline.run(toml)
    out = tmp_path / "out"
    assert run.layers.facilities["name"].iloc[0] == HOSTILE[0]  # the read kept the text
    kept = [t.strip() for t in HOSTILE] + ["=1+1"]
    csvs = sorted(out.glob("*.csv"))
    assert {p.name for p in csvs} >= {"summary.csv", "facilities.csv", "demand.csv",
                                      "uncovered.csv", "problems.csv"}  # fmt: skip
    fields: set[str] = set()
    for path in csvs:
        with open(path, encoding="utf-8-sig", newline="") as f:
            for r in csv.reader(f):
                for field in r:
                    if field.lstrip()[:1] in DANGEROUS or field[:1] in DANGEROUS:
                        assert _is_number(field), (path.name, field)
                    fields.add(field)
    # Still readable: the text is there, after its quote.
    for name in sub_names + kept:
        assert "'" + name in fields, name
    values = _check_cells(openpyxl.load_workbook(out / "coverage.xlsx"))
    for name in sub_names + kept:
        assert name in values, name


# --- SIGKILL mid-write ---------------------------------------------------------------------------

# The child writes through coverage.io. Its zip (xlsx) or layer writes are slowed down so that
# the parent's SIGKILL lands while the temporary file is half written, deterministically.
CHILD = textwrap.dedent(
    """
    import sys, time, zipfile
    import numpy as np, pandas as pd, geopandas as gpd
    from coverage import excel, layer_files

    kind, target = sys.argv[1], sys.argv[2]
    n = 20_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"name": [f"企业{i}" for i in range(n)], "weight": rng.integers(1, 500, n)})
    if kind == "xlsx":
        real = zipfile.ZipFile.write
        def slow_write(self, *args, **kwargs):
            out = real(self, *args, **kwargs)
            time.sleep(30)  # after the first worksheet is in the partial file
            return out
        zipfile.ZipFile.write = slow_write
        excel.write_workbook(target, {"uncovered": frame, "summary": frame.head(5)})
    else:
        gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(
            rng.uniform(106.4, 106.7, n), rng.uniform(29.4, 29.7, n)), crs=4326)
        real = gpd.GeoDataFrame.to_file
        def slow_to_file(self, *args, **kwargs):
            out = real(self, *args, **kwargs)
            time.sleep(30)  # after the first layer is in the partial file
            return out
        gpd.GeoDataFrame.to_file = slow_to_file
        layer_files.write_gpkg(target, {"demand": gdf, "again": gdf})
    """
)


def _size(path: Path) -> int:
    """Size of a file that may vanish while we look (0 then)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_mid_write(kind: str, target: Path) -> list[Path]:
    """Start the child, wait until its temporary file has content, SIGKILL it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(target)], env=env)
    try:
        deadline = time.monotonic() + 60
        parts: list[Path] = []
        while time.monotonic() < deadline:
            # (SQLite's "-journal" files come and go while the writer runs: not the file itself)
            parts = [
                p
                for p in target.parent.glob(f".{target.name}.*.part*")
                if not p.name.endswith("-journal") and _size(p)
            ]
            if parts:
                time.sleep(0.2)  # let the writer get well into the file
                break
            assert proc.poll() is None, f"the writer exited early with {proc.returncode}"
            time.sleep(0.02)
        assert parts, "no temporary file appeared"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    return parts


def test_sigkill_mid_workbook_write_leaves_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "结果.xlsx"
    excel.write_workbook(target, {"summary": pd.DataFrame({"value": [1, 2]})})
    before = target.read_bytes()
    _kill_mid_write("xlsx", target)
    # The previous workbook is untouched and opens; the half-written one is only a hidden
    # temporary file, never the target.
    assert target.read_bytes() == before
    assert _rows(openpyxl.load_workbook(target)["汇总"]) == [["数值"], [1], [2]]
    visible = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert visible == ["结果.xlsx"]
    # The next write of the same workbook removes the stale temporary file.
    excel.write_workbook(target, {"summary": pd.DataFrame({"value": [3]})})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果.xlsx"]
    assert _rows(openpyxl.load_workbook(target)["汇总"]) == [["数值"], [3]]


def test_sigkill_mid_geopackage_write_leaves_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "results.gpkg"
    old = gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.Point(106.5, 29.5)], crs=4326)
    layer_files.write_gpkg(target, {"demand": old})
    before = target.read_bytes()
    parts = _kill_mid_write("gpkg", target)
    assert target.read_bytes() == before
    back = gpd.read_file(target, layer="demand")
    assert back["name"].tolist() == ["A"]
    visible = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert visible == ["results.gpkg"]
    # coverage.layer_files.write_gpkg does not clean up after a killed writer: the partial file stays
    # behind as a hidden ".results.gpkg.*.part.gpkg" (documented; the workbook writer cleans its
    # own). It never takes the target's name.
    assert all(p.name.startswith(".results.gpkg.") and ".part" in p.name for p in parts)


def test_column_words_match_the_word_of_every_cell():
    """The per-distinct-value path of ``localize_cells`` gives what ``cell_word`` gives cell by cell."""
    from coverage.table_words import cell_word, localize_cells

    frame = pd.DataFrame(
        {
            "tier": ["centre", "station", None, "centre", "unknown"],
            "kind": ["workers", "residents", "workers", np.nan, "workers"],
            "street": ["(tertiary)", "Jiefang Ave", "(footway_link)", "(tertiary)", "a\x00b"],
            "covered": [True, False, True, True, False],
            "mixed": [1, True, "yes", None, 1.0],  # 1 and True must stay apart
            "name": pd.Series(["甲", "乙", pd.NA, "甲", ""], dtype="string"),
            "status": ["optimal", "Optimal", "time limit", "optimal", "optimal"],
            "n": [1.0, 2.0, np.nan, 4.0, 5.0],
            "action": [np.nan] * 5,
        }
    )
    for lang in ("zh", "en"):
        fast = localize_cells(frame.copy(), lang)
        for col in frame.columns:
            slow = [cell_word(col, v, lang) for v in frame[col]]
            got = fast[col].tolist()
            assert [type(v) for v in got] == [type(v) for v in slow], col
            assert [str(v) for v in got] == [str(v) for v in slow], col
    assert localize_cells(frame.copy(), "en")["mixed"].tolist()[:2] == [1, "Yes"]


def test_row_numbers_are_whole_numbers_beside_missing_ones(tmp_path: Path) -> None:
    # A concat of raster points (no row) and a CSV's points (rows 2, 1203) makes "row" float;
    # the reader must see 1203, not 1203.0, and an empty cell for the raster point.
    assert excel.number_format("row") == excel.WHOLE == "0"
    assert excel.number_format("cell_row") == excel.number_format("cell_col") == "0"
    frame = pd.DataFrame(
        {"row": [np.nan, 2.0, 1203.0], "cell_row": [25.0, np.nan, np.nan], "weight": [1.0] * 3}
    )
    path = excel.write_workbook(tmp_path / "r.xlsx", {"demand": frame})
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert _rows(ws) == [
        ["行号", "栅格行号", "人数"],
        [None, 25, 1],
        [2, None, 1],
        [1203, None, 1],
    ]
    assert all(type(v) is int for v in (ws["A3"].value, ws["A4"].value, ws["B2"].value))
    assert ws["A4"].number_format == "0"


def test_minutes_round_up_to_a_tenth_by_hand() -> None:
    # Threshold 15: 14.96 is covered and reads 15.0; 15.04 and 15.000001 are not and read 15.1;
    # 15.0 exactly reads 15.0; 14.3 (not exactly 14.3 in binary) stays 14.3, not 14.4; 0.04
    # minutes beyond the standard reads 0.1, never "0.0 beyond"; 2.05 (2.04999… in binary)
    # is above 2.0, so 2.1. Within the coverage test's 1e-9 s of 15.0 counts as 15.0.
    got = excel.minutes_up([14.96, 15.04, 15.000001, 15.0, 14.3, 0.04, 2.05, 15.0 + 1e-12])
    assert got.tolist() == [15.0, 15.1, 15.1, 15.0, 14.3, 0.1, 2.1, 15.0]
    rest = excel.minutes_up([np.nan, np.inf, 0.0])
    assert np.isnan(rest[0]) and rest[1] == np.inf and rest[2] == 0.0
    assert excel.is_minutes("nearest_min") and excel.is_minutes("t_point")
    assert not excel.is_minutes("snap_m") and not excel.is_minutes("t_nonsense")


def test_workbook_minutes_never_contradict_the_covered_flag(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"t_point": [15.04, 14.96], "covered_point": [False, True], "snap_m": [3.04, 3.06]}
    )
    ws = openpyxl.load_workbook(excel.write_workbook(tmp_path / "m.xlsx", {"d": frame})).active
    assert _rows(ws)[1:] == [[15.1, "否", 3.04], [15.0, "是", 3.06]]  # metres as they are
    assert ws["A2"].number_format == "0.0"


def test_a_workbook_written_without_lang_is_in_the_lang_setting(tmp_path, monkeypatch):
    from coverage import settings

    monkeypatch.setattr(settings, "lang", "en")  # after import: read when the book is written
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "w.xlsx", _sheets()))
    assert wb.sheetnames[:2] == ["Summary", "By sub-district"]
    monkeypatch.setattr(settings, "lang", "fr")
    with pytest.raises(ValueError, match=r"coverage\.settings\.lang: .*'fr'"):
        excel.write_workbook(tmp_path / "x.xlsx", _sheets())
    assert not (tmp_path / "x.xlsx").exists()
