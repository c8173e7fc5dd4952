"""Array helpers shared by the routing and catchment code."""

from __future__ import annotations

import numpy as np

__all__ = ["ranges"]


def ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flattened ranges ``starts[i] … starts[i] + counts[i] - 1`` and the range each came from.

    The positions of chosen rows of a CSR matrix (``starts = indptr[rows]``), of the pieces of
    chosen segments, and the like, without a Python loop.
    """
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    shift = np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts)
    return np.arange(len(owner), dtype=np.int64) + shift[owner], owner
