"""People counts and shares as the report shows them: whole numbers that add up.

Demand weights are fractional (a WorldPop cell holds 12.37 people), so rounding each figure on
its own can show sub-districts whose "not covered" column sums to 33,532 under a total of
33,531. The report shows every count through :func:`shown_counts`:

* the overall total and covered people are rounded; not covered is their difference;
* the rows of a scope that splits everyone (demand kinds, sub-districts with the "outside"
  row: their people and covered people add up to the overall ones) have their covered and not-covered people rounded by the largest remainder so that each
  column sums to the overall figure shown; a row's total is its covered plus not covered;
* other rows (tiers, services: each counts everyone again) as the overall one;
* the figures nested in these (people cross-covered within the covered, people no street
  reaches within the not covered) are rounded within their parent as shown, by the largest
  remainder, each part at most its parent (:func:`nested_parts`): a row never shows more
  people cross-covered than covered, nor a tier more than everyone, however the figures would
  round alone (a sub-district's 10.6 covered people shown as 10 so that the column adds up,
  beside 10.6 cross-covered rounded alone to 11).

Shares are shown to a tenth of a per cent by :func:`shown_share`, which keeps 99.96 % from
reading "100.0%" (4 in 10,000 people are still left out) and 0.03 % from reading "0.0%";
:func:`off_the_ends` does the same for the numbers the tables and workbooks store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "NESTED",
    "UNDEFINED",
    "nested_parts",
    "off_the_ends",
    "shown_counts",
    "shown_parts",
    "shown_share",
    "whole_parts",
    "whole_point_people",
    "whole_table",
    "with_shown_people",
]

#: What a figure that does not apply reads (a share of no one, a gap without a bound), in every
#: table, page and console line.
UNDEFINED = "–"

#: Shares this close to 1 (or 0) are everyone (no one): the float noise of covered / total.
_NOISE = 1e-9

#: Scopes whose rows split the demand between them (their weights add up to the total).
PART_SCOPES = ("kind", "subdistrict")

#: Figures nested in a shown count: summary column → (:func:`shown_counts` column, its parent).
NESTED: dict[str, tuple[str, str]] = {
    "cross_weight": ("cross", "covered"),
    "unreachable_weight": ("unreachable", "uncovered"),
}


def whole_parts(
    parts: Sequence[float] | np.ndarray,
    total: int,
    most: Sequence[int] | np.ndarray | None = None,
) -> npt.NDArray[np.int64]:
    """Whole numbers near ``parts`` that sum to ``total`` (largest remainder).

    Each part is rounded down, then the parts with the largest fractions get one more until
    the sum is ``total`` (ties: the earlier part); if ``total`` is below the rounded-down sum,
    the parts with the smallest fractions give one back.

    Parameters
    ----------
    parts
        Non-negative finite numbers (NaN counts as 0).
    total
        The sum the whole numbers must have, normally the rounded sum of ``parts``.
    most
        The largest whole number each part may get (e.g. the people a sub-district has left
        uncovered, as shown, for the people a plan adds there): the extra ones go to the parts
        with room, by largest remainder. The sum falls short of ``total`` only if every part is
        at its most.

    Returns
    -------
    numpy.ndarray
        Integers, one per part.
    """
    x = np.nan_to_num(np.asarray(parts, dtype=float), nan=0.0)
    out: npt.NDArray[np.int64] = np.floor(x).astype(np.int64)
    if not len(out):
        return out
    if most is not None:
        return _capped(x, out, int(total), np.asarray(most, dtype=np.int64))
    frac = x - out
    short = int(total) - int(out.sum())
    if short > 0:
        # Round after round over the parts by largest fraction, in one step (not one per unit).
        order = np.argsort(-frac, kind="stable")
        rounds, rest = divmod(short, len(out))
        out += rounds
        out[order[:rest]] += 1
    elif short < 0:
        givers = [int(i) for i in np.argsort(frac, kind="stable") if out[i] > 0]
        for i in givers[:-short]:
            out[i] -= 1
    return out


def shown_parts(parts: Sequence[float] | np.ndarray) -> npt.NDArray[np.int64]:
    """Whole numbers near ``parts`` that add up to their rounded sum (largest remainder).

    The people each proposed site adds, shown beside the plan's total: rounded one by one,
    three sites adding 1.6 each read 2 + 2 + 2 = 6 under a total of 5.

    Parameters
    ----------
    parts
        Non-negative numbers (NaN counts as 0).

    Returns
    -------
    numpy.ndarray
        Integers, one per part, summing to ``round(sum(parts))``.
    """
    x = np.nan_to_num(np.asarray(parts, dtype=float), nan=0.0)
    return whole_parts(x, round(float(x.sum())))


def whole_point_people(
    weights: npt.ArrayLike,
    covered: npt.ArrayLike,
    shown: pd.DataFrame | None = None,
    groups: Mapping[str, npt.ArrayLike] | None = None,
) -> npt.NDArray[np.int64]:
    """Each demand point's people as a whole number, adding up to the people shown.

    The covered points add up to the covered people shown (the rounded covered weight), the
    others to the rounded total less those. With ``shown`` (a frame like
    :func:`shown_counts`' output: ``covered`` and ``uncovered`` per ``scope`` and ``key``) and
    ``groups`` (each point's ``key`` in up to two scopes, e.g. its demand kind and its
    sub-district), the covered and the other points of every group add up to its figures too
    (:func:`whole_table`), when those figures split the same people; within a group each point
    gets its share by the largest remainder.

    Parameters
    ----------
    weights
        The exact people of each point.
    covered
        Per point: covered or not.
    shown
        The whole people shown per group, indexed by (``scope``, ``key``).
    groups
        Scope → each point's key in it (at most two scopes are used, rows and columns).

    Returns
    -------
    numpy.ndarray
        Integers, one per point.

    Examples
    --------
    >>> whole_point_people([0.6, 0.6, 0.6, 1.2], [True, True, False, False]).tolist()
    [1, 0, 1, 1]
    """
    w = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
    hit = np.asarray(covered, dtype=bool)
    total, got = round(float(w.sum())), round(float(w[hit].sum()))
    scopes = list(groups or {})[:2]
    whole = np.zeros(len(w), dtype=np.int64)
    for mask, people, which in ((hit, got, "covered"), (~hit, total - got, "uncovered")):
        splits = [_split(shown, (groups or {})[sc], sc, which, people) for sc in scopes]
        while len(splits) < 2:
            splits.append((np.zeros(len(w), dtype=np.int64), [people]))
        (r_codes, r_totals), (c_codes, c_totals) = splits
        cells = np.zeros((len(r_totals), len(c_totals)))
        np.add.at(cells, (r_codes[mask], c_codes[mask]), w[mask])
        table = whole_table(cells, r_totals, c_totals)
        points = np.flatnonzero(mask)
        if not len(points):
            continue
        cell = r_codes[points] * len(c_totals) + c_codes[points]
        order = np.argsort(cell, kind="stable")  # each cell's points together, in row order
        starts = np.r_[0, np.flatnonzero(np.diff(cell[order])) + 1]
        for members, code in zip(
            np.split(points[order], starts[1:]), cell[order][starts], strict=True
        ):
            i, j = divmod(int(code), len(c_totals))
            whole[members] = whole_parts(w[members], int(table[i, j]))
    return whole


def _split(
    shown: pd.DataFrame | None, labels: npt.ArrayLike, scope: str, which: str, people: int
) -> tuple[npt.NDArray[np.int64], list[int]]:
    """Each point's group in ``scope`` and the people shown ``which`` per group.

    One group of ``people`` when ``shown`` has no such groups, misses one of the points'
    keys, or its figures do not add up to ``people``.
    """
    keys = np.asarray(labels).astype(str)
    everyone = (np.zeros(len(keys), dtype=np.int64), [people])
    if shown is None or scope not in shown.index.get_level_values(0):
        return everyone
    rows = shown.xs(scope, level=0)
    names = rows.index.astype(str).tolist()
    totals = [int(v) for v in rows[which]]
    if not set(keys) <= set(names) or sum(totals) != people:
        return everyone
    code = {k: i for i, k in enumerate(names)}
    return np.array([code[k] for k in keys], dtype=np.int64), totals


def whole_table(
    cells: npt.ArrayLike, rows: npt.ArrayLike, cols: npt.ArrayLike
) -> npt.NDArray[np.int64]:
    """Whole numbers near ``cells``, a 2-D table, adding up to the row and column totals given.

    Each cell becomes its floor or its ceiling; which cells go up is the transportation
    problem from the rows to the columns through the cells with a fraction, raising the
    largest fractions first (controlled rounding: a linear programme whose constraint matrix is
    totally unimodular, so its simplex solution is whole). ``rows`` and ``cols`` are normally
    the rounded row and column sums shown elsewhere (people per demand kind and per
    sub-district, :func:`shown_counts`). If no such table exists, the rows still add up and
    the columns come as close as the largest fractions let them.

    Parameters
    ----------
    cells
        Non-negative finite numbers, one row per row total and one column per column total.
    rows, cols
        The totals, each at least the sum of its cells' floors; both sum to the same.

    Returns
    -------
    numpy.ndarray
        Integers shaped like ``cells``.

    Examples
    --------
    >>> whole_table([[1.25, 2.5, 0.25], [3.75, 0.5, 4.75]], [4, 9], [5, 3, 5]).tolist()
    [[1, 3, 0], [4, 0, 5]]
    """
    from scipy.optimize import linprog

    x = np.nan_to_num(np.atleast_2d(np.asarray(cells, dtype=float)), nan=0.0)
    out: npt.NDArray[np.int64] = np.floor(x).astype(np.int64)
    row_total = np.asarray(rows, dtype=np.int64)
    col_total = np.asarray(cols, dtype=np.int64)
    ii, jj = np.nonzero(x > out)  # the cells that may go up, one unit each
    n, m = out.shape
    if len(ii):
        eq = np.zeros((n + m, len(ii)))
        eq[ii, np.arange(len(ii))] = 1.0
        eq[n + jj, np.arange(len(ii))] = 1.0
        want = np.concatenate([row_total - out.sum(axis=1), col_total - out.sum(axis=0)])
        cost = 1.0 - (x[ii, jj] - out[ii, jj])  # what raising the cell moves it by
        lp = linprog(cost, A_eq=eq, b_eq=want, bounds=(0, 1), method="highs-ds")
        if lp.status == 0:
            out[ii, jj] += np.round(lp.x).astype(np.int64)
    for i in np.flatnonzero(out.sum(axis=1) < row_total):  # no such table: the rows first
        room = np.flatnonzero(x[i] > out[i])
        order = room[np.argsort(out[i, room] - x[i, room], kind="stable")]
        out[i, order[: int(row_total[i] - out[i].sum())]] += 1
    return out


def _capped(
    x: npt.NDArray[np.float64],
    out: npt.NDArray[np.int64],
    total: int,
    most: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """:func:`whole_parts` with each part at most ``most``: the extra ones where there is room."""
    out = np.minimum(out, most)
    frac = x - out
    short = total - int(out.sum())
    order = np.argsort(-frac, kind="stable")
    while short > 0 and (room := out[order] < most[order]).any():
        for i in order[room][:short]:
            out[i] += 1
        short = total - int(out.sum())
    if short < 0:
        givers = [int(i) for i in np.argsort(frac, kind="stable") if out[i] > 0]
        for i in givers[:-short]:
            out[i] -= 1
    return out


def _row(weight: float, covered: float) -> tuple[int, int, int]:
    w, c = round(weight), round(covered)
    return w, c, w - c


def shown_counts(summary: pd.DataFrame) -> pd.DataFrame:
    """Whole ``weight``, ``covered`` and ``uncovered`` people per summary row, adding up.

    Parameters
    ----------
    summary
        The run's summary table (``scope``, ``key``, ``weight``, ``covered_weight``).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``scope``, ``key``) like the summary, with integer columns ``weight``,
        ``covered`` and ``uncovered`` (``weight == covered + uncovered`` on every row), then
        ``cross`` (at most ``covered``) when the summary has ``cross_weight`` and
        ``unreachable`` (at most ``uncovered``) when it has ``unreachable_weight``
        (:data:`NESTED`).
    """
    w = pd.to_numeric(summary["weight"], errors="coerce").fillna(0.0).to_numpy(float)
    c = pd.to_numeric(summary["covered_weight"], errors="coerce").fillna(0.0).to_numpy(float)
    rows = [_row(a, b) for a, b in zip(w, c, strict=True)]
    out = pd.DataFrame(
        rows,
        columns=["weight", "covered", "uncovered"],
        index=pd.MultiIndex.from_frame(summary[["scope", "key"]]),
    )
    scope = summary["scope"].to_numpy()
    is_overall = scope == "overall"
    totals = [w[is_overall][0], c[is_overall][0]] if is_overall.any() else [np.nan, np.nan]
    for name in PART_SCOPES:
        part = scope == name
        if not part.any():
            continue
        splits = np.allclose([w[part].sum(), c[part].sum()], totals, rtol=1e-9, atol=1e-6)
        if splits:  # the rows split everyone, and the covered people too
            cov, unc = out[is_overall].iloc[0][["covered", "uncovered"]]
        else:  # rows that do not split everyone: their own rounded sums
            cov, unc = round(c[part].sum()), round((w[part] - c[part]).sum())
        got = whole_parts(c[part], int(cov))
        left = whole_parts(np.clip(w[part] - c[part], 0.0, None), int(unc))
        out.loc[part, ["weight", "covered", "uncovered"]] = np.column_stack([got + left, got, left])
    for column, (name, parent) in NESTED.items():
        if column in summary:
            _nested(out, summary[column], name, parent, scope, is_overall)
    return out


def _nested(
    out: pd.DataFrame,
    exact: pd.Series,
    name: str,
    parent: str,
    scope: npt.NDArray[Any],
    is_overall: npt.NDArray[np.bool_],
) -> None:
    """Add column ``name``: ``exact`` in whole people within the shown ``parent`` of each row.

    Rows of a :data:`PART_SCOPES` scope add up to the overall row's figure when their parents
    add up to the overall parent (else to their own rounded sum), which comes down to what they
    can reach if they cannot; every other row (a tier, type or service: some of the facilities)
    is at most the overall row's figure too.
    """
    x = pd.to_numeric(exact, errors="coerce").fillna(0.0).to_numpy(float)
    most = out[parent].to_numpy(np.int64)
    shown = nested_parts(x, most)  # every row alone: rounded, at most its parent
    parts = [scope == s for s in PART_SCOPES]
    lowered = True
    while lowered:  # until every scope adds up to the overall figure (it only comes down)
        lowered = False
        for part in parts:
            if not part.any():
                continue
            splits = is_overall.any() and int(most[part].sum()) == int(most[is_overall][0])
            total = int(shown[is_overall][0]) if splits else round(float(x[part].sum()))
            shown[part] = nested_parts(x[part], most[part], total)
            if splits and int(shown[part].sum()) < int(shown[is_overall][0]):
                shown[is_overall] = int(shown[part].sum())  # as far as the rows can come
                lowered = True
    if is_overall.any():
        some = ~is_overall & ~np.logical_or.reduce(parts)
        shown[some] = np.minimum(shown[some], int(shown[is_overall].min()))
    out[name] = shown


def nested_parts(
    parts: Sequence[float] | np.ndarray,
    most: Sequence[int] | np.ndarray,
    total: int | None = None,
) -> npt.NDArray[np.int64]:
    """Whole numbers near ``parts``, each at most the whole number ``most`` it is nested in.

    People cross-covered are among the people covered, people no street reaches among those
    not covered: each is shown within its parent as shown, never more. Without ``total`` each
    part is rounded alone (half to even) and cut to its most. With it, each part is its floor
    or its ceiling (cut to its most), the largest fractions going up until the parts add up to
    ``total``, or as near as those bounds let them.

    Parameters
    ----------
    parts
        Non-negative numbers (NaN counts as 0), each at most its parent's exact figure.
    most
        The parent of each part, as shown.
    total
        The sum wanted, or None.

    Returns
    -------
    numpy.ndarray
        Integers, one per part, each between 0 and its ``most``.

    Examples
    --------
    >>> nested_parts([10.6, 3.2], [10, 4]).tolist()
    [10, 3]
    >>> nested_parts([10.6, 0.5, 0.5, 0.0], [10, 1, 1, 6], 12).tolist()
    [10, 1, 1, 0]
    """
    x = np.clip(np.nan_to_num(np.asarray(parts, dtype=float), nan=0.0), 0.0, None)
    cap = np.maximum(np.asarray(most, dtype=np.int64), 0)
    if total is None:
        alone: npt.NDArray[np.int64] = np.minimum(np.round(x).astype(np.int64), cap)
        return alone
    low: npt.NDArray[np.int64] = np.minimum(np.floor(x).astype(np.int64), cap)
    up = np.flatnonzero(np.minimum(np.ceil(x).astype(np.int64), cap) > low)
    order = up[np.argsort(low[up] - x[up], kind="stable")]  # largest fraction first
    low[order[: max(int(total) - int(low.sum()), 0)]] += 1
    return low


def with_shown_people(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with its people (``weight``, ``covered_weight``, the :data:`NESTED` figures) as shown.

    The tables and workbooks a person reads then say what the report and the map say: rounded
    alone, the sample's 新华街道 read 45,022 people in the workbook and 45,023 in the report.

    Parameters
    ----------
    summary
        The run's summary table.

    Returns
    -------
    pandas.DataFrame
        A copy; the shares and the other columns are left exact.
    """
    whole = shown_counts(summary)
    out = summary.copy()
    out["weight"] = whole["weight"].to_numpy()
    out["covered_weight"] = whole["covered"].to_numpy()
    for column, (name, _) in NESTED.items():
        if column in out:
            out[column] = whole[name].to_numpy()
    return out


def shown_share(share: Any) -> str:
    """A share as a percentage with one decimal, never "100.0%" or "0.0%" unless it is so.

    Rounded to the nearest tenth, except that a share short of everyone which would round to
    100.0 % reads 99.9 % and a share above no one which would round to 0.0 % reads 0.1 %: a
    planner reads "100.0%" as nobody left out.

    Parameters
    ----------
    share
        A fraction (0.9263 for 92.63 %); None, NaN or infinite read "–".

    Returns
    -------
    str
        E.g. ``"92.6%"``, ``"99.9%"`` for 0.9996, ``"100.0%"`` for 1.
    """
    try:
        v = float(share)
    except (TypeError, ValueError):
        return UNDEFINED
    if not math.isfinite(v):
        return UNDEFINED
    text = f"{100 * float(off_the_ends(v, 3)):.1f}%"  # a tenth of a per cent: 3 decimals
    return "0.0%" if text == "-0.0%" else text


def off_the_ends(shares: Any, decimals: int) -> npt.NDArray[np.float64]:
    """Shares that round to 1 (or 0) at ``decimals`` without being so, moved one step inside.

    What :func:`shown_share` does for the text, for shares stored as numbers: a table rounding
    to 4 decimals stores 0.99996 as 0.9999, not 1.0; a cell formatted ``0.0%`` (3 decimals of the
    fraction) holds 0.999 and reads "99.9%". Every other share, NaN included, is unchanged.

    Parameters
    ----------
    shares
        Fractions (0.9263 for 92.63 %).
    decimals
        Decimals of the fraction the reader sees (4 for 0.9263, 3 for "92.6%").

    Returns
    -------
    ndarray
        The shares, with those at the ends moved.

    Examples
    --------
    >>> off_the_ends([0.99996, 0.5, 1.0, 0.00003, 0.0], 3).tolist()
    [0.999, 0.5, 1.0, 0.001, 0.0]
    """
    v = np.array(shares, dtype=float)
    step = 10.0**-decimals
    with np.errstate(invalid="ignore"):
        r = np.round(v, decimals)
        v[(r >= 1) & (v < 1 - _NOISE)] = 1 - step
        v[(r <= 0) & (v > _NOISE)] = step
    return v
