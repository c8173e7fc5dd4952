"""The plan's outputs: stage table words and formats, the workbook's situation after the plan."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
import shapely.geometry
from map_payload import payload
from scipy import sparse

from coverage import excel, export, planning

#: Site × demand minutes: E (built) reaches d0; A d0, d1; B d2, d3; C d1, d2, d3.
TIMES = {0: {0: 4.0}, 1: {0: 1.0, 1: 8.0}, 2: {2: 1.0, 3: 1.0}, 3: {1: 2.0, 2: 9.0, 3: 9.0}}
WEIGHTS = np.array([10.0, 20.0, 30.0, 40.0])


def _case():
    r = [i for i, row in TIMES.items() for _ in row]
    c = [j for row in TIMES.values() for j in row]
    t = [v for row in TIMES.values() for v in row.values()]
    sites = gpd.GeoDataFrame(
        {"name": ["E", "A", "B", "C"], "role": ["existing", "candidate", "candidate", "candidate"]},
        geometry=shapely.points([[0, 0], [1, 0], [2, 0], [3, 0]]),
        crs=4326,
    )
    return sparse.csr_matrix((t, (r, c)), shape=(4, 4)), sites


def _stage_sheet(tmp_path, plan, lang):
    """The stage row as plan_summary.csv (labels) and the plan workbook's stage sheet show it."""
    stages = pd.DataFrame([plan.summary()])
    s = SimpleNamespace(output=SimpleNamespace(columns="labels"), lang=lang)
    csv = export._table(stages, s)
    book = excel.write_workbook(
        tmp_path / f"{lang}.xlsx", {"plan_stages": export._for_people(stages)}, lang=lang
    )
    ws = openpyxl.load_workbook(book).worksheets[0]
    cells = {c.value: ws.cell(2, c.column) for c in ws[1]}
    return csv, cells


def test_set_covering_stage_columns_are_worded_shares(tmp_path):
    # Target 87.6543 %: C alone covers d1-d3 (90 of 100 with E's d0 = 100 %), the largest share.
    cost, sites = _case()
    plan = planning.propose(cost, WEIGHTS, sites, model="lscp", target=0.876543, threshold_min=10.0)
    assert plan.proposed["name"].tolist() == ["C"]
    for lang, target, best in [
        ("zh", "目标覆盖率", "最大可达覆盖率"),
        ("en", "Target coverage", "Largest reachable coverage"),
    ]:
        csv, cells = _stage_sheet(tmp_path, plan, lang)
        assert {target, best} <= set(csv.columns)
        assert not {"target", "target_share", "max_share"} & set(csv.columns)
        assert csv.loc[0, target] == 0.8765 and csv.loc[0, best] == 1.0  # as other shares
        assert cells[target].value == pytest.approx(0.876543)
        assert cells[target].number_format == cells[best].number_format == "0.0%"


def test_pmedian_stage_columns_are_worded_minutes(tmp_path):
    # One site: B. d0 walks 4 min to E, d2 and d3 1 min to B; d1 reaches no open site and is left
    # unserved (the penalty, twice the 10-minute threshold, is 20): (40 + 30 + 40) / 80 min.
    cost, sites = _case()
    plan = planning.propose(cost, WEIGHTS, sites, model="pmedian", k=1, threshold_min=10.0)
    assert plan.proposed["name"].tolist() == ["B"]
    for lang, mean, penalty in [
        ("zh", "平均步行时间（分钟）", "超过此步行时间不分配（分钟）"),
        ("en", "Mean walking time (min)", "Not assigned beyond (min)"),
    ]:
        csv, cells = _stage_sheet(tmp_path, plan, lang)
        assert not {"mean_time_min", "unreachable_penalty"} & set(csv.columns)
        assert csv.loc[0, mean] == 1.4 and csv.loc[0, penalty] == 20.0  # 110 / 80 = 1.375
        assert cells[mean].value == 1.4  # minutes in a workbook: rounded up to a tenth too
        assert cells[mean].number_format == cells[penalty].number_format == "0.0"


def _street_scenario(tmp_path, hand):
    """A street along x from 0 to 1000 m; F (built) at 0; demand 10, 20, 30, 40 workers at 100,
    400, 600, 900 m; candidates E, A, B at 300, 500, 800 m; 3 min at 3.6 km/h = 180 m. The
    sub-districts: West (x < 450 m: 100, 400) and East (600, 900)."""
    lines = [(i, i + 1, [(100 * i, 0), (100 * (i + 1), 0)], "residential") for i in range(10)]
    hand.table(lines).to_parquet(tmp_path / "streets.parquet")

    def layer(file: str, xs: list[float], **cols) -> None:
        lonlat = np.asarray(hand.pts([(x, 0) for x in xs]).to_crs(4326).get_coordinates())
        frame = pd.DataFrame(lonlat, columns=["lon", "lat"]).assign(**cols)
        frame.to_csv(tmp_path / file, index=False, float_format="%.9f")

    layer("fac.csv", [0], name=["F"], tier=["point"])
    layer("dem.csv", [100, 400, 600, 900], workers=[10.0, 20.0, 30.0, 40.0])
    layer("cand.csv", [300, 500, 800], name=["E", "A", "B"])
    cells = [shapely.box(hand.x0 + a, hand.y0 - 100, hand.x0 + b, hand.y0 + 100)
             for a, b in ((-50, 450), (450, 1050))]  # fmt: skip
    subs = gpd.GeoDataFrame({"name": ["West", "East"]}, geometry=cells, crs=hand.crs)
    subs.to_crs(4326).to_file(tmp_path / "subs.geojson", driver="GeoJSON")
    path = tmp_path / "scenario.toml"
    path.write_text(
        f"""name = "street"
[area]
subdistricts = "subs.geojson"
name_field = "name"
[network]
path = "streets.parquet"
[walk]
speed_kmh = 3.6
threshold_min = 3
bands_min = [3]
[[facilities]]
path = "fac.csv"
[[demand]]
path = "dem.csv"
weight = "workers"
[[candidates]]
path = "cand.csv"
[output]
dir = "{(tmp_path / "out").as_posix()}"
map = "{(tmp_path / "map.html").as_posix()}"
""",
        encoding="utf-8",
    )
    return path


def _sheet(book, title: str) -> pd.DataFrame:
    rows = [list(r) for r in book[title].iter_rows(values_only=True)]
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_plan_workbook_shows_the_situation_with_the_plan(tmp_path, hand):
    # One site: A (500 m) adds 400 and 600 m (50 workers; B adds 40, E 20). Before the plan
    # West has 10 of 30 covered and East 0 of 70; with it West 30 of 30 and East 30 of 70; only
    # the 40 workers at 900 m are left uncovered.
    from coverage import pipeline, report

    result = pipeline.plan(_street_scenario(tmp_path, hand), add=1)
    assert result.proposed["name"].tolist() == ["A"]
    book = openpyxl.load_workbook(result.files["excel"])
    assert book.sheetnames == ["建议新增站点", "规划阶段", "规划前汇总", "分街道", "规划后仍未覆盖"]
    subs = _sheet(book, "分街道").set_index("分组")
    assert subs.loc[["West", "East"], "规划前覆盖率"].tolist() == pytest.approx([1 / 3, 0.0])
    assert subs.loc[["West", "East"], "规划后覆盖率"].tolist() == pytest.approx([1.0, 3 / 7])
    assert subs.loc[["West", "East"], "新增覆盖人数"].tolist() == [20, 30]
    left = _sheet(book, "规划后仍未覆盖")
    assert left["人数"].tolist() == [40]  # not the 20 and 30 A covers
    # The same figures as the stage table and the report's after-plan column.
    stages = _sheet(book, "规划阶段")
    assert stages.loc[0, "规划后覆盖率"] == pytest.approx(0.6)
    assert (subs["规划后覆盖率"] * subs["人数"]).sum() / 100 == pytest.approx(0.6)
    after = report.after.subdistrict_after(
        result.before, report.after_plan(result.before, result, catchments=False)
    )
    assert after.to_dict() == pytest.approx(subs["规划后覆盖率"].to_dict())


def test_plan_map_shows_the_situation_with_the_plan(tmp_path, hand):
    # The street of the workbook test: A (500 m) newly covers the 20 and 30 workers at 400 and
    # 600 m (100 m from it: 100 s at 3.6 km/h, 1.7 min rounded up); 10 at 100 m stay covered
    # by F; 40 at 900 m are left uncovered.
    from coverage import pipeline

    result = pipeline.plan(_street_scenario(tmp_path, hand), add=1)
    meta = payload(result.files["map"].read_text(encoding="utf-8"))
    specs = {o["key"]: o for o in meta["overlays"]}
    assert specs["demand_added"]["data"]["w"] == [20, 30]
    assert specs["demand_added"]["data"]["p"] == [1.7, 1.7]
    assert specs["demand_uncovered"]["data"]["w"] == [40]
    assert specs["demand_covered"]["data"]["w"] == [10]
    assert meta["names"]["demand_added"] == "规划新增覆盖：2个点，共50人"
    assert meta["names"]["demand_uncovered"] == "规划后仍未覆盖：1个点，共40人"
    # Its title says it is the plan's map, in the words of the report's map after the plan.
    assert meta["title"].endswith(" · 规划后（新增 1 处）"), meta["title"]
    # The points covered before keep their classes by the existing facilities: said so.
    assert meta["names"]["demand_covered"] == "规划前已覆盖·1个设施：1个点，共10人"
    labels = [f[0] for f in specs["demand_covered"]["fields"]]
    assert "规划前可达设施数" in labels and "可达设施数" not in labels
    assert "可达设施数" in [f[0] for f in specs["demand_added"]["fields"]]  # the proposed ones
    # The same points as the plan's own coverage after it.
    before = result.before.coverage.demand["covered"].to_numpy(dtype=bool)
    added = result.after.covered & ~before
    assert result.before.coverage.demand["weight"][added].tolist() == [20.0, 30.0]

    # Sub-district popups: covered before, after and added, as plan.xlsx's by_subdistrict.
    popups = {
        f["properties"]["popup"]["title"]: dict(f["properties"]["popup"]["rows"])
        for f in specs["subdistricts"]["data"]["features"]
    }
    assert {k: {c: v for c, v in rows.items() if "规划" in c or "新增" in c}
            for k, rows in popups.items()} == {
        "West": {"规划前已覆盖人数": "10", "规划前覆盖率": "33.3%", "规划后已覆盖人数": "30",
                 "规划后覆盖率": "100.0%", "新增覆盖人数": "20"},
        "East": {"规划前已覆盖人数": "0", "规划前覆盖率": "0.0%", "规划后已覆盖人数": "30",
                 "规划后覆盖率": "42.9%", "新增覆盖人数": "30"},
    }  # fmt: skip
    book = openpyxl.load_workbook(result.files["excel"])
    sheet = _sheet(book, "分街道").set_index("分组")
    for name, rows in popups.items():
        row = sheet.loc[name]
        assert rows["人数"] == f"{row['人数']:,.0f}"
        assert rows["规划前覆盖率"] == f"{100 * row['规划前覆盖率']:.1f}%"
        assert rows["规划后覆盖率"] == f"{100 * row['规划后覆盖率']:.1f}%"
        assert rows["新增覆盖人数"] == f"{row['新增覆盖人数']:,.0f}"
        before_people = row["人数"] * row["规划前覆盖率"]
        assert int(rows["规划后已覆盖人数"]) == round(before_people + row["新增覆盖人数"])
    # Figures of the situation before the plan only are left to the run's map; the count of
    # facilities says it leaves the proposed sites out (A stands in East).
    assert not {"交叉覆盖率", "未覆盖需求点数", "覆盖率", "设施数"} & set(popups["East"])
    assert popups["West"]["现有设施数"] == "1" and popups["East"]["现有设施数"] == "0"

    # A's catchment at its tier's threshold (3 min, 180 m, plus the walk-off): a toggle that
    # holds the points it covers and not the others.
    spec = specs["proposed_catchments"]
    assert meta["names"]["proposed_catchments"] == "建议新增站点步行范围（3分钟）"
    (feature,) = spec["data"]["features"]
    area = shapely.geometry.shape(feature["geometry"])

    def inside(key: str) -> list[bool]:
        data = specs[key]["data"]
        return [area.contains(shapely.Point(xy)) for xy in zip(data["x"], data["y"], strict=True)]

    assert inside("demand_added") == [True, True]
    assert inside("demand_uncovered") == inside("demand_covered") == [False]


def test_plan_map_times_are_walks_with_the_plan_as_in_the_workbook(tmp_path, hand):
    # The street of the workbook test. Before the plan the 40 workers at 900 m walk 900 m to F
    # (15 min at 3.6 km/h: 12 min beyond the 3-minute standard); with A (500 m) open they
    # walk 400 m (6.7 min: 3.7 beyond, the "up to 5 minutes" class). The 20 and 30 at 400
    # and 600 m A newly covers walk 100 m to it (1.7 min), not the 6.7 and 10 min to F.
    from coverage import pipeline

    result = pipeline.plan(_street_scenario(tmp_path, hand), add=1)
    meta = payload(result.files["map"].read_text(encoding="utf-8"))
    specs = {o["key"]: o for o in meta["overlays"]}
    left = specs["demand_uncovered"]["data"]
    assert left["o"] == [3.7] and left["m"] == [6.7]
    assert [r["cls"] for r in meta["legend"]["rows"] if r.get("cls")] == ["over_5"]
    assert specs["demand_added"]["data"]["m"] == [1.7, 1.7]
    # The workbook's sheet of what the plan leaves says the same walk.
    sheet = _sheet(openpyxl.load_workbook(result.files["excel"]), "规划后仍未覆盖")
    assert sheet["最近设施步行时间（分钟）"].tolist() == pytest.approx([6.7], abs=0.05)


def test_a_plan_of_no_new_site_writes_its_workbook(tmp_path, hand):
    # F covers the 10 workers at 100 m: 10 % of 100, so a 5 % target needs no new site. The
    # sheet of what the plan leaves names F as the nearest facility (no proposed site to name).
    from coverage import pipeline

    result = pipeline.plan(_street_scenario(tmp_path, hand), target=0.05)
    assert len(result.proposed) == 0
    left = _sheet(openpyxl.load_workbook(result.files["excel"]), "规划后仍未覆盖")
    assert left["人数"].tolist() == [20, 30, 40]
    assert set(left["最近设施"]) == {"F"}


def test_a_plan_of_no_new_site_leaves_no_earlier_plans_curve(tmp_path, hand):
    # add=1 proposes A (curve: 10 then 60 workers); a 5 % target after it needs no site (F
    # covers 10 %): the folder must not keep A's curve beside a plan that proposes nothing.
    from coverage import pipeline

    scenario = _street_scenario(tmp_path, hand)
    first = pipeline.plan(scenario, add=1)
    curve = first.files["curve_csv"]
    assert pd.read_csv(curve, encoding="utf-8-sig").iloc[:, 0].tolist() == [0, 1]
    result = pipeline.plan(scenario, target=0.05)
    assert len(result.proposed) == 0 and "curve_csv" not in result.files
    assert not curve.exists() and not first.files["curve_png"].exists()


def test_plan_map_says_what_a_capacitated_plans_sites_can_serve(tmp_path, hand):
    # The street of the workbook test, A able to serve 25 workers (E 100, B 10). A still reaches
    # the 20 and 30 at 400 and 600 m (after: 10 + 20 + 30 = 60 of 100) but serves 25 of them:
    # with F's 10, 35 of 100 served (E would serve 20 and B 10: A is still the best site).
    from coverage import pipeline

    toml = _street_scenario(tmp_path, hand)
    cand = pd.read_csv(tmp_path / "cand.csv").assign(capacity=[100, 25, 10])
    cand.to_csv(tmp_path / "cand.csv", index=False, float_format="%.9f")
    toml.write_text(toml.read_text() + "\n[plan]\ncapacity = true\n", encoding="utf-8")
    result = pipeline.plan(toml, add=1)
    assert result.proposed["name"].tolist() == ["A"]
    stages = _sheet(openpyxl.load_workbook(result.files["excel"]), "规划阶段")
    served, after = stages.loc[0, "模型分配服务比例"], stages.loc[0, "规划后覆盖率"]
    assert (served, after) == pytest.approx((0.35, 0.6))
    rows = payload(result.files["map"].read_text(encoding="utf-8"))["kpi"]["rows"]
    # Under the plan's figures, before the situation before it: the report's own sentence.
    assert [r[0] if isinstance(r, list) else "note" for r in rows[:4]] == [
        "规划效果", "规划后覆盖率（按规划层级标准）", "规划前覆盖率（按规划层级标准）", "note"
    ]  # fmt: skip
    want = "服务站点：按容量，站点可服务 35.0% 的需求；规划后覆盖率（60.0%）统计的是步行范围内的全部需求。"
    assert rows[3] == {"warn": want}
    assert rows[4] == ["规划前现状（现有设施）"]
    assert f"{served:.1%}" in want and f"{after:.1%}" in want  # the workbook's figures

    # Without capacities, A serves all 50 it reaches: nothing to say.
    toml.write_text(toml.read_text().replace("capacity = true", "capacity = false"), "utf-8")
    plain = pipeline.plan(toml, add=1)
    rows = payload(plain.files["map"].read_text(encoding="utf-8"))["kpi"]["rows"]
    assert not [r for r in rows if isinstance(r, dict)]
    assert not any("按容量" in c for r in rows for c in r)


def test_a_plan_with_the_workbook_turned_off_leaves_no_earlier_workbook(tmp_path, hand):
    # A first plan writes plan.xlsx (and the run coverage.xlsx); with [output] excel = false
    # the next ones write no workbook: the folder must not keep the earlier figures beside
    # the new map and tables. A file of the planner's own in the folder stays.
    from coverage import pipeline

    scenario = _street_scenario(tmp_path, hand)
    first = pipeline.plan(scenario, add=1)
    book = first.files["excel"]
    assert book.name == "plan.xlsx" and book.is_file()
    run = pipeline.run(scenario)
    assert run.files["excel"].name == "coverage.xlsx"
    mine = book.parent / "notes.xlsx"
    mine.write_text("the planner's own", encoding="utf-8")
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("[output]\n", "[output]\nexcel = false\n"), encoding="utf-8")
    result = pipeline.plan(scenario, add=1)
    assert "excel" not in result.files and not book.exists()
    assert result.files["map"].is_file()
    assert mine.read_text(encoding="utf-8") == "the planner's own"
    # coverage run does the same with its own workbook
    again = pipeline.run(scenario)
    assert "excel" not in again.files and not run.files["excel"].exists()


def test_a_plan_not_found_in_its_time_limit_is_said_in_every_output(tmp_path, hand, monkeypatch):
    # p-median stopped at a time limit of 1 ns with no plan (no warm start, as when HiGHS has
    # none to start from): the workbook, the plan map and the report must say that no plan
    # was found and how to get one, not "time limit reached" beside an empty objective, nor
    # that the existing facilities need no new site.
    import functools

    from coverage import pipeline, report, siting

    solve = functools.partialmethod(siting.PMedian.solve, warm_start=False)
    monkeypatch.setattr(siting.PMedian, "solve", solve)
    result = pipeline.plan(
        _street_scenario(tmp_path, hand), add=1, model="pmedian", time_limit=1e-9
    )
    assert len(result.proposed) == 0
    note = "在时间上限（1e-09 秒）内未找到方案，未建议任何站点；请调高时间上限（[plan] time_limit_s / --time-limit）"
    stages = _sheet(openpyxl.load_workbook(result.files["excel"]), "规划阶段")
    assert stages.loc[0, "求解状态"] == "时间上限内未找到方案"
    assert stages.loc[0, "说明"] == note
    kpi = payload(result.files["map"].read_text(encoding="utf-8"))["kpi"]["rows"]
    assert {"warn": f"服务站点：{note}。"} in kpi
    page = report.build_report(result.before, result, lang="zh")
    assert page.count(f"服务站点：{note}。") == 2  # page 1 and the method notes
    assert "无需新增站点" not in page and "达到时间上限" not in page
