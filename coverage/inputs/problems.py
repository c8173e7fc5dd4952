"""The problems found in the input layers, as tables for the run report and workbooks.

Every reader and check reports a :class:`~coverage.errors.Problem` (file, row, field, message,
action); :func:`problems_frame` lists them all (``problems.csv``), :func:`skipped_rows` one line
per skipped row with all its reasons. Both name each file as every output a planner reads does
(:func:`~coverage.file_labels.file_label`): relative to the scenario's folder when the file is inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage.errors import Msg, Problem
from coverage.file_labels import file_label

__all__ = [
    "PROBLEM_COLUMNS",
    "Checker",
    "joined",
    "layer_skips",
    "problems_frame",
    "skipped_row_count",
    "skipped_rows",
    "warned_rows",
]

#: Columns of the problems table, in order (the keys of :meth:`Problem.as_dict`).
PROBLEM_COLUMNS: tuple[str, ...] = ("file", "row", "field", "problem", "action")


class Checker:
    """Collects problems for one layer and which rows to skip."""

    def __init__(self, gdf: gpd.GeoDataFrame, path: str | Path) -> None:
        self.path = str(path)
        self.rows = (
            gdf["row"].to_numpy()
            if "row" in gdf.columns
            else np.arange(1, len(gdf) + 1)  # positions stand in for row numbers
        )
        self.skip = np.zeros(len(gdf), dtype=bool)
        self.problems: list[Problem] = []

    def row(self, i: int) -> int | None:
        """The file row number of the ``i``-th feature (None when it has none)."""
        r = self.rows[i]
        return None if pd.isna(r) else int(r)

    def add(
        self, i: int | None, field: str | Msg | None, message: str | Msg, *, skip: bool
    ) -> None:
        """Record a problem for feature ``i``; ``skip`` leaves that feature out."""
        self.problems.append(
            Problem(
                self.path,
                None if i is None else self.row(i),
                field,
                message,
                action="skipped" if skip else "kept",
            )
        )
        if skip and i is not None:
            self.skip[i] = True


def problems_frame(
    problems: Iterable[Problem], lang: str = "en", folder: str | Path | None = None
) -> pd.DataFrame:
    """The problems as a table for the run report: file, row, field, problem, action.

    The problems are worded in ``lang``; files inside ``folder`` (the scenario's) are named
    relative to it (:func:`~coverage.file_labels.file_label`). Sorted by file and row (layer-wide problems, without a
    row, first); ``row`` is a nullable integer column.

    Parameters
    ----------
    problems
        The problems of a run.
    lang
        ``"zh"`` or ``"en"``: the words of the messages and actions.
    folder
        The scenario's folder; None names every file by its full path.

    Returns
    -------
    DataFrame
        Columns ``file``, ``row``, ``field``, ``problem`` and ``action``.
    """
    frame = pd.DataFrame([p.as_dict(lang) for p in problems], columns=list(PROBLEM_COLUMNS))
    frame["file"] = [file_label(f, folder) for f in frame["file"]]
    frame["row"] = pd.array(frame["row"], dtype="Int64")
    order = frame.assign(_has_row=frame["row"].notna()).sort_values(
        ["file", "_has_row", "row"], kind="stable", na_position="first"
    )
    return order.drop(columns="_has_row").reset_index(drop=True)


def _row_skipped(p: Problem) -> bool:
    """A row of an input file left out (a layer-wide problem has no row)."""
    return p.action == "skipped" and p.row is not None


def skipped_row_count(problems: Iterable[Problem]) -> int:
    """How many input rows were skipped: the lines of ``skipped_rows.csv``.

    The console, the report and ``run.json`` all count with this, so they agree with the file;
    a layer-wide skip (e.g. a raster's nodata cells) is no row and is not counted.
    """
    return len({(p.path, p.row) for p in problems if _row_skipped(p)})


def warned_rows(problems: Iterable[Problem]) -> dict[str, int]:
    """How many rows of each file were kept with a warning (a value corrected or assumed).

    A row that was also skipped is a skipped row, not a kept one; a layer-wide warning is no
    row. Files in the order of their first such row; none without one.

    Parameters
    ----------
    problems
        The problems of a run.

    Returns
    -------
    dict
        File (as the problems name it) → number of rows.
    """
    problems = list(problems)
    skipped = {(p.path, p.row) for p in problems if _row_skipped(p)}
    warned = dict.fromkeys(
        (p.path, p.row)
        for p in problems
        if p.action == "kept" and p.row is not None and (p.path, p.row) not in skipped
    )
    counts: dict[str, int] = {}
    for path, _ in warned:
        counts[path] = counts.get(path, 0) + 1
    return counts


def layer_skips(problems: Iterable[Problem]) -> list[Problem]:
    """Skipped data that is not a row: a whole layer's cells (nodata, negative…), for example."""
    return [p for p in problems if p.action == "skipped" and p.row is None]


def skipped_rows(
    problems: Iterable[Problem], lang: str = "en", folder: str | Path | None = None
) -> pd.DataFrame:
    """One line per skipped row with its reasons joined, in ``lang``: the "skipped rows" sheet.

    Files are named as in :func:`problems_frame`.

    Parameters
    ----------
    problems
        The problems of a run.
    lang
        ``"zh"`` or ``"en"``.
    folder
        The scenario's folder; None names every file by its full path.

    Returns
    -------
    DataFrame
        One row per skipped input row.
    """
    skipped = (p for p in problems if _row_skipped(p))
    frame = problems_frame(skipped, lang, folder)
    if frame.empty:
        return frame[["file", "row", "field", "problem"]]
    grouped = frame.groupby(["file", "row"], sort=True, dropna=False)
    out = grouped.agg(
        field=("field", lambda s: "; ".join(dict.fromkeys(str(v) for v in s if v is not None))),
        problem=("problem", lambda s: "; ".join(dict.fromkeys(s))),
    )
    return out.reset_index()


def joined(items: Iterable[str | Msg], sep: str = "problem.note.comma") -> Msg:
    """Messages (or texts as written) one after the other, separated by ``sep``'s words."""
    parts = [m if isinstance(m, Msg) else Msg("problem.as_written", text=m) for m in items]
    if not parts:
        return Msg("problem.as_written", text="")
    out = parts[0]
    for m in parts[1:]:
        out = out + Msg(sep) + m
    return out
