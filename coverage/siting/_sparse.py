"""Sparse-matrix helpers that keep explicit zeros, and the array types of the package.

Every matrix in the package is built from (data, indices, indptr) arrays: scipy's comparison,
``eliminate_zeros`` and ``multiply`` can silently drop explicit zeros, which here are real
walking times of 0.0.
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

#: Float, integer and boolean arrays.
Floats: TypeAlias = NDArray[np.float64]
Ints: TypeAlias = NDArray[np.int64]
Bools: TypeAlias = NDArray[np.bool_]

#: A CSR matrix (scipy ships no type information, so this is ``Any`` to the type checker).
CSR: TypeAlias = Any


def _csr(data: Floats, indices: Ints, indptr: Ints, shape: tuple[int, int]) -> CSR:
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


def _indptr(counts: Ints) -> Ints:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _row_ids(m: CSR) -> Ints:
    return np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))


def _take_rows(m: CSR, rows: Ints) -> CSR:
    """Rows ``rows`` of ``m``, explicit zeros included."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = m.indptr[rows].astype(np.int64)
    lens = m.indptr[rows + 1].astype(np.int64) - starts
    indptr = _indptr(lens)
    pos = np.repeat(starts - indptr[:-1], lens) + np.arange(indptr[-1])
    return _csr(m.data[pos], m.indices[pos], indptr, (len(rows), m.shape[1]))


def _filter(m: CSR, keep: Bools) -> CSR:
    """``m`` with only the stored entries where ``keep`` (a mask over ``m.data``) is true."""
    counts = np.bincount(_row_ids(m)[keep], minlength=m.shape[0])
    return _csr(m.data[keep], m.indices[keep], _indptr(counts), m.shape)


def _transpose(m: CSR) -> CSR:
    """Transpose as a canonical CSR matrix (sorted indices), explicit zeros included."""
    rows = _row_ids(m)
    # CSR entries come in row order, so a stable sort by column keeps rows sorted per column.
    order = np.argsort(m.indices, kind="stable")
    counts = np.bincount(m.indices, minlength=m.shape[1])
    return _csr(m.data[order], rows[order], _indptr(counts), (m.shape[1], m.shape[0]))


def _row_argmin(m: CSR, mask: Bools) -> tuple[Ints, Ints]:
    """For each row with a masked entry: (row, position in ``m.data`` of its smallest entry)."""
    pos = np.flatnonzero(mask)
    rows = _row_ids(m)[pos]
    pos = pos[np.lexsort((m.data[pos], rows))]
    rows = _row_ids(m)[pos]
    first = np.ones(len(pos), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    return rows[first], pos[first]


def _sum_by(ids: Ints, values: Floats, n: int) -> Floats:
    """Sum of ``values`` per id in 0..n-1 (``np.bincount`` with weights)."""
    return cast(Floats, np.bincount(ids, weights=values, minlength=n))


def _coo(parts: list[tuple[Any, Any, Any]], shape: tuple[int, int]) -> Any:
    """One COO matrix from (rows, cols, values) parts; a scalar value applies to the whole part."""
    rows = np.concatenate([np.asarray(p[0], dtype=np.int64) for p in parts] + [np.zeros(0, int)])
    cols = np.concatenate([np.asarray(p[1], dtype=np.int64) for p in parts] + [np.zeros(0, int)])
    vals = np.concatenate(
        [np.broadcast_to(np.asarray(p[2], dtype=np.float64), len(p[0])) for p in parts]
        + [np.zeros(0)]
    )
    return sparse.coo_matrix((vals, (rows, cols)), shape=shape)
