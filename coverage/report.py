"""A one-page HTML report for leaders: KPIs, sub-districts, coverage curve, before/after maps.

The page is self-contained (inline CSS, images as base64 PNG data URIs, no scripts), so it can be
mailed, opened offline and printed on A4. Chinese labels by default, English with ``lang="en"``.

Every share on the page uses the same rule as ``coverage run``: a worker is covered when a
facility of some tier is within that tier's walking threshold. The "after" figures add the
proposed sites to the existing facilities under the same rule, so the curve starts at the
headline share; they equal the optimiser's own figures in ``plan_summary.csv``, which count
existing facilities with their own tier's threshold too.

::

    from coverage import report
    report.write_report("data/wuhan/scenario.toml")          # results/wuhan/report.html
    html = report.build_report(run, plan_run, lang="en")     # from pipeline.run / pipeline.plan
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage import __version__, analysis, figures, maps, pipeline, planning
from coverage import io as cio
from coverage.errors import ScenarioError
from coverage.scenario import Scenario, load_scenario

__all__ = ["TEXT", "DEFAULT_ADD", "after_plan", "build_report", "write_report"]

Progress = Callable[[str], None]

#: New sites proposed when neither the command line nor ``[plan]`` says how many.
DEFAULT_ADD = 10

#: Proposed sites listed in the table (all of them are in ``plan/proposed_sites.csv``).
TOP_SITES = 20

#: Resolution of the embedded static maps: sharp on screen and on A4, a few hundred kB each.
MAP_DPI = 110

#: Problems listed on the page (the rest are in ``problems.csv``).
MAX_PROBLEMS = 10

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "doc_title": "{title} — 覆盖评估报告",
        "subtitle": "职工服务阵地 {minutes} 分钟步行覆盖评估报告",
        "meta": "生成日期：{date}　场景：{name}（{source}）",
        "kpis": "核心指标",
        "kpi_any": "任一设施步行覆盖",
        "kpi_any_sub": "覆盖职工 {covered} / {total} 人",
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


def _noop(_: str) -> None:
    pass


def _t(lang: str, key: str, **kw: Any) -> str:
    return TEXT[lang][key].format(**kw)


def _e(value: Any) -> str:
    """Text for the page, quotes included: every piece of input goes through here, and the page
    is assembled from strings (no template engine ever sees input text)."""
    return html.escape(str(value), quote=True)


def _pct(x: float) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:.1%}"


def _num(x: float) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:,.0f}"


def _points(x: float) -> str:
    """Difference of two shares in percentage points."""
    return f"{100 * x:.1f}"


def _radius(m: float, lang: str) -> str:
    if m >= 1000:
        km = f"{m / 1000:g}"
        return f"{km}公里" if lang == "zh" else f"{km} km"
    return f"{m:g}米" if lang == "zh" else f"{m:g} m"


# --- after the plan -------------------------------------------------------------------------


def _proposed_label(tier: str, lang: str) -> str:
    """Legend label of proposed sites: a free-form tier, so the static map draws them apart."""
    label = maps.tier_label(tier, lang)
    if lang == "en":
        label = label[:1].lower() + label[1:]  # "Proposed service point"
    return _t(lang, "proposed_tier", tier=label)


@dataclass
class AfterPlan:
    """Coverage with the proposed sites added, under the run's per-tier thresholds.

    ``covered``/``n_reach`` are per demand point (rows of ``run.coverage.demand``);
    ``curve`` has ``k``, ``covered_weight`` and ``covered_share`` after the first k proposed sites
    (:func:`coverage.planning.plan_coverage`, as in ``coverage_curve.csv`` and the plan map);
    ``sites`` are the proposed sites (ranked) with ``added`` (workers newly covered, in that
    order) and ``cumulative_share``; ``tier_catchments`` are the run's plus the new sites'.
    """

    covered: np.ndarray
    n_reach: np.ndarray
    curve: pd.DataFrame
    sites: gpd.GeoDataFrame
    tier_catchments: gpd.GeoDataFrame | None
    bands_min: list[float]

    @property
    def k(self) -> int:
        return len(self.sites)


def after_plan(
    run: pipeline.Run, plan: pipeline.PlanRun, *, lang: str = "zh", catchments: bool = True
) -> AfterPlan:
    """Coverage after adding the plan's proposed sites to the existing facilities.

    The numbers are the plan's own (:func:`coverage.planning.plan_coverage`: the run's coverage,
    then each proposed site in plan order), so nothing is routed again for them. With
    ``catchments`` the new sites' walking catchments (bands up to their tier's threshold) are
    drawn too, labelled as a "proposed" tier for the static map.
    """
    after = planning.plan_coverage(run, plan.plans)
    prop = plan.proposed.reset_index(drop=True)
    prop = prop.assign(
        added=after.gains, cumulative_share=after.curve["covered_share"].to_numpy()[1:]
    )
    tc, bands = None, []
    if catchments and len(prop):
        tc, bands = _proposed_catchments(run, prop, lang)
    return AfterPlan(after.covered, after.n_reach, after.curve, prop, tc, bands)


def _proposed_catchments(
    run: pipeline.Run, prop: gpd.GeoDataFrame, lang: str
) -> tuple[gpd.GeoDataFrame, list[float]]:
    """The run's tier catchments plus the proposed sites' (a "proposed" tier each), and bands."""
    s = run.scenario
    sites = gpd.GeoDataFrame(
        {"tier": prop["tier"].astype(str)}, geometry=prop.geometry.values, crs=4326
    )
    label = {t: _proposed_label(t, lang) for t in sites["tier"].unique()}
    thr = max(s.walk.threshold_for(t) for t in label)
    # Bands up to the new sites' own threshold, which is always drawn.
    bands = sorted({float(b) for b in s.walk.bands_min if b < thr} | {float(thr)})
    _, by_tier = pipeline.facility_catchments(
        run.network,
        sites.assign(tier=sites["tier"].map(label)),
        bands,
        s.walk.walk_off_m,
        max_snap_m=s.walk.max_snap_m,
        method=s.walk.catchment_method,
        cell_m=s.walk.catchment_cell_m,
    )
    tc = pd.concat([run.tier_catchments, by_tier], ignore_index=True)
    return gpd.GeoDataFrame(tc, geometry="geometry", crs=4326), bands


# --- images ---------------------------------------------------------------------------------


_quiet_fonts = figures.quiet_fonts


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def curve_png(after: AfterPlan, *, lang: str = "zh", dpi: int = 150) -> bytes:
    """PNG of covered share against the number of new sites (:func:`coverage.figures.curve_png`)."""
    return figures.curve_png(after.curve, lang=lang, dpi=dpi)


def static_map_png(
    facilities: gpd.GeoDataFrame,
    demand: gpd.GeoDataFrame,
    tier_catchments: gpd.GeoDataFrame | None,
    area: Any,
    *,
    lang: str = "zh",
    title: str = "",
    dpi: int = MAP_DPI,
    thresholds: Any = None,
) -> bytes:
    """PNG bytes of :func:`coverage.figures.save_static_map` (written to a temporary file)."""
    with tempfile.TemporaryDirectory(prefix="coverage-report-") as tmp:
        path = Path(tmp) / "map.png"
        with _quiet_fonts():
            figures.save_static_map(
                facilities, demand, tier_catchments, area, path,
                lang=lang, dpi=dpi, title=title, thresholds=thresholds,
            )  # fmt: skip
        return path.read_bytes()


# --- HTML pieces ----------------------------------------------------------------------------


CSS = """
@page { size: A4; margin: 12mm 11mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Zen Hei", "Helvetica Neue", Arial, sans-serif; color: #1c2833; margin: 0;
  font-size: 13px; line-height: 1.45; background: #f4f6f7;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 28px; background: #fff; }
header { border-bottom: 3px solid #c0392b; padding-bottom: 8px; margin-bottom: 14px; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 20px 0 8px; padding-left: 8px; border-left: 4px solid #c0392b; }
.sub { font-size: 15px; color: #566573; margin: 0; }
.meta { font-size: 11px; color: #7f8c8d; margin: 4px 0 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
.card { border: 1px solid #d5d8dc; border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.card .v { font-size: 22px; font-weight: 700; color: #1a5276; white-space: nowrap; }
.card .l { font-size: 12px; font-weight: 600; }
.card .s { font-size: 11px; color: #7f8c8d; }
.card .v.pair2 { font-size: 17px; line-height: 1.9; }
.card.main { background: #eaf2f8; border-color: #a9cce3; }
.card.warn .v { color: #c0392b; }
.card.after { background: #f4ecf7; border-color: #d2b4de; }
.card.after .v { color: #6c3483; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { padding: 3px 6px; border-bottom: 1px solid #e5e8e8; text-align: left; }
th { background: #f2f3f4; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bar { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.track { display: inline-block; width: 72px; height: 9px; margin-right: 6px; background: #f2f3f4;
  border-radius: 2px; vertical-align: middle; overflow: hidden; }
.fill { display: block; height: 100%; }
tr { break-inside: avoid; }
figure { margin: 0; break-inside: avoid; }
figure img { width: 100%; height: auto; border: 1px solid #e5e8e8; }
figure.curve img { max-width: 680px; }
figcaption { font-size: 11px; color: #566573; margin-top: 2px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.note { font-size: 12px; color: #34495e; }
ul.note { padding-left: 18px; margin: 4px 0; }
.small { font-size: 11px; color: #566573; }
footer { margin-top: 18px; font-size: 10px; color: #95a5a6; border-top: 1px solid #e5e8e8;
  padding-top: 6px; }
@media print {
  body { background: #fff; font-size: 11px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section.images { break-before: auto; }
}
"""


def _bar(share: float, color: str = "#aed6f1") -> str:
    """A table cell whose background is a bar as long as the share (CSS only, prints too)."""
    v = 0.0 if share is None or not np.isfinite(share) else float(np.clip(share, 0, 1))
    return (
        f'<td class="bar"><span class="track"><span class="fill" '
        f'style="width:{100 * v:.1f}%;background:{color}"></span></span>{_pct(share)}</td>'
    )


def _table(head: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]]) -> str:
    """HTML table; ``head`` is (label, numeric) pairs, ``rows`` hold ready-made cells."""
    th = "".join(f'<th class="n">{_e(h)}</th>' if n else f"<th>{_e(h)}</th>" for h, n in head)
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: Any, numeric: bool = False) -> str:
    return f'<td class="n">{_e(value)}</td>' if numeric else f"<td>{_e(value)}</td>"


def _card(value: str, label: str, sub: str = "", kind: str = "") -> str:
    cls = f"card {kind}".strip()
    # Two numbers in one card need a smaller font to fit the card's width.
    v = "v pair2" if " / " in value else "v"
    return (
        f'<div class="{cls}"><div class="{v}">{_e(value)}</div><div class="l">{_e(label)}</div>'
        f'<div class="s">{_e(sub)}</div></div>'
    )


def _kpi_cards(run: pipeline.Run, after: AfterPlan | None, lang: str) -> str:
    cov = run.coverage
    k = cov.kpis()
    s = cov.summary.set_index(["scope", "key"])
    total = k.get("total_weight", np.nan)
    overall = s.loc[("overall", "all")]
    cards = [
        _card(
            _pct(k["share_any"]),
            _t(lang, "kpi_any"),
            _t(lang, "kpi_any_sub", covered=_num(overall["covered_weight"]), total=_num(total)),
            "main",
        )
    ]
    if after is not None and after.k:
        share = float(after.curve["covered_share"].iloc[-1])
        cards.append(
            _card(
                _pct(share),
                _t(lang, "kpi_after"),
                _t(lang, "kpi_after_sub", n=after.k, diff=_points(share - k["share_any"])),
                "after",
            )
        )
    for tier in analysis.tier_order(cov.thresholds):
        if f"share_{tier}" not in k:
            continue
        cards.append(
            _card(
                _pct(k[f"share_{tier}"]),
                _t(
                    lang,
                    "kpi_tier",
                    tier=maps.tier_label(tier, lang),
                    minutes=f"{cov.thresholds[tier]:g}",
                ),
                _t(lang, "kpi_tier_sub", n=int(s.loc[("tier", tier), "facilities"])),
            )
        )
    cards.append(_card(_pct(k["share_cross"]), _t(lang, "kpi_cross"), _t(lang, "kpi_cross_sub")))
    diff = k["share_circle"] - k["share_any"]
    radius = _radius(run.scenario.walk.circle_radius_m, lang)
    cards.append(
        _card(
            f"{_pct(k['share_circle'])} / {_pct(k['share_any'])}",
            _t(lang, "kpi_circle", radius=radius),
            _t(lang, "kpi_circle_sub", diff=_points(diff))
            if diff > 0
            else _t(lang, "kpi_circle_sub_le"),
        )
    )
    cards.append(
        _card(
            _t(lang, "people", n=_num(k["uncovered_weight"])),
            _t(lang, "kpi_uncovered"),
            _t(lang, "kpi_uncovered_sub", points=_num(overall["uncovered_points"])),
            "warn",
        )
    )
    return f'<div class="cards">{"".join(cards)}</div>'


def _subdistrict_table(run: pipeline.Run, after: AfterPlan | None, lang: str) -> str:
    cov = run.coverage
    sub = cov.summary[cov.summary["scope"] == "subdistrict"].copy()
    if not len(sub):
        return ""
    sub["uncovered"] = sub["weight"] - sub["covered_weight"]
    if after is not None and after.k and "subdistrict" in cov.demand:
        names = cov.demand["subdistrict"].fillna("").astype(str).replace("", "(outside)")
        w = cov.demand["weight"].to_numpy(dtype=float)
        got = pd.Series(np.where(after.covered, w, 0.0)).groupby(names.to_numpy()).sum()
        tot = pd.Series(w).groupby(names.to_numpy()).sum()
        sub["after"] = sub["key"].map(got / tot)
    # Worst first: lowest share, then most people left out.
    sub = sub.sort_values(["share", "uncovered"], ascending=[True, False])
    head = [
        (_t(lang, "subdistrict"), False),
        (_t(lang, "workers"), True),
        (_t(lang, "share"), True),
        (_t(lang, "cross_share"), True),
        (_t(lang, "uncovered"), True),
    ]
    if "after" in sub:
        head.append((_t(lang, "after_share"), True))
    rows = []
    for _, r in sub.iterrows():
        name = _t(lang, "outside") if r["key"] == "(outside)" else r["key"]
        cells = [
            _td(name),
            _td(_num(r["weight"]), True),
            _bar(r["share"], "#f5b7b1" if r["share"] < 0.8 else "#aed6f1"),
            _bar(r["cross_share"], "#d6eaf8"),
            _td(_num(r["uncovered"]), True),
        ]
        if "after" in sub:
            cells.append(_bar(r["after"], "#d7bde2"))
        rows.append(cells)
    return _table(head, rows)


def _tier_table(run: pipeline.Run, lang: str) -> str:
    cov = run.coverage
    s = cov.summary
    order = {t: i for i, t in enumerate(analysis.tier_order(cov.thresholds))}
    tiers = s[s["scope"] == "tier"].assign(_o=lambda d: d["key"].map(order)).sort_values("_o")
    services = s[s["scope"] == "service"].sort_values("share", ascending=False)
    head = [
        (_t(lang, "kind"), False),
        (_t(lang, "name"), False),
        (_t(lang, "facilities"), True),
        (_t(lang, "threshold"), True),
        (_t(lang, "share"), True),
        (_t(lang, "cross_share"), True),
        (_t(lang, "circle_share", radius=_radius(run.scenario.walk.circle_radius_m, lang)), True),
        (_t(lang, "uncovered"), True),
    ]
    rows = []
    for kind, part in (("tier", tiers), ("service", services)):
        for _, r in part.iterrows():
            thr = cov.thresholds.get(r["key"]) if kind == "tier" else None
            rows.append(
                [
                    _td(_t(lang, f"kind_{kind}")),
                    _td(maps.tier_label(r["key"], lang) if kind == "tier" else r["key"]),
                    _td(int(r["facilities"]), True),
                    _td(_t(lang, "minutes", m=f"{thr:g}") if thr is not None else "", True),
                    _bar(r["share"]),
                    _bar(r["cross_share"], "#d6eaf8"),
                    _bar(r["circle_share"], "#e5e8e8"),
                    _td(_num(r["weight"] - r["covered_weight"]), True),
                ]
            )
    return _table(head, rows)


def _sites_table(run: pipeline.Run, after: AfterPlan, lang: str) -> str:
    p = after.sites.head(TOP_SITES)
    multi = p["tier"].nunique() > 1
    head = [(_t(lang, "rank"), True), (_t(lang, "name"), False)]
    if multi:
        head.append((_t(lang, "tier"), False))
    head += [
        (_t(lang, "subdistrict"), False),
        (_t(lang, "street"), False),
        (_t(lang, "added"), True),
        (_t(lang, "cumulative"), True),
    ]
    rows = []
    for i, r in enumerate(p.itertuples(index=False), start=1):
        cells = [_td(i, True), _td(getattr(r, "name", ""))]
        if multi:
            cells.append(_td(maps.tier_label(str(r.tier), lang)))
        cells += [
            _td(getattr(r, "subdistrict", "")),
            _td(getattr(r, "street", "")),
            _td(_num(r.added), True),
            _td(_pct(r.cumulative_share), True),
        ]
        rows.append(cells)
    out = _table(head, rows)
    if after.k > TOP_SITES:
        path = run.scenario.output_dir / "plan" / "proposed_sites.csv"
        out += f'<p class="small">{_e(_t(lang, "sites_more", n=after.k, path=path))}</p>'
    return out


def _data_notes(run: pipeline.Run, lang: str, extra: Sequence[str]) -> str:
    probs = run.layers.problems
    skipped = len({(p.path, p.row) for p in probs if p.action == "skipped"})
    kept = sum(p.action != "skipped" for p in probs)
    items = [_e(n) for n in run.layers.notes] + [_e(n) for n in extra]
    if probs:
        path = run.scenario.output_dir / "problems.csv"
        items.append(_e(_t(lang, "skipped", n=skipped, k=kept, path=path)))
    else:
        items.append(_e(_t(lang, "no_problems")))
    out = '<ul class="note">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    if probs:
        shown = probs[:MAX_PROBLEMS]
        head = [(_t(lang, c), c == "row") for c in ("file", "row", "field", "problem", "action")]
        rows = [
            [
                _td(Path(p.path).name),
                _td("" if p.row is None else p.row, True),
                _td(p.field or ""),
                _td(p.message),
                _td(TEXT[lang].get(f"action_{p.action}", p.action)),
            ]
            for p in shown
        ]
        out += f'<p class="small">{_e(_t(lang, "problems_head", n=len(shown)))}</p>'
        out += _table(head, rows)
    return out


def _method_notes(run: pipeline.Run, plan: pipeline.PlanRun | None, lang: str) -> str:
    s = run.scenario
    w = s.walk
    cov = run.coverage
    net = run.network.summary()
    sep = "、" if lang == "zh" else ", "
    thresholds = sep.join(
        maps.tier_label(t, lang) + " " + _t(lang, "minutes", m=f"{cov.thresholds[t]:g}")
        for t in analysis.tier_order(cov.thresholds)
    )
    items = [
        _t(
            lang,
            "method_walk",
            speed=f"{w.speed_kmh:g}",
            steps=f"{w.steps_penalty:g}",
            snap=f"{w.max_snap_m:g}",
            access=_t(lang, "access_yes" if w.include_access else "access_no"),
        ),
        _t(lang, "method_thresholds", items=thresholds),
        _t(
            lang,
            "method_network",
            nodes=_num(net.get("nodes", np.nan)),
            edges=_num(net.get("edges", np.nan)),
            km=f"{net.get('length_km', float('nan')):,.1f}",
            source=Path(str(net.get("source", ""))).name or "OSM",
        ),
        _t(lang, "method_circle", radius=_radius(w.circle_radius_m, lang)),
        _t(lang, "method_shares"),
    ]
    if plan is not None and plan.plans:
        for p in plan.plans:
            info = p.summary()
            gap = info.get("gap", np.nan)
            items.append(
                _t(
                    lang,
                    "method_plan",
                    model=str(info.get("model", "")).upper(),
                    method=info.get("method", ""),
                    status=info.get("status", ""),
                    gap=_pct(gap) if gap is not None else "–",
                    cands=_num(info.get("n_candidates", np.nan)),
                    n=len(p.proposed),
                )
            )
        p = plan.plans[-1]
        items.append(
            _t(
                lang,
                "method_after",
                tier=maps.tier_label(p.tier, lang),
                minutes=f"{s.walk.threshold_for(p.tier):g}",
            )
        )
    return '<ul class="note">' + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


# --- the page -------------------------------------------------------------------------------


def build_report(
    run: pipeline.Run,
    plan: pipeline.PlanRun | None,
    *,
    lang: str = "zh",
    notes: Sequence[str] = (),
    today: dt.date | None = None,
    progress: Progress = _noop,
) -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    run
        A scenario run (:func:`coverage.pipeline.run`, ``write=False`` is enough).
    plan
        A site plan for the same scenario (:func:`coverage.pipeline.plan`), or None to leave out
        the curve, the "after" map and the proposed sites.
    lang
        ``"zh"`` or ``"en"``.
    notes
        Extra lines for the data notes (e.g. why there is no plan).
    today
        Date printed in the header (default: today).

    Returns
    -------
    str
        HTML with inline CSS and base64 PNG images: no scripts, no external links.
    """
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {tuple(TEXT)}, not {lang!r}")
    s = run.scenario
    cov = run.coverage
    title = s.title or s.name
    after = None
    if plan is not None:
        progress("adding the proposed sites")
        after = after_plan(run, plan, lang=lang)

    subtitle = _t(lang, "subtitle", minutes=f"{s.walk.threshold_min:g}")
    date = (today or dt.date.today()).isoformat()
    meta = _t(lang, "meta", date=date, name=s.name, source=s.source or "–")
    parts = [
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="sub">{_e(subtitle)}</p>',
        f'<p class="meta">{_e(meta)}</p>',
        "</header>",
        f"<section><h2>{_e(_t(lang, 'kpis'))}</h2>{_kpi_cards(run, after, lang)}</section>",
    ]
    subs = _subdistrict_table(run, after, lang)
    if subs:
        parts.append(f"<section><h2>{_e(_t(lang, 'subdistricts'))}</h2>{subs}</section>")
    parts.append(f"<section><h2>{_e(_t(lang, 'by_tier'))}</h2>{_tier_table(run, lang)}</section>")

    extra = list(notes)
    if after is not None and after.k:
        progress("drawing the coverage curve")
        img = _data_uri(curve_png(after, lang=lang))
        parts.append(
            f'<section><h2>{_e(_t(lang, "curve"))}</h2><figure class="curve">'
            f'<img src="{img}" alt="{_e(_t(lang, "curve"))}">'
            f"<figcaption>{_e(_t(lang, 'curve_caption', k=after.k))}</figcaption>"
            "</figure></section>"
        )
    elif after is not None:
        extra.append(_t(lang, "no_plan", reason=_t(lang, "no_new_sites")))

    progress("drawing the maps")
    before_png = static_map_png(
        cov.facilities,
        cov.demand,
        run.tier_catchments,
        run.layers.area,
        lang=lang,
        title=f"{title} · {_t(lang, 'map_before')}",
        thresholds=cov.thresholds,
    )
    figures = [(before_png, _t(lang, "map_before"))]
    caption = _t(lang, "maps_caption")
    if after is not None and after.k:
        label = {t: _proposed_label(t, lang) for t in after.sites["tier"].astype(str).unique()}
        fac = pd.concat(
            [
                cov.facilities[["tier", "geometry"]],
                after.sites[["geometry"]].assign(tier=after.sites["tier"].astype(str).map(label)),
            ],
            ignore_index=True,
        )
        fac = gpd.GeoDataFrame(fac, geometry="geometry", crs=4326)
        dem = cov.demand[["weight", "geometry"]].assign(
            covered=after.covered, n_reach=after.n_reach
        )
        after_title = _t(lang, "map_after", n=after.k)
        after_png = static_map_png(
            fac,
            dem,
            after.tier_catchments,
            run.layers.area,
            lang=lang,
            title=f"{title} · {after_title}",
            thresholds={**cov.thresholds, **getattr(after, "thresholds", {})},
        )
        figures.append((after_png, after_title))
        bands = "/".join(f"{b:g}" for b in after.bands_min)
        caption += " " + _t(
            lang,
            "maps_caption_after",
            label="/".join(label.values()),
            bands=_t(lang, "minutes", m=bands),
        )
    imgs = "".join(
        f'<figure><img src="{_data_uri(png)}" alt="{_e(cap)}"><figcaption>{_e(cap)}'
        "</figcaption></figure>"
        for png, cap in figures
    )
    cls = "pair" if len(figures) == 2 else ""
    parts.append(
        f'<section class="images"><h2>{_e(_t(lang, "maps"))}</h2><div class="{cls}">{imgs}</div>'
        f'<p class="small">{_e(caption)}</p></section>'
    )
    if after is not None and after.k:
        n = min(TOP_SITES, after.k)
        parts.append(
            f"<section><h2>{_e(_t(lang, 'sites', n=n))}</h2>{_sites_table(run, after, lang)}"
            "</section>"
        )
    parts.append(f"<section><h2>{_e(_t(lang, 'data'))}</h2>{_data_notes(run, lang, extra)}")
    parts.append(f"</section><section><h2>{_e(_t(lang, 'method'))}</h2>")
    parts.append(f"{_method_notes(run, plan, lang)}</section>")
    parts.append(f"<footer>{_e(_t(lang, 'footer', version=__version__))}</footer>")
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(_t(lang, 'doc_title', title=title))}</title>\n<style>{CSS}</style>\n"
        f"</head>\n<body>\n<main>\n{''.join(parts)}\n</main>\n</body>\n</html>\n"
    )


def _has_candidates(s: Scenario) -> bool:
    return bool(s.candidates) or s.plan.grid_spacing_m > 0 or s.plan.osm_features


def write_report(
    scenario: Scenario | str | Path,
    path: str | Path | None = None,
    *,
    lang: str | None = None,
    add: int | None = None,
    target: float | None = None,
    progress: Progress = _noop,
    map_path: str | Path | None = None,
) -> Path:
    """Run a scenario and its site plan and write the one-page HTML report (atomically).

    Parameters
    ----------
    scenario
        Scenario file or loaded :class:`~coverage.scenario.Scenario`.
    path
        HTML file to write (default ``<output dir>/report.html``, e.g. ``results/wuhan``).
    lang
        ``"zh"`` or ``"en"`` (default: the scenario's ``lang``).
    add, target
        New sites to propose, or the share to reach with the fewest sites (default: the
        scenario's ``[plan]``, else :data:`DEFAULT_ADD` sites). Without candidate sites (no
        ``[[candidates]]``, no ``[plan] grid_spacing_m``) the plan part is left out with a note.
    map_path
        Also write the interactive map of the same run (with the proposed sites) to this file.

    Returns
    -------
    Path
        The written report.
    """
    s = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    lang = lang or s.lang
    if lang not in TEXT:
        raise ValueError(f"lang must be one of {tuple(TEXT)}, not {lang!r}")
    notes: list[str] = []
    plan_run = None
    if _has_candidates(s):
        if add is None and target is None and s.plan.add is None and s.plan.target is None:
            add = DEFAULT_ADD
            notes.append(_t(lang, "default_add", n=add))
        plan_run = pipeline.plan(s, add=add, target=target, write=False, progress=progress)
        result = plan_run.before
    elif add is not None or target is not None:
        raise ScenarioError(
            f"{s.source}: --add/--target need candidate sites: add [[candidates]] layers "
            "or set [plan] grid_spacing_m"
        )
    else:
        notes.append(_t(lang, "no_plan", reason=_t(lang, "no_candidates")))
        result = pipeline.run(s, progress=progress, write=False)
    page = build_report(result, plan_run, lang=lang, notes=notes, progress=progress)
    target_path = Path(path) if path is not None else s.output_dir / "report.html"
    progress(f"writing {target_path}")
    written = cio.write_text(target_path, page)
    if map_path is not None:
        progress(f"writing {map_path}")
        if plan_run is not None:
            pipeline.write_plan_map(plan_run, Path(map_path))
        else:
            pipeline.write_map(result, Path(map_path))
    return written
