"""Layers: popups in one language without internal fields, reach vs capacity, sub-district
columns, the search index and the catchment band shown on opening."""

from __future__ import annotations

import numpy as np
from map_layers import all_popups, facility_markers, meta_field, popup_rows, render_page

from coverage import maps
from coverage.maps.layers import shown_band


def test_popups_show_name_and_translated_tier(data):
    zh = render_page(maps.coverage_map(**data, lang="zh"))
    markers = facility_markers(zh)
    centre = markers["1"]["popup"]
    assert (
        centre["title"] == "江北区职工服务中心" and markers["1"]["tooltip"] == "江北区职工服务中心"
    )
    assert popup_rows(centre)["层级"] == "服务中心"
    assert popup_rows(markers["5"]["popup"])["层级"] == "户外劳动者驿站"
    assert popup_rows(centre)["服务项目"] == "法律援助、心理咨询"
    assert popup_rows(markers["2"]["popup"])["服务项目"] == "就业、培训"
    assert popup_rows(centre)["步行范围内人数"] == "12,346"  # 12345.6 workers reached, whole
    assert centre["hint"] == "点击设施显示其步行范围"
    # Names are data, shown as text by the page: never markup, and escaped inside the script.
    assert markers["3"]["popup"]["title"] == "<b>站点</b>A"
    assert "<b>" not in zh.split("var coverageMeta=")[1]
    popups = all_popups(zh)
    # Proposed site popup: rank and gain.
    proposed = [p for p in popups if p["title"] == "建议新增站点：建议点1"]
    assert len(proposed) == 1
    assert popup_rows(proposed[0]) == {"排序": "1", "新增覆盖人数": "523", "建议层级": "服务站点"}
    # Sub-district click table, shares as percentages, workers whole.
    sub = next(p for p in popups if p["title"] == "观音桥街道")
    assert popup_rows(sub) == {"人数": "1,000", "已覆盖人数": "800", "覆盖率": "80.0%"}
    en = render_page(maps.coverage_map(**data, lang="en"))
    markers = facility_markers(en)
    assert popup_rows(markers["1"]["popup"])["Tier"] == "Service centre"
    assert popup_rows(markers["2"]["popup"])["Tier"] == "Sub-centre"
    popups = all_popups(en)
    assert (
        popup_rows(next(p for p in popups if p["title"] == "Proposed site: 建议点2"))["Rank"] == "2"
    )
    assert (
        popup_rows(next(p for p in popups if p["title"] == "华新街街道"))["Share covered"]
        == "50.0%"
    )
    assert markers["1"]["popup"]["hint"] == "Click a facility to show its catchment"


def test_band_shown_on_opening_follows_the_tier_threshold():
    assert shown_band([5.0, 10.0, 15.0], 10.0) == 10.0
    assert shown_band([5.0, 10.0], 15.0) == 10.0  # no 15-min band drawn: the largest below
    assert shown_band([10.0, 15.0], 5.0) == 10.0  # nothing below: the smallest


def test_capacity_flag_by_hand():
    from coverage.maps.layers import REACH_FACTOR, capacity_flag

    assert REACH_FACTOR == 3.0
    # 13,511 workers for a capacity of 150: 90.07×, flagged (whole factor from 10× up).
    assert capacity_flag(13511, 150, "en") == (
        "Reaches 13,511 people, capacity 150 (90× its capacity)"
    )
    assert capacity_flag(13511, 150, "zh") == "步行范围内有 13,511 人，为容量 150 的 90 倍"
    # 451 for 150 is 3.007×: just over the rule; 450 is exactly 3×: not flagged.
    assert capacity_flag(451, 150, "en") == "Reaches 451 people, capacity 150 (3.0× its capacity)"
    assert capacity_flag(450, 150, "en") == ""
    # Unknown or zero capacity, or unknown reach: nothing to compare.
    for reach, cap in ((13511, np.nan), (13511, None), (13511, 0), (np.nan, 150), (None, 150)):
        assert capacity_flag(reach, cap, "en") == ""


def test_facility_popups_have_no_internal_fields_and_flag_reach(data):
    fac = data["facilities"].copy()
    # Facility 1: capacity 200, 12,345.6 reached (61.7×) -> flagged; 2: 80 for 4,000 (50×)
    # -> flagged; 4: capacity 20, reach unknown; 5: capacity 10, 50 reached (5×) -> flagged.
    # Facility 2 set to exactly 3× its capacity: not flagged.
    fac.loc[fac["fid"] == 2, "workers_reached"] = 240.0
    for lang in ("zh", "en"):
        page = render_page(maps.coverage_map(fac, lang=lang, basemap="none"))
        markers = facility_markers(page)
        warns = {fid: m["popup"].get("warn", "") for fid, m in markers.items()}
        if lang == "en":
            assert warns == {
                "1": "Reaches 12,346 people, capacity 200 (62× its capacity)",
                "2": "",
                "3": "",
                "4": "",
                "5": "Reaches 50 people, capacity 10 (5.0× its capacity)",
            }
        else:
            assert warns["1"] == "步行范围内有 12,346 人，为容量 200 的 62 倍"
            assert [f for f, w in warns.items() if w] == ["1", "5"]
        for m in markers.values():
            labels = [k for k, _ in m["popup"]["rows"]]
            # No snap distance, no id; every label in the map's language.
            assert not {"Distance to street", "ID", "到道路距离", "编号"} & set(labels), labels
            values = [v for _, v in m["popup"]["rows"]]
            assert "12.3 m" not in values and "12 m" not in values


def test_subdistrict_popups_show_words_not_program_keys(data):
    # Summary columns by their words, program keys left out, the file's own columns as named.
    subs = data["subdistricts"].assign(
        cross_share=[0.25, 0.1], unreachable_weight=[3.0, 0.0], scope="subdistrict",
        key=["观音桥街道", "华新街街道"], 人口密度=[1.5, 2.5],
    )  # fmt: skip
    page = render_page(maps.coverage_map(data["facilities"], subdistricts=subs, lang="en"))
    sub = next(p for p in all_popups(page) if p["title"] == "观音桥街道")
    assert popup_rows(sub) == {
        "People": "1,000",
        "People covered": "800",
        "Share covered": "80.0%",
        "Share cross-covered": "25.0%",
        "Not reachable on foot": "3",
        "人口密度": "1.50",
    }


def test_search_index_lists_every_facility_by_name(data):

    for lang, centre in (("zh", "服务中心"), ("en", "Service centre")):
        page = render_page(maps.coverage_map(**data, lang=lang))
        search = meta_field(page, "search")
        items = {fid: (name, tier) for fid, name, tier in search["items"]}
        assert items["1"] == ("江北区职工服务中心", centre)
        assert items["3"][0] == "<b>站点</b>A"  # text, matched and shown as text by the page
        assert set(items) == {"1", "2", "3", "4", "5"}
        assert search["placeholder"] == (
            "按名称查找设施" if lang == "zh" else "Find a facility by name"
        )


def test_proposed_sites_gains_add_up_to_the_people_the_plan_adds(data):
    # Three sites adding 1.6 people each add 4.8, shown as 5 in the legend: rounded one by
    # one the popups said 2 + 2 + 2 = 6. Largest remainder: 2 + 2 + 1.
    proposed = data["proposed"].iloc[[0, 1, 1]].reset_index(drop=True)
    proposed = proposed.assign(name=["甲", "乙", "丙"], rank=[1, 2, 3], gain=[1.6, 1.6, 1.6])
    page = render_page(maps.coverage_map(**{**data, "proposed": proposed}, lang="zh"))
    gains = {
        p["title"]: popup_rows(p)["新增覆盖人数"]
        for p in all_popups(page)
        if p["title"].startswith("建议新增站点：")
    }
    assert gains == {"建议新增站点：甲": "2", "建议新增站点：乙": "2", "建议新增站点：丙": "1"}
