"""The district layer: a district whose polygon is skipped is listed as not audited, never lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from typer.testing import CliRunner

import coverage.audit
from coverage.audit import load_audit, read_districts
from coverage.audit.outcome import AuditRun
from coverage.audit.results import write_audit
from coverage.audit.runner import not_audited
from coverage.cli import app
from coverage.errors import InputError
from tests.audit.conftest import audit_text, write_districts

pytestmark = pytest.mark.realdata


def _null_second(tmp_path: Path) -> Path:
    """The small audit with the second district's (D2's) geometry set to null."""
    districts = write_districts(tmp_path / "districts.geojson")
    data: dict[str, Any] = json.loads(districts.read_text(encoding="utf-8"))
    assert data["features"][1]["properties"]["code"] == "D2"
    data["features"][1]["geometry"] = None
    districts.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(districts, tmp_path / "results"), encoding="utf-8")
    return path


def test_a_district_without_geometry_is_kept_with_its_reason(tmp_path: Path) -> None:
    districts = read_districts(load_audit(_null_second(tmp_path)))
    assert [d.code for d in districts] == ["D1", "D2", "D3", "X9"]  # file order, none lost
    d2 = districts[1]
    assert d2.geometry is None and d2.row == 2
    assert all(d.geometry is not None and d.skipped is None for d in districts if d is not d2)
    assert d2.skipped is not None
    gj = tmp_path / "districts.geojson"
    assert (
        d2.skipped.to_error().text("en")
        == f"{gj}, row 2, field 'geometry': missing geometry; skipped"
    )
    rec = not_audited(d2, "zh")
    assert rec["status"] == "skipped"
    assert rec["error"] == f"{gj}，第 2 行，字段“几何图形”：缺少几何位置；已跳过"


def _run(tmp_path: Path, lang: str = "zh") -> AuditRun:
    """The audit's outputs as if D1, D3 and X9 were done: D2 has no polygon (no dask needed)."""
    audit = load_audit(_null_second(tmp_path))
    audit.lang = lang
    districts = read_districts(audit)
    records = {d.code: {"status": "done", "figures": {"share_any": 0.5}} for d in districts}
    records["D2"] = not_audited(districts[1], lang)
    return AuditRun(audit, districts, records)


def test_outputs_list_the_district_as_not_audited(tmp_path: Path) -> None:
    run = _run(tmp_path)
    files = write_audit(run)
    reason = run.records["D2"]["error"]
    csv = pd.read_csv(files["csv"], encoding="utf-8-sig", keep_default_na=False)
    assert list(csv["代码"]) == ["D1", "D2", "D3", "X9"]
    assert list(csv["状态"]) == ["完成", "未评估", "完成", "完成"]
    assert csv.loc[1, "错误"] == reason
    xlsx = pd.read_excel(files["excel"], keep_default_na=False)
    assert xlsx.loc[1, "状态"] == "未评估" and xlsx.loc[1, "错误"] == reason
    html = files["map"].read_text(encoding="utf-8")
    blob = html.split('id="data">', 1)[1].split("</script>", 1)[0]
    feature = json.loads(blob)["features"][1]
    assert feature["name"] == f"{run.districts[1].name} (D2)"
    assert feature["rings"] == [] and feature["done"] is False
    assert ["状态", "未评估"] in feature["rows"] and ["错误", reason] in feature["rows"]


def test_console_names_file_row_and_field_and_exit_is_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _run(tmp_path, "en")
    monkeypatch.setattr(coverage.audit, "run_audit", lambda *a, **k: run)
    res = CliRunner().invoke(app, ["audit", str(tmp_path / "audit.toml"), "--lang", "en"])
    assert res.exit_code == 1  # not every district audited: as for a failed district
    gj = tmp_path / "districts.geojson"
    name = run.districts[1].name
    line = f"not audited {name} (D2): {gj}, row 2, field 'geometry': missing geometry; skipped"
    assert line in res.output.splitlines()
    assert "3 of 4 districts done" in res.output


def test_an_empty_district_layer_says_so(tmp_path: Path) -> None:
    path = _null_second(tmp_path)
    gj = tmp_path / "districts.geojson"
    gj.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    res = CliRunner().invoke(app, ["audit", str(path)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert res.output.strip().splitlines() == [f"错误：{gj}：图层中没有要素（文件或图层为空）"]
    with pytest.raises(InputError) as e:
        read_districts(load_audit(path))
    assert str(e.value) == f"{gj}: the layer has no features (an empty file or layer)"


def test_a_district_folder_stays_inside_the_districts_folder() -> None:
    from coverage.audit.districts import folder_name

    assert folder_name("420103") == "420103" and folder_name("a/b c") == "a_b_c"
    # "." and ".." would be the districts folder itself and the audit's own folder.
    assert folder_name("..") == "__" and folder_name(".") == "_" and folder_name(" .. ") == "_.._"
    assert folder_name("../..") == ".._.." and folder_name("..a") == "..a"
    # A code too long for a file name (255 bytes) is cut and keeps a hash: still one per code.
    long = [folder_name("区" * 300), folder_name("区" * 301), folder_name("x" * 100_000)]
    assert all(len(n.encode()) <= 255 for n in long) and len(set(long)) == 3
    assert long[0].startswith("区" * 40)


def test_a_skipped_district_of_a_gbk_shapefile_keeps_its_name(tmp_path: Path) -> None:
    # The attributes read again for a district without a polygon are decoded as the rest.
    districts = write_districts(tmp_path / "districts.geojson")
    gdf = gpd.read_file(districts)
    gdf.loc[1, "name"] = "汉阳区"
    gdf.loc[1, "geometry"] = None
    gdf.to_file(tmp_path / "d.shp", encoding="gbk")
    (tmp_path / "d.cpg").unlink(missing_ok=True)
    path = tmp_path / "audit.toml"
    text = audit_text(districts, tmp_path / "results")
    path.write_text(text.replace(str(districts), str(tmp_path / "d.shp")), encoding="utf-8")
    got = read_districts(load_audit(path))
    assert [(d.code, d.name, d.geometry is None) for d in got][:2] == [
        ("D1", gdf.loc[0, "name"], False),
        ("D2", "汉阳区", True),
    ]


def _split(tmp_path: Path, name: str | None = None) -> Path:
    """The small audit with its third feature given D2's code (and D2's name, or ``name``)."""
    districts = write_districts(tmp_path / "districts.geojson")
    data: dict[str, Any] = json.loads(districts.read_text(encoding="utf-8"))
    second, third = (f["properties"] for f in data["features"][1:3])
    third.update(code="D2", name=second["name"] if name is None else name)
    districts.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    path = tmp_path / "audit.toml"
    path.write_text(audit_text(districts, tmp_path / "results"), encoding="utf-8")
    return path


def test_the_parts_of_one_district_are_one_district(tmp_path: Path) -> None:
    # A DataV file may split a multi-part district into features of the same code and name:
    # they were refused ("codes must be unique"); they are one district, audited once.
    path = _split(tmp_path)
    gj = tmp_path / "districts.geojson"
    cells = gpd.read_file(gj).to_crs(32650)  # the two cells (rows 2, 3) touch, never overlap
    got = read_districts(load_audit(path))
    assert [d.code for d in got] == ["D1", "D2", "X9"]
    d2 = got[1]
    assert d2.row == 2 and d2.name == cells.loc[1, "name"] and d2.skipped is None
    area = gpd.GeoSeries([d2.geometry], crs=4326).to_crs(32650).area.iloc[0]
    assert area == pytest.approx(cells.area.iloc[1] + cells.area.iloc[2], rel=1e-6)
    (note,) = d2.problems
    assert note.to_error().text("en") == (
        f"{gj}, field 'code': 2 features share the code 'D2' and name '{d2.name}' (rows 2, 3): "
        "audited as one district, their polygons joined, as the parts of one district should be"
    )
    # a part without a polygon: the rest is audited, the part's reason kept
    data: dict[str, Any] = json.loads(gj.read_text(encoding="utf-8"))
    data["features"][1]["geometry"] = None
    gj.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    d2 = read_districts(load_audit(path))[1]
    area = gpd.GeoSeries([d2.geometry], crs=4326).to_crs(32650).area.iloc[0]
    assert d2.skipped is None and area == pytest.approx(cells.area.iloc[2], rel=1e-6)
    assert [(p.row, p.action) for p in d2.problems] == [(2, "skipped"), (None, "kept")]


def test_one_code_for_districts_of_different_names_is_refused(tmp_path: Path) -> None:
    path = _split(tmp_path, name="汉阳区")
    with pytest.raises(InputError) as e:
        read_districts(load_audit(path))
    gj = tmp_path / "districts.geojson"
    name = gpd.read_file(gj).loc[1, "name"]
    assert e.value.text("en") == (
        f"{gj}, row 3, field 'code': code 'D2' is also the code of row 2, named '{name}': the "
        "parts of one district share its code and name, different districts need different codes"
    )


def test_a_hostile_district_name_and_code_are_read_clean(tmp_path: Path) -> None:
    # A name copied from a web page or a chat: a right-to-left override, a zero-width space,
    # a terminal escape and a line break; a code with a bell and a tab in it. Each is read as a
    # register cell is (invisible characters out) and on one line (control characters a space):
    # districts.csv, the map and each district's own scenario show the clean text, its folder
    # is a safe name, and its code still selects its polygon in the district file.
    from coverage.audit import tasks
    from coverage.audit.registers import read_registers
    from coverage.inputs.area import load_area
    from coverage.scenario import load_scenario

    path = _null_second(tmp_path)
    gj = tmp_path / "districts.geojson"
    data: dict[str, Any] = json.loads(gj.read_text(encoding="utf-8"))
    props = data["features"][0]["properties"]
    props["name"] = " 江\u202e汉\u200b\x1b[31m区\r\n"
    props["code"] = "D\x07\t1"
    gj.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    audit = load_audit(path)
    districts = read_districts(audit)
    first = districts[0]
    assert (first.code, first.name) == ("D 1", "江汉 [31m区")
    records = {d.code: {"status": "done", "figures": {"share_any": 0.5}} for d in districts}
    records["D2"] = not_audited(districts[1], "zh")
    files = write_audit(AuditRun(audit, districts, records))
    csv = files["csv"].read_text(encoding="utf-8-sig")
    assert "D 1,江汉 [31m区," in csv
    html = files["map"].read_text(encoding="utf-8")
    for text in (csv, html):
        assert not any(c in text for c in "\u202e\u200b\x1b\x07\t\r")
    task = tasks.make_task(audit, first, {}, read_registers(audit))
    assert Path(task.folder).name == "D_1"
    scenario = load_scenario(task.scenario)
    assert scenario.title.endswith("江汉 [31m区")
    area, _ = load_area(scenario)
    assert area is not None and area.equals(first.geometry)
