"""The printable map's words: key figures, data sources by file name, the footer's lines."""

from __future__ import annotations

from coverage.figures.print_notes import footer_lines, kpi_rows, print_sources
from coverage.scenario import load_scenario

KPIS = {
    "share_centre": 0.404,
    "share_any": 0.885,
    "share_cross": 0.5,
    "share_circle": 0.97,
    "uncovered_weight": 12345.4,
    "total_weight": 100000.0,
    "kind_share:residents": 0.915,
    "kind_uncovered:residents": 5678.0,
    "kind_share:workers": 0.8049,
    "kind_uncovered:workers": 6667.5,
    "share_outdoor_station": 0.06,
}


def test_kpi_rows_percentages_and_people():
    thresholds = {"centre": 15, "outdoor_station": 10}
    assert kpi_rows(KPIS, "zh", thresholds) == [
        ("任一设施覆盖人口占比", "88.5%"),  # one decimal, as on the map and in the report
        ("未覆盖人数", "12,345人"),
        ("居住地（居民）覆盖率", "91.5%"),
        ("居住地（居民）未覆盖人数", "5,678人"),
        ("工作地（就业）覆盖率", "80.5%"),
        ("工作地（就业）未覆盖人数", "6,668人"),
        ("服务中心（≤15分钟）", "40.4%"),
        ("户外劳动者驿站（≤10分钟）", "6.0%"),
    ]
    assert kpi_rows(KPIS, "en", thresholds)[:4] == [
        ("People covered by any facility", "88.5%"),
        ("People not covered", "12,345"),
        ("Residents (at home): covered", "91.5%"),
        ("Residents (at home): not covered", "5,678"),
    ]
    assert kpi_rows({}, "zh") == []


def test_sources_name_files_not_folders(tmp_path):
    folder = tmp_path / "规划科" / "数据"
    toml = tmp_path / "s.toml"
    toml.write_text(
        f'name = "s"\n[area]\npath = "{(folder / "area.geojson").as_posix()}"\n'
        'subdistricts = "subs.geojson"\n'
        f'[network]\npath = "{(folder / "streets.parquet").as_posix()}"\n'
        f'[[facilities]]\npath = "{(folder / "站点.xlsx").as_posix()}"\n'
        '[[facilities]]\npath = "more.csv"\n'
        '[[demand]]\npath = "worldpop_jianghan.tif"\nkind = "residents"\n'
        '[[demand]]\npath = "jobs.csv"\nweight = "workers"\n',
        encoding="utf-8",
    )
    folder.mkdir(parents=True)
    for name in ("area.geojson", "streets.parquet", "站点.xlsx"):
        (folder / name).touch()  # the scenario checks that its inputs exist, not more
    for name in ("subs.geojson", "more.csv", "worldpop_jianghan.tif", "jobs.csv"):
        (tmp_path / name).touch()
    s = load_scenario(toml)
    assert print_sources(s, "zh", landcover=True) == [
        "步行路网：streets.parquet、© OpenStreetMap contributors",
        "设施名录：站点.xlsx、more.csv",
        "居住地（居民）：worldpop_jianghan.tif、WorldPop (worldpop.org)",
        "工作地（就业）：jobs.csv",
        "边界：area.geojson、subs.geojson",
        "水域与绿地：© OpenStreetMap contributors",
    ]
    en = print_sources(s, "en")
    assert en[0] == "walking network: streets.parquet, © OpenStreetMap contributors"
    assert len(en) == 5 and not any(str(tmp_path) in x or "规划科" in x for x in en)


def test_sources_of_a_download(tmp_path):
    toml = tmp_path / "s.toml"
    (tmp_path / "f.csv").touch()
    toml.write_text(
        'name = "s"\n[network]\nplace = "江北区, 重庆市, 中国"\n[[facilities]]\npath = "f.csv"\n',
        encoding="utf-8",
    )
    assert print_sources(load_scenario(toml), "en") == [
        "walking network: OpenStreetMap download: 江北区, 重庆市, 中国, © OpenStreetMap contributors",
        "facility register: f.csv",
    ]


def test_footer_wraps_long_sources():
    sources = [f"layer{k}: file_{k}.csv" for k in range(12)]
    lines = footer_lines("en", "2026-12-04", sources, 4.5, width=60)
    assert lines[0] == (
        "Coordinates: WGS-84; Method: walking time along the street network at 4.5 km/h; "
        "Date: 2026-12-04"
    )
    assert all(len(line) <= 60 for line in lines[1:]) and len(lines) > 3
    # Broken at spaces: nothing lost, no word cut.
    assert " ".join(lines[1:]) == "Data sources: " + "; ".join(sources)
    zh = footer_lines("zh", "", ["步行路网：很长的文件名" * 4], None, width=30)
    assert zh[0] == "坐标：WGS-84" and all(sum(1 + (not c.isascii()) for c in x) <= 30 for x in zh)
    assert "".join(zh[1:]) == "数据来源：" + "步行路网：很长的文件名" * 4
