"""Column names: the scenario's mapping, recognised aliases, datum tags in names."""

from __future__ import annotations

from pathlib import Path

import pytest

from coverage.errors import InputError
from coverage.inputs.columns import ALIASES, describe_columns, is_totals, normalize_column
from coverage.inputs.points import read_points

from .helpers import (
    write_csv,
)

# --- columns -------------------------------------------------------------------------------------


def test_scenario_mapping_wins_and_is_reported(tmp_path: Path) -> None:
    text = "站名,东,北,名称\nA,106.53,29.57,ignored\n"
    path = write_csv(tmp_path / "m.csv", text)
    gdf, _ = read_points(path, columns={"name": "站名", "lon": "东", "lat": " 北 "})
    assert gdf["name"].tolist() == ["A"]
    assert gdf.attrs["columns"] == {"name": "站名", "lon": "东", "lat": "北"}
    assert gdf.attrs["columns_source"] == {"name": "scenario", "lon": "scenario", "lat": "scenario"}
    assert gdf.attrs["unused_columns"] == ["名称"]
    assert "name ← '站名' (scenario)" in describe_columns(gdf)
    with pytest.raises(InputError, match="column '站点' .mapped to name. not found") as err:
        read_points(path, columns={"name": "站点", "lon": "东", "lat": "北"})
    assert str(err.value.field) == "站点"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("经度（WGS84）", "lon"),
        ("Longitude", "lon"),
        ("LNG", "lon"),
        ("X坐标", "lon"),
        ("纬度(°)", "lat"),
        ("Y坐标", "lat"),
        ("站点名称", "name"),
        ("单位名称", "name"),
        ("社区名称", "name"),  # a candidate register of community centres
        ("驿站名称", "name"),
        ("详细地址", "address"),
        ("站点类型", "type"),
        ("级别", "tier"),
        ("服务内容", "services"),
        ("容量", "capacity"),
        ("容纳人数（人）", "capacity"),
        ("阵地层级", "tier"),
        ("设施层级", "tier"),
        ("从业人员", "weight"),
        ("职工人数（人）", "weight"),
        ("面积（㎡）", "area"),
        ("所属街道", "subdistrict"),
        ("\u200b经度\u200b", "lon"),  # copied from a web page with zero-width spaces
        ("\ufeff纬度", "lat"),
    ],
)
def test_aliases(header: str, field: str) -> None:
    base = normalize_column(header)
    assert base in {normalize_column(a) for a in ALIASES[field]}


def test_datum_tagged_columns_follow_declared_crs(tmp_path: Path) -> None:
    # Like the Chongqing metro file: GCJ-02 "Longitude" beside converted "WGS84_Lng".
    text = (
        "Name,Longitude,Latitude,WGS84_Lng,WGS84_Lat\nA,106.532469,29.573462,106.52871,29.576263\n"
    )
    path = write_csv(tmp_path / "two.csv", text)
    wgs, notes = read_points(path)
    assert wgs.attrs["columns"]["lon"] == "WGS84_Lng"
    assert [n.action for n in notes] == ["kept", "kept"]
    assert "several columns could be 'lon': ['WGS84_Lng', 'Longitude']" in notes[0].message
    gcj, _ = read_points(path, crs="gcj02")
    assert gcj.attrs["columns"]["lon"] == "Longitude"
    assert gcj.geometry.x[0] == pytest.approx(106.52871, abs=2e-5)


def test_column_tag_contradicting_crs_is_a_warning(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "g.csv", "name,gcj02_lng,gcj02_lat\nA,106.53,29.57\n")
    gdf, problems = read_points(path)
    assert len(gdf) == 1
    assert any(
        p.row is None and p.action == "kept" and "looks like GCJ-02" in p.message for p in problems
    )


def test_totals_words_are_whole_names_only() -> None:
    totals = ["合计", " 合　计 ", "\u3000总计", "小计", "共计", "Total", "TOTAL", "\u200b合计"]
    places = ["合计驿站", "总计划局", "Total Station", "", None, "计"]
    assert [is_totals(v) for v in totals] == [True] * len(totals)
    assert [is_totals(v) for v in places] == [False] * len(places)
