"""The report's words in Chinese and English, and the one way to look them up."""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_ADD", "TEXT", "check_lang", "message"]

#: New sites proposed when neither the command line nor ``[plan]`` says how many.
DEFAULT_ADD = 10

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "doc_title": "{title} — 覆盖评估报告",
        "subtitle": "职工服务阵地 {minutes} 分钟步行覆盖评估报告",
        "meta": "生成日期：{date}　场景：{name}（{source}）",
        "kpis": "核心指标",
        "kpi_any": "任一设施步行覆盖",
        "kpi_any_sub": "覆盖职工 {covered} / {total} 人",
        "kpi_kind": "{kind}步行覆盖",
        "kpi_kind_sub": "覆盖 {covered} / {total} 人；步行不可达 {far} 人",
        "kpi_tier": "{tier}（≤{minutes} 分钟）",
        "kpi_tier_sub": "{n} 处设施",
        "kpi_cross": "交叉覆盖（≥2 处设施）",
        "kpi_cross_sub": "可在两处及以上设施间选择",
        "kpi_circle": "{radius} 直线圆 vs 步行",
        "kpi_circle_sub": "直线圆比实际步行多算 {diff} 个百分点",
        "kpi_circle_sub_le": "直线圆未高估步行覆盖",
        "kpi_uncovered": "未覆盖职工",
        "kpi_uncovered_sub": "{points} 个需求点",
        "kpi_after": "规划后覆盖",
        "kpi_after_sub": "新增 {n} 处，提高 {diff} 个百分点",
        "people": "{n} 人",
        "subdistricts": "分街道覆盖情况（覆盖率由低到高）",
        "subdistrict": "街道",
        "workers": "职工人数",
        "share": "覆盖率",
        "cross_share": "交叉覆盖率",
        "circle_share": "{radius}圆覆盖率",
        "uncovered": "未覆盖职工",
        "after_share": "规划后覆盖率",
        "outside": "（街道范围外）",
        "by_tier": "分层级、分服务覆盖情况",
        "kind": "类别",
        "name": "名称",
        "facilities": "设施数",
        "threshold": "步行标准",
        "minutes": "{m} 分钟",
        "kind_tier": "层级",
        "kind_service": "服务",
        "curve": "新增站点数与覆盖率",
        "curve_caption": "按边际贡献依次加入建议站点后的职工覆盖率；竖线为本方案选定的 {k} 处。",
        "maps": "现状与规划后覆盖范围",
        "map_before": "现状",
        "map_after": "规划后（新增 {n} 处）",
        "maps_caption": "红点为未覆盖的职工集中点；阴影为各层级设施的步行可达范围。",
        "maps_caption_after": "规划后图中“{label}”为建议站点及其 {bands} 步行范围（见图例）。",
        "proposed_tier": "建议新增{tier}",
        "sites": "建议新增站点（前 {n} 处）",
        "sites_more": "共 {n} 处，完整列表见 {path}（由 coverage plan 生成）。",
        "rank": "序号",
        "street": "最近道路",
        "added": "新增覆盖职工",
        "cumulative": "累计覆盖率",
        "tier": "层级",
        "no_plan": "未做选址规划：{reason}",
        "no_candidates": "场景没有候选点（[[candidates]]），也未设置网格候选（[plan] grid_spacing_m）",
        "default_add": "场景 [plan] 未设置 add 或 target，报告按新增 {n} 处站点规划",
        "no_new_sites": "现有设施已达到目标，无需新增站点",
        "data": "数据说明",
        "skipped": "共跳过 {n} 行无法使用的数据，另有 {k} 条警告（数据已保留）；"
        "逐行原因见 {path}（由 coverage run 生成）。",
        "no_problems": "所有输入行均已使用，未发现数据问题。",
        "problems_head": "前 {n} 条问题：",
        "file": "文件",
        "row": "行号",
        "field": "字段",
        "problem": "问题",
        "action": "处理",
        "action_skipped": "跳过",
        "action_kept": "保留（警告）",
        "action_failed": "失败",
        "method": "方法说明",
        "method_walk": "步行速度 {speed} 公里/小时；台阶耗时 ×{steps}；"
        "点位到最近道路的距离超过 {snap} 米视为无法到达{access}。",
        "access_yes": "；点位到道路的步行距离计入步行时间",
        "access_no": "",
        "method_thresholds": "覆盖标准（步行时间）：{items}。",
        "method_network": "步行路网：{nodes} 个节点、{edges} 条路段、共 {km} 公里（{source}）。",
        "method_circle": "“{radius} 直线圆”按设施周边直线距离统计，仅作对比；实际覆盖按路网步行时间计算。",
        "method_shares": "所有覆盖率均按职工人数加权，而非按点位个数。",
        "method_plan": "选址模型：{model}（{method}，{status}，最优性差距 {gap}），"
        "从 {cands} 个候选点中选出 {n} 处。",
        "method_after": "规划后覆盖率按与现有设施相同的标准计入新增站点（{tier}，{minutes} 分钟）。",
        "footer": "由 coverage {version} 生成 · 路网 © OpenStreetMap contributors",
    },
    "en": {
        "doc_title": "{title} — coverage report",
        "subtitle": "{minutes}-minute walking coverage of worker service facilities",
        "meta": "Date: {date} · Scenario: {name} ({source})",
        "kpis": "Key figures",
        "kpi_any": "Covered by any facility",
        "kpi_any_sub": "{covered} of {total} workers",
        "kpi_kind": "{kind} covered",
        "kpi_kind_sub": "{covered} of {total}; {far} not reachable on foot",
        "kpi_tier": "{tier} (≤{minutes} min)",
        "kpi_tier_sub": "{n} facilities",
        "kpi_cross": "Cross-coverage (≥2 facilities)",
        "kpi_cross_sub": "workers with a choice of facilities",
        "kpi_circle": "{radius} circle vs walking",
        "kpi_circle_sub": "the circle overstates coverage by {diff} points",
        "kpi_circle_sub_le": "the circle does not overstate coverage",
        "kpi_uncovered": "Workers not covered",
        "kpi_uncovered_sub": "{points} demand points",
        "kpi_after": "Covered after the plan",
        "kpi_after_sub": "{n} new sites, +{diff} points",
        "people": "{n}",
        "subdistricts": "Coverage by sub-district (worst first)",
        "subdistrict": "Sub-district",
        "workers": "Workers",
        "share": "Covered",
        "cross_share": "Cross-covered",
        "circle_share": "{radius} circle",
        "uncovered": "Workers not covered",
        "after_share": "After plan",
        "outside": "(outside the sub-districts)",
        "by_tier": "Coverage by tier and by service",
        "kind": "Kind",
        "name": "Name",
        "facilities": "Facilities",
        "threshold": "Walking standard",
        "minutes": "{m} min",
        "kind_tier": "Tier",
        "kind_service": "Service",
        "curve": "Coverage vs number of new sites",
        "curve_caption": "Share of workers covered as the proposed sites are added in order of "
        "marginal gain; the line marks the {k} sites chosen.",
        "maps": "Coverage now and after the plan",
        "map_before": "Now",
        "map_after": "After the plan (+{n} sites)",
        "maps_caption": "Red dots are uncovered worker locations; shading shows each tier's "
        "walking catchments.",
        "maps_caption_after": "On the right, '{label}' marks the proposed sites and their {bands} "
        "walking catchments (see the legend).",
        "proposed_tier": "Proposed {tier}",
        "sites": "Proposed sites (top {n})",
        "sites_more": "{n} sites in all; the full list is in {path} (written by coverage plan).",
        "rank": "Rank",
        "street": "Nearest street",
        "added": "Workers added",
        "cumulative": "Cumulative share",
        "tier": "Tier",
        "no_plan": "No site plan: {reason}",
        "no_candidates": "the scenario has no candidate sites ([[candidates]]) and no candidate "
        "grid ([plan] grid_spacing_m)",
        "default_add": "[plan] sets neither add nor target; the report proposes {n} sites",
        "no_new_sites": "the existing facilities already meet the target; no new sites needed",
        "data": "Data notes",
        "skipped": "{n} input rows could not be used and were skipped; {k} warnings (rows kept). "
        "Row-by-row reasons: {path} (written by coverage run).",
        "no_problems": "Every input row was used; no data problems found.",
        "problems_head": "First {n} problems:",
        "file": "File",
        "row": "Row",
        "field": "Field",
        "problem": "Problem",
        "action": "Action",
        "action_skipped": "skipped",
        "action_kept": "kept (warning)",
        "action_failed": "failed",
        "method": "Method",
        "method_walk": "Walking speed {speed} km/h; steps take ×{steps} as long; points more "
        "than {snap} m from a walkable street count as unreachable{access}.",
        "access_yes": "; the walk between a point and its street is included",
        "access_no": "",
        "method_thresholds": "Coverage standard (walking time): {items}.",
        "method_network": "Walking network: {nodes} nodes, {edges} street segments, {km} km "
        "({source}).",
        "method_circle": "The '{radius} circle' counts straight-line distance around facilities, "
        "for comparison only; coverage is measured as walking time on the street network.",
        "method_shares": "Every share is weighted by workers, not a count of points.",
        "method_plan": "Siting model: {model} ({method}, {status}, optimality gap {gap}); "
        "{n} sites chosen from {cands} candidates.",
        "method_after": "After-plan shares count the new sites ({tier}, {minutes} min) under the "
        "same standard as the existing facilities.",
        "footer": "Made with coverage {version} · street network © OpenStreetMap contributors",
    },
}


def message(lang: str, key: str, **kw: Any) -> str:
    """The report text ``key`` in ``lang``, formatted with ``kw``."""
    return TEXT[lang][key].format(**kw)


def check_lang(lang: str) -> None:
    """Raise ValueError unless the report has words in ``lang``."""
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {tuple(TEXT)}, not {lang!r}")
