"""The page's sections as HTML strings.

KPI cards, sub-district and tier tables, proposed sites, data notes and method notes. Each takes
results handed to it and computes nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coverage import analysis, maps, vocab
from coverage.counts import UNDEFINED, shown_counts, shown_parts
from coverage.datum import COORDINATE_COLUMNS, add_coordinates, coordinate_text
from coverage.file_labels import file_label
from coverage.i18n import catalogue, t
from coverage.i18n.values import cell_word, served_notes, stage_note
from coverage.inputs.problems import layer_skips, skipped_row_count
from coverage.report.after import OUTSIDE, AfterPlan, subdistrict_after
from coverage.report.pieces import bar as _bar
from coverage.report.pieces import card as _card
from coverage.report.pieces import esc as _e
from coverage.report.pieces import local_dirs as _dirs
from coverage.report.pieces import num as _num
from coverage.report.pieces import pct as _pct
from coverage.report.pieces import points as _points
from coverage.report.pieces import radius as _radius
from coverage.report.pieces import table as _table
from coverage.report.pieces import td as _td
from coverage.report.pieces import without_dirs as _without_dirs

if TYPE_CHECKING:
    from coverage.results import PlanResult, Run

__all__ = [
    "MAX_PROBLEMS",
    "TOP_SITES",
    "data_notes",
    "kpi_cards",
    "method_notes",
    "sites_table",
    "subdistrict_table",
    "tier_table",
]

#: Proposed sites listed in the table (all of them are in ``plan/proposed_sites.csv``).
TOP_SITES = 20

#: Problems listed on the page (the rest are in ``problems.csv``).
MAX_PROBLEMS = 10


def kpi_cards(run: Run, after: AfterPlan | None, lang: str) -> str:
    """The KPI cards: demand covered before (and after the plan) overall and per tier."""
    cov = run.coverage
    k = cov.kpis()
    s = cov.summary.set_index(["scope", "key"])
    total = k.get("total_weight", np.nan)
    overall = s.loc[("overall", "all")]
    n = shown_counts(cov.summary)  # whole people that add up, as the tables show them
    cards = [
        _card(
            _pct(k["share_any"]),
            t(lang, "report.kpi_any"),
            t(
                lang,
                "report.kpi_any_sub",
                covered=_num(n.loc[("overall", "all"), "covered"]),
                total=_num(n.loc[("overall", "all"), "weight"] if np.isfinite(total) else total),
            ),
            "main",
        )
    ]
    kinds = cov.summary[cov.summary["scope"] == "kind"]
    for _, row in kinds.iterrows() if len(kinds) > 1 else ():  # residents, workers …
        shown = n.loc[("kind", row["key"])]
        sub = t(lang, "report.kpi_kind_sub", covered=_num(shown["covered"]),
                 total=_num(shown["weight"]), far=_num(shown.get("unreachable", 0)))  # fmt: skip
        kind = vocab.kind_label(str(row["key"]), lang)
        cards.append(_card(_pct(row["share"]), t(lang, "report.kpi_kind", kind=kind), sub, "main"))
    if after is not None and after.k:
        share = float(after.curve["covered_share"].iloc[-1])
        cards.append(
            _card(
                _pct(share),
                t(lang, "report.kpi_after"),
                t(lang, "report.kpi_after_sub", n=after.k, diff=_points(k["share_any"], share)),
                "after",
            )
        )
    for tier in analysis.tier_order(cov.thresholds):
        if f"share_{tier}" not in k:
            continue
        cards.append(
            _card(
                _pct(k[f"share_{tier}"]),
                t(
                    lang,
                    "report.kpi_tier",
                    tier=maps.tier_label(tier, lang),
                    minutes=f"{cov.thresholds[tier]:g}",
                ),
                _facilities(lang, int(s.loc[("tier", tier), "facilities"])),
            )
        )
    cards.append(
        _card(_pct(k["share_cross"]), t(lang, "report.kpi_cross"), t(lang, "report.kpi_cross_sub"))
    )
    radius = _radius(run.scenario.walk_model().circle_radius_m, lang)
    diff = _points(k["share_any"], k["share_circle"])  # of the two shares the card shows
    cards.append(
        _card(
            f"{_pct(k['share_circle'])} / {_pct(k['share_any'])}",
            t(lang, "report.kpi_circle", radius=radius),
            t(lang, "report.kpi_circle_sub", diff=diff)
            if float(diff) > 0
            else t(lang, "report.kpi_circle_sub_le"),
        )
    )
    cards.append(
        _card(
            t(lang, "report.people", n=_num(n.loc[("overall", "all"), "uncovered"])),
            t(lang, "report.kpi_uncovered"),
            t(lang, "report.kpi_uncovered_sub", points=_num(overall["uncovered_points"])),
            "warn",
        )
    )
    return f'<div class="cards">{"".join(cards)}</div>'


def subdistrict_table(run: Run, after: AfterPlan | None, lang: str) -> str:
    """The sub-district table, worst covered first ("" without sub-districts)."""
    cov = run.coverage
    sub = cov.summary[cov.summary["scope"] == "subdistrict"].copy()
    if not len(sub):
        return ""
    sub["uncovered"] = sub["weight"] - sub["covered_weight"]
    # Whole people that add up to the totals shown above (largest remainder).
    shown = shown_counts(cov.summary).loc["subdistrict"]
    if after is not None and after.k and "subdistrict" in cov.demand:
        sub["after"] = sub["key"].map(subdistrict_after(run, after))
    # Worst first: lowest share, then most people left out.
    sub = sub.sort_values(["share", "uncovered"], ascending=[True, False])
    head = [
        (t(lang, "report.subdistrict"), False),
        (t(lang, "report.workers"), True),
        (t(lang, "report.share"), True),
        (t(lang, "report.cross_share"), True),
        (t(lang, "report.uncovered"), True),
    ]
    if "after" in sub:
        head.append((t(lang, "report.after_share"), True))
    rows = []
    for _, r in sub.iterrows():
        name = t(lang, "report.outside") if r["key"] == OUTSIDE else r["key"]
        cells = [
            _td(name),
            _td(_num(shown.loc[r["key"], "weight"]), True),
            _bar(r["share"], "#f5b7b1" if r["share"] < 0.8 else "#aed6f1"),
            _bar(r["cross_share"], "#d6eaf8"),
            _td(_num(shown.loc[r["key"], "uncovered"]), True),
        ]
        if "after" in sub:
            cells.append(_bar(r["after"], "#d7bde2"))
        rows.append(cells)
    return _table(head, rows)


def tier_table(run: Run, lang: str) -> str:
    """The tier table: walking and straight-line coverage of each tier."""
    cov = run.coverage
    radius = _radius(run.scenario.walk_model().circle_radius_m, lang)
    s = cov.summary
    # People left out as the total less the covered, as shown (the console, the workbook).
    shown = shown_counts(s)
    order = {t: i for i, t in enumerate(analysis.tier_order(cov.thresholds))}
    tiers = s[s["scope"] == "tier"].assign(_o=lambda d: d["key"].map(order)).sort_values("_o")
    services = s[s["scope"] == "service"].sort_values("share", ascending=False)
    head = [
        (t(lang, "report.kind"), False),
        (t(lang, "report.name"), False),
        (t(lang, "report.facilities"), True),
        (t(lang, "report.threshold"), True),
        (t(lang, "report.share"), True),
        (t(lang, "report.cross_share"), True),
        (t(lang, "report.circle_share", radius=radius), True),
        (t(lang, "report.uncovered"), True),
    ]
    rows = []
    for kind, part in (("tier", tiers), ("service", services)):
        for _, r in part.iterrows():
            thr = cov.thresholds.get(r["key"]) if kind == "tier" else None
            rows.append(
                [
                    _td(t(lang, f"report.kind_{kind}")),
                    _td(maps.tier_label(r["key"], lang) if kind == "tier" else r["key"]),
                    _td(int(r["facilities"]), True),
                    _td(t(lang, "report.minutes", m=f"{thr:g}") if thr is not None else "", True),
                    _bar(r["share"]),
                    _bar(r["cross_share"], "#d6eaf8"),
                    _bar(r["circle_share"], "#e5e8e8"),
                    _td(_num(shown.loc[(kind, r["key"]), "uncovered"]), True),
                ]
            )
    return _table(head, rows, title=2)  # a block per tier or service on a phone


def sites_table(run: Run, after: AfterPlan, lang: str) -> str:
    """The table of the first :data:`TOP_SITES` proposed sites, in plan order."""
    # Whole people adding up to the plan's total (largest remainder over every site).
    p = after.sites.assign(added=shown_parts(after.sites["added"])).head(TOP_SITES)
    multi = p["tier"].nunique() > 1
    head = [(t(lang, "report.rank"), True), (t(lang, "report.name"), False)]
    if multi:
        head.append((t(lang, "report.tier"), False))
    # Both datums, "lon,lat" in one cell as Amap's search box takes it; [output] datum first.
    coords = add_coordinates(
        pd.DataFrame(index=p.index), p.geometry.x, p.geometry.y, run.scenario.output.datum
    )
    datums = sorted(COORDINATE_COLUMNS, key=lambda d: d != run.scenario.output.datum)
    head += [(t(lang, "report.subdistrict"), False), (t(lang, "report.street"), False)]
    wide = range(len(head), len(head) + len(datums))  # "lon,lat": a line of its own
    head += [
        *((t(lang, f"report.coords_{d}"), False) for d in datums),
        (t(lang, "report.added"), True),
        (t(lang, "report.cumulative"), True),
    ]
    rows = []
    rows_in = zip(p.itertuples(index=False), coords.to_numpy(), strict=True)
    for i, (r, c) in enumerate(rows_in, start=1):
        cells = [_td(i, True), _td(getattr(r, "name", ""))]
        if multi:
            cells.append(_td(maps.tier_label(str(r.tier), lang)))
        cells += [
            _td(getattr(r, "subdistrict", "")),
            _td(cell_word("street", getattr(r, "street", ""), lang)),  # "(tertiary)": words
            *(_td(coordinate_text(c[k], c[k + 1])) for k in range(0, len(c), 2)),
            _td(_num(r.added), True),
            _td(_pct(r.cumulative_share), True),
        ]
        rows.append(cells)
    out = _table(head, rows, title=2, wide=wide)  # a block per site on a phone
    if after.k > TOP_SITES:
        # File names only: the page is handed over, the planner's folders stay private.
        more = t(lang, "report.sites_more", n=after.k, path="proposed_sites.csv")
        out += f'<p class="small">{_e(more)}</p>'
    return out


def data_notes(run: Run, lang: str, extra: Sequence[str]) -> str:
    """The data notes: input problems (the first :data:`MAX_PROBLEMS`) and notes."""
    probs = run.layers.problems
    skipped = skipped_row_count(probs)  # the lines of skipped_rows.csv, as the console says
    kept = sum(p.action != "skipped" for p in probs)
    dirs = _local_dirs(run)
    notes = [n.text(lang) for n in run.layers.notes]  # how each layer was read
    items = [_e(_without_dirs(n, dirs)) for n in (*notes, *extra)]
    if probs:
        key = "report.skipped" if skipped else "report.skipped_none"
        warnings = t(lang, "report.warnings", n=kept)
        items.append(_e(t(lang, key, n=skipped, warnings=warnings, path="problems.csv")))
        # A layer's skipped cells (a raster's nodata) are what they are, not "1 row".
        for p in layer_skips(probs):
            where = file_label(p.path, run.scenario.folder, private=True)
            text = t(lang, "report.skipped_layer", file=where, problem=p.text(lang))
            items.append(_e(_without_dirs(text, dirs)))
    else:
        items.append(_e(t(lang, "report.no_problems")))
    out = '<ul class="note">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    if probs:
        shown = probs[:MAX_PROBLEMS]
        columns = ("report.file", "report.row", "report.field", "report.problem", "report.action")
        head = [(t(lang, c), c == "report.row") for c in columns]
        rows = [
            [
                _td(file_label(p.path, run.scenario.folder, private=True)),
                _td("" if p.row is None else p.row, True),
                _td(p.field_text(lang) or ""),
                _td(_without_dirs(p.text(lang), dirs)),
                _td(catalogue(lang).get(f"report.action_{p.action}", p.action)),
            ]
            for p in shown
        ]
        out += f'<p class="small">{_e(t(lang, "report.problems_head", n=len(shown)))}</p>'
        out += _table(head, rows, title=1, wide=(3,))  # the problem: a line of its own
    return out


def _local_dirs(run: Run) -> list[Path]:
    """The planner's folders: the scenario's, the results' and the network file's."""
    s = run.scenario
    net = run.network.summary().get("source")
    return _dirs(
        None if s.source is None else Path(s.source).parent,
        s.output_dir,
        Path(net).parent if isinstance(net, str | Path) and net else None,
    )


def method_notes(run: Run, plan: PlanResult | None, lang: str) -> str:
    """The method notes: walking model, network, catchments and planning settings."""
    s = run.scenario
    w = s.walk_model()
    cov = run.coverage
    net = run.network.summary()
    thresholds = t(lang, "report.sep").join(
        maps.tier_label(c, lang) + " " + t(lang, "report.minutes", m=f"{cov.thresholds[c]:g}")
        for c in analysis.tier_order(cov.thresholds)
    )
    items = [
        t(
            lang,
            "report.method_walk",
            speed=f"{w.speed_kmh:g}",
            steps=f"{w.steps_penalty:g}",
            snap=f"{w.max_snap_m:g}",
            access=t(lang, "report.access_yes" if w.include_access else "report.access_no"),
        ),
        t(lang, "report.method_thresholds", items=thresholds),
        t(
            lang,
            "report.method_network",
            nodes=_num(net.get("nodes", np.nan)),
            edges=_num(net.get("edges", np.nan)),
            km=f"{net.get('length_km', float('nan')):,.1f}",
            source=Path(str(net.get("source", ""))).name or "OSM",
        ),
        t(lang, "report.method_circle", radius=_radius(w.circle_radius_m, lang)),
        t(lang, "report.method_shares"),
    ]
    if plan is not None and plan.plans:
        for p in plan.plans:
            info = p.summary()
            gap = info.get("gap", np.nan)
            items.append(
                t(
                    lang,
                    "report.method_plan",
                    model=cell_word("model", str(info.get("model", "")), lang),
                    method=cell_word("method", str(info.get("method", "")), lang),
                    status=cell_word("status", str(info.get("status", "")), lang),
                    gap=_pct(gap) if gap is not None else UNDEFINED,
                    cands=t(lang, "report.candidates", n=_num(info.get("n_candidates", np.nan))),
                    n=len(p.proposed),
                )
            )
            items += served_notes([p], lang)  # capacities: "after" counts reach, not service
            note = stage_note(info, lang)  # no plan in time, fewer sites than asked: why
            if note:
                items.append(
                    t(lang, "report.stage_note", tier=maps.tier_label(p.tier, lang), note=note)
                )
        each = [  # every stage's new sites (a staged plan adds sub-centres, then points)
            t(
                lang,
                "report.method_after_tier",
                tier=maps.tier_label(p.tier, lang),
                minutes=f"{w.threshold_for(p.tier):g}",
            )
            for p in plan.plans
        ]
        sites = t(lang, "report.method_after_and").join(each)
        items.append(t(lang, "report.method_after", sites=sites))
    return '<ul class="note">' + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _facilities(lang: str, n: int) -> str:
    """A KPI card's count of a tier's facilities: "1 facility", "6 facilities"."""
    return t(lang, "report.kpi_tier_sub", n=n)
