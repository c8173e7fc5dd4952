"""Panels: the KPI panel, the legend and the title."""

from __future__ import annotations

from map_layers import meta_field, render_page

from coverage import i18n, maps


def test_kpi_panel_and_legend(data):
    zh = render_page(maps.coverage_map(**data, lang="zh", title="江北区覆盖评估"))
    kpi = meta_field(zh, "kpi")
    assert kpi["head"] == "关键指标"
    # The headline first, then per tier, then the rest in the given order; every share with
    # one decimal (a plan map shows the headline again as "before the plan").
    assert kpi["rows"] == [
        ["任一设施覆盖率", "90.0%"],
        ["未覆盖人数", "12,345"],
        ["服务中心覆盖率", "40.0%"],
        ["交叉覆盖率（≥2个设施）", "50.0%"],
        ["1公里直线圆覆盖率（对比）", "95.0%"],
        ["mystery_kpi", "3.14"],  # unknown keys by their name
    ]
    assert meta_field(zh, "title") == "江北区覆盖评估"
    legend = meta_field(zh, "legend")
    assert legend["head"] == "图例"
    texts = [r["text"] for r in legend["rows"]]
    assert texts[:4] == ["服务中心", "分中心", "服务站点", "户外劳动者驿站"]
    assert "底图需联网；离线时仍显示数据" in legend["notes"]
    en = render_page(maps.coverage_map(**data, lang="en"))
    labels = [label for label, _ in meta_field(en, "kpi")["rows"]]
    assert "Covered by any facility" in labels and "Service centre coverage" in labels
    assert "People not covered" in labels
    assert "Basemap needs internet; data shows offline" in meta_field(en, "legend")["notes"]
    assert meta_field(en, "title") == i18n.t("en", "map.title")  # default title


def test_plan_kpi_panel_says_which_figures_are_before_the_plan(data):
    # A plan map's panel: the plan's shares first under a heading of their own, then the run's
    # figures under one saying they are the situation before the plan (a one-cell row).
    kpis = {**data["kpis"], "share_after_plan": 0.975, "share_before_plan": 0.9}
    rows = meta_field(render_page(maps.coverage_map(**{**data, "kpis": kpis})), "kpi")["rows"]
    assert rows[:4] == [
        ["规划效果"],
        ["规划后覆盖率（按规划层级标准）", "97.5%"],
        ["规划前覆盖率（按规划层级标准）", "90.0%"],
        ["规划前现状（现有设施）"],
    ]
    assert rows[4] == ["任一设施覆盖率", "90.0%"] and len(rows) == 4 + len(data["kpis"])
    en = render_page(maps.coverage_map(**{**data, "kpis": kpis}, lang="en"))
    rows = meta_field(en, "kpi")["rows"]
    assert rows[0] == ["With the plan"] and rows[3] == ["Before the plan (existing facilities)"]
    # A run's map has no sections.
    plain = meta_field(render_page(maps.coverage_map(**data)), "kpi")["rows"]
    assert all(len(r) == 2 for r in plain)


def test_kpi_notes_go_under_the_plans_figures_as_text(data):
    # A capacitated plan's sentence sits under the plan's shares, before the run's figures; it
    # travels as data (the page sets it as text, test_browser), markup characters and all.
    kpis = {**data["kpis"], "share_after_plan": 0.975, "share_before_plan": 0.9}
    note = "服务站点：按容量，站点可服务 45.0% 的需求 <b>&</b>"
    page = render_page(maps.coverage_map(**{**data, "kpis": kpis}, kpi_notes=[note]))
    rows = meta_field(page, "kpi")["rows"]
    assert rows[3] == {"warn": note} and rows[4] == ["规划前现状（现有设施）"]
    # Without the plan's section (a run's map), after the figures.
    rows = meta_field(render_page(maps.coverage_map(**data, kpi_notes=["x"])), "kpi")["rows"]
    assert rows[-1] == {"warn": "x"} and len(rows) == len(data["kpis"]) + 1
