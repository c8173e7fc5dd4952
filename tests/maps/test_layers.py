"""Layers: popups with names and translated tiers, and the catchment band shown on opening."""

from __future__ import annotations

from map_layers import all_popups, facility_markers, popup_rows, render_page

from coverage import maps
from coverage.maps.layers import shown_band


def test_popups_show_name_and_translated_tier(data):
    zh = render_page(maps.coverage_map(**data, lang="zh"))
    markers = facility_markers(zh)
    centre = markers["1"]["popup"]
    assert (
        centre["title"] == "江北区职工服务中心" and markers["1"]["tooltip"] == "江北区职工服务中心"
    )
    assert popup_rows(centre)["级别"] == "服务中心"
    assert popup_rows(markers["5"]["popup"])["级别"] == "户外劳动者驿站"
    assert popup_rows(centre)["服务内容"] == "法律援助、心理咨询"
    assert popup_rows(markers["2"]["popup"])["服务内容"] == "就业、培训"
    assert popup_rows(centre)["步行可达劳动者"] == "12,346"  # 12345.6 workers reached, whole
    assert centre["hint"] == "点击设施显示其步行范围"
    # Names are data, shown as text by the page: never markup, and escaped inside the script.
    assert markers["3"]["popup"]["title"] == "<b>站点</b>A"
    assert "<b>" not in zh.split("var coverageMeta=")[1]
    popups = all_popups(zh)
    # Proposed site popup: rank and gain.
    proposed = [p for p in popups if p["title"] == "建议新增站点：建议点1"]
    assert len(proposed) == 1
    assert popup_rows(proposed[0]) == {"排序": "1", "新增覆盖劳动者": "523", "建议级别": "服务站点"}
    # Sub-district click table, shares as percentages, workers whole.
    sub = next(p for p in popups if p["title"] == "观音桥街道")
    assert popup_rows(sub) == {"劳动者数": "1,000", "已覆盖劳动者": "800", "覆盖率": "80.0%"}
    en = render_page(maps.coverage_map(**data, lang="en"))
    markers = facility_markers(en)
    assert popup_rows(markers["1"]["popup"])["Tier"] == "Service centre"
    assert popup_rows(markers["2"]["popup"])["Tier"] == "Sub-centre"
    popups = all_popups(en)
    assert (
        popup_rows(next(p for p in popups if p["title"] == "Proposed sites: 建议点2"))["Rank"]
        == "2"
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
