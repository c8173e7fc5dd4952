"""The datum check's findings as messages worded in the scenario's language.

A :class:`~coverage.inputs.street_fit.DatumFinding` carries an English sentence and the numbers
behind it (``details``); the problems it becomes are worded again from those numbers through the
``problem.datum.*`` catalogue keys, so ``problems.csv`` speaks the scenario's language. A finding
whose numbers are not all there (made by hand, or by an older check) keeps its own sentence.
"""

from __future__ import annotations

import math
from typing import Any

from coverage.datum import DATUM_NAMES
from coverage.errors import Msg, first_rows
from coverage.inputs.problems import joined
from coverage.inputs.street_fit import DatumFinding

__all__ = ["evidence_msg", "finding_msg", "kept_msg", "note_msg", "row_msg", "swapped_row_msg"]


def _distance(metres: Any, search_m: Any = None) -> Msg:
    """A distance; infinite means no street within the search radius (``search_m``, if known)."""
    value = float(metres) if metres is not None else math.inf
    if math.isfinite(value):
        return Msg("problem.datum.metres", m=value)
    if search_m is not None:
        return Msg("problem.datum.more_than", m=float(search_m))
    return Msg("problem.datum.beyond")


def _as_is(finding: DatumFinding) -> Msg:
    return Msg("problem.as_written", text=finding.message)


def finding_msg(finding: DatumFinding, declared: str | None = None) -> Msg:
    """A layer-wide finding (a ``looks_*``, swap, range, outside-China or far-from-streets one).

    ``declared`` is the layer's datum key (``"gcj02"``…), named by the outside-China finding.
    """
    d = finding.details
    try:
        if finding.code == "outside_china" and declared in DATUM_NAMES:
            name = DATUM_NAMES[declared]
            msg = Msg(
                "problem.datum.outside_china",
                n=d["count"],
                total=d["of"],
                rows=first_rows(d["rows"], count=False),
                declared=name,
            )
            if d.get("unchanged"):
                msg += Msg("problem.datum.unchanged", n=d["unchanged"])
            return msg + Msg("problem.datum.check_coordinates")
        if finding.code.startswith("looks_"):
            return _looks(d)
        if finding.code == "far_from_streets":
            return _far(d)
        if finding.code == "out_of_range":
            return Msg(
                "problem.datum.out_of_range",
                n=d["count"],
                total=d["of"],
                rows=first_rows(d["rows"], count=False),
            )
        if finding.code == "latlon_swapped":
            china = " China only " in finding.message  # "fit" or "fits China only"
            return Msg(
                "problem.datum.swapped_china" if china else "problem.datum.swapped_extent",
                n=d["count"],
                total=d["of"],
                rows=first_rows(d["rows"], count=False),
            )
    except (KeyError, TypeError):
        pass
    return _as_is(finding)


def _looks(d: dict[str, Any]) -> Msg:
    fields = _evidence(d)
    if d.get("conclusive"):
        return Msg("problem.datum.looks", crs_key=d["best_key"], **fields)
    return Msg("problem.datum.may_be", closer=float(d["share_closer"]), **fields)


def evidence_msg(d: dict[str, Any]) -> Msg:
    """The numbers for another datum (a ``looks_*`` finding's ``details``), as one clause."""
    try:
        return Msg("error.input.datum_evidence", **_evidence(d))
    except (KeyError, TypeError):  # a finding without its numbers: its own words
        return Msg("problem.as_written", text=d.get("evidence", ""))


def _evidence(d: dict[str, Any]) -> dict[str, Any]:
    declared, best = DATUM_NAMES[d["declared"]], d["best"]
    medians, shares = d["median_m"], d["share_within"]
    return {
        "best": best,
        "declared": declared,
        "here": _distance(medians[declared], d.get("search_m")),
        "there": _distance(medians[best], d.get("search_m")),
        "s_there": float(shares[best]),
        "s_here": float(shares[declared]),
        "near": float(d["within_m"]),
        "chance": float(d["random_shift_share_within"]),
    }


def _far(d: dict[str, Any]) -> Msg:
    declared = DATUM_NAMES[d["declared"]]
    medians, search = d["median_m"], d.get("search_m")
    others = [name for name in DATUM_NAMES.values() if name != declared]
    return Msg(
        "problem.datum.far",
        here=_distance(medians[declared], search),
        a=others[0],
        at_a=_distance(medians[others[0]], search),
        b=others[1],
        at_b=_distance(medians[others[1]], search),
    )


def kept_msg(finding: DatumFinding) -> Msg:
    """A firm ``looks_*`` finding, kept as declared (``datum_check = "warn"``)."""
    return finding_msg(finding) + Msg("problem.datum.kept_as_declared")


def row_msg(row: dict[str, Any], declared: str, text: str, search_m: Any = None) -> Msg:
    """A row that fits the streets much better under another datum (kept as declared).

    ``text`` is the check's own sentence, kept when the row's numbers are not all there;
    ``search_m`` the check's search radius (the finding's ``details``).
    """
    try:
        name, other = DATUM_NAMES[declared], DATUM_NAMES[row["datum"]]
        msg = Msg(
            "problem.datum.row_other",
            other=other,
            declared=name,
            there=float(row["fit_m"]),
            here=_distance(row["declared_m"], search_m),
        )
        if row.get("gain_m") is not None:
            msg += Msg("problem.datum.closer", m=float(row["gain_m"]))
        return msg + Msg("problem.datum.row_kept", declared=name, other=other)
    except (KeyError, TypeError, ValueError):
        return Msg("problem.as_written", text=text)


def swapped_row_msg() -> Msg:
    """A row that fits the streets only with longitude and latitude exchanged."""
    return Msg("problem.datum.row_swapped")


def note_msg(finding: DatumFinding, declared: str | None = None) -> Msg:
    """A finding as a line of the layer's notes (the console, the report's data notes).

    The check passed (``datum_ok``) or could not be made (``inconclusive``): what it found;
    anything else: its level and the finding as :func:`finding_msg` words it.
    """
    d = finding.details
    try:
        if finding.code == "datum_ok":
            return _ok(d)
        if finding.code == "inconclusive":
            if "points_near_streets" in d:
                k, n = d["points_near_streets"], d["points"]
                return Msg("problem.note.few_near", n=k, total=n, m=float(d["search_m"]))
            if d["points"] == 0:
                return Msg("problem.note.none_in_china")
            return Msg("problem.note.few_in_china", n=d["points"])
        if finding.code == "rows_other_datum":
            rows = [r["row"] for r in d["rows"][:20]]
            name = DATUM_NAMES[d["declared"]]
            text = Msg(
                "problem.note.rows_other",
                n=len(d["rows"]),
                total=d["of"],
                name=name,
                rows=first_rows(rows, count=False),
            )
        else:
            text = finding_msg(finding, declared)
        return Msg(
            "problem.note.level", level=Msg(f"problem.note.level_{finding.level}"), text=text
        )
    except (KeyError, TypeError):
        return Msg("problem.as_written", text=str(finding))


def _ok(d: dict[str, Any]) -> Msg:
    name = DATUM_NAMES[d["declared"]]
    medians, search = d["median_m"], d.get("search_m")
    others = [
        Msg("problem.note.if_read_as", at=_distance(medians[other], search), name=other)
        for other in DATUM_NAMES.values()
        if other != name
    ]
    return Msg(
        "problem.note.datum_ok",
        name=name,
        here=_distance(medians[name], search),
        others=joined(others),
    )
