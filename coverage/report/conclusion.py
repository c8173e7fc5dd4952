"""The conclusion at the top of page 1: plain sentences built from the summary table.

How many people are covered (overall and per demand kind), how many cannot be reached on foot,
the sub-districts with the lowest share and, with a plan, what the proposed sites would change.
Every number comes from the run's summary table (:func:`coverage.summary.summarize`) and the
plan's own curve; nothing is computed again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coverage import vocab
from coverage.counts import shown_counts
from coverage.i18n import t
from coverage.report.after import OUTSIDE, AfterPlan, subdistrict_after
from coverage.report.pieces import esc as _e
from coverage.report.pieces import num as _num
from coverage.report.pieces import pct as _pct
from coverage.report.pieces import points as _points

if TYPE_CHECKING:
    from coverage.results import Run

__all__ = ["GAPS", "conclusion", "conclusion_lines"]

#: Sub-districts named in the conclusion: those with the lowest share.
GAPS = 3


def _gaps(summary: pd.DataFrame) -> pd.DataFrame:
    """The :data:`GAPS` sub-districts with the lowest share (then most people left out)."""
    sub = summary[(summary["scope"] == "subdistrict") & (summary["key"] != OUTSIDE)]
    sub = sub[sub["weight"] > 0].assign(uncovered=lambda d: d["weight"] - d["covered_weight"])
    return sub.sort_values(["share", "uncovered"], ascending=[True, False]).head(GAPS)


def _coverage_lines(summary: pd.DataFrame, lang: str, snap_m: float) -> list[str]:
    """Covered overall and per demand kind, and the people no street reaches."""
    s = summary.set_index(["scope", "key"])
    o = s.loc[("overall", "all")]
    n = shown_counts(summary)  # whole people that add up
    total, covered = float(o["weight"]), float(o["covered_weight"])
    share = covered / total if total > 0 else np.nan
    key = "report.c_overall" if covered < total else "report.c_overall_all"
    shown = n.loc[("overall", "all")]
    lines = [
        t(lang, key, total=_num(shown["weight"]), covered=_num(shown["covered"]),
          share=_pct(share), uncovered=_num(shown["uncovered"]))
    ]  # fmt: skip
    # Right after the people not covered it counts among ("of those"): after a demand kind's
    # line it read as that kind's, the workers', when no street reaches residents' cells.
    far = shown.get("unreachable", 0)  # among the people not covered, as shown (counts.NESTED)
    if far > 0:  # under half a person reads 0: no sentence about "0 people"
        lines.append(t(lang, "report.c_far", n=_num(far), snap=f"{snap_m:g}"))
    kinds = summary[summary["scope"] == "kind"]
    for _, r in kinds.iterrows() if len(kinds) > 1 else ():  # one kind is the overall line
        w, c = float(r["weight"]), float(r["covered_weight"])
        k = n.loc[("kind", r["key"])]
        lines.append(
            t(lang, "report.c_kind", kind=vocab.kind_label(str(r["key"]), lang),
              total=_num(k["weight"]), covered=_num(k["covered"]),
              share=_pct(c / w if w > 0 else np.nan), uncovered=_num(k["uncovered"]))
        )  # fmt: skip
    return lines


def conclusion_lines(
    summary: pd.DataFrame,
    lang: str,
    *,
    snap_m: float,
    n_sites: int = 0,
    after_weight: float | None = None,
    sub_after: Mapping[str, float] | None = None,
) -> list[str]:
    """The conclusion's sentences, plain text (not escaped).

    Parameters
    ----------
    summary
        The run's summary table (``scope``, ``key``, ``weight``, ``covered_weight``, ``share``,
        ``unreachable_weight``).
    lang
        ``"zh"`` or ``"en"``.
    snap_m
        The walking model's snap limit: people farther than this from every street are "not
        reachable on foot".
    n_sites, after_weight, sub_after
        With a plan: the number of proposed sites, the people covered after adding them, and the
        share covered after them per sub-district (summary keys).
    """
    lines = _coverage_lines(summary, lang, snap_m)
    gaps = _gaps(summary)
    if len(gaps) and float(gaps["uncovered"].sum()) > 0:
        n = shown_counts(summary)  # as the sub-district table shows them
        items = [
            t(lang, "report.c_gap_item", name=r["key"], share=_pct(r["share"]),
              uncovered=_num(n.loc[("subdistrict", r["key"]), "uncovered"]))
            for _, r in gaps.iterrows()
        ]  # fmt: skip
        lines.append(t(lang, "report.c_gaps", items=t(lang, "report.sep").join(items)))
    if n_sites and after_weight is not None:
        o = summary.set_index(["scope", "key"]).loc[("overall", "all")]
        total, before = float(o["weight"]), float(o["covered_weight"])
        b, a = (before / total, after_weight / total) if total > 0 else (np.nan, np.nan)
        lines.append(
            t(lang, "report.c_plan", n=n_sites, before=_pct(b), after=_pct(a),
              points=_points(b, a), added=_num(after_weight - before))
        )  # fmt: skip
        changes = [
            t(lang, "report.c_change", name=r["key"], before=_pct(r["share"]),
              after=_pct(sub_after[r["key"]]))
            for _, r in gaps.iterrows()
            if sub_after is not None and r["key"] in sub_after
        ]  # fmt: skip
        if changes:
            lines.append(t(lang, "report.c_plan_gaps", items=t(lang, "report.sep").join(changes)))
    return lines


def conclusion(run: Run, after: AfterPlan | None, lang: str, notes: Sequence[str] = ()) -> str:
    """The conclusion section: :func:`conclusion_lines` of the run (and plan) as a list.

    ``notes`` follow them: what a capacitated plan's sites can serve beside the share after it
    (:func:`coverage.i18n.values.served_notes`), on page 1 where that share is read.
    """
    n_sites, after_weight, sub_after = 0, None, None
    if after is not None and after.k:
        n_sites = after.k
        after_weight = float(after.curve["covered_weight"].iloc[-1])
        sub_after = subdistrict_after(run, after).to_dict()
    lines = conclusion_lines(
        run.coverage.summary,
        lang,
        snap_m=run.scenario.walk_model().max_snap_m,
        n_sites=n_sites,
        after_weight=after_weight,
        sub_after=sub_after,
    )
    items = "".join(f"<li>{_e(line)}</li>" for line in (*lines, *notes))
    return (
        f'<section class="conclusion"><h2>{_e(t(lang, "report.conclusion"))}</h2>'
        f"<ul>{items}</ul></section>"
    )
