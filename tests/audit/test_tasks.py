"""A district's content hash follows the package's code, not only its version number."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from coverage.audit import load_audit, results, tasks
from coverage.audit.choropleth import choropleth_data
from coverage.audit.config import Audit
from coverage.audit.districts import District, read_districts
from coverage.audit.outcome import AuditRun
from coverage.audit.registers import read_registers
from coverage.errors import InputError
from coverage.inputs.area import load_area
from coverage.scenario import load_scenario
from tests.audit.conftest import SAMPLE, audit_text, write_districts


def _audit(tmp_path: Path, *, demand: str = "p.tif", lang: str = "zh") -> Audit:
    """A minimal audit: districts, network and one demand layer; results under ``tmp_path``."""
    return Audit.model_validate(
        {
            "lang": lang,
            "districts": {"path": "d.geojson"},
            "network": {"path": "n.parquet"},
            "demand": [{"path": demand}],
            "output": {"dir": str(tmp_path / "out")},
        }
    )


def test_source_digest_follows_the_code_not_the_compiled_files(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub" / "__pycache__").mkdir(parents=True)
    (pkg / "a.py").write_text("X = 1\n")
    (pkg / "sub" / "b.js").write_text("let y = 2;\n")
    (pkg / "sub" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0\1")
    first = tasks.source_digest.__wrapped__(pkg)
    assert first == tasks.source_digest.__wrapped__(pkg)
    (pkg / "sub" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\2\3")
    assert tasks.source_digest.__wrapped__(pkg) == first  # compiled files follow the code
    (pkg / "sub" / "b.js").write_text("let y = 3;\n")  # a map script changed
    changed = tasks.source_digest.__wrapped__(pkg)
    assert changed != first
    shutil.move(pkg / "a.py", pkg / "c.py")  # same content, another module
    assert tasks.source_digest.__wrapped__(pkg) not in (first, changed)


def test_a_code_change_reruns_a_finished_district(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = _audit(tmp_path)
    district = District("D1", "一区", 1, shapely.box(114.0, 30.0, 114.1, 30.1))
    task = tasks.make_task(audit, district, {}, [])
    assert task.digest == tasks.make_task(audit, district, {}, []).digest  # deterministic
    tasks.cio.write_json(
        Path(task.folder) / "audit.json", {"digest": task.digest, "status": "done"}
    )
    assert tasks.previous_record(task) is not None  # unchanged: skipped on a re-run
    monkeypatch.setattr(tasks, "source_digest", lambda: "another checkout of the code")
    again = tasks.make_task(audit, district, {}, [])
    assert again.digest != task.digest
    assert tasks.previous_record(again) is None  # the code changed: the district runs again


def test_a_finished_district_whose_map_was_deleted_runs_again(tmp_path: Path) -> None:
    # Unchanged inputs, but its map.html is gone: reusing the record would link the table and
    # the page to nothing. A district drawn without a map (no facility near) is still reused.
    audit = _audit(tmp_path)
    district = District("D1", "一区", 1, shapely.box(114.0, 30.0, 114.1, 30.1))
    task = tasks.make_task(audit, district, {}, [])
    record = Path(task.folder) / "audit.json"
    tasks.cio.write_json(record, {"digest": task.digest, "status": "done", "map": True})
    assert tasks.previous_record(task) is None
    (Path(task.folder) / "map.html").write_text("<html></html>", encoding="utf-8")
    assert tasks.previous_record(task) is not None
    (Path(task.folder) / "map.html").unlink()
    tasks.cio.write_json(record, {"digest": task.digest, "status": "done", "map": False})
    assert tasks.previous_record(task) is not None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "{scenario}：（顶层）：情景至少需要一个 [[facilities]] 或 [[candidates]] 图层"),
        ("en", "{scenario}: (top level): a scenario needs at least one [[facilities]] or "
               "[[candidates]] layer"),
    ],
)  # fmt: skip
def test_a_failed_districts_error_is_recorded_in_the_audits_language(
    tmp_path: Path, lang: str, expected: str
) -> None:
    audit = _audit(tmp_path, lang=lang)
    district = District("D1", "一区", 1, shapely.box(114.0, 30.0, 114.1, 30.1))
    task = tasks.make_task(audit, district, {}, [])  # a district without facilities: refused
    rec = tasks.run_district(task)
    assert rec["status"] == "failed", rec
    assert rec["error"] == expected.format(scenario=task.scenario)
    assert rec["error_key"] == "error.scenario.line"


@pytest.mark.parametrize(
    "select",
    [{"year": 2020}, {"code": ["1", "2"], "name": ["甲", "乙"]}],
    ids=["other-field", "code-and-names"],
)
def test_a_districts_scenario_keeps_the_audits_selection(
    tmp_path: Path, select: dict[str, Any]
) -> None:
    # Two features share code "1"; the audit's select keeps only the 2020 one (甲). The
    # district's own scenario must read that polygon alone, not both (another district's
    # people), and a select of several values must still find them all before the code.
    new, old = shapely.box(114.25, 30.58, 114.26, 30.59), shapely.box(114.30, 30.55, 114.31, 30.56)
    other = shapely.box(114.26, 30.58, 114.27, 30.59)
    layer = gpd.GeoDataFrame(
        {"code": ["1", "1", "2"], "name": ["甲", "甲旧", "乙"], "year": [2020, 2010, 2020]},
        geometry=[new, old, other],
        crs=4326,
    )
    (tmp_path / "d.geojson").write_text(layer.to_json(), encoding="utf-8")
    for name in ("n.parquet", "p.tif"):  # named only: nothing is run
        (tmp_path / name).touch()
    (tmp_path / "f.csv").write_text("名称,经度,纬度\n甲站,114.255,30.585\n", encoding="utf-8")
    audit = Audit.model_validate(
        {
            "districts": {"path": "d.geojson", "crs": "wgs84", "select": select},
            "network": {"path": "n.parquet"},
            "facilities": [{"path": "f.csv", "crs": "wgs84"}],
            "demand": [{"path": "p.tif"}],
            "output": {"dir": str(tmp_path / "out")},
            "source": tmp_path / "audit.toml",
        }
    )
    first, second = read_districts(audit)
    for district, polygon in ((first, new), (second, other)):
        task = tasks.make_task(audit, district, {}, read_registers(audit))
        area, _ = load_area(load_scenario(task.scenario))
        assert area is not None
        assert area.equals(polygon)


def test_a_failed_districts_error_keeps_every_line_of_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As check_usable words it: a head ending "the first:" and the reasons on the next lines.
    audit = _audit(tmp_path, lang="en")
    task = tasks.make_task(
        audit, District("Z", "江心", 1, shapely.box(114.3, 30.5, 114.4, 30.6)), {}, []
    )
    monkeypatch.setattr(tasks, "load_scenario", lambda _: object())
    monkeypatch.setattr(tasks, "_city_network", lambda _: None)

    def fail(*_: object, **__: object) -> None:
        raise InputError(
            [
                "no usable demand rows in p.tif; the first:",
                "  p.tif, field 'band 1': 4 cells have no data",
            ]
        )

    monkeypatch.setattr("coverage.pipeline.run", fail)
    rec = tasks.run_district(task)
    assert rec["status"] == "failed", rec
    assert rec["error"] == (
        "no usable demand rows in p.tif; the first: p.tif, field 'band 1': 4 cells have no data"
    )


def test_a_district_that_fails_keeps_no_results_of_an_earlier_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = _audit(tmp_path)
    district = District("D1", "一区", 1, shapely.box(114.0, 30.0, 114.1, 30.1))
    task = tasks.make_task(audit, district, {}, [])
    folder = Path(task.folder)
    earlier = ["summary.csv", "map.html", "coverage.xlsx", "run.json", "problems.csv"]
    for name in earlier:  # an earlier run's results, when the district still had streets
        (folder / name).write_text("98 %", encoding="utf-8")
    (folder / "notes.txt").write_text("the planner's own", encoding="utf-8")
    rec = tasks.run_district(task)  # now refused (no facilities)
    assert rec["status"] == "failed", rec
    assert [n for n in earlier if (folder / n).exists()] == []  # no 98 % beside the failure
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "the planner's own"
    assert (folder / "scenario.toml").is_file() and (folder / "audit.json").is_file()


@pytest.mark.realdata
def test_a_district_no_facility_stands_near_is_done_and_nobody_covered(tmp_path: Path) -> None:
    # Not a failure ("facilities_1.csv has no data rows"): the audit's starkest finding.
    districts = write_districts(tmp_path / "d.geojson", {4: "D1"}, off_map=False)
    far = tmp_path / "far.csv"  # one service point 30 km away (江夏)
    far.write_text("名称,层级,经度,纬度\n远处站点,point,114.32,30.35\n", encoding="utf-8")
    text = audit_text(districts, tmp_path / "out")
    text = text.replace(str(SAMPLE / "facilities.xlsx"), str(far))
    (tmp_path / "audit.toml").write_text(text, encoding="utf-8")
    audit = load_audit(tmp_path / "audit.toml")
    (district,) = read_districts(audit)
    task = tasks.make_task(audit, district, tasks.file_digests(audit), read_registers(audit))
    rec = tasks.run_district(task)
    assert rec["status"] == "done", rec
    fig = rec["figures"]
    assert fig["population"] > 1_000 and fig["demand"] > fig["population"]  # + workers
    assert fig["covered"] == 0 and fig["share_any"] == 0 and fig["share_kind:residents"] == 0
    assert fig["workers_uncovered"] == fig["weight_kind:workers"] > 0
    assert fig["facilities_in"] == 0 and fig["facilities_serving"] == 0
    assert fig["facilities_per_10k"] == 0
    assert 0.9 < fig["evaluable_share"] <= 1  # a Jianghan cell: its streets reach nearly all
    assert not (Path(task.folder) / "map.html").exists() and rec["map"] is False
    # its skipped rows are listed, as a run lists them
    problems = pd.read_csv(Path(task.folder) / "problems.csv", encoding="utf-8-sig")
    assert list(problems.columns) == ["文件", "行号", "字段", "问题", "处理"]
    assert (problems["文件"] == str(SAMPLE / "workplaces.csv")).any()
    skipped = pd.read_csv(Path(task.folder) / "skipped_rows.csv", encoding="utf-8-sig")
    gone = problems[(problems["处理"] == "跳过") & problems["行号"].notna()]
    rows = set(zip(gone["文件"], gone["行号"], strict=True))
    assert len(rows) and len(skipped) == len(rows)  # one line per skipped row
    assert set(zip(skipped["文件"], skipped["行号"], strict=True)) == rows
    table = results.district_table(AuditRun(audit, [district], {"D1": rec}))
    assert table.loc[0, "status"] == "done" and table.loc[0, "map"] == ""


def test_register_facilities_in_the_district_the_run_drops_are_noted(tmp_path: Path) -> None:
    # Three register rows stand in the district; the third repeats the second (same name and
    # tier, same place), so the run skips it: 3 registered there, 2 counted, 1 noted.
    districts = write_districts(tmp_path / "d.geojson", {4: "D1"}, off_map=False)
    cell = gpd.read_file(districts).geometry.iloc[0]
    x, y = cell.representative_point().coords[0]
    fac = tmp_path / "fac.csv"
    fac.write_text(
        "名称,层级,经度,纬度\n"
        f"甲站,point,{x:.6f},{y:.6f}\n乙站,point,{x + 0.0005:.6f},{y:.6f}\n"
        f"乙站,point,{x + 0.0005:.6f},{y:.6f}\n",
        encoding="utf-8",
    )
    text = audit_text(districts, tmp_path / "out").replace(
        str(SAMPLE / "facilities.xlsx"), str(fac)
    )
    text = text.replace('crs = "gcj02"', 'crs = "wgs84"')  # the positions as written
    (tmp_path / "audit.toml").write_text(text, encoding="utf-8")
    audit = load_audit(tmp_path / "audit.toml").model_copy(update={"lang": "en"})
    (district,) = read_districts(audit)
    task = tasks.make_task(audit, district, {}, read_registers(audit))
    assert task.registered_in == 3
    rec = tasks.run_district(task)
    assert rec["status"] == "done", rec
    assert rec["figures"]["facilities_in"] == 2
    note = ["excel.audit.note.facilities_unused", {"n": 1, "table": "problems.csv"}]
    assert note in rec["notes"]
    words = results.district_table(AuditRun(audit, [district], {"D1": rec})).loc[0, "note"]
    assert "1 facility of the registers standing in the district is not counted " in words
    assert "(reasons in its problems.csv)" in words
    problems = pd.read_csv(Path(task.folder) / "problems.csv", encoding="utf-8-sig")
    problems.columns = ["file", "row", "field", "problem", "action"]
    mine = problems[problems["file"] == str(fac)]  # the CSV's rows 2-4 (its header is row 1)
    assert mine[["row", "problem"]].values.tolist() == [
        [4, "duplicate of row 3 (same name '乙站', 0.0 m apart)"]
    ]


def test_a_districts_unexpected_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A library's message may span lines; the table's cell and the console line must not.
    audit = _audit(tmp_path)
    task = tasks.make_task(
        audit, District("D1", "一区", 1, shapely.box(114, 30, 114.1, 30.1)), {}, []
    )
    monkeypatch.setattr(tasks, "load_scenario", lambda _: object())
    monkeypatch.setattr(tasks, "_city_network", lambda _: None)

    def fail(*_: object, **__: object) -> None:
        raise ValueError("cannot reindex\n  on an axis with duplicate labels")

    monkeypatch.setattr("coverage.pipeline.run", fail)
    rec = tasks.run_district(task)
    assert rec["status"] == "failed", rec
    assert rec["error"].startswith(
        "ValueError: cannot reindex on an axis with duplicate labels (test_tasks.py:"
    )
    assert "\n" not in rec["error"]


def test_a_district_no_facility_stands_near_without_usable_demand_fails_as_a_run_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No facility within reach is the audit's finding (0 % covered), but no usable demand row
    # leaves nothing to count: the district fails with the reasons, as a district with
    # facilities does, rather than "done" with nobody in it.
    from dataclasses import replace

    from coverage import steps
    from coverage.errors import Problem
    from coverage.inputs.layers import Layers

    audit = _audit(tmp_path, demand="p.csv")
    district = District("D1", "一区", 1, shapely.box(114.0, 30.0, 114.1, 30.1))
    task = replace(tasks.make_task(audit, district, {}, []), served=False)
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=4326))

    def layers(s: Any, net: Any, **_: Any) -> Layers:
        bad = Problem(str(s.input_path(s.demand[0].path)), 2, "weight", "not a number", "skipped")
        return Layers(empty, empty, empty, None, None, problems=[bad])

    # the district's scenario: a register (none within reach) and a demand layer
    scenario = SimpleNamespace(
        facilities=[SimpleNamespace(path="f.csv")],
        demand=[SimpleNamespace(path="p.csv")],
        input_path=lambda p: tmp_path / p,
        lang="en",
        folder=tmp_path,
        source=None,
    )
    monkeypatch.setattr(tasks, "load_scenario", lambda _: scenario)
    monkeypatch.setattr(tasks, "_city_network", lambda _: None)
    monkeypatch.setattr(steps, "load_area", lambda s: (None, None))
    monkeypatch.setattr(steps, "load_network", lambda *_, **__: None)
    monkeypatch.setattr(steps, "read_layers", layers)
    monkeypatch.setattr(steps, "coverage_of", lambda *_: pytest.fail("nothing to count"))
    rec = tasks.run_district(task)
    assert rec["status"] == "failed"
    assert rec["error_key"] == "error.input.no_usable_rows"
    assert "p.csv" in rec["error"] and "not a number" in rec["error"]


@pytest.mark.realdata
def test_a_districts_copy_names_rows_and_reasons_as_the_city_register(tmp_path: Path) -> None:
    # The city register's row 5 holds a longitude formula without a saved value (openpyxl
    # never calculates). The district reads its copy, where that cell is empty: its problem must
    # still be the formula's, at the register's row 5, not "missing longitude" at a copy row.
    import openpyxl

    book = openpyxl.load_workbook(SAMPLE / "facilities.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    formula = f"={sheet.cell(5, header.index('经度') + 1).value}+0"
    sheet.cell(5, header.index("经度") + 1).value = formula
    names = {str(sheet.cell(r, 1).value): r for r in range(2, sheet.max_row + 1)}
    book.save(tmp_path / "fac.xlsx")
    districts = write_districts(tmp_path / "d.geojson", {4: "D1"}, off_map=False)
    text = audit_text(districts, tmp_path / "out").replace(
        str(SAMPLE / "facilities.xlsx"), str(tmp_path / "fac.xlsx")
    )
    (tmp_path / "audit.toml").write_text(text, encoding="utf-8")
    audit = load_audit(tmp_path / "audit.toml").model_copy(update={"lang": "en"})
    audit.output.columns = "keys"  # the tables' own names, as a script reads them
    (district,) = read_districts(audit)
    task = tasks.make_task(audit, district, {}, read_registers(audit))
    rec = tasks.run_district(task)
    assert rec["status"] == "done", rec
    folder = Path(task.folder)
    problems = pd.read_csv(folder / "problems.csv", encoding="utf-8-sig")
    problems.columns = ["file", "row", "field", "problem", "action"]  # as worded: File, Row …
    register = str(tmp_path / "fac.xlsx")
    mine = problems[problems["file"] == register]
    said = f"formula {formula} without a saved value: open and save the file in Excel/WPS"
    at5 = mine[mine["row"] == 5]
    assert at5[["field", "problem", "action"]].values.tolist() == [["经度", said, "Skipped"]]
    assert not problems["file"].str.contains("facilities_1").any()  # no copy row named
    assert not problems["problem"].str.contains("longitude").any()
    # the facilities table names each facility by its row in the register
    facilities = pd.read_csv(folder / "facilities.csv", encoding="utf-8-sig")
    assert len(facilities) > 5
    assert set(facilities["layer"]) == {"fac.xlsx"}
    assert [names[n] for n in facilities["name"]] == facilities["row"].tolist()


@pytest.mark.realdata
def test_a_district_with_facilities_but_nobody_in_it_is_done_with_a_note(tmp_path: Path) -> None:
    # A strip of the Yangtze bank in Jianghan: every raster cell in it is empty (no data) and no
    # workplace stands in it, yet the register's service points stand within reach. Not a
    # failure of the audit ("no usable demand rows"): 0 people, shares not applicable.
    from openpyxl import load_workbook

    river = shapely.box(114.2960, 30.5700, 114.2980, 30.5720)
    layer = gpd.GeoDataFrame({"code": ["E1"], "name": ["江滩"]}, geometry=[river], crs=4326)
    (tmp_path / "d.geojson").write_text(layer.to_json(), encoding="utf-8")
    text = audit_text(tmp_path / "d.geojson", tmp_path / "out")
    (tmp_path / "audit.toml").write_text(text, encoding="utf-8")
    audit = load_audit(tmp_path / "audit.toml")
    (district,) = read_districts(audit)
    task = tasks.make_task(audit, district, {}, read_registers(audit))
    assert task.served  # facilities within reach
    rec = tasks.run_district(task)
    assert rec["status"] == "done", rec
    fig = rec["figures"]
    assert fig["population"] == fig["demand"] == fig["covered"] == 0
    assert fig["weight_kind:residents"] == fig["weight_kind:workers"] == 0
    for share in ("share_any", "share_kind:residents", "evaluable_share", "facilities_per_10k"):
        assert math.isnan(fig[share]), share
    assert rec["notes"] == [["excel.audit.note.no_people", {"table": "problems.csv"}]]
    assert rec["map"] is False
    assert (Path(task.folder) / "problems.csv").is_file()  # the reasons, as the note says
    run = AuditRun(audit, [district], {"E1": rec})
    files = results.write_audit(run)
    ws = load_workbook(files["excel"]).active
    row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]], strict=True))
    assert row["状态"] == "完成" and row["人口"] == 0 and row["总覆盖率"] == "–"
    assert row["说明"].startswith("区内无人：") and row["说明"].endswith("覆盖率不适用")
    (feature,) = choropleth_data(run, results.district_table(run))["features"]
    assert feature["value"] is None  # grey: no result, neither 0 % nor 100 %
    assert ["总覆盖率", "–"] in feature["rows"]


@pytest.mark.realdata
def test_a_district_whose_demand_rows_are_all_broken_fails_naming_the_register(
    tmp_path: Path,
) -> None:
    # Rows 2 and 3 of the city's register stand in the district with weights that are not
    # numbers; row 4 is 30 km away. The error names the register and its rows, not the
    # district's copy (inputs/demand_1.csv).
    import re

    subs = gpd.read_file(SAMPLE / "subdistricts.geojson")
    inside = subs.geometry.iloc[4].representative_point()
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "name,lon,lat,workers\n"
        f"a,{inside.x},{inside.y},many\nb,{inside.x + 1e-4},{inside.y},?\nc,114.32,30.35,5\n",
        encoding="utf-8",
    )
    districts = write_districts(tmp_path / "d.geojson", {4: "D1"}, off_map=False)
    text = audit_text(districts, tmp_path / "out").replace(
        str(SAMPLE / "workplaces.csv"), str(jobs)
    )
    text = re.sub(r'\[\[demand\]\]\npath = "[^"]*\.tif"\nband = 1\nkind = "residents"\n', "", text)
    (tmp_path / "audit.toml").write_text(text, encoding="utf-8")
    audit = load_audit(tmp_path / "audit.toml").model_copy(update={"lang": "en"})
    (district,) = read_districts(audit)
    registers = read_registers(audit) + read_registers(audit, "demand")
    rec = tasks.run_district(tasks.make_task(audit, district, {}, registers))
    assert rec["status"] == "failed" and rec["error_key"] == "error.input.no_usable_rows", rec
    assert rec["error"].startswith("no usable demand rows in jobs.csv"), rec["error"]
    assert f"{jobs}, row 2, field 'workers'" in rec["error"]
    assert f"{jobs}, row 3, field 'workers'" in rec["error"]
    assert "demand_1.csv" not in rec["error"] and "inputs" not in rec["error"]


@pytest.mark.realdata
def test_a_district_runs_with_the_audits_network_cache_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The audit keeps its network cache in its own folder and is run from elsewhere: allowed
    # for the audit file, so each district (whose scenario file lies in its own folder) runs.
    root, elsewhere = tmp_path / "audit", tmp_path / "cwd"
    root.mkdir()
    elsewhere.mkdir()
    districts = write_districts(root / "d.geojson", {4: "D1"}, off_map=False)
    text = audit_text(districts, root / "out").replace(
        "[network]\n", '[network]\ncache_dir = "netcache"\n'
    )
    (root / "audit.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    audit = load_audit(root / "audit.toml")
    (district,) = read_districts(audit)
    task = tasks.make_task(audit, district, tasks.file_digests(audit), read_registers(audit))
    assert 'cache_dir = "' + str(root / "netcache") + '"' in Path(task.scenario).read_text("utf-8")
    rec = tasks.run_district(task)
    assert rec["status"] == "done", rec
    assert list(elsewhere.iterdir()) == []  # nothing written in the working directory


def test_a_districts_hash_follows_its_inputs_content_not_their_paths(tmp_path: Path) -> None:
    # Every input moved to another folder and renamed, same bytes: the district is not run
    # again. A changed register row near it, or a changed street file, runs it again.
    box = shapely.box(114.25, 30.58, 114.26, 30.59)
    layer = gpd.GeoDataFrame({"code": ["1"], "name": ["甲"]}, geometry=[box], crs=4326)
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    (here / "d.geojson").write_text(layer.to_json(), encoding="utf-8")
    (here / "n.parquet").write_bytes(b"streets")  # named only: nothing is run
    (here / "p.tif").write_bytes(b"people")
    (here / "f.csv").write_text("名称,经度,纬度\n甲站,114.255,30.585\n", encoding="utf-8")

    def digest(folder: Path, names: dict[str, str]) -> str:
        audit = Audit.model_validate(
            {
                "districts": {"path": str(folder / names["d"]), "crs": "wgs84"},
                "network": {"path": str(folder / names["n"])},
                "facilities": [{"path": str(folder / names["f"]), "crs": "wgs84"}],
                "demand": [{"path": str(folder / names["p"])}],
                "output": {"dir": str(tmp_path / "out")},
                "source": tmp_path / "audit.toml",
            }
        )
        (district,) = read_districts(audit)
        return tasks.make_task(
            audit, district, tasks.file_digests(audit), read_registers(audit)
        ).digest

    old = {"d": "d.geojson", "n": "n.parquet", "f": "f.csv", "p": "p.tif"}
    new = {"d": "区.geojson", "n": "streets.parquet", "f": "阵地.csv", "p": "pop.tif"}
    first = digest(here, old)
    for key, name in old.items():
        shutil.move(here / name, there / new[key])
    assert digest(there, new) == first
    (there / new["f"]).write_text("名称,经度,纬度\n甲站,114.256,30.585\n", encoding="utf-8")
    moved_row = digest(there, new)
    assert moved_row != first
    (there / new["n"]).write_bytes(b"other streets")
    assert digest(there, new) not in (first, moved_row)


def test_an_earlier_result_that_cannot_be_removed_fails_the_district_in_one_line(
    tmp_path: Path,
) -> None:
    # A district's coverage.xlsx open in Excel (here a folder in its place, which unlink cannot
    # remove either): that district fails with one line naming the file, "never raises".
    audit = _audit(tmp_path, lang="en")
    district = District("D1", "一区", 1, shapely.box(114.0, 30.0, 114.1, 30.1))
    task = tasks.make_task(audit, district, {}, [])
    stuck = Path(task.folder) / "coverage.xlsx"
    stuck.mkdir()
    (Path(task.folder) / "summary.csv").write_text("98 %", encoding="utf-8")
    rec = tasks.run_district(task)
    assert rec["status"] == "failed", rec
    assert rec["error"].startswith(f"{stuck}: left by an earlier run"), rec
    assert not (Path(task.folder) / "summary.csv").exists()  # what can go goes
    assert (Path(task.folder) / "audit.json").is_file()
