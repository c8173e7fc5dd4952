"""The console's tables: coverage KPIs, plan stages, proposed sites and the walking network.

Every cell that comes from input (names, sub-districts, tags, paths) goes through
:func:`coverage.progress.shown`: rich would otherwise read ``[...]`` in it as markup, and a
terminal escape in it would reach the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from rich.cells import cell_len
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from coverage.counts import UNDEFINED, shown_parts, shown_share
from coverage.datum import coordinate_text
from coverage.i18n import t
from coverage.i18n.values import cell_word, stage_note
from coverage.progress import shown
from coverage.vocab import tier_label

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from coverage.analysis import Coverage

__all__ = [
    "FittedTable",
    "NAME_MAX",
    "TEXT_MIN",
    "kpi_table",
    "network_tables",
    "proposed_table",
    "stage_notes",
    "stages_table",
]


def _text(value: Any) -> str:
    """A cell from input data: empty when missing, printed as written (:func:`shown`)."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    return shown(value)


def _group(scope: str, key: str, lang: str) -> str:
    """The word for a summary row's group: a tier's label, "all", or the key as it is."""
    if scope == "tier":
        return tier_label(key, lang)
    if scope == "overall" and key == "all":
        return t(lang, "excel.value.key.all")
    return cell_word("kind", key, lang) if scope == "kind" else key


#: A text column narrower than this many cells (or its widest text) folds a lot: the tables
#: leave out optional columns rather than squeeze one below it.
TEXT_MIN = 8
#: Names up to this many cells wide stay on one line (the tables leave out optional columns
#: to make room); longer ones fold.
NAME_MAX = 24


def _columns(
    title: str, heads: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]]
) -> tuple[Table, int]:
    """A table with the columns (header, kind) and rows, and the least width it needs.

    On a narrow terminal rich shrinks columns until the table fits. A number must never be
    cut (``1,689,8…``): ``"number"`` columns (right-aligned) and ``"fixed"`` ones (text meant
    to be copied, such as "lon,lat") do not wrap and are never narrower than their widest
    cell; nor are ``"name"`` columns up to :data:`NAME_MAX` cells (a name split over two
    lines reads as two names); ``"text"`` columns and headers fold. The width needed counts
    every column whole but text ones, at :data:`TEXT_MIN`.
    """
    table = Table(title=title)
    needed = 1  # the left border; each column adds its padding (2) and right border (1)
    for j, (head, kind) in enumerate(heads):
        widest = max((cell_len(r[j]) for r in rows), default=0)
        fixed = kind in ("number", "fixed") or (kind == "name" and widest <= NAME_MAX)
        table.add_column(
            Text(head, overflow="fold"),
            justify="right" if kind == "number" else "left",
            no_wrap=fixed,
            min_width=widest if fixed and widest else None,
            overflow="fold",
        )
        natural = max(widest, cell_len(head))
        least = {"text": TEXT_MIN, "name": NAME_MAX}.get(kind, natural)
        needed += min(natural, least) + 3
    for row in rows:
        table.add_row(*row)
    return table, needed


class FittedTable:
    """A table built for the width it is printed at (a rich renderable).

    ``heads`` gives each column's header and kind (see :func:`_columns`) in order, ``rows``
    each row's cells by column. The ``optional`` columns, least important first, are left out
    one by one while the table needs more than the terminal's width, so numbers are never cut
    and names need not fold on an 80-column terminal.
    """

    def __init__(
        self,
        title: str,
        heads: Mapping[str, tuple[str, str]],
        rows: Sequence[Mapping[str, str]],
        optional: Iterable[str],
    ) -> None:
        self.title, self.heads, self.rows = title, dict(heads), list(rows)
        self.optional = tuple(optional)

    def build(self, dropped: frozenset[str]) -> tuple[Table, int]:
        """The table without the columns ``dropped``, and the least width it needs."""
        cols = [c for c in self.heads if c not in dropped]
        cells = [[r[c] for c in cols] for r in self.rows]
        return _columns(self.title, [self.heads[c] for c in cols], cells)

    def table(self, width: int) -> Table:
        """The table for a terminal ``width`` cells wide, with the fewest columns left out."""
        dropped: frozenset[str] = frozenset()
        table, needed = self.build(dropped)
        for col in self.optional:
            if needed <= width:
                break
            dropped |= {col}
            table, needed = self.build(dropped)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table(options.max_width))


def _heads(
    lang: str,
    section: str,
    cols: Sequence[str],
    numbers: Sequence[str],
    kinds: Mapping[str, str] | None = None,
) -> dict[str, tuple[str, str]]:
    """Each column's header (``console.<section>.<col>``) and kind for :class:`FittedTable`."""
    return {c: (t(lang, f"console.{section}.{c}"), _kind(c, numbers, kinds)) for c in cols}


def _kind(col: str, numbers: Sequence[str], kinds: Mapping[str, str] | None = None) -> str:
    """A column's kind for :func:`_columns`: a number, as ``kinds`` says, or text."""
    return "number" if col in numbers else (kinds or {}).get(col, "text")


_KPI_NUMBERS = ("facilities", "weight", "covered", "share", "cross", "circle")


def kpi_table(cov: Coverage, lang: str) -> FittedTable:
    """Coverage per tier and overall: facilities, weight, covered weight and shares.

    On a narrow terminal the scope column (全区/层级, also clear from the group) goes first,
    then the 1 km circle and cross-coverage shares.
    """
    from coverage.analysis import tier_order

    s = cov.summary
    show = s[s["scope"].isin(["overall", "tier"])]
    order = {t: i for i, t in enumerate(tier_order(cov.thresholds))}
    show = show.assign(_o=show["key"].map(order).fillna(-1)).sort_values(["_o"])
    rows = []
    for _, r in show.iterrows():
        scope, key = str(r["scope"]), str(r["key"])
        rows.append(
            {
                "scope": shown(cell_word("scope", scope, lang)),
                "key": shown(_group(scope, key, lang)),
                "facilities": str(r["facilities"]),
                "weight": f"{r['weight']:,.0f}",
                "covered": f"{r['covered_weight']:,.0f}",
                "share": shown_share(r["share"]),
                "cross": shown_share(r["cross_share"]),
                "circle": shown_share(r["circle_share"]),
            }
        )

    heads = _heads(lang, "kpi", ("scope", "key", *_KPI_NUMBERS), _KPI_NUMBERS)
    return FittedTable(t(lang, "console.kpi.title"), heads, rows, ["scope", "circle", "cross"])


_STAGE_COLUMNS = ("tier", "model", "new_sites", "before", "after", "status", "gap", "solve_s")


def stages_table(stages: pd.DataFrame, lang: str) -> FittedTable:
    """The plan's stages (`PlanRun.stages`): model, sites, coverage before/after, solver.

    On a narrow terminal the solver's seconds and gap go first.
    """
    rows = [
        {
            "tier": shown(tier_label(str(r["tier"]), lang)),
            "model": shown(cell_word("model", str(r["model"]), lang)),
            "new_sites": str(r["n_selected"]),
            "before": shown_share(r["before_share"]),
            "after": shown_share(r["after_share"]),
            "status": _status(r, lang),
            "gap": _gap(r["gap"]),
            "solve_s": f"{r['solve_time_s']:.1f}",
        }
        for _, r in stages.iterrows()
    ]
    numbers = ("new_sites", "before", "after", "gap", "solve_s")
    heads = _heads(lang, "plan", _STAGE_COLUMNS, numbers)
    return FittedTable(t(lang, "console.plan.title"), heads, rows, ["solve_s", "gap"])


def _status(stage: pd.Series, lang: str) -> str:
    """A stage's solver status in words; an unproven one says its gap too.

    A narrow terminal's table leaves the gap column out, and an unproven plan's gap matters.
    """
    word = cell_word("status", str(stage["status"]), lang)
    gap = stage["gap"]
    if stage["status"] != "optimal" and isinstance(gap, float) and 0.00005 <= gap < np.inf:
        word = t(lang, "console.plan.status_gap", status=word, gap=_gap(gap))
    return shown(word)


def _gap(gap: object) -> str:
    """A gap as a percentage; "–" when there is none to show (no bound: NaN or infinite)."""
    if isinstance(gap, int | float) and np.isfinite(gap):
        return f"{gap:.2%}"
    return UNDEFINED


def stage_notes(stages: pd.DataFrame, lang: str) -> list[str]:
    """Notes on the stages, one markup line each.

    The stage's note (:func:`coverage.i18n.values.stage_note`: no plan within the time limit,
    fewer sites than asked and why); for a plan with capacities, how much of the demand its
    sites can serve ("after" counts everyone within reach); a target met without a new site.
    """
    from coverage.results import serves_less

    notes = []
    for _, r in stages.iterrows():
        tier = shown(tier_label(str(r["tier"]), lang))
        if serves_less(r):
            served, after = shown_share(r["served_share"]), shown_share(r["after_share"])
            line = t(lang, "console.plan.served", tier=tier, served=served, after=after)
            notes.append(f"[yellow]{line}[/]")
        note = stage_note(r.to_dict(), lang)
        if note:
            notes.append(f"[yellow]{t(lang, 'console.plan.note', tier=tier, note=shown(note))}[/]")
        target = r.get("target_share")
        met = r["n_selected"] == 0 and r.get("status") != "no_plan"  # not a plan not found
        if target == target and target is not None and met:  # not NaN
            before, goal = shown_share(r["before_share"]), shown_share(target)
            line = t(lang, "console.plan.met", tier=tier, before=before, target=goal)
            notes.append(f"[yellow]{line}[/]")
    return notes


_SITE_COLUMNS = ("rank", "name", "tier", "gain", "subdistrict")
_SITE_NUMBERS = ("rank", "gain")
_SITE_KINDS = {"name": "name", "subdistrict": "name", "gcj02": "fixed", "wgs84": "fixed"}


def proposed_table(proposed: pd.DataFrame, lang: str, datum: str = "gcj02") -> FittedTable:
    """The proposed sites in plan order, with the coordinates of ``[output] datum``.

    ``datum`` is ``"gcj02"`` (Amap, to paste into Amap; the default) or ``"wgs84"`` (GPS), the
    pair the tables put first; the header names it. On a narrow terminal the tier column goes
    first when every site has the same tier (the stages table says which), then the
    sub-district, so that names stay on one line.
    """
    if datum not in ("gcj02", "wgs84"):
        raise ValueError(f"coordinates are shown as gcj02 or wgs84, not {datum!r}")
    rows = []
    gains = shown_parts(proposed["gain"])  # whole people adding up to the plan's total
    for (_, r), gain in zip(proposed.iterrows(), gains, strict=True):
        tier = r.get("tier")
        rows.append(
            {
                "rank": str(r["rank"]),
                "name": _text(r.get("name")),
                "tier": shown(tier_label(str(tier), lang)) if isinstance(tier, str) else "",
                "gain": f"{gain:,}",
                "subdistrict": _text(r.get("subdistrict")),
                datum: coordinate_text(r[f"{datum}_lon"], r[f"{datum}_lat"]),
            }
        )
    one_tier = len({r["tier"] for r in rows}) <= 1

    heads = _heads(lang, "sites", (*_SITE_COLUMNS, datum), _SITE_NUMBERS, _SITE_KINDS)
    optional = ["tier", "subdistrict"] if one_tier else ["subdistrict"]
    return FittedTable(t(lang, "console.sites.title"), heads, rows, optional)


def _count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else shown(str(n))


def _kept_rows(summary: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """What the walking network holds: size, length, CRS, source, component, merged rows."""
    rows = [
        (t(lang, "console.network.nodes"), _count(summary["nodes"])),
        (t(lang, "console.network.edges"), _count(summary["edges"])),
        (t(lang, "console.network.length"), f"{summary['length_km']:,.1f}"),
        (t(lang, "console.network.crs"), shown(str(summary["crs"]))),
    ]
    if "source" in summary:
        rows.append((t(lang, "console.network.source"), shown(str(summary["source"]))))
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
        rows.append((t(lang, "console.network.not_walkable", tag=shown(str(tag))), _count(n)))
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


def network_tables(summary: Mapping[str, Any], title: str, lang: str) -> tuple[Table, Table]:
    """Two tables from `WalkNetwork.summary`: what was kept, and what was dropped and why.

    ``title`` names the scenario as every output does (``Scenario.display_title(lang)``).
    """
    kept = Table(title=t(lang, "console.network.title", name=shown(title)))
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
