"""The audit's workbook: district names are text, shown unchanged, never formulas."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from coverage.audit.config import Audit
from coverage.audit.districts import District
from coverage.audit.outcome import AuditRun
from coverage.audit.results import district_table, failure_line, shown_table, write_audit

#: Names a spreadsheet would read as formulas (and one it would not).
HOSTILE = ["+SUM(1)", "=1+1", "-2+3", "@cmd", "江汉区"]


def _run(tmp_path: Path) -> AuditRun:
    audit = Audit.model_validate(
        {
            "districts": {"path": "d.geojson"},
            "network": {"path": "n.parquet"},
            "demand": [{"path": "p.tif"}],
            "output": {"dir": str(tmp_path)},
        }
    )
    districts = [
        District(f"D{i}", name, i, shapely.box(114.0 + i / 10, 30.0, 114.1 + i / 10, 30.1))
        for i, name in enumerate(HOSTILE, 1)
    ]
    records = {d.code: {"status": "done", "figures": {"share_any": 0.5}} for d in districts}
    return AuditRun(audit, districts, records)


def test_workbook_names_are_quote_prefixed_text_as_in_coverage_xlsx(tmp_path: Path) -> None:
    files = write_audit(_run(tmp_path))
    ws = load_workbook(files["excel"]).active
    assert ws["B1"].value == "名称"
    cells = [ws.cell(row=i, column=2) for i in range(2, 2 + len(HOSTILE))]
    assert [c.value for c in cells] == HOSTILE  # as written: no added apostrophe
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)  # text, never a formula
    assert [bool(c.quotePrefix) for c in cells] == [True, True, True, True, False]
    share = ws.cell(row=2, column=[c.value for c in ws[1]].index("总覆盖率") + 1)
    assert share.value == 0.5 and share.number_format == "0.0%"  # numbers stay numbers


def test_only_finished_districts_link_a_map(tmp_path: Path) -> None:
    run = _run(tmp_path)
    run.records["D2"] = {"status": "failed", "error": "boom"}
    del run.records["D3"]  # never ran: listed as failed ("not run")
    files = write_audit(run)
    csv = pd.read_csv(files["csv"], encoding="utf-8-sig", keep_default_na=False)
    assert list(csv["地图"]) == [
        "districts/D1/map.html", "", "", "districts/D4/map.html", "districts/D5/map.html",
    ]  # fmt: skip
    assert list(csv["状态"]) == ["完成", "失败", "失败", "完成", "完成"]
    xlsx = pd.read_excel(files["excel"], keep_default_na=False)
    assert list(xlsx["地图"])[:3] == ["districts/D1/map.html", "", ""]


def test_control_characters_in_names_do_not_stop_the_workbook(tmp_path: Path) -> None:
    # A name from a GeoJSON may hold what XML cannot: an ANSI escape, a NUL, a vertical tab.
    # districts.xlsx shows each as "\ufffd", as coverage.xlsx does, and keeps the rest.
    run = _run(tmp_path)
    run.districts[0] = dataclasses.replace(run.districts[0], name="=A\x1b[31m\x00B\x0bC")
    files = write_audit(run)
    cell = load_workbook(files["excel"]).active["B2"]
    assert cell.value == "=A\ufffd[31m\ufffdB\ufffdC" and cell.quotePrefix
    assert cell.data_type == "s"


def test_facilities_per_10k_keep_their_decimal_in_the_workbook(tmp_path: Path) -> None:
    # 0.99 and 1.49 facilities per 10,000 people must not both read "1".
    run = _run(tmp_path)
    for rec, per in zip(run.records.values(), [0.99, 1.49, 5.87, 0.04, 12.0], strict=True):
        rec["figures"] = {"share_any": 0.5, "population": 20_000.0, "facilities_per_10k": per}
    ws = load_workbook(write_audit(run)["excel"]).active
    col = [c.value for c in ws[1]].index("每万人设施数") + 1
    cells = [ws.cell(row=i, column=col) for i in range(2, 2 + len(HOSTILE))]
    assert [c.value for c in cells] == [0.99, 1.49, 5.87, 0.04, 12.0]
    assert {c.number_format for c in cells} == {"#,##0.00"}
    people = ws.cell(row=2, column=[c.value for c in ws[1]].index("人口") + 1)
    assert people.number_format == "#,##0"  # people stay whole


def test_a_tier_no_facility_of_reaches_covers_nobody_not_unknown(tmp_path: Path) -> None:
    # D1 has a centre within reach; D2 none (its run lists no centre tier): 0 % of its people
    # are covered by a centre. D3 has nobody: its shares stay not applicable.
    run = _run(tmp_path)
    run.records["D1"]["figures"] = {"demand": 100.0, "share_tier:centre": 0.25}
    run.records["D2"]["figures"] = {"demand": 50.0, "share_tier:point": 0.5}
    run.records["D3"]["figures"] = {"demand": 0.0, "share_any": float("nan")}
    table = district_table(run).set_index("code")
    assert table.loc["D1", "share_tier:centre"] == 0.25
    assert table.loc["D2", "share_tier:centre"] == 0.0
    assert table.loc["D1", "share_tier:point"] == 0.0
    assert pd.isna(table.loc["D3", "share_tier:centre"])
    assert pd.isna(table.loc["D4", "share_tier:centre"])  # no figures at all: left unknown


def test_a_failed_districts_console_line_says_why() -> None:
    rec = {"name": "汉南区", "code": "420113", "error": "研究区内没有可步行街道",
           "notes": [["excel.audit.note.no_street", {"file": "wuhan.osm.pbf"}]]}  # fmt: skip
    assert failure_line(rec, "zh") == (
        "汉南区 (420113): 研究区内没有可步行街道 — 路网文件 wuhan.osm.pbf 在本区内没有街道："
        "本区人口均无法评估"
    )
    assert failure_line({**rec, "notes": []}, "en") == "汉南区 (420113): 研究区内没有可步行街道"


def test_workbook_shares_read_100_or_0_percent_only_when_exact(tmp_path: Path) -> None:
    # A "0.0%" cell shows 0.99996 as "100.0%": stored 0.999 it reads 99.9 %, as on the page.
    run = _run(tmp_path)
    run.records["D1"]["figures"] = {"share_any": 0.99996, "evaluable_share": 0.00003}
    run.records["D2"]["figures"] = {"share_any": 1.0, "evaluable_share": 0.0}
    ws = load_workbook(write_audit(run)["excel"]).active
    head = [c.value for c in ws[1]]
    got = [[ws.cell(row=r, column=head.index(h) + 1).value for h in ("总覆盖率", "可评估人口占比")]
           for r in (2, 3)]  # fmt: skip
    assert got == [[0.999, 0.001], [1.0, 0.0]]


def test_people_are_whole_and_add_up_as_the_districts_own_tables(tmp_path: Path) -> None:
    # D1: 60.3 residents (50.2 covered) and 40.3 workers (20.4 covered), 3.5 people (2.25 and
    # 1.25) not reachable on foot. Worked out by hand: 101 people, 71 covered, 30 not covered;
    # covered 71 split 50.2/20.4 by largest remainder -> 50 + 21, not covered 30 split
    # 10.1/19.9 -> 10 + 20, so residents 60 (not 60 + 41 = 101 people read as 60 + 40 = 100);
    # not reachable round(3.5) = 4 split 2.25/1.25 -> 3 + 1 (a tie: the first kind).
    # D2 (not audited: no streets) rounds what it has, 55.5 -> 56.
    run = _run(tmp_path)
    run.records["D1"]["figures"] = {
        "demand": 100.6, "covered": 70.6, "share_any": 70.6 / 100.6, "unreachable": 3.5,
        "weight_kind:residents": 60.3, "uncovered_kind:residents": 10.1,
        "unreachable_kind:residents": 2.25, "share_kind:residents": 50.2 / 60.3,
        "weight_kind:workers": 40.3, "uncovered_kind:workers": 19.9,
        "unreachable_kind:workers": 1.25, "share_kind:workers": 20.4 / 40.3,
        "population": 60.3, "workers_uncovered": 19.9, "evaluable_share": 0.99996,
        "facilities_in": 3.0, "facilities_per_10k": 3 / 60.3 * 10_000,
    }  # fmt: skip
    run.records["D1"]["seconds"] = 4.151
    run.records["D2"] = {
        "status": "failed", "error": "no street", "figures": {
            "demand": 55.5, "unreachable": 55.5, "population": 55.5, "evaluable_share": 0.0,
            "weight_kind:residents": 55.5, "unreachable_kind:residents": 55.5},
    }  # fmt: skip
    shown = shown_table(district_table(run)).set_index("code")
    d1 = shown.loc["D1"]
    assert [d1["demand"], d1["covered"], d1["population"], d1["workers_uncovered"]] == [
        101, 71, 60, 20,
    ]  # fmt: skip
    assert [d1["weight_kind:residents"], d1["uncovered_kind:residents"]] == [60, 10]
    assert [d1["weight_kind:workers"], d1["uncovered_kind:workers"]] == [41, 20]
    assert [d1["unreachable"], d1["unreachable_kind:residents"], d1["unreachable_kind:workers"]] == [
        4, 3, 1,
    ]  # fmt: skip
    assert [d1["share_any"], d1["share_kind:residents"], d1["evaluable_share"]] == [
        0.7018, 0.8325, 0.9999,
    ]  # fmt: skip
    assert [d1["facilities_in"], d1["facilities_per_10k"], d1["seconds"]] == [3, 497.51, 4.2]
    d2 = shown.loc["D2"]
    assert [d2["demand"], d2["population"], d2["weight_kind:residents"]] == [56, 56, 56]
    assert pd.isna(d2["covered"]) and pd.isna(shown.loc["D3", "demand"])
    # the CSV and the workbook give people these numbers
    files = write_audit(run)
    csv = pd.read_csv(files["csv"], encoding="utf-8-sig")
    assert csv.loc[0, ["人口", "需求总量", "覆盖需求量"]].tolist() == [60, 101, 71]
    ws = load_workbook(files["excel"]).active
    head = [c.value for c in ws[1]]
    assert [ws.cell(row=2, column=head.index(h) + 1).value for h in ("人口", "未覆盖职工")] == [
        60, 20,
    ]  # fmt: skip


def test_each_kinds_people_columns_come_in_one_order_whichever_district_is_first(
    tmp_path: Path,
) -> None:
    # The first district lies outside the streets: its figures have no "not covered" people.
    # Columns must still read people, not covered, not reachable (as for every other audit).
    run = _run(tmp_path)
    off = {"weight_kind:residents": 100.0, "unreachable_kind:residents": 100.0}
    done = {"weight_kind:residents": 200.0, "uncovered_kind:residents": 50.0,
            "unreachable_kind:residents": 10.0}  # fmt: skip
    run.records["D1"] = {"status": "failed", "error": "x", "figures": off}
    run.records["D2"]["figures"].update(done)
    assert list(district_table(run).columns[-3:]) == [
        "weight_kind:residents",
        "uncovered_kind:residents",
        "unreachable_kind:residents",
    ]


def test_people_no_street_reaches_never_read_more_than_those_not_covered(tmp_path: Path) -> None:
    # 10.4 people, 0.6 covered, the other 9.8 all too far from a street: shown 10 people, 1
    # covered, 9 not covered. Rounded alone the 9.8 read 10 people not reachable of 9 not
    # covered; within them, 9 (the district's and its one kind's).
    run = _run(tmp_path)
    run.records["D1"]["figures"] = {
        "demand": 10.4, "covered": 0.6, "share_any": 0.6 / 10.4, "unreachable": 9.8,
        "weight_kind:residents": 10.4, "uncovered_kind:residents": 9.8,
        "unreachable_kind:residents": 9.8, "population": 10.4,
    }  # fmt: skip
    d1 = shown_table(district_table(run)).set_index("code").loc["D1"]
    assert [d1["demand"], d1["covered"], d1["uncovered_kind:residents"]] == [10, 1, 9]
    assert [d1["unreachable"], d1["unreachable_kind:residents"]] == [9, 9]


def test_each_districts_people_are_made_whole_once_per_audit_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rounding a district's people within their parents (shown_counts) is the costly part of
    # writing a large audit: the CSV, the workbook and the map read the same whole numbers, so
    # each of the 5 districts is rounded once, not once per output.
    from coverage.audit import results

    calls: list[str] = []
    whole_row = results._whole_row
    monkeypatch.setattr(
        results, "_whole_row", lambda row, kinds: calls.append(row["code"]) or whole_row(row, kinds)
    )
    run = _run(tmp_path)
    for rec in run.records.values():
        rec["figures"] = {"demand": 10.4, "covered": 0.6, "share_any": 0.6 / 10.4}
    files = write_audit(run)
    assert {"csv", "excel", "map"} <= set(files)
    assert sorted(calls) == [f"D{i}" for i in range(1, 6)]


def test_an_audit_with_the_workbook_turned_off_leaves_no_earlier_workbook(tmp_path: Path) -> None:
    # As a run's and a plan's: with [output] excel = false an earlier audit's districts.xlsx
    # would give other figures beside the new CSV and map; it is removed, a file of the
    # planner's own in the folder stays.
    run = _run(tmp_path)
    book = write_audit(run)["excel"]
    assert book.name == "districts.xlsx" and book.is_file()
    mine = tmp_path / "notes.xlsx"
    mine.write_text("the planner's own", encoding="utf-8")
    off = dataclasses.replace(
        run,
        audit=run.audit.model_copy(
            update={"output": run.audit.output.model_copy(update={"excel": False})}
        ),
    )
    files = write_audit(off)
    assert "excel" not in files and files["csv"].is_file() and not book.exists()
    assert mine.read_text(encoding="utf-8") == "the planner's own"
