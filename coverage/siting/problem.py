"""Validated model inputs, and the two reductions that shrink models without changing optima.

* `_Problem` checks a cost matrix, weights and site roles once for every model.
* `_group_rows` merges demand points that behave identically in a model (same covering sites
  and, for p-median, the same times); their weights are summed.
* `_keep_sites` finds the candidate sites that pure covering can do without: those whose
  demand another site covers as well.

The package's building blocks are private; the models live in `coverage.siting`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from coverage.siting._sparse import (
    CSR,
    Floats,
    Ints,
    _csr,
    _filter,
    _indptr,
    _row_argmin,
    _row_ids,
    _sum_by,
    _take_rows,
    _transpose,
)
from coverage.siting.highs import Outcome

__all__ = ["site_count"]

#: Relative tolerance (of the total demand weight) for "a site adds nothing" and for reaching a
#: coverage target; it absorbs floating-point noise in sums of weights.
_TOL = 1e-9

#: Skip the dominance reduction when the site × site overlap product would cost more than this
#: many multiply-adds (Σ over demand rows of their number of sites, squared).
_DOMINANCE_MAX_WORK = 2_000_000_000


# --- input -------------------------------------------------------------------------------------


def _as_cost(cost: Any) -> CSR:
    """Canonical CSR copy of a candidate × demand time matrix (stored entry = reachable).

    A dense array is read with every finite value stored. Stored NaN/inf mean "not reachable";
    when a pair is stored twice, the shorter time is kept.
    """
    if sparse.issparse(cost) and cost.format == "csr" and cost.has_canonical_format:
        # Fast path for what the package produces: sorted, no duplicates; only copy and check.
        m = _csr(
            np.asarray(cost.data, np.float64) + 0.0,
            cost.indices.copy(),
            cost.indptr.copy(),
            cost.shape,
        )
        if not np.isfinite(m.data).all():
            m = _filter(m, np.isfinite(m.data))
        if (m.data < 0).any():
            raise ValueError("cost holds negative walking times")
        return m
    rows, cols, t, shape = _triplets(cost)
    keep = np.isfinite(t)
    rows, cols, t = rows[keep], cols[keep], t[keep] + 0.0  # + 0.0 turns -0.0 into 0.0
    if (t < 0).any():
        raise ValueError("cost holds negative walking times")
    order = np.lexsort((t, cols, rows))
    rows, cols, t = rows[order], cols[order], t[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, t = rows[first], cols[first], t[first]
    return _csr(t, cols, _indptr(np.bincount(rows, minlength=shape[0])), shape)


def _triplets(cost: Any) -> tuple[Ints, Ints, Floats, tuple[int, int]]:
    """(rows, cols, times, shape) of a cost matrix's entries.

    The stored entries of a sparse matrix, or the finite values of a dense one.
    """
    if sparse.issparse(cost):
        coo = sparse.coo_matrix(cost)
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        return rows, cols, np.asarray(coo.data, dtype=np.float64), coo.shape
    arr = np.asarray(cost, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError("cost must be a 2-D matrix (candidates × demand points)")
    rows, cols = np.nonzero(np.isfinite(arr))
    return rows, cols, arr[rows, cols], (arr.shape[0], arr.shape[1])


def _as_rows(sel: Any, n: int, name: str) -> Ints:
    """Candidate rows from an index array or a boolean mask, sorted and unique."""
    if sel is None:
        return np.zeros(0, dtype=np.int64)
    a = np.asarray(sel)
    if a.dtype == bool:
        if a.shape != (n,):
            raise ValueError(f"{name} mask must have one entry per candidate ({n})")
        return np.flatnonzero(a)
    a = a.ravel()
    if a.size and not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        # names or labels ("site-3"): the models take row numbers
        raise ValueError(f"{name} must hold candidate row numbers or be a boolean mask")
    if a.size and not np.issubdtype(a.dtype, np.integer):
        if not np.all(np.mod(a, 1) == 0):
            raise ValueError(f"{name} must hold candidate row numbers or be a boolean mask")
    a = a.astype(np.int64)
    if ((a < 0) | (a >= n)).any():
        raise ValueError(f"{name} holds candidate rows outside 0..{n - 1}")
    return np.unique(a)


def _as_weights(weights: Any, n_d: int) -> Floats:
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (n_d,):
        raise ValueError(f"weights has {w.size} values for {n_d} demand points")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return w


def _is_number(value: Any) -> bool:
    """A real number (not a bool, not a string that reads as one)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def site_count(value: Any, name: str) -> int:
    """A number of sites: a whole number >= 0 (``10`` or ``10.0``), else a ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{name} must be a whole number of sites >= 0, not {value!r}")
    if not (np.isfinite(value) and value >= 0 and float(value).is_integer()):
        raise ValueError(f"{name} must be a whole number of sites >= 0, not {value!r}")
    return int(value)


def _as_capacity(capacity: Any, n_c: int) -> Floats | None:
    if capacity is None:
        return None
    cap = np.asarray(capacity, dtype=np.float64).ravel()
    if cap.shape != (n_c,):
        raise ValueError(f"capacity has {cap.size} values for {n_c} candidates")
    cap = np.where(np.isnan(cap), np.inf, cap)
    if (cap < 0).any():
        raise ValueError("capacity must be non-negative (NaN or inf = uncapacitated)")
    return cap


@dataclass
class _Problem:
    """Validated inputs shared by all models."""

    cost: CSR  # candidates × demand, canonical, explicit zeros kept
    weights: Floats
    threshold: float | None
    existing: Ints  # candidate rows forced open
    excluded: Ints  # candidate rows that may not be chosen
    free: Ints  # candidate rows that may be chosen
    capacity: Floats | None  # per candidate, inf = uncapacitated
    reach: CSR  # the stored pairs within the threshold (times)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        cost: Any,
        weights: Any,
        threshold: float | None,
        existing: Any,
        excluded: Any,
        capacity: Any,
    ) -> _Problem:
        c = _as_cost(cost)
        n_c, n_d = c.shape
        w = _as_weights(weights, n_d)
        ex = _as_rows(existing, n_c, "existing")
        no = _as_rows(excluded, n_c, "excluded")
        both = np.intersect1d(ex, no)
        if len(both):
            raise ValueError(f"candidates {both[:10].tolist()} are both existing and excluded")
        free = np.setdiff1d(np.arange(n_c), np.union1d(ex, no))
        cap = _as_capacity(capacity, n_c)
        if threshold is None:
            reach = c
        else:
            if not _is_number(threshold) or not threshold >= 0:
                raise ValueError(
                    f"threshold must be a non-negative number of minutes, not {threshold!r}"
                )
            reach = _filter(c, c.data <= threshold)
        return cls(c, w, None if threshold is None else float(threshold), ex, no, free, cap, reach)

    @property
    def n_candidates(self) -> int:
        return int(self.cost.shape[0])

    @property
    def n_demand(self) -> int:
        return int(self.cost.shape[1])

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    @property
    def tol(self) -> float:
        return _TOL * max(self.total_weight, 1.0)

    def _cached(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    @property
    def reach_rows(self) -> Ints:
        """Candidate row of each stored entry of ``reach``."""
        rows: Ints = self._cached("reach_rows", lambda: _row_ids(self.reach))
        return rows

    @property
    def free_by_demand(self) -> CSR:
        """Demand × free candidates within reach (times), canonical."""
        return self._cached("free_by_demand", lambda: _transpose(_take_rows(self.reach, self.free)))

    def counts(self, sites: Ints) -> Ints:
        """Number of ``sites`` within reach of each demand point."""
        sel = np.zeros(self.n_candidates, dtype=bool)
        sel[np.asarray(sites, dtype=np.int64)] = True
        return np.bincount(self.reach.indices[sel[self.reach_rows]], minlength=self.n_demand)

    def nearest(self, sites: Ints) -> tuple[Floats, Ints]:
        """Time to, and candidate row of, the nearest of ``sites`` within reach (inf, -1 if none)."""
        t = np.full(self.n_demand, np.inf)
        site = np.full(self.n_demand, -1, dtype=np.int64)
        if len(sites):
            by_demand = _transpose(_take_rows(self.reach, sites))
            rows, pos = _row_argmin(by_demand, np.ones(by_demand.nnz, dtype=bool))
            t[rows] = by_demand.data[pos]
            site[rows] = np.asarray(sites)[by_demand.indices[pos]]
        return t, site


def _free_positions(prob: _Problem, rows: Ints) -> Ints:
    """Positions of the candidate rows ``rows`` among the free sites (-1 for other rows)."""
    pos = np.full(prob.n_candidates, -1, dtype=np.int64)
    pos[prob.free] = np.arange(len(prob.free))
    return pos[rows]


# --- demand aggregation ------------------------------------------------------------------------


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64 finaliser: a well-spread 64-bit hash of each value (wraps modulo 2**64)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _group_rows(
    m: CSR, extra: Floats | Ints | None = None, *, use_data: bool = False
) -> tuple[Ints, Ints]:
    """Group identical rows of a canonical CSR matrix.

    Rows are identical when they have the same column indices (and the same values if
    ``use_data``) and the same ``extra`` key. Rows are hashed, grouped by hash, and every row is
    then compared entry by entry with its group's first row; a row that differs (a hash collision)
    becomes a group of its own, so the grouping is exact.

    Returns
    -------
    group
        Group of each row.
    rep
        First row of each group.
    """
    idx = m.indices.astype(np.uint64)
    entry = _mix(idx)
    if use_data:
        entry = _mix(entry ^ (m.data.astype(np.float64) + 0.0).view(np.uint64))
    # Sum of entry hashes per row through a wrapping cumulative sum (no Python loop, and empty
    # rows get 0, unlike np.add.reduceat).
    csum = np.concatenate([np.zeros(1, np.uint64), np.cumsum(entry, dtype=np.uint64)])
    row_hash = csum[m.indptr[1:]] - csum[m.indptr[:-1]]
    keys = [row_hash, np.diff(m.indptr).astype(np.uint64)]
    if extra is not None:
        keys.append((np.asarray(extra, dtype=np.float64) + 0.0).view(np.uint64))
    _, rep, group = np.unique(np.column_stack(keys), axis=0, return_index=True, return_inverse=True)
    group = group.reshape(-1)

    rows = _row_ids(m)
    lead = rep[group][rows]
    lead_pos = m.indptr[lead] + (np.arange(m.nnz) - m.indptr[rows])
    bad = m.indices[lead_pos] != m.indices
    if use_data:
        bad |= m.data[lead_pos] != m.data
    bad_rows = np.unique(rows[bad])
    if len(bad_rows):
        group[bad_rows] = len(rep) + np.arange(len(bad_rows))
        rep = np.concatenate([rep, bad_rows])
    return group.astype(np.int64), rep.astype(np.int64)


def _merge_rows(
    m: CSR, w: Floats, extra: Floats | Ints | None = None, *, use_data: bool = False
) -> tuple[CSR, Floats, Ints, Ints]:
    """Merge identical rows of ``m`` (see `_group_rows`) with weights ``w`` summed.

    Returns the merged matrix, the merged weights, the group of each row and the first row of
    each group.
    """
    group, rep = _group_rows(m, extra, use_data=use_data)
    return _take_rows(m, rep), _sum_by(group, w, len(rep)), group, rep


# --- dominance -----------------------------------------------------------------------------------


def _keep_sites(pattern: CSR) -> Ints:
    """Representative of each site for pure covering (MCLP, LSCP).

    A site covering every demand row it covers, itself for sites worth keeping (``rep[j] == j``).

    Site j is dominated when another site covers a superset of its rows (ties: the lower
    index stays); some optimal plan never needs it, since swapping it for its dominator loses
    nothing. On the Wuhan sample this drops about half of the candidates (neighbouring grid and
    file candidates on the same streets), which shortens HiGHS's solve.
    """
    n = pattern.shape[1]
    rep = np.arange(n)
    deg = np.diff(pattern.indptr).astype(np.float64)
    if n < 2 or float(np.sum(deg * deg)) > _DOMINANCE_MAX_WORK:
        return rep
    by_site = _transpose(pattern)
    by_site.data = np.ones(by_site.nnz)
    size = np.diff(by_site.indptr)
    o = (by_site @ by_site.T).tocoo()
    r, c, v = o.row, o.col, o.data
    dom = (r != c) & (v >= size[r] - 0.5) & ((size[c] > size[r]) | ((size[c] == size[r]) & (c < r)))
    rep[r[dom]] = c[dom]
    while True:  # follow chains to a site nothing dominates (the order is strict: no cycles)
        nxt = rep[rep]
        if np.array_equal(nxt, rep):
            return rep
        rep = nxt


def _reduced_start(start: Ints | None, rep: Ints, keep: Ints, n: int) -> Floats | None:
    """A warm start on the kept sites: each chosen site replaced by its representative."""
    if start is None:
        return None
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    x = np.zeros(len(keep))
    x[pos[rep[np.asarray(start, dtype=np.int64)]]] = 1.0
    return x


def _full_values(out: Outcome, keep: Ints, n: int) -> Outcome:
    """Column values with the dropped sites put back (at 0) in front of the other columns."""
    if out.values is not None and len(keep) < n:
        x = np.zeros(n)
        x[keep] = out.values[: len(keep)]
        out.values = np.concatenate([x, out.values[len(keep) :]])
    return out
