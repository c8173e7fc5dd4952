"""Array helpers shared by the routing and catchment code, and the layers' row numbers."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = ["ROW_COLUMNS", "fastest_arcs", "ranges", "whole_rows"]

#: Columns that number an input's rows or a raster's cells: whole numbers, empty where a layer
#: has none (a raster's points have no row, a file's no cell).
ROW_COLUMNS: tuple[str, ...] = ("row", "cell_row", "cell_col")

Frame = TypeVar("Frame", bound=pd.DataFrame)


def whole_rows(frame: Frame) -> Frame:
    """``frame`` with its :data:`ROW_COLUMNS` as nullable integers (``Int64``), in place.

    Layers with and without row numbers concatenated make them floats (1203.0 beside NaN);
    as ``Int64`` the frames hold 1203, CSV files write it whole (an empty cell where missing)
    and GeoPackage layers keep an integer field.
    """
    for col in ROW_COLUMNS:
        if col not in frame.columns or frame[col].dtype == "Int64":
            continue
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        known = ~np.isnan(values)
        finite = np.isfinite(values[known])
        whole = finite.all() and bool(np.all(values[known][finite] % 1 == 0))
        if whole and known.sum() == frame[col].notna().sum():  # numbers only, none lost
            ints = np.where(known, values, 0).astype(np.int64)
            frame[col] = pd.arrays.IntegerArray(ints, ~known)
    return frame


def ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flattened ranges ``starts[i] … starts[i] + counts[i] - 1`` and the range each came from.

    The positions of chosen rows of a CSR matrix (``starts = indptr[rows]``), of the pieces of
    chosen segments, and the like, without a Python loop.
    """
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    shift = np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts)
    pos = np.repeat(shift, counts)  # a repeat, not a gather by owner: one pass fewer
    pos += np.arange(len(pos), dtype=np.int64)
    return pos, owner


def fastest_arcs(
    tail: np.ndarray, head: np.ndarray, t: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fastest of each tail's arcs to each head, by tail: (indptr over ``n`` tails, head, t).

    Arcs of one tail are listed by head, ascending; the rows of a graph's CSR matrix with the
    fastest of parallel arcs kept (a source's arcs to the ends of its segment, and the like).
    """
    order = np.lexsort((t, head, tail))
    tail, head, t = tail[order], head[order], t[order]
    first = np.ones(len(tail), dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    indptr = np.concatenate([[0], np.cumsum(np.bincount(tail[first], minlength=n))])
    return indptr, head[first], t[first]
