"""The console's tables: coverage KPIs, plan stages, proposed sites and the walking network.

Every cell that comes from input (names, sub-districts, tags, paths) is escaped: rich would
otherwise read ``[...]`` in it as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from coverage.excel import cell_word
from coverage.i18n import t
from coverage.vocab import tier_label

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from coverage.analysis import Coverage

__all__ = [
    "kpi_table",
    "network_tables",
    "proposed_table",
    "stage_notes",
    "stages_table",
]


def _text(value: Any) -> str:
    """A cell from input data: empty when missing, escaped for rich markup."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return escape(str(value))


def _group(scope: str, key: str, lang: str) -> str:
    """The word for a summary row's group: a tier's label, "all", or the key as it is."""
    if scope == "tier":
        return tier_label(key, lang)
    if scope == "overall" and key == "all":
        return t(lang, "excel.value.key.all")
    return cell_word("kind", key, lang) if scope == "kind" else key


def kpi_table(cov: Coverage, lang: str) -> Table:
    """Coverage per tier and overall: facilities, weight, covered weight and shares."""
    from coverage.analysis import tier_order

    table = Table(title=t(lang, "console.kpi.title"))
    for col in ("scope", "key", "facilities", "weight", "covered", "share", "cross", "circle"):
        justify: JustifyMethod = "right" if col not in ("scope", "key") else "left"
        table.add_column(t(lang, f"console.kpi.{col}"), justify=justify)
    s = cov.summary
    show = s[s["scope"].isin(["overall", "tier"])]
    order = {t: i for i, t in enumerate(tier_order(cov.thresholds))}
    show = show.assign(_o=show["key"].map(order).fillna(-1)).sort_values(["_o"])
    for _, r in show.iterrows():
        scope, key = str(r["scope"]), str(r["key"])
        table.add_row(
            escape(cell_word("scope", scope, lang)),
            escape(_group(scope, key, lang)),
            str(r["facilities"]),
            f"{r['weight']:,.0f}",
            f"{r['covered_weight']:,.0f}",
            f"{r['share']:.1%}",
            f"{r['cross_share']:.1%}",
            f"{r['circle_share']:.1%}",
        )
    return table


def stages_table(stages: pd.DataFrame, lang: str) -> Table:
    """The plan's stages (`PlanRun.stages`): model, sites, coverage before/after, solver."""
    table = Table(title=t(lang, "console.plan.title"))
    for col in ("tier", "model", "new_sites", "before", "after", "status", "gap", "solve_s"):
        justify: JustifyMethod = "left" if col in ("tier", "model", "status") else "right"
        table.add_column(t(lang, f"console.plan.{col}"), justify=justify)
    for _, r in stages.iterrows():
        table.add_row(
            escape(tier_label(str(r["tier"]), lang)),
            escape(cell_word("model", str(r["model"]), lang)),
            str(r["n_selected"]),
            f"{r['before_share']:.1%}",
            f"{r['after_share']:.1%}",
            escape(cell_word("status", str(r["status"]), lang)),
            f"{r['gap']:.2%}",
            f"{r['solve_time_s']:.1f}",
        )
    return table


def stage_notes(stages: pd.DataFrame, lang: str) -> list[str]:
    """Why a stage chose fewer sites than asked, one markup line per such stage."""
    notes = []
    for _, r in stages.iterrows():
        asked = r.get("requested")
        note = r.get("note")
        more = r.get("mclp_sites")
        if more is not None and more == more:  # set covering's fewer sites replaced MCLP's
            note = t(lang, "excel.value.note.fewest", mclp=int(more), n=int(r["n_selected"]))
        if isinstance(note, str) and note:
            tier = escape(tier_label(str(r["tier"]), lang))
            notes.append(f"[yellow]{t(lang, 'console.plan.note', tier=tier, note=escape(note))}[/]")
        elif asked == asked and asked is not None and r["n_selected"] < asked:  # not NaN
            fewer = t(
                lang,
                "console.plan.fewer",
                tier=escape(tier_label(str(r["tier"]), lang)),
                n=r["n_selected"],
                asked=int(asked),
            )
            notes.append(f"[yellow]{fewer}[/]")
    return notes


def proposed_table(proposed: pd.DataFrame, lang: str) -> Table:
    """The proposed sites in plan order, with GCJ-02 (Amap) coordinates to paste into Amap."""
    table = Table(title=t(lang, "console.sites.title"))
    for col in ("rank", "name", "tier", "gain", "subdistrict", "gcj02"):
        justify: JustifyMethod = "right" if col in ("rank", "gain") else "left"
        # Narrow terminals wrap names and tiers; sub-district names are short and "lon,lat" (as
        # Amap's search box takes it) is meant to be copied: neither is wrapped.
        table.add_column(
            t(lang, f"console.sites.{col}"),
            justify=justify,
            overflow="fold",
            no_wrap=col in ("subdistrict", "gcj02"),
        )
    for _, r in proposed.iterrows():
        tier = r.get("tier")
        table.add_row(
            str(r["rank"]),
            _text(r.get("name")),
            escape(tier_label(str(tier), lang)) if isinstance(tier, str) else "",
            f"{r['gain']:,.0f}",
            _text(r.get("subdistrict")),
            f"{r['gcj02_lon']:.6f},{r['gcj02_lat']:.6f}",
        )
    return table


def _count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else escape(str(n))


def _kept_rows(summary: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """What the walking network holds: size, length, CRS, source, component, merged rows."""
    rows = [
        (t(lang, "console.network.nodes"), _count(summary["nodes"])),
        (t(lang, "console.network.edges"), _count(summary["edges"])),
        (t(lang, "console.network.length"), f"{summary['length_km']:,.1f}"),
        (t(lang, "console.network.crs"), escape(str(summary["crs"]))),
    ]
    if "source" in summary:
        rows.append((t(lang, "console.network.source"), escape(str(summary["source"]))))
    comp = summary.get("component")
    if isinstance(comp, Mapping):
        kind = "strong" if comp.get("kind") == "strong" else "weak"
        of = t(lang, f"console.network.largest_{kind}", n=f"{comp.get('components', 1):,}")
        rows.append((t(lang, "console.network.component"), of))
    for key in ("osm_ways_in", "segments_in", "reciprocal_rows_merged", "one_way_for_walkers"):
        if key in summary:
            rows.append((t(lang, f"console.network.{key}"), _count(summary[key])))
    return rows


def _dropped_rows(summary: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """What was left out, each reason with its count of street segments (or edges)."""
    rows = []
    for tag, n in dict(summary.get("dropped_not_walkable") or {}).items():
        rows.append((t(lang, "console.network.not_walkable", tag=escape(str(tag))), _count(n)))
    comp = summary.get("component")
    if isinstance(comp, Mapping) and comp.get("dropped_edges"):
        what = t(lang, "console.network.off_component", km=f"{comp['dropped_length_km']:,.1f}")
        rows.append((what, _count(comp["dropped_edges"])))
    clipped = summary.get("clipped_to_area")
    if isinstance(clipped, Mapping) and clipped.get("edges_dropped"):
        what = t(lang, "console.network.outside_area", m=f"{clipped['margin_m']:,.0f}")
        rows.append((what, _count(clipped["edges_dropped"])))
    if summary.get("osm_ways_cut_at_missing_nodes"):
        n = summary["osm_ways_cut_at_missing_nodes"]
        rows.append((t(lang, "console.network.cut_ways"), _count(n)))
    return rows


def network_tables(summary: Mapping[str, Any], name: str, lang: str) -> tuple[Table, Table]:
    """Two tables from `WalkNetwork.summary`: what was kept, and what was dropped and why."""
    kept = Table(title=t(lang, "console.network.title", name=escape(name)))
    kept.add_column(t(lang, "console.network.item"))
    kept.add_column(t(lang, "console.network.value"), justify="right")
    for row in _kept_rows(summary, lang):
        kept.add_row(*row)
    dropped = Table(title=t(lang, "console.network.dropped_title"))
    dropped.add_column(t(lang, "console.network.reason"))
    dropped.add_column(t(lang, "console.network.count"), justify="right")
    for row in _dropped_rows(summary, lang):
        dropped.add_row(*row)
    return kept, dropped
