"""Coordinates people can paste: the sample's tables give GCJ-02 (Amap) beside WGS-84.

The sample's facility register is GCJ-02 (copied from Amap). Whatever the run does inside
(WGS-84), the centre must come back in every table at the register's own coordinates, so a
planner can paste them into Amap and land on the same spot.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from coverage import export, export_people, pipeline
from coverage.errors import ScenarioError
from coverage.planning import PlanRun
from coverage.report import sections
from coverage.report.after import after_plan
from coverage.report.sections import sites_table
from coverage.table_words import header, sheet_name

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "wuhan"
GEOD = Geod(ellps="WGS84")
PAIRS = ["gcj02_lon", "gcj02_lat", "wgs84_lon", "wgs84_lat"]


def _csv(path: Path, lang: str = "zh") -> pd.DataFrame:
    """A table as people open it (headers in ``lang``), its coordinate and name columns keyed."""
    keys = {header(k, lang): k for k in [*PAIRS, "name"]}
    return pd.read_csv(path, encoding="utf-8-sig").rename(columns=keys)


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> SimpleNamespace:
    """The sample run and a 3-site plan, written to a temporary folder (default datum)."""
    tmp = tmp_path_factory.mktemp("sample")
    s = pipeline.load_scenario(SAMPLE / "scenario.toml")
    s.set_output("dir", tmp / "out")
    s.set_output("map", tmp / "w.html")
    run = pipeline.run(s, write=True)
    plan = pipeline.plan(s, tier="point", add=3, before=run, map_path=tmp / "p.html")
    reg = pd.read_excel(SAMPLE / "facilities.xlsx")
    (centre,) = reg.loc[reg["层级"] == "centre", ["名称", "经度", "纬度"]].itertuples(index=False)
    return SimpleNamespace(run=run, plan=plan, out=tmp / "out", centre=centre, tmp=tmp)


def _check_centre(row: pd.Series | dict, centre: tuple) -> None:
    """GCJ-02 is the register's value (≤ 0.5 m); WGS-84 is the usual GCJ offset away."""
    _, lon, lat = centre
    assert _metres(row["gcj02_lon"], row["gcj02_lat"], lon, lat) <= 0.5
    # The measurement: the centre came back 586 m away in WGS-84.
    assert 400 < _metres(row["wgs84_lon"], row["wgs84_lat"], lon, lat) < 700


def test_the_centre_comes_back_at_its_register_coordinates(sample) -> None:
    fac = _csv(sample.out / "facilities.csv")
    assert fac.columns[:4].tolist() == PAIRS  # [output] datum = "gcj02" (the default) first
    (row,) = fac[fac["name"] == sample.centre[0]].to_dict("records")
    _check_centre(row, sample.centre)
    for name in ("demand.csv", "uncovered.csv"):
        cols = _csv(sample.out / name).columns
        assert cols[:4].tolist() == PAIRS, name

    # The workbook: Chinese headers naming the datum, same numbers.
    ws = openpyxl.load_workbook(sample.out / "coverage.xlsx")["服务设施"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:4] == [
        "高德经度（GCJ-02）",
        "高德纬度（GCJ-02）",
        "经度（WGS-84）",
        "纬度（WGS-84）",
    ]
    (xrow,) = [r for r in rows[1:] if sample.centre[0] in r]
    _check_centre(dict(zip(PAIRS, xrow[:4], strict=True)), sample.centre)

    # The map's popup of the centre: both pairs, Amap's first, as "lon,lat".
    html = (sample.tmp / "w.html").read_text(encoding="utf-8")
    gcj = f"{row['gcj02_lon']:.6f},{row['gcj02_lat']:.6f}"  # as Amap's search box takes it
    wgs = f"{row['wgs84_lon']:.6f},{row['wgs84_lat']:.6f}"
    assert html.count(gcj) == 1 and html.index("高德坐标（GCJ-02）") < html.index(gcj)
    assert html.index(gcj) < html.index(wgs)


def test_proposed_sites_have_both_pairs(sample) -> None:
    prop = _csv(sample.out / "plan" / "proposed_sites.csv")
    assert len(prop) == 3 and set(PAIRS) <= set(prop.columns)
    geo = sample.plan.proposed.geometry
    assert prop["wgs84_lon"].tolist() == pytest.approx(geo.x.tolist(), abs=1e-6)
    for r in prop.itertuples():
        # GCJ-02 is a few hundred metres from WGS-84 in Wuhan, never the same point.
        assert 300 < _metres(r.gcj02_lon, r.gcj02_lat, r.wgs84_lon, r.wgs84_lat) < 800
    ws = openpyxl.load_workbook(sample.out / "plan" / "plan.xlsx")["建议新增站点"]
    head = [c.value for c in ws[1]]
    assert {"高德经度（GCJ-02）", "经度（WGS-84）"} <= set(head)

    # The report's table: "lon,lat" per datum, Amap's first, as the CSV has them.
    html = sites_table(sample.run, after_plan(sample.run, sample.plan, catchments=False), "zh")
    assert html.index("高德坐标（GCJ-02）") < html.index("坐标（WGS-84）")
    for r in prop.itertuples():
        assert f"{r.gcj02_lon:.6f},{r.gcj02_lat:.6f}" in html
        assert f"{r.wgs84_lon:.6f},{r.wgs84_lat:.6f}" in html
    # The plan map's popups of the proposed sites give both pairs too.
    page = (sample.tmp / "p.html").read_text(encoding="utf-8")
    for r in prop.itertuples():
        assert f"{r.gcj02_lon:.6f},{r.gcj02_lat:.6f}" in page
        assert f"{r.wgs84_lon:.6f},{r.wgs84_lat:.6f}" in page


def test_output_datum_wgs84_puts_its_pair_first_in_english_too(sample) -> None:
    s = sample.run.scenario.model_copy(deep=True)
    s.set_output("datum", "wgs84")
    s.set_output("dir", sample.tmp / "wgs")
    s.set_output("map", sample.tmp / "wgs.html")
    s.lang = "en"
    pipeline.write_results(dataclasses.replace(sample.run, scenario=s))
    fac = _csv(sample.tmp / "wgs" / "facilities.csv", "en")
    assert fac.columns[:4].tolist() == PAIRS[2:] + PAIRS[:2]
    (row,) = fac[fac["name"] == sample.centre[0]].to_dict("records")
    _check_centre(row, sample.centre)
    ws = openpyxl.load_workbook(sample.tmp / "wgs" / "coverage.xlsx")["Facilities"]
    assert [c.value for c in ws[1]][:4] == [
        "Longitude (WGS-84)",
        "Latitude (WGS-84)",
        "Amap longitude (GCJ-02)",
        "Amap latitude (GCJ-02)",
    ]


def test_columns_keys_keep_the_program_names_and_labels_are_words(sample) -> None:
    s = sample.run.scenario.model_copy(deep=True)
    s.set_output("columns", "keys")
    s.set_output("dir", sample.tmp / "keys")
    s.set_output("map", sample.tmp / "keys.html")
    pipeline.write_results(dataclasses.replace(sample.run, scenario=s))
    keys = pd.read_csv(sample.tmp / "keys" / "facilities.csv", encoding="utf-8-sig")
    labels = pd.read_csv(sample.out / "facilities.csv", encoding="utf-8-sig")
    # keys: the program's names and codes, every column; labels: words, internal columns out
    assert {"fid", "tier", "snap_m", "workers_reached"} <= set(keys.columns)
    assert set(keys["tier"]) <= {"centre", "subcentre", "point", "outdoor_station"}
    assert "fid" not in labels.columns and header("fid") not in labels.columns
    words = {"centre": "服务中心", "subcentre": "分中心", "point": "服务站点"}
    words["outdoor_station"] = "户外劳动者驿站"
    assert labels["层级"].tolist() == keys["tier"].map(words).tolist()
    # the same rows and numbers, rounded as the workbook shows them
    assert labels["步行范围内人数"].tolist() == keys["workers_reached"].round().astype(int).tolist()
    assert labels["距街道距离（米）"].tolist() == keys["snap_m"].round(1).tolist()
    assert set(labels["已接入路网"]) <= {"是", "否"} and set(keys["snapped"]) <= {True, False}
    # GeoPackage: layer names in words with labels, the program's with keys
    assert {n for n, _ in pyogrio.list_layers(sample.tmp / "keys" / "coverage.gpkg")} >= {
        "facilities", "demand", "catchments", "tier_catchments",
    }  # fmt: skip
    named = {n for n, _ in pyogrio.list_layers(sample.out / "coverage.gpkg")}
    assert {"服务设施", "需求点", "各设施步行范围", "各层级步行范围"} <= named
    with pytest.raises(
        ScenarioError, match=r"\[output\] columns words: must be one of 'labels' or 'keys'"
    ):
        s.set_output("columns", "words")


def test_raster_cell_share_is_not_called_coverage(sample) -> None:
    # A WorldPop point carries the share of its cell inside the district, not a coverage share:
    # a whole cell (1.0) that no facility reaches must not read "覆盖率 100%" beside "否".
    cell, share = "栅格像元在区内比例", header("share")
    assert header("cell_share", "en") == "Share of raster cell inside area"
    assert header("cell_share") == cell
    demand = pd.read_csv(sample.out / "demand.csv", encoding="utf-8-sig")
    uncovered = pd.read_csv(sample.out / "uncovered.csv", encoding="utf-8-sig")
    for table in (demand, uncovered):
        assert cell in table.columns and share not in table.columns
    whole_gaps = uncovered[(uncovered[cell] == 1.0) & (uncovered["是否覆盖"] == "否")]
    assert len(whole_gaps) > 0  # the case the old header made look covered
    residents = demand[demand["人群"] == "居住地（居民）"]
    assert residents[cell].between(0, 1, inclusive="right").all()
    assert demand.loc[demand["人群"] != "居住地（居民）", cell].isna().all()  # workers: none
    ws = openpyxl.load_workbook(sample.out / "coverage.xlsx", read_only=True)["未覆盖需求点"]
    heads = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert cell in heads and share not in heads
    fields = pyogrio.read_info(sample.out / "coverage.gpkg", layer="需求点")["fields"]
    assert cell in fields and share not in fields


def test_skipped_rows_agree_with_the_file(sample) -> None:
    # The sample skips no input row: its only skip is the WorldPop layer's nodata cells, 300 of
    # the 4,124 cells in the district (4,124 - 3,824 used), and two rows are kept with warnings.
    skipped = pd.read_csv(sample.out / "skipped_rows.csv", encoding="utf-8-sig")
    record = json.loads((sample.out / "run.json").read_text(encoding="utf-8"))
    assert len(skipped) == 0 and record["rows_skipped"] == 0
    assert record["layer_skips"] == [
        "worldpop_jianghan.tif: 300 cells inside the area hold no data; skipped"
    ]
    notes = sections.data_notes(sample.run, "zh", [])
    assert "共跳过" not in notes
    assert "没有跳过任何输入行；另有 2 条警告（数据已保留）" in notes
    assert (
        "worldpop_jianghan.tif：研究区内有 300 个像元没有数据；已跳过（整个图层的数据，不按行计数）"
        in notes
    )


def test_row_numbers_print_as_whole_numbers(sample) -> None:
    # demand.csv mixes WorldPop points (raster cell, no row) with workplaces.csv rows; the
    # proposed sites come from candidates.csv rows. Every number shown is whole: "2", not "2.0".
    demand = pd.read_csv(sample.out / "demand.csv", encoding="utf-8-sig", dtype=str)
    prop = pd.read_csv(sample.out / "plan" / "proposed_sites.csv", encoding="utf-8-sig", dtype=str)
    cols = [(demand, "行号"), (demand, "栅格行号"), (demand, "栅格列号"), (prop, "行号")]
    for table, col in cols:
        shown = table[col].dropna()
        assert len(shown) > 0 and shown.str.fullmatch(r"[1-9]\d*|0").all(), col
    # the workplaces (rows 2…) have no raster cell, the raster points no row
    assert (demand["行号"].isna() != demand["栅格行号"].isna()).all()
    fields = pyogrio.read_dataframe(
        sample.out / "coverage.gpkg", layer="需求点", read_geometry=False
    )
    assert fields["行号"].dropna().map(float.is_integer).all()


def test_minutes_shown_agree_with_the_covered_flags(sample) -> None:
    # The sample's thresholds: 15 minutes, 10 for outdoor-worker stations (scenario.toml). A
    # time shown at or under its tier's threshold is covered, one shown over it is not (the
    # run had 39 points showing "15.0" beside "no" when minutes were rounded to the nearest).
    demand = pd.read_csv(sample.out / "demand.csv", encoding="utf-8-sig")
    limits = {"centre": 15, "subcentre": 15, "point": 15, "outdoor_station": 10}
    for tier, limit in limits.items():
        shown, flag = demand[header(f"t_{tier}")], demand[header(f"covered_{tier}")]
        assert set(flag) == {"是", "否"}
        assert ((shown <= limit) == (flag == "是")).all(), tier
        assert (shown.dropna() * 10).round(9).map(float.is_integer).all()  # tenths


def test_the_maps_sub_district_people_are_the_reports(sample, monkeypatch) -> None:
    """Popups show the whole people the report shows: they add up to the totals shown.

    Rounded one by one, the sample's sub-districts showed 101,879 people where the report's
    row (and its covered + not covered) says 101,878.
    """
    from coverage import export_maps, maps, run_layers
    from coverage.counts import shown_counts

    seen: dict = {}
    monkeypatch.setattr(maps, "coverage_map", lambda *a, **kw: seen.update(kw))
    export_maps.coverage_map(sample.run)
    subs = seen["subdistricts"]
    summary = sample.run.coverage.summary
    mine = (summary["scope"] == "subdistrict").to_numpy()
    exact = summary[mine]
    whole = shown_counts(summary)[mine]
    key = sample.run.scenario.area.name_field
    shown = subs.set_index(key).loc[exact["key"].astype(str)]
    assert shown["weight"].tolist() == whole["weight"].tolist()
    assert shown["covered_weight"].tolist() == whole["covered"].tolist()
    # Rounding each figure alone disagrees somewhere on the sample (else this proves nothing).
    alone = exact["weight"].round().astype(int).to_numpy()
    assert (alone != whole["weight"].to_numpy()).any()
    # Whole people, at most one off the exact weight, and the exact layer is left exact.
    assert (abs(shown["weight"].to_numpy() - exact["weight"].to_numpy()) < 1).all()
    assert run_layers.subdistrict_layer(sample.run)["weight"].sum() == pytest.approx(
        exact["weight"].sum()
    )


def test_tables_and_workbooks_show_the_reports_sub_district_people(sample) -> None:
    """The written tables and workbooks show the people the report and the map show.

    Worked out from the exact weights: 新华街道 has 45,022.34 people, 39,449.71 covered, and
    唐家墩街道 101,878.67 people, 97,592.20 covered. The report rounds covered and not covered
    each to add up over the sub-districts (421,652 and 33,531): 39,450 + 5,573 = 45,023 and
    97,592 + 4,286 = 101,878. Rounded alone, the tables and workbooks said 45,022 and 101,879.
    """
    want = {"新华街道": (45023, 39450), "唐家墩街道": (101878, 97592)}
    people, covered = header("weight", "zh"), header("covered_weight", "zh")
    key = header("key", "zh")

    def check(table: pd.DataFrame, name: str, cov: str | None = covered) -> None:
        rows = table.set_index(name)
        for sub, (total, got) in want.items():
            assert rows.loc[sub, people] == total, (name, sub)
            if cov is not None:
                assert rows.loc[sub, cov] == got, (name, sub)
        assert rows[people].sum() == 455183  # the sub-districts add up to everyone shown

    summary = pd.read_csv(sample.out / "summary.csv", encoding="utf-8-sig")
    check(summary[summary[header("scope", "zh")] == "街道"], key)
    layer = pyogrio.read_dataframe(sample.out / "coverage.gpkg", layer=sheet_name("subdistricts"))
    check(layer, header("name", "zh"))

    def sheet(path: Path, name: str) -> pd.DataFrame:
        ws = openpyxl.load_workbook(path, read_only=True)[sheet_name(name)]
        head, *rows = list(ws.iter_rows(values_only=True))
        return pd.DataFrame(rows, columns=head)

    check(sheet(sample.out / "coverage.xlsx", "by_subdistrict"), key)
    whole = sheet(sample.out / "coverage.xlsx", "summary")
    check(whole[whole[header("scope", "zh")] == "街道"], key)
    before = sheet(sample.out / "plan/plan.xlsx", "summary_before")
    check(before[before[header("scope", "zh")] == "街道"], key)
    check(sheet(sample.out / "plan/plan.xlsx", "by_subdistrict"), key, cov=None)


def _never_inverted(table: pd.DataFrame, what: str) -> None:
    """People nested in others never read more than them (columns keyed, one row each)."""
    t = table.fillna(0)
    for small, big in (("covered_weight", "weight"), ("cross_weight", "covered_weight")):
        assert (t[small] <= t[big]).all(), (what, small, big)
    far = t["unreachable_weight"] <= t["weight"] - t["covered_weight"]
    assert far.all(), (what, "unreachable_weight")


def test_nested_people_never_invert_on_the_sample(sample) -> None:
    """Cross-covered ≤ covered ≤ everyone and unreachable ≤ not covered, wherever shown.

    Also a tier's (some facilities') covered and cross-covered ≤ everyone's.
    """
    keys = ["scope", "key", "weight", "covered_weight", "cross_weight", "unreachable_weight"]
    names = {header(k, "zh"): k for k in keys}
    summary = pd.read_csv(sample.out / "summary.csv", encoding="utf-8-sig").rename(columns=names)
    _never_inverted(summary, "summary.csv")
    ws = openpyxl.load_workbook(sample.out / "coverage.xlsx", read_only=True)
    for sheet in ("summary", "by_subdistrict"):
        head, *rows = list(ws[sheet_name(sheet)].iter_rows(values_only=True))
        _never_inverted(pd.DataFrame(rows, columns=head).rename(columns=names), sheet)
    layer = pyogrio.read_dataframe(sample.out / "coverage.gpkg", layer=sheet_name("subdistricts"))
    _never_inverted(layer.rename(columns=names), "gpkg")
    from coverage import run_layers

    popups = run_layers.subdistrict_layer(sample.run, shown=True)
    _never_inverted(popups, "popups")
    everyone = summary.iloc[0]  # the overall row comes first; every other row is some of it
    for col in ("covered_weight", "cross_weight", "unreachable_weight"):
        assert (summary[col] <= float(everyone[col])).all(), col


def test_edges_are_written_to_a_path_given_as_text(tmp_path, hand) -> None:
    net = hand.net(hand.grid(2))
    written = pipeline.write_edges(net, str(tmp_path / "edges.parquet"))
    back = gpd.read_parquet(written)
    assert len(back) == len(net.edges) and "u_idx" not in back
    with pytest.raises(ScenarioError, match=r"path='.*edges\.csv': a \.parquet .* or \.gpkg"):
        pipeline.write_edges(net, str(tmp_path / "edges.csv"))  # not a GeoPackage named .csv
    assert not (tmp_path / "edges.csv").exists()


def test_a_labelled_table_stores_no_share_of_everyone_that_is_not(tmp_path):
    from coverage.export import _rounded

    table = pd.DataFrame({"share": [0.99996, 1.0, 0.00004, 0.703049], "weight": [1.4, 2, 3, 4]})
    got = _rounded(table)
    assert got["share"].tolist() == [0.9999, 1.0, 0.0001, 0.703]  # 4 decimals: 70.30 %


def test_proposed_sites_gains_are_whole_people_adding_up_to_the_total(sample, tmp_path) -> None:
    # Three sites adding 10.6 people each: the plan adds 32 (31.8), not 11 + 11 + 11 = 33.
    (stage,) = sample.plan.plans
    s = sample.run.scenario.model_copy(deep=True)
    s.set_output("dir", tmp_path / "out")
    plan = PlanRun(
        dataclasses.replace(sample.run, scenario=s),
        sample.plan.sites,
        [dataclasses.replace(stage, proposed=stage.proposed.assign(gain=[10.6, 10.6, 10.6]))],
    )
    export.write_plan(plan, map_path=tmp_path / "p.html")
    gains = pd.read_csv(tmp_path / "out/plan/proposed_sites.csv", encoding="utf-8-sig")[
        header("gain", "zh")
    ]
    assert sorted(gains.tolist()) == [10, 11, 11]
    ws = openpyxl.load_workbook(tmp_path / "out/plan/plan.xlsx")["建议新增站点"]
    head = [c.value for c in ws[1]]
    col = head.index(header("gain", "zh"))
    assert sorted(r[col] for r in ws.iter_rows(min_row=2, values_only=True)) == [10, 11, 11]
    s.set_output("columns", "keys")  # the program's own numbers keep their precision
    export.write_plan(plan, map_path=tmp_path / "p.html")
    keys = pd.read_csv(tmp_path / "out/plan/proposed_sites.csv", encoding="utf-8-sig")
    assert keys["gain"].tolist() == [10.6, 10.6, 10.6]


def test_demand_tables_people_add_up_to_the_summarys(sample) -> None:
    # WorldPop cells hold fractions of people: rounded one by one, demand.csv summed to 455,239
    # under the 455,183 the summary shows. Whole people now add up to what is shown.
    s = sample.run.coverage.summary
    (row,) = s[s["scope"] == "overall"].to_dict("records")
    total, covered = round(row["weight"]), round(row["covered_weight"])
    people = header("weight", "zh")
    demand = pd.read_csv(sample.out / "demand.csv", encoding="utf-8-sig")
    uncovered = pd.read_csv(sample.out / "uncovered.csv", encoding="utf-8-sig")
    exact = sample.run.coverage.demand["weight"].to_numpy()
    assert demand[people].sum() == total and uncovered[people].sum() == total - covered
    assert (abs(demand[people].to_numpy() - exact) < 1).all()  # each row still its own people
    layer = pyogrio.read_dataframe(sample.out / "coverage.gpkg", layer=sheet_name("demand"))
    assert layer[people].sum() == total  # the GeoPackage's too, as QGIS sums them
    assert uncovered[people].iloc[0] == round(exact[~sample.run.coverage.demand["covered"]].max())
    ws = openpyxl.load_workbook(sample.out / "coverage.xlsx", read_only=True)["未覆盖需求点"]
    rows = list(ws.iter_rows(values_only=True))
    col = list(rows[0]).index(people)
    assert sum(r[col] for r in rows[1:]) == total - covered
    # The plan's workbook: what the plan leaves, adding up to the total less the covered after.
    after = sample.plan.after.covered
    left = total - round(exact[after].sum())
    ws = openpyxl.load_workbook(sample.out / "plan/plan.xlsx", read_only=True)[
        sheet_name("uncovered_after")
    ]
    rows = list(ws.iter_rows(values_only=True))
    col = list(rows[0]).index(people)
    assert sum(r[col] for r in rows[1:]) == left


def test_demand_tables_add_up_per_kind_and_sub_district_as_the_report(sample) -> None:
    # Worked out from the exact weights and the report's rounding (covered and not covered each
    # adding up over the kinds and over the sub-districts). Pooled over everyone, the rows of
    # residents not covered summed to 28,711 (report: 28,717) and 新华街道's to 45,038 people.
    want_kind = {"居住地（居民）": (344805, 28717), "工作地（就业）": (76847, 4814)}
    want_sub = {"新华街道": (39450, 5573), "唐家墩街道": (97592, 4286), "常青街道": (21165, 7931)}
    people, flag = header("weight", "zh"), header("covered", "zh")
    kind, sub = header("kind", "zh"), header("subdistrict", "zh")
    demand = pd.read_csv(sample.out / "demand.csv", encoding="utf-8-sig")
    layer = pyogrio.read_dataframe(sample.out / "coverage.gpkg", layer=sheet_name("demand"))
    for table in (demand, layer):
        for col, want in ((kind, want_kind), (sub, want_sub)):
            sums = table.groupby([col, flag])[people].sum()
            for name, (covered, left) in want.items():
                assert (sums[(name, "是")], sums[(name, "否")]) == (covered, left), name
    uncovered = pd.read_csv(sample.out / "uncovered.csv", encoding="utf-8-sig")
    ws = openpyxl.load_workbook(sample.out / "coverage.xlsx", read_only=True)["未覆盖需求点"]
    head, *rows = list(ws.iter_rows(values_only=True))
    for table in (uncovered, pd.DataFrame(rows, columns=head)):
        assert table.groupby(kind)[people].sum().to_dict() == {
            k: v[1] for k, v in want_kind.items()
        }
        left = table.groupby(sub)[people].sum()
        assert {k: left[k] for k in want_sub} == {k: v[1] for k, v in want_sub.items()}


def test_the_curve_adds_the_people_the_sites_table_shows() -> None:
    # 100.4 people covered before; three sites adding 10.6 each (31.8: 32 shown). Rounded
    # alone the curve read 100, 111, 122, 132 beside gains of 11, 11, 11: the last step is 10.
    # Shown: gains 11, 11, 10 (largest remainder, ties to the earlier), climbing from 100.
    curve = pd.DataFrame(
        {
            "k": [0, 1, 2, 3],
            "gain": [0.0, 10.6, 10.6, 10.6],
            "covered_weight": [100.4, 111.0, 121.6, 132.2],
            "covered_share": [0.5, 0.55, 0.6, 0.65],
        }
    )
    got = export_people.shown_curve(curve)
    assert got["gain"].tolist() == [0, 11, 11, 10]
    assert got["covered_weight"].tolist() == [100, 111, 122, 132]
    assert got["covered_share"].tolist() == curve["covered_share"].tolist()


@pytest.fixture(scope="module")
def sample_plan(sample, tmp_path_factory) -> Path:
    """The sample's own plan (13 sites), written to a temporary folder: its results folder."""
    tmp = tmp_path_factory.mktemp("plan")
    s = sample.run.scenario.model_copy(deep=True)
    s.set_output("dir", tmp / "out")
    run = dataclasses.replace(sample.run, scenario=s)
    pipeline.plan(s, before=run, map_path=tmp / "p.html")
    return tmp / "out"


def test_the_sample_curve_agrees_with_the_proposed_sites(sample_plan) -> None:
    # The sample's 8th site adds 636.51 people, 636 in the sites' table (the 13 gains add up
    # to 32,702), while the curve's covered people climbed by 637 there.
    gain, people = header("gain", "zh"), header("covered_weight", "zh")
    sites = pd.read_csv(sample_plan / "plan/proposed_sites.csv", encoding="utf-8-sig")
    curve = pd.read_csv(sample_plan / "plan/coverage_curve.csv", encoding="utf-8-sig")
    assert len(sites) == 13 and sites[gain].sum() == 32702
    assert curve[gain].tolist()[1:] == sites[gain].tolist()
    assert curve[people].diff().tolist()[1:] == curve[gain].tolist()[1:]


def test_what_the_plan_leaves_adds_up_per_sub_district_as_its_map_shows(sample_plan) -> None:
    # Exact, after the 13 sites: 常青街道 keeps 87.19 people uncovered, 新华街道 397.73 (all of
    # them too far from any street) and 江汉经济开发区 344.2; the plan map's popups show 87, 398
    # and 344 (people shown less those covered before and added, as shown). Pooled over the
    # whole district, the plan workbook's rows summed to 86, 397 and 346.
    ws = openpyxl.load_workbook(sample_plan / "plan/plan.xlsx", read_only=True)
    head, *rows = list(ws[sheet_name("uncovered_after")].iter_rows(values_only=True))
    left = pd.DataFrame(rows, columns=head).groupby(header("subdistrict", "zh"))
    sums = left[header("weight", "zh")].sum().to_dict()
    assert sums == {"常青街道": 87, "新华街道": 398, "江汉经济开发区": 344}


def test_catchment_areas_are_rounded_in_words_and_exact_in_keys(tmp_path) -> None:
    # area_km2 was written to 15 digits in words, beside minutes and metres to a tenth.
    (tmp_path / "fac.csv").write_text("lon,lat\n", encoding="utf-8")
    (tmp_path / "scenario.toml").write_text(
        '[network]\nplace = "江汉区, 武汉市, 中国"\n\n'
        '[[facilities]]\npath = "fac.csv"\ntier = "point"\n',
        encoding="utf-8",
    )
    s = pipeline.load_scenario(tmp_path / "scenario.toml")
    square = shapely.box(114.26, 30.58, 114.27, 30.59)
    catch = gpd.GeoDataFrame(
        {"tier": ["point", "point"], "band_min": [5.0, 15.0], "area_km2": [0.987654, 2.718281]},
        geometry=[square, square],
        crs=4326,
    )
    words = gpd.read_file(export.write_layers(tmp_path / "w.geojson", {"catchments": catch}, s))
    assert words[header("area_km2")].tolist() == [0.99, 2.72]  # a hundredth of a km²: a hectare
    s.set_output("columns", "keys")
    keys = gpd.read_file(export.write_layers(tmp_path / "k.gpkg", {"catchments": catch}, s))
    assert keys["area_km2"].tolist() == [0.987654, 2.718281]
