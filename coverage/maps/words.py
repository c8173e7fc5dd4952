"""Words of the interactive map: layer names, popup and panel labels, per language.

Tier labels come from :mod:`coverage.vocab`; everything else a reader sees on the map is here,
in one place, so a later step can move it into a translation catalogue unchanged.
"""

from __future__ import annotations

from typing import Any

from coverage import vocab

__all__ = ["COLUMN_LABELS", "KPI_LABELS", "LANGS", "TEXT", "TIER_LABELS", "phrase"]

#: Languages every label exists in.
LANGS = ("zh", "en")

# Tier codes, labels, aliases and styles live in coverage.vocab; these names stay for callers.
TIER_LABELS: dict[str, dict[str, str]] = {
    lang: {
        **{c: vocab.tier_label(c, lang, vocab.BUILTIN) for c in vocab.TIER_CODES},
        "other": "设施" if lang == "zh" else "Facility",
    }
    for lang in vocab.LANGS
}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "职工服务阵地15分钟步行覆盖",
        "facilities": "设施",
        "count": "{label}（{n}处）",
        "catchment": "{label} {band}分钟步行范围",
        "catchments": "步行范围",
        "band": "{band}分钟",
        # Worker-point classes: "{pts}" counts points, "{w}" the workers they stand for.
        "demand_uncovered": "未覆盖劳动者点（{pts}）",
        "demand_uncovered_w": "未覆盖劳动者点：{pts}，共{w}人",
        "demand_covered": "已覆盖劳动者点（{pts}）",
        "demand_covered_w": "已覆盖劳动者点：{pts}，共{w}人",
        "demand_covered_once": "已覆盖·1个设施（{pts}）",
        "demand_covered_once_w": "已覆盖·1个设施：{pts}，共{w}人",
        "demand_cross": "交叉覆盖·≥2个设施（{pts}）",
        "demand_cross_w": "交叉覆盖·≥2个设施：{pts}，共{w}人",
        "demand": "劳动者点（{pts}）",
        "demand_w": "劳动者点：{pts}，共{w}人",
        "n_point": "{n}个点",
        "n_points": "{n}个点",
        "demand_head": "劳动者点",
        "proposed": "建议新增站点（{n}）",
        "proposed_head": "建议新增站点",
        "subdistricts": "街道/乡镇边界",
        "area": "研究范围",
        "name": "名称",
        "tier": "级别",
        "type": "类型",
        "services": "服务内容",
        "address": "地址",
        "capacity": "容量",
        "workers_reached": "步行可达劳动者",
        "snap_m": "距路网",
        "fid": "编号",
        "weight": "劳动者数",
        "n_reach": "可达设施数",
        "nearest_min": "到最近设施",
        "to_tier": "到{label}",
        "minutes": "{v}分钟",
        "beyond": "超出可达范围",
        "rank": "排序",
        "gain": "新增覆盖劳动者",
        "proposed_tier": "建议级别",
        "click_hint": "点击设施显示其步行范围",
        "offline": "底图需联网；离线时仍显示数据",
        "gcj02": "数据已由WGS-84转换为GCJ-02以对齐高德底图",
        "thinned": "已覆盖点抽样显示：{shown}/{total}",
        "kpi": "关键指标",
        "legend": "图例",
        "sep": "、",
        "no_font": "",
    },
    "en": {
        "title": "15-minute walking coverage of worker service facilities",
        "facilities": "Facilities",
        "count": "{label} ({n})",
        "catchment": "{label}: {band}-min walk",
        "catchments": "Walking catchments",
        "band": "{band} min",
        "demand_uncovered": "Uncovered worker points ({n})",
        "demand_uncovered_w": "Uncovered workers: {w} ({pts})",
        "demand_covered": "Covered worker points ({n})",
        "demand_covered_w": "Covered workers: {w} ({pts})",
        "demand_covered_once": "Points covered by 1 facility ({n})",
        "demand_covered_once_w": "Covered by 1 facility: {w} workers ({pts})",
        "demand_cross": "Points cross-covered, ≥2 facilities ({n})",
        "demand_cross_w": "Cross-covered, ≥2 facilities: {w} workers ({pts})",
        "demand": "Worker points ({n})",
        "demand_w": "Workers: {w} ({pts})",
        "n_point": "{n} point",
        "n_points": "{n} points",
        "demand_head": "Worker points",
        "proposed": "Proposed sites ({n})",
        "proposed_head": "Proposed sites",
        "subdistricts": "Sub-district boundaries",
        "area": "Study area",
        "name": "Name",
        "tier": "Tier",
        "type": "Type",
        "services": "Services",
        "address": "Address",
        "capacity": "Capacity",
        "workers_reached": "Workers within reach",
        "snap_m": "Distance to street",
        "fid": "ID",
        "weight": "Workers",
        "n_reach": "Facilities within reach",
        "nearest_min": "Nearest facility",
        "to_tier": "To {label}",
        "minutes": "{v} min",
        "beyond": "beyond reach",
        "rank": "Rank",
        "gain": "Workers added",
        "proposed_tier": "Proposed tier",
        "click_hint": "Click a facility to show its catchment",
        "offline": "Basemap needs internet; data shows offline",
        "gcj02": "Data shifted from WGS-84 to GCJ-02 to match the Amap basemap",
        "thinned": "Covered points thinned: {shown} of {total} shown",
        "kpi": "Key figures",
        "legend": "Legend",
        "sep": ", ",
        "no_font": "",
    },
}

KPI_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "share_any": "任一设施覆盖率",
        "share_cross": "交叉覆盖率（≥2个设施）",
        "uncovered_weight": "未覆盖劳动者",
        "covered_weight": "已覆盖劳动者",
        "total_weight": "劳动者总数",
        "share_circle_1km": "1公里直线圈覆盖率（对比）",
        "share_circle": "1公里直线圈覆盖率（对比）",
        "share_before_plan": "规划前覆盖率（按规划层级标准）",
        "share_after_plan": "规划后覆盖率（按规划层级标准）",
        "n_facilities": "设施数",
        "n_proposed": "建议新增站点数",
        "share_tier": "{label}覆盖率",
        "kind_share": "{kind}覆盖率",
        "kind_uncovered": "未覆盖{kind}",
        "unreachable_weight": "步行不可达（离街道过远）",
    },
    "en": {
        "share_any": "Covered by any facility",
        "share_cross": "Cross-covered (≥2 facilities)",
        "uncovered_weight": "Workers not covered",
        "covered_weight": "Workers covered",
        "total_weight": "Workers in total",
        "share_circle_1km": "1 km straight-line circle (comparison)",
        "share_circle": "1 km straight-line circle (comparison)",
        "share_before_plan": "Before the plan (planned tier's standard)",
        "share_after_plan": "After the plan (planned tier's standard)",
        "n_facilities": "Facilities",
        "n_proposed": "Proposed sites",
        "share_tier": "{label} coverage",
        "kind_share": "{kind} covered",
        "kind_uncovered": "{kind} not covered",
        "unreachable_weight": "Not reachable on foot (far from streets)",
    },
}

# Sub-district summary columns people are likely to add; others keep their own names.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "name": "名称",
        "weight": "劳动者数",
        "covered_weight": "已覆盖劳动者",
        "uncovered_weight": "未覆盖劳动者",
        "share": "覆盖率",
        "share_cross": "交叉覆盖率",
        "n_facilities": "设施数",
        "population": "人口",
        "area_km2": "面积（km²）",
    },
    "en": {
        "name": "Name",
        "weight": "Workers",
        "covered_weight": "Workers covered",
        "uncovered_weight": "Workers not covered",
        "share": "Share covered",
        "share_cross": "Share cross-covered",
        "n_facilities": "Facilities",
        "population": "Population",
        "area_km2": "Area (km²)",
    },
}


def phrase(lang: str, key: str, **kw: Any) -> str:
    """The ``TEXT`` entry ``key`` in ``lang``, with ``{...}`` fields filled from ``kw``."""
    return TEXT[lang][key].format(**kw)
