"""Every output people open speaks the scenario's language: the small sample run and planned in
Chinese and in English, every workbook and the CSV files people open (``problems.csv``,
``skipped_rows.csv``) walked cell by cell for raw program keys and words of the other language.

Every other output (the data CSV files, GeoPackages, the report, the maps and the console) is
walked in ``tests/test_words.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import small_scenario_in

from coverage import pipeline

#: Program keys no reader should see, as a header or a cell: column names, scope, tier, kind,
#: role, source, model, method and status codes, and Python's booleans.
RAW_KEYS = {
    "scope", "key", "overall", "tier", "type", "service", "subdistrict", "kind", "all",
    "centre", "subcentre", "point", "outdoor_station", "workers", "residents",
    "candidate", "existing", "excluded", "grid", "osm", "file", "facility",
    "mclp", "lscp", "pmedian", "milp", "greedy", "optimal", "within_gap", "time_limit",
    "skipped", "kept", "failed", "True", "False",
    "facility_tier", "site_row", "cross_share", "cross_weight", "circle_share", "covered",
    "covered_weight", "share", "weight", "snapped", "fid", "nearest_fid", "index",
    "solver_status", "build_time_s", "n_reach", "t_point", "covered_point",
    "(tertiary)", "(secondary)", "(residential)",
}  # fmt: skip
#: Problem columns naming the input's own files and fields (``workers`` is the sample's column).
PROBLEM_TEXT = {"文件", "字段", "问题", "File", "Field", "Problem"}
#: ASCII words a Chinese workbook may hold: datums, units, and the input file names.
ZH_ALLOWED = {"GCJ-02", "WGS-84", "OpenStreetMap", "km", "demand.csv", "facilities.csv"}
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.]*(?:-[0-9]+)?")
#: English headers of the columns holding text from the input files (names, services,
#: sub-district names): Chinese there is the planner's own data.
EN_INPUT_COLUMNS = {"Name", "Services", "Sub-district", "Nearest facility", "Group", "Address",
                    "Street", "File", "Field", "Problem"}  # fmt: skip
#: The same in Chinese workbooks (grid candidates are named ``grid-00107``).
ZH_INPUT_COLUMNS = {"名称", "编号", "图层", "文件", "字段", "问题"}


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of every workbook and the two problem CSV files, as text, headers included."""
    found: dict[str, pd.DataFrame] = {}
    for book in sorted(out.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            found[f"{book.name}:{ws.title}"] = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    for name in ("problems.csv", "skipped_rows.csv"):
        found[name] = pd.read_csv(out / name, encoding="utf-8-sig", dtype=str)
    return found


@pytest.fixture(scope="module")
def folders(tmp_path_factory, wuhan_edges_path) -> dict[str, Path]:
    """The sample run and a 3-site plan written in each language, with one row skipped and one
    warning so that the problem tables have rows."""
    result = {}
    for lang in ("zh", "en"):
        tmp = tmp_path_factory.mktemp(f"lang_{lang}")
        toml = small_scenario_in(tmp, wuhan_edges_path, lang)
        run = pipeline.run(toml)
        assert any(p.action == "skipped" for p in run.layers.problems)
        pipeline.plan(toml, add=3, before=run)
        result[lang] = tmp / "out"
    return result


@pytest.fixture(scope="module")
def outputs(folders) -> dict[str, dict[str, pd.DataFrame]]:
    return {lang: _tables(out) for lang, out in folders.items()}


def _cells(table: pd.DataFrame, skip: set[str]) -> list[tuple[str, str]]:
    """(column, text) of the header and every text cell outside the ``skip`` columns."""
    out = [("<header>", str(c)) for c in table.columns]
    for col in table.columns:
        if col in skip:
            continue
        out += [(str(col), v) for v in table[col] if isinstance(v, str)]
    return out


@pytest.mark.realdata
def test_the_walk_sees_every_output(outputs):
    for lang in ("zh", "en"):
        books = {k.split(":")[0] for k in outputs[lang] if ":" in k}
        assert books == {"coverage.xlsx", "plan.xlsx"}
        assert len(outputs[lang]) == 12  # 5 + 5 sheets and the two CSV files
        assert len(outputs[lang]["problems.csv"]) >= 1


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_raw_program_keys(outputs, lang):
    raw = [
        (where, col, text)
        for where, table in outputs[lang].items()
        for col, text in _cells(table, PROBLEM_TEXT)
        if text in RAW_KEYS
    ]
    assert raw == []


@pytest.mark.realdata
def test_chinese_outputs_hold_no_english(outputs):
    stray = [
        (where, col, text)
        for where, table in outputs["zh"].items()
        for col, text in _cells(table, ZH_INPUT_COLUMNS)
        if any(w not in ZH_ALLOWED and len(w) >= 2 for w in ASCII_WORD.findall(text))
    ]
    assert stray == []


@pytest.mark.realdata
def test_english_outputs_hold_no_chinese(outputs):
    stray = [
        (where, col, text)
        for where, table in outputs["en"].items()
        for col, text in _cells(table, EN_INPUT_COLUMNS)
        if CJK.search(text)
    ]
    assert stray == []


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shares_are_percentages_and_people_whole_numbers(folders, lang):
    # The cells stay numbers; their formats show 0.7030… as 70.3% and 21780.0 as 21,780.
    wb = openpyxl.load_workbook(folders[lang] / "coverage.xlsx")
    ws = wb["汇总" if lang == "zh" else "Summary"]
    heads = [c.value for c in ws[1]]
    share, covered = (
        ("覆盖率", "已覆盖人数") if lang == "zh" else ("Share covered", "People covered")
    )
    shares = [r[heads.index(share)] for r in ws.iter_rows(min_row=2)]
    people = [r[heads.index(covered)] for r in ws.iter_rows(min_row=2)]
    assert shares and all(c.data_type == "n" and 0 <= c.value <= 1 for c in shares)
    assert {c.number_format for c in shares} == {"0.0%"}
    assert {c.number_format for c in people} == {"#,##0"}
    stages = openpyxl.load_workbook(folders[lang] / "plan" / "plan.xlsx").worksheets[1]
    heads = [c.value for c in stages[1]]
    after = "规划后覆盖率" if lang == "zh" else "Share after the plan"
    assert stages.cell(2, heads.index(after) + 1).number_format == "0.0%"


#: Text the problem messages quote from the input files: “…” in Chinese, '…' in English.
QUOTED = {"zh": re.compile(r"“[^”]*”"), "en": re.compile(r"'[^']*'")}


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_problem_messages_speak_the_scenario_language(outputs, lang):
    # The problems themselves are worded in the scenario's language; only quoted input text
    # (values, names) keeps the input's own words.
    column = "问题" if lang == "zh" else "Problem"
    texts = [
        QUOTED[lang].sub("", text)
        for name in ("problems.csv", "skipped_rows.csv")
        for text in outputs[lang][name][column].dropna()
    ]
    assert texts  # one row is skipped: the walk sees its reason
    if lang == "zh":
        stray = [t for t in texts if any(w not in ZH_ALLOWED for w in ASCII_WORD.findall(t))]
    else:
        stray = [t for t in texts if CJK.search(t)]
    assert stray == []
