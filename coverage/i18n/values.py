"""The word a reader sees for a program value: tier codes, models, statuses, street types.

Workbooks, the console, the report and the planner's progress lines all show these values, so
the lookup lives with the catalogues rather than with any one of them.

Examples
--------
>>> from coverage.i18n.values import cell_word
>>> cell_word("model", "mclp", "en")
'Maximal covering'
>>> cell_word("street", "(tertiary)", "zh")
'无名支路'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard

import numpy as np

from coverage import vocab
from coverage.counts import shown_share
from coverage.i18n import catalogue, t
from coverage.results import serves_less

if TYPE_CHECKING:
    from coverage.results import PlanStage

__all__ = [
    "TIER_COLUMNS",
    "TIME_LIMIT_SETTING",
    "VALUES",
    "cell_word",
    "served_notes",
    "stage_note",
    "unsolved_notes",
]

#: Columns whose cells are program keys, each shown as the word ``excel.value.<column>.<key>``
#: (``kind`` and the tier columns go through :mod:`coverage.vocab`, ``key`` by its row's scope).
VALUES: tuple[str, ...] = ("action", "scope", "role", "source", "model", "method", "status")
#: Columns holding tier codes.
TIER_COLUMNS: tuple[str, ...] = ("tier", "facility_tier")

#: Where a planner raises a plan's time limit: the scenario's setting or the command's option.
TIME_LIMIT_SETTING = "[plan] time_limit_s / --time-limit"

#: The note of a stage that proposes fewer sites than asked, by model (others: the covering one).
_FEWER = {"backup": "excel.value.note.fewer_backup", "pmedian": "excel.value.note.fewer_pmedian"}

_STREET_TYPE = re.compile(r"^\(([a-z_]+)\)$")  # "(tertiary)": an unnamed street, its OSM type


def cell_word(column: Any, value: Any, lang: str) -> Any:
    """The word a reader sees for a program key in ``column`` (other values as they are).

    Tier codes, demand kinds, scopes, actions, candidate roles and sources, siting models,
    methods and statuses, booleans (是/否, Yes/No) and unnamed streets' OSM types.

    Parameters
    ----------
    column
        The column's program name.
    value
        A cell's value.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    object
        The word, or the value as it is.
    """
    col = str(column)
    words = catalogue(lang)
    if isinstance(value, bool | np.bool_):
        return t(lang, f"excel.value.covered.{str(bool(value)).lower()}")
    if not isinstance(value, str) or not value:
        return value
    if col in TIER_COLUMNS:
        return vocab.tier_label(value, lang) if value in vocab.active() else value
    if col == "kind":
        return vocab.kind_label(value, lang)
    if col in VALUES:
        return words.get(f"excel.value.{col}.{value.lower().replace(' ', '_')}", value)
    if col == "street" and (m := _STREET_TYPE.match(value)):
        tag = m.group(1).removesuffix("_link")
        kind = words.get(f"excel.value.highway.{tag}", t(lang, "excel.value.highway.other"))
        return t(lang, "excel.street_unnamed", kind=kind)
    return value


def served_notes(plans: Sequence[PlanStage], lang: str) -> list[str]:
    """What the sites of each capacitated stage can serve, beside the share after the plan.

    With capacities, the share after the plan counts everyone within reach of a site, not what
    the sites can serve (``served_share`` of the stage, the workbook's): one sentence per stage
    whose sites serve less (:func:`coverage.results.serves_less`), none otherwise. The
    report's method notes and the plan map's KPI panel say it in these same words.
    """
    out = []
    for p in plans:
        info = p.summary()
        if serves_less(info):
            tier = vocab.tier_label(p.tier, lang)
            served, after = shown_share(info["served_share"]), shown_share(info["after_share"])
            out.append(t(lang, "report.method_served", tier=tier, served=served, after=after))
    return out


def _given(value: object) -> TypeGuard[float]:
    """Whether a stage table's cell holds a number (not None, not NaN)."""
    return isinstance(value, int | float | np.integer | np.floating) and value == value


def stage_note(stage: Mapping[str, Any], lang: str) -> str:
    """The note of one plan stage (a row of ``PlanRun.stages()``) in ``lang``; "" if none.

    A stage that found no plan within its time limit (status ``no_plan``) says so and how to
    give it more time, and so does one whose MILP found none, so greedy's plan stands; one that proposes fewer sites than asked (``requested``) says why, in
    its model's terms; set covering's fewer sites replacing maximal covering's (``mclp_sites``)
    say so. Any other note is the stage's own. The console, the plan's tables and workbook and
    the report all show these words.

    Parameters
    ----------
    stage
        The stage's summary (``Plan.summary()``).
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    str
        The note, or "".
    """
    n = stage.get("n_selected")
    if stage.get("status") == "no_plan":
        limit = stage.get("time_limit_s")
        seconds = f"{float(limit):g}" if _given(limit) else "–"
        return t(lang, "excel.value.note.no_plan", seconds=seconds, setting=TIME_LIMIT_SETTING)
    if stage.get("status") == "greedy" and stage.get("method") == "milp":  # capacitated
        limit = stage.get("time_limit_s")
        seconds = f"{float(limit):g}" if _given(limit) else "–"
        return t(
            lang, "excel.value.note.greedy_instead", seconds=seconds, setting=TIME_LIMIT_SETTING
        )
    more = stage.get("mclp_sites")
    if _given(more) and _given(n):  # set covering's fewer sites replaced MCLP's
        return t(lang, "excel.value.note.fewest", mclp=int(more), n=int(n))
    asked = stage.get("requested")
    if _given(asked) and _given(n) and n < asked:
        key = _FEWER.get(str(stage.get("model")), "excel.value.note.fewer")
        return t(lang, key, n=int(n), asked=int(asked))
    note = stage.get("note")
    return note if isinstance(note, str) else ""


def unsolved_notes(plans: Sequence[PlanStage], lang: str) -> list[str]:
    """One sentence per stage that found no plan within its time limit (none otherwise).

    Such a stage proposes no site, and the share after the plan is the share before it: the
    report and the plan map say why beside that share, in :func:`stage_note`'s words.
    """
    out = []
    for p in plans:
        info = p.summary()
        if info.get("status") == "no_plan":
            tier = vocab.tier_label(p.tier, lang)
            out.append(t(lang, "report.stage_note", tier=tier, note=stage_note(info, lang)))
    return out
