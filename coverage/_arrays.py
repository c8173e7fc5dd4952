"""Array helpers shared by the routing and catchment code, and the layers' row numbers."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

__all__ = ["ROW_COLUMNS", "ranges", "whole_rows"]

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
