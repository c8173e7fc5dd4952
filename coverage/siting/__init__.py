"""Location models for new service sites: maximal covering, set covering, backup coverage and
p-median, solved exactly with HiGHS or by lazy greedy.

Every model starts from a sparse candidate × demand matrix of walking times in minutes. A *stored*
entry means the pair is within reach; an explicit ``0.0`` is a site on top of its demand point and
counts as reachable. The code therefore works on the sparsity structure (``indices``/``indptr``)
and never on ``value > 0``, and builds its own matrices from arrays so no scipy operation can drop
an explicit zero.

The models are small classes in the style of spopt::

    model = MCLP.from_cost_matrix(cost, weights, k=10, existing=built)
    model.solve(time_limit=60)        # exact (HiGHS), warm-started from the greedy solution
    model.selected, model.covered_share, model.gap

``solve(method="greedy")`` runs lazy greedy (CELF) instead and reports a bound from
submodularity, so a greedy result carries an honest gap too.

Before solving, demand points that behave identically in a model (same covering sites and, for
p-median, the same times) are merged with summed weight. Street networks have many such points
(a block of buildings reached by the same sites), so merging shrinks models a lot without changing
the optimum. Results are always reported on the original demand points.
"""

from __future__ import annotations

import heapq
import logging
import os
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, Self

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from coverage import settings

__all__ = ["LSCP", "MCLP", "BackupCoverage", "PMedian", "coverage_curve"]

log = logging.getLogger(__name__)

Method = Literal["milp", "greedy"]

#: Relative tolerance (of the total demand weight) for "a site adds nothing" and for reaching a
#: coverage target; it absorbs floating-point noise in sums of weights.
_TOL = 1e-9

#: Models with more constraint nonzeros than this are solved with HiGHS's presolve off (see
#: `_run_highs`).
_PRESOLVE_MAX_NNZ = 500_000


# --- sparse helpers --------------------------------------------------------------------------
# Every matrix below is built from (data, indices, indptr) arrays: scipy's comparison,
# ``eliminate_zeros`` and ``multiply`` can silently drop explicit zeros, which here are real
# walking times of 0.0.


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]):
    return sparse.csr_matrix((data, indices, indptr), shape=shape)


def _indptr(counts: np.ndarray) -> np.ndarray:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _row_ids(m: sparse.csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))


def _take_rows(m: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """Rows ``rows`` of ``m``, explicit zeros included."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = m.indptr[rows].astype(np.int64)
    lens = m.indptr[rows + 1].astype(np.int64) - starts
    indptr = _indptr(lens)
    pos = np.repeat(starts - indptr[:-1], lens) + np.arange(indptr[-1])
    return _csr(m.data[pos], m.indices[pos], indptr, (len(rows), m.shape[1]))


def _filter(m: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """``m`` with only the stored entries where ``keep`` (a mask over ``m.data``) is true."""
    counts = np.bincount(_row_ids(m)[keep], minlength=m.shape[0])
    return _csr(m.data[keep], m.indices[keep], _indptr(counts), m.shape)


def _transpose(m: sparse.csr_matrix) -> sparse.csr_matrix:
    """Transpose as a canonical CSR matrix (sorted indices), explicit zeros included."""
    rows = _row_ids(m)
    # CSR entries come in row order, so a stable sort by column keeps rows sorted per column.
    order = np.argsort(m.indices, kind="stable")
    counts = np.bincount(m.indices, minlength=m.shape[1])
    return _csr(m.data[order], rows[order], _indptr(counts), (m.shape[1], m.shape[0]))


def _row_argmin(m: sparse.csr_matrix, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row with a masked entry: (row, position in ``m.data`` of its smallest entry)."""
    pos = np.flatnonzero(mask)
    rows = _row_ids(m)[pos]
    pos = pos[np.lexsort((m.data[pos], rows))]
    rows = _row_ids(m)[pos]
    first = np.ones(len(pos), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    return rows[first], pos[first]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-spread 64-bit hash of each value (wraps modulo 2**64)."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _group_rows(
    m: sparse.csr_matrix, extra: np.ndarray | None = None, *, use_data: bool = False
) -> tuple[np.ndarray, np.ndarray]:
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


# --- input -------------------------------------------------------------------------------------


def _as_cost(cost: Any) -> sparse.csr_matrix:
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
    if sparse.issparse(cost):
        coo = sparse.coo_matrix(cost)
        shape = coo.shape
        rows, cols, t = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    else:
        arr = np.asarray(cost, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError("cost must be a 2-D matrix (candidates × demand points)")
        shape = arr.shape
        rows, cols = np.nonzero(np.isfinite(arr))
        t = arr[rows, cols]
    t = np.asarray(t, dtype=np.float64)
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


def _as_rows(sel: Any, n: int, name: str) -> np.ndarray:
    """Candidate rows from an index array or a boolean mask, sorted and unique."""
    if sel is None:
        return np.zeros(0, dtype=np.int64)
    a = np.asarray(sel)
    if a.dtype == bool:
        if a.shape != (n,):
            raise ValueError(f"{name} mask must have one entry per candidate ({n})")
        return np.flatnonzero(a)
    a = a.ravel()
    if a.size and not np.issubdtype(a.dtype, np.integer):
        if not np.all(np.mod(a, 1) == 0):
            raise ValueError(f"{name} must hold candidate row numbers or be a boolean mask")
    a = a.astype(np.int64)
    if ((a < 0) | (a >= n)).any():
        raise ValueError(f"{name} holds candidate rows outside 0..{n - 1}")
    return np.unique(a)


@dataclass
class _Problem:
    """Validated inputs shared by all models."""

    cost: sparse.csr_matrix  # candidates × demand, canonical, explicit zeros kept
    weights: np.ndarray
    threshold: float | None
    existing: np.ndarray  # candidate rows forced open
    excluded: np.ndarray  # candidate rows that may not be chosen
    free: np.ndarray  # candidate rows that may be chosen
    capacity: np.ndarray | None  # per candidate, inf = uncapacitated
    reach: sparse.csr_matrix  # the stored pairs within the threshold (times)
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
        w = np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != (n_d,):
            raise ValueError(f"weights has {w.size} values for {n_d} demand points")
        if not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("weights must be finite and non-negative")
        ex = _as_rows(existing, n_c, "existing")
        no = _as_rows(excluded, n_c, "excluded")
        both = np.intersect1d(ex, no)
        if len(both):
            raise ValueError(f"candidates {both[:10].tolist()} are both existing and excluded")
        free = np.setdiff1d(np.arange(n_c), np.union1d(ex, no))
        cap = None
        if capacity is not None:
            cap = np.asarray(capacity, dtype=np.float64).ravel()
            if cap.shape != (n_c,):
                raise ValueError(f"capacity has {cap.size} values for {n_c} candidates")
            cap = np.where(np.isnan(cap), np.inf, cap)
            if (cap < 0).any():
                raise ValueError("capacity must be non-negative (NaN or inf = uncapacitated)")
        if threshold is None:
            reach = c
        else:
            if not threshold >= 0:
                raise ValueError("threshold must be a non-negative number of minutes")
            reach = _filter(c, c.data <= threshold)
        return cls(c, w, None if threshold is None else float(threshold), ex, no, free, cap, reach)

    @property
    def n_candidates(self) -> int:
        return self.cost.shape[0]

    @property
    def n_demand(self) -> int:
        return self.cost.shape[1]

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    @property
    def tol(self) -> float:
        return _TOL * max(self.total_weight, 1.0)

    def _cached(self, key: Any, make: Any) -> Any:
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    @property
    def reach_rows(self) -> np.ndarray:
        """Candidate row of each stored entry of ``reach``."""
        return self._cached("reach_rows", lambda: _row_ids(self.reach))

    @property
    def free_by_demand(self) -> sparse.csr_matrix:
        """Demand × free candidates within reach (times), canonical."""
        return self._cached("free_by_demand", lambda: _transpose(_take_rows(self.reach, self.free)))

    def counts(self, sites: np.ndarray) -> np.ndarray:
        """Number of ``sites`` within reach of each demand point."""
        sel = np.zeros(self.n_candidates, dtype=bool)
        sel[np.asarray(sites, dtype=np.int64)] = True
        return np.bincount(self.reach.indices[sel[self.reach_rows]], minlength=self.n_demand)

    def nearest(self, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Time to, and candidate row of, the nearest of ``sites`` within reach (inf, -1 if none)."""
        t = np.full(self.n_demand, np.inf)
        site = np.full(self.n_demand, -1, dtype=np.int64)
        if len(sites):
            by_demand = _transpose(_take_rows(self.reach, sites))
            rows, pos = _row_argmin(by_demand, np.ones(by_demand.nnz, dtype=bool))
            t[rows] = by_demand.data[pos]
            site[rows] = np.asarray(sites)[by_demand.indices[pos]]
        return t, site


# --- HiGHS ---------------------------------------------------------------------------------------


@dataclass
class _MipOptions:
    time_limit: float | None = None
    mip_rel_gap: float = 1e-4
    threads: int | None = None
    verbose: bool = False
    highs_options: dict[str, Any] | None = None


@dataclass
class _Outcome:
    """What HiGHS says about one run, in its own words."""

    status: str  # e.g. "optimal", "time_limit", "infeasible"
    solver_status: str  # HiGHS's text, e.g. "Time limit reached"
    objective: float
    bound: float
    gap: float
    values: np.ndarray | None  # column values of the best solution, None if it has none
    solve_time: float


def _new_highs(verbose: bool) -> highspy.Highs:
    """A Highs instance; its C++ constructor prints a licence banner on the process's stdout
    (not through Python), which would land in the middle of the CLI's tables, so the file
    descriptor is muted while it runs unless the log is wanted."""
    if verbose:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


def _status_name(status: highspy.HighsModelStatus) -> str:
    """``kTimeLimit`` -> ``time_limit``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", status.name.removeprefix("k")).lower()


def _run_highs(
    cost: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    a: sparse.coo_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray,
    *,
    maximize: bool,
    offset: float,
    opts: _MipOptions,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> _Outcome:
    """Solve one model given as arrays; ``start`` = (column indices, values) to warm-start."""
    a = sparse.csc_matrix(a)
    a.sum_duplicates()
    a.eliminate_zeros()  # constraint coefficients, not times: a zero here is no entry
    h = _new_highs(opts.verbose)
    h.setOptionValue("output_flag", bool(opts.verbose))
    h.setOptionValue("mip_rel_gap", float(opts.mip_rel_gap))
    if opts.time_limit is not None:
        h.setOptionValue("time_limit", float(opts.time_limit))
    if opts.threads is not None:
        # HiGHS runs one global thread pool; another thread count needs a fresh pool or run()
        # refuses to start.
        highspy.Highs.resetGlobalScheduler(True)
        h.setOptionValue("threads", int(opts.threads))
    if a.nnz > _PRESOLVE_MAX_NNZ:
        # HiGHS 1.16's MIP presolve (probing) took 123 s on a 2.3M-nonzero covering model,
        # ignoring the time limit, and then left the root LP unsolved; without presolve the
        # root LP and cuts ran in time. Users can still force it through highs_options.
        h.setOptionValue("presolve", "off")
    for key, value in (opts.highs_options or {}).items():
        if h.setOptionValue(key, value) == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS rejected option {key}={value!r}")
    n_col, n_row = len(cost), len(row_lower)
    status = h.passModel(
        n_col,
        n_row,
        a.nnz,
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize),
        float(offset),
        np.asarray(cost, dtype=np.float64),
        np.asarray(lower, dtype=np.float64),
        np.asarray(upper, dtype=np.float64),
        np.asarray(row_lower, dtype=np.float64),
        np.asarray(row_upper, dtype=np.float64),
        a.indptr.astype(np.int32),
        a.indices.astype(np.int32),
        a.data.astype(np.float64),
        np.asarray(integer, dtype=np.int32),
    )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")
    if start is not None:
        idx, val = start
        h.setSolution(len(idx), np.asarray(idx, dtype=np.int32), np.asarray(val, np.float64))
    t0 = time.perf_counter()
    run = h.run()
    solve_time = time.perf_counter() - t0
    if start is not None and not _consistent(h, cost, offset):
        # Seen with HiGHS 1.16: with presolve on, a warm start can end "optimal" with an
        # objective and bound that the returned solution does not have (it returned the start).
        # Neither number can be trusted then; solve again from scratch.
        log.warning("HiGHS returned a solution that does not match its objective; re-solving")
        again = _run_highs(
            cost, lower, upper, a, row_lower, row_upper, integer,
            maximize=maximize, offset=offset, opts=opts, start=None,
        )  # fmt: skip
        again.solve_time += solve_time
        return again
    model_status = h.getModelStatus()
    if run == highspy.HighsStatus.kError and model_status == highspy.HighsModelStatus.kNotset:
        raise RuntimeError(
            "HiGHS did not run (a different `threads` value earlier in the process?)"
        )
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    objective = float(info.objective_function_value) if has_solution else np.nan
    if np.any(integer):
        bound, gap = float(info.mip_dual_bound), float(info.mip_gap)
    else:  # an LP: no MIP bound to read; an optimal LP is its own bound
        optimal = model_status == highspy.HighsModelStatus.kOptimal
        bound, gap = (objective, 0.0) if optimal else (np.nan, np.inf)
    if not has_solution:
        gap = np.inf
    values = np.asarray(h.getSolution().col_value) if has_solution else None
    return _Outcome(
        _status_name(model_status),
        h.modelStatusToString(model_status),
        objective,
        bound,
        gap,
        values,
        solve_time,
    )


def _consistent(h: highspy.Highs, cost: np.ndarray, offset: float) -> bool:
    """Does the returned solution have the objective HiGHS reports?"""
    info = h.getInfo()
    if info.primal_solution_status != 2:
        return True  # no solution: nothing to contradict
    values = np.asarray(h.getSolution().col_value)
    mine = float(np.dot(cost, values)) + float(offset)
    reported = float(info.objective_function_value)
    return abs(mine - reported) <= 1e-6 * max(1.0, abs(reported))


def _coo(parts: list[tuple[np.ndarray, np.ndarray, Any]], shape: tuple[int, int]):
    """One COO matrix from (rows, cols, values) parts."""
    rows = np.concatenate([np.asarray(p[0], dtype=np.int64) for p in parts] + [np.zeros(0, int)])
    cols = np.concatenate([np.asarray(p[1], dtype=np.int64) for p in parts] + [np.zeros(0, int)])
    vals = np.concatenate(
        [np.broadcast_to(np.asarray(p[2], dtype=np.float64), len(p[0])) for p in parts]
        + [np.zeros(0)]
    )
    return sparse.coo_matrix((vals, (rows, cols)), shape=shape)


def _gap(objective: float, bound: float, maximize: bool) -> float:
    """Relative gap |objective - bound| / |objective|, as HiGHS defines it."""
    if not (np.isfinite(objective) and np.isfinite(bound)):
        return np.inf
    diff = max(bound - objective if maximize else objective - bound, 0.0)
    if diff <= 1e-12 * max(abs(objective), 1.0):
        return 0.0
    return diff / abs(objective) if objective != 0 else np.inf


# --- lazy greedy ---------------------------------------------------------------------------------


class _Oracle(Protocol):
    """A monotone submodular set function, seen through its marginal gains."""

    def all(self) -> np.ndarray: ...  # gain of every site given the current set

    def one(self, j: int) -> float: ...  # gain of site j given the current set

    def add(self, j: int) -> None: ...  # add site j to the set

    def level(self) -> float: ...  # current objective (covered weight, or cost to minimise)


@dataclass
class _Greedy:
    order: np.ndarray  # sites in the order added
    gains: np.ndarray  # gain of each when added
    bound: float  # budget mode: bound on the optimal level; target mode: fewest sites needed


def _top_sum(g: np.ndarray, k: int) -> float:
    if k <= 0 or g.size == 0:
        return 0.0
    if k >= g.size:
        return float(g.sum())
    return float(np.partition(g, g.size - k)[g.size - k :].sum())


def _fewest(g: np.ndarray, short: float) -> float:
    """Fewest of the gains ``g`` that can add up to ``short`` (inf if all of them cannot)."""
    if short <= 0:
        return 0.0
    csum = np.cumsum(np.sort(g)[::-1])
    q = int(np.searchsorted(csum, short, side="left"))
    return float(q + 1) if q < len(csum) else np.inf


def _lazy_greedy(
    oracle: _Oracle,
    n: int,
    *,
    allowed: np.ndarray | None = None,
    budget: int | None = None,
    need: float | None = None,
    maximize: bool = True,
    stop_at_zero: bool = True,
    tol: float = 0.0,
) -> _Greedy:
    """Lazy greedy (CELF): add the site with the largest marginal gain until ``budget`` sites are
    added or the level reaches ``need``.

    Submodularity makes a stale gain an upper bound on the current one, so a site whose gain was
    re-evaluated in this round and still heads the queue is the best. The same property gives the
    bounds (Nemhauser, Wolsey & Fisher's online bound): for any set S, the optimum with ``budget``
    sites is at most level(S) + the ``budget`` largest gains at S (at least level(S) - that sum
    when minimising), and reaching ``need`` takes at least as many sites as the fewest gains at S
    that add up to the shortfall. The best bound over all steps is kept; stale gains give valid
    (looser) bounds, and one exact pass at the end tightens the final one.
    """
    active = np.ones(n, dtype=bool) if allowed is None else np.asarray(allowed, bool).copy()
    ub = np.array(oracle.all(), dtype=np.float64)
    ub[~active] = -np.inf
    heap = [(-ub[j], int(j)) for j in np.flatnonzero(active)]
    heapq.heapify(heap)
    fresh = np.zeros(n, dtype=np.int64)  # round in which ub[j] was last computed exactly
    order: list[int] = []
    gains: list[float] = []
    limit = n if budget is None else budget
    best = np.inf if (maximize and need is None) else -np.inf
    sign = 1.0 if maximize else -1.0

    def tighten(g: np.ndarray) -> None:
        nonlocal best
        g = np.maximum(g, 0.0)
        level = oracle.level()
        if need is not None:
            best = max(best, _fewest(g, need - tol - level))
        elif budget is not None:
            value = level + sign * _top_sum(g, budget)
            best = min(best, value) if maximize else max(best, value)

    step = 0
    while True:
        tighten(ub[active])
        if len(order) >= limit or not heap:
            break
        if need is not None and oracle.level() >= need - tol:
            break
        j = -1
        while heap:
            _, cand = heapq.heappop(heap)
            if fresh[cand] == step:
                j = cand
                break
            val = float(oracle.one(cand))
            ub[cand] = val
            fresh[cand] = step
            heapq.heappush(heap, (-val, cand))
        if j < 0:
            break
        gain = float(ub[j])
        if stop_at_zero and gain <= tol:
            heapq.heappush(heap, (-gain, j))
            break
        oracle.add(j)
        active[j] = False
        ub[j] = -np.inf
        order.append(j)
        gains.append(gain)
        step += 1
    if budget is not None or need is not None:
        exact = np.asarray(oracle.all(), dtype=np.float64)[active] if active.any() else ub[:0]
        tighten(exact)
    return _Greedy(np.asarray(order, dtype=np.int64), np.asarray(gains, dtype=np.float64), best)


# --- covering data (MCLP, LSCP, backup coverage) ----------------------------------------------


@dataclass
class _Cover:
    """Covering model on the demand that new sites can change, merged where identical."""

    pattern: sparse.csr_matrix  # model demand × free candidates, data all ones
    by_site: sparse.csr_matrix  # free candidates × model demand
    w: np.ndarray
    e: np.ndarray  # existing sites covering each model demand point (capped at 1 or 2)
    const: float  # objective from demand outside the model (fixed by existing sites)
    n_model: int  # model demand points before merging


def _cover_data(prob: _Problem, a: float, b: float, aggregate: bool) -> _Cover:
    """Covering data for objective a·(weight covered once) + b·(weight covered twice), cached
    on the problem (oracles copy what they change)."""
    return prob._cached(("cover", a, b, aggregate), lambda: _make_cover(prob, a, b, aggregate))


def _make_cover(prob: _Problem, a: float, b: float, aggregate: bool) -> _Cover:
    cap = 2 if b > 0 else 1
    e_all = np.minimum(prob.counts(prob.existing), cap)
    by_demand = prob.free_by_demand
    in_model = (np.diff(by_demand.indptr) > 0) & (prob.weights > 0)
    out = ~in_model
    const = float(np.sum(prob.weights[out] * (a * (e_all[out] >= 1) + b * (e_all[out] >= 2))))
    rows = np.flatnonzero(in_model)
    sub = _take_rows(by_demand, rows)
    w, e = prob.weights[rows], e_all[rows]
    if aggregate and len(rows):
        group, rep = _group_rows(sub, e)
        sub = _take_rows(sub, rep)
        w = np.bincount(group, weights=w, minlength=len(rep))
        e = e[rep]
    sub.data = np.ones(sub.nnz)
    return _Cover(sub, _transpose(sub), w, e, const, len(rows))


class _CoverOracle:
    """Covering gains for the objective a·(weight covered once) + b·(weight covered twice).

    "Covered twice" is not submodular (the first site earns nothing towards it), so the gains
    follow a surrogate that credits b/2 for each of a demand point's first two sites. It is
    concave in the number of sites, hence submodular (lazy greedy and its bound are valid), and
    never below the true objective, so its bound bounds the true optimum as well. ``value`` is
    the true objective; for b = 0 surrogate and truth coincide.
    """

    def __init__(self, cov: _Cover, a: float, b: float) -> None:
        self.cov, self.a, self.b = cov, a, b
        self.c = cov.e.astype(np.int64).copy()
        self.v = cov.w * self._unit(self.c)

    def _unit(self, c: np.ndarray) -> np.ndarray:
        return self.a * (c == 0) + 0.5 * self.b * (c < 2)

    def _demand(self, j: int) -> np.ndarray:
        s = self.cov.by_site
        return s.indices[s.indptr[j] : s.indptr[j + 1]]

    def all(self) -> np.ndarray:
        return self.cov.by_site @ self.v

    def one(self, j: int) -> float:
        return float(self.v[self._demand(j)].sum())

    def add(self, j: int) -> None:
        idx = self._demand(j)
        self.c[idx] += 1
        self.v[idx] = self.cov.w[idx] * self._unit(self.c[idx])

    def level(self) -> float:
        c = self.c
        per = self.a * np.minimum(c, 1) + 0.5 * self.b * np.minimum(c, 2)
        return self.cov.const + float(np.sum(self.cov.w * per))

    def value(self) -> float:
        per = self.a * (self.c >= 1) + self.b * (self.c >= 2)
        return self.cov.const + float(np.sum(self.cov.w * per))


def _swap_improve(cov: _Cover, chosen: np.ndarray, *, max_passes: int = 20) -> np.ndarray:
    """Improve a plain maximal-covering solution by best single swaps (one site out, one in).

    For each chosen site s, the weight lost by closing it is the demand only s covers; the gain
    of opening j instead is the demand j covers that is uncovered, or covered by s alone. Both
    are sparse products, so a pass costs one matrix-vector product per chosen site. Greedy is
    often 1-3 % short of the optimum on street networks; swaps close much of that, giving HiGHS
    a better incumbent and the greedy method a better answer.
    """
    chosen = np.array(chosen, dtype=np.int64)
    n = cov.by_site.shape[0]
    if len(chosen) == 0 or len(chosen) >= n:
        return chosen
    by_site, pattern, w = cov.by_site, cov.pattern, cov.w
    open_ = np.zeros(n)
    open_[chosen] = 1.0
    count = cov.e.astype(np.float64) + pattern @ open_
    for _ in range(max_passes):
        improved = False
        base = by_site @ (w * (count == 0))  # gain of each site as things stand
        for pos in range(len(chosen)):
            s_ = chosen[pos]
            mine = by_site.indices[by_site.indptr[s_] : by_site.indptr[s_ + 1]]
            only = mine[count[mine] == 1]
            loss = float(w[only].sum())
            extra = np.zeros(len(w))
            extra[only] = w[only]
            gain = base + by_site @ extra
            gain[chosen] = -np.inf
            j = int(np.argmax(gain))
            if gain[j] - loss > 1e-9 * max(1.0, float(w.sum())):
                chosen[pos] = j
                count[mine] -= 1
                count[by_site.indices[by_site.indptr[j] : by_site.indptr[j + 1]]] += 1
                base = by_site @ (w * (count == 0))
                improved = True
        if not improved:
            break
    return chosen


def _cover_value(cov: _Cover, chosen: np.ndarray) -> float:
    """Covered weight (plain maximal covering) of a set of free sites, outside demand included."""
    x = np.zeros(cov.by_site.shape[0])
    x[chosen] = 1.0
    hit = (cov.e + cov.pattern @ x) >= 1
    return cov.const + float(cov.w[hit].sum())


def _cover_offset(cov: _Cover, a: float, b: float) -> float:
    return cov.const + a * float(cov.w[cov.e >= 1].sum()) + b * float(cov.w[cov.e >= 2].sum())


#: Skip the dominance reduction when the site × site overlap product would cost more than this
#: many multiply-adds (Σ over demand rows of their number of sites, squared).
_DOMINANCE_MAX_WORK = 2_000_000_000


def _keep_sites(pattern: sparse.csr_matrix) -> np.ndarray:
    """Representative of each site for pure covering (MCLP, LSCP): a site covering every
    demand row it covers, itself for sites worth keeping (``rep[j] == j``).

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


def _reduced_start(start: np.ndarray | None, rep: np.ndarray, keep: np.ndarray, n: int):
    """A warm start on the kept sites: each chosen site replaced by its representative."""
    if start is None:
        return None
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep] = np.arange(len(keep))
    x = np.zeros(len(keep))
    x[pos[rep[np.asarray(start, dtype=np.int64)]]] = 1.0
    return x


def _full_values(out: _Outcome, keep: np.ndarray, n: int) -> _Outcome:
    """Column values with the dropped sites put back (at 0) in front of the other columns."""
    if out.values is not None and len(keep) < n:
        x = np.zeros(n)
        x[keep] = out.values[: len(keep)]
        out.values = np.concatenate([x, out.values[len(keep) :]])
    return out


def _cover_milp(
    cov: _Cover, a: float, b: float, k: int, opts: _MipOptions, start: np.ndarray | None
) -> _Outcome:
    """max a·Σ w y1 + b·Σ w y2  s.t.  y1_i <= Σ_{j covers i} x_j,  2·y2_i <= e_i + Σ x_j,
    Σ x <= k, x and y2 binary (y1 may be continuous: it is integral once x is). Without the
    "twice" term, dominated sites are left out (see :func:`_keep_sites`)."""
    m, n_all = cov.pattern.shape
    lens = np.diff(cov.pattern.indptr)
    d1 = np.flatnonzero(cov.e == 0) if a > 0 else np.zeros(0, np.int64)
    d2 = np.flatnonzero((cov.e <= 1) & (lens + cov.e >= 2)) if b > 0 else np.zeros(0, np.int64)
    n1, n2 = len(d1), len(d2)
    p1, p2 = _take_rows(cov.pattern, d1), _take_rows(cov.pattern, d2)
    rep = _keep_sites(p1) if b == 0 else np.arange(n_all)
    keep = np.flatnonzero(rep == np.arange(n_all))
    if len(keep) < n_all:
        p1 = p1[:, keep].tocsr()
    n = len(keep)
    a_mat = _coo(
        [
            (np.zeros(n), np.arange(n), 1.0),
            (1 + _row_ids(p1), p1.indices, 1.0),
            (1 + np.arange(n1), n + np.arange(n1), -1.0),
            (1 + n1 + _row_ids(p2), p2.indices, 1.0),
            (1 + n1 + np.arange(n2), n + n1 + np.arange(n2), -2.0),
        ],
        (1 + n1 + n2, n + n1 + n2),
    )
    row_lower = np.concatenate([[-np.inf], np.zeros(n1), -cov.e[d2].astype(float)])
    row_upper = np.concatenate([[float(k)], np.full(n1 + n2, np.inf)])
    cost = np.concatenate([np.zeros(n), a * cov.w[d1], b * cov.w[d2]])
    integer = np.concatenate([np.ones(n), np.zeros(n1), np.ones(n2)])
    warm = None
    x = _reduced_start(start, rep, keep, n_all)
    if x is not None:
        y1 = np.minimum(p1 @ x, 1.0)
        y2 = (p2 @ x + cov.e[d2] >= 2).astype(float) if n2 else np.zeros(0)  # b > 0: all kept
        warm = (np.arange(n + n1 + n2), np.concatenate([x, y1, y2]))
    out = _run_highs(
        cost,
        np.zeros(len(cost)),
        np.ones(len(cost)),
        a_mat,
        row_lower,
        row_upper,
        integer,
        maximize=True,
        offset=_cover_offset(cov, a, b),
        opts=opts,
        start=warm,
    )
    return _full_values(out, keep, n_all)


# --- p-median data -----------------------------------------------------------------------------


@dataclass
class _Median:
    """Uncapacitated p-median on the demand that new sites can improve, merged where identical."""

    pairs: sparse.csr_matrix  # model demand × free candidates: times that beat the fallback
    by_site: sparse.csr_matrix  # free candidates × model demand
    w: np.ndarray
    fallback: np.ndarray  # time without a new site (nearest existing or penalty); inf = none
    const: float  # weighted time of demand outside the model
    n_model: int
    longest: float  # longest time a model pair may have (for counting unserved demand)


def _median_data(prob: _Problem, penalty: float | None, aggregate: bool) -> _Median:
    """p-median data, cached on the problem (oracles copy what they change)."""
    return prob._cached(
        ("median", penalty, aggregate), lambda: _make_median(prob, penalty, aggregate)
    )


def _make_median(prob: _Problem, penalty: float | None, aggregate: bool) -> _Median:
    near, _ = prob.nearest(prob.existing)
    fb = np.minimum(near, np.inf if penalty is None else penalty)
    by_demand = prob.free_by_demand
    # A new site no nearer than the fallback never serves that demand point.
    by_demand = _filter(by_demand, by_demand.data < fb[_row_ids(by_demand)])
    w_all = prob.weights
    in_model = (np.diff(by_demand.indptr) > 0) & (w_all > 0)
    out = ~in_model & (w_all > 0) & np.isfinite(fb)
    const = float(np.sum(w_all[out] * fb[out]))
    rows = np.flatnonzero(in_model)
    sub = _take_rows(by_demand, rows)
    w, fbm = w_all[rows], fb[rows]
    if aggregate and len(rows):
        group, rep = _group_rows(sub, fbm, use_data=True)
        sub = _take_rows(sub, rep)
        w = np.bincount(group, weights=w, minlength=len(rep))
        fbm = fbm[rep]
    return _Median(sub, _transpose(sub), w, fbm, const, len(rows), _longest(prob))


class _MedianOracle:
    """Gain of a site = reduction of Σ w·(time to the nearest open site); ``missing`` is the time
    counted for demand that must be served by a new site but is not yet."""

    def __init__(self, med: _Median, missing: float) -> None:
        self.med = med
        self.d = np.where(np.isfinite(med.fallback), med.fallback, missing)
        self.rows = _row_ids(med.by_site)

    def _slice(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        s = self.med.by_site
        return s.indices[s.indptr[j] : s.indptr[j + 1]], s.data[s.indptr[j] : s.indptr[j + 1]]

    def all(self) -> np.ndarray:
        s = self.med.by_site
        vals = self.med.w[s.indices] * np.maximum(self.d[s.indices] - s.data, 0.0)
        return np.bincount(self.rows, weights=vals, minlength=s.shape[0])

    def one(self, j: int) -> float:
        idx, t = self._slice(j)
        return float(np.sum(self.med.w[idx] * np.maximum(self.d[idx] - t, 0.0)))

    def add(self, j: int) -> None:
        idx, t = self._slice(j)
        self.d[idx] = np.minimum(self.d[idx], t)

    def level(self) -> float:
        return self.med.const + float(np.sum(self.med.w * self.d))


def _big_missing(med: _Median) -> float:
    """A time for unserved must-serve demand so large that serving anyone beats any time saving:
    w_min·(M - T) > W·T, with T the longest time and W the total weight."""
    if not len(med.w):
        return 1.0
    w_min = float(med.w[med.w > 0].min())
    t = max(med.longest, 1.0)
    return t * (2.0 + float(med.w.sum()) / w_min)


def _median_milp(med: _Median, p: int, opts: _MipOptions, start: np.ndarray | None) -> _Outcome:
    """min Σ w t z + Σ w·fallback·s  s.t.  Σ_j z_ij + s_i = 1,  z_ij <= x_j,  Σ x <= p."""
    m, n = med.pairs.shape
    nnz = med.pairs.nnz
    erow = _row_ids(med.pairs)
    srows = np.flatnonzero(np.isfinite(med.fallback))
    ns = len(srows)
    z0, s0 = n, n + nnz
    a_mat = _coo(
        [
            (erow, z0 + np.arange(nnz), 1.0),
            (srows, s0 + np.arange(ns), 1.0),
            (m + np.arange(nnz), z0 + np.arange(nnz), 1.0),
            (m + np.arange(nnz), med.pairs.indices, -1.0),
            (np.full(n, m + nnz), np.arange(n), 1.0),
        ],
        (m + nnz + 1, n + nnz + ns),
    )
    row_lower = np.concatenate([np.ones(m), np.full(nnz + 1, -np.inf)])
    row_upper = np.concatenate([np.ones(m), np.zeros(nnz), [float(p)]])
    cost = np.concatenate(
        [np.zeros(n), med.w[erow] * med.pairs.data, med.w[srows] * med.fallback[srows]]
    )
    integer = np.concatenate([np.ones(n), np.zeros(nnz + ns)])
    warm = None
    if start is not None:
        x = np.zeros(n)
        x[start] = 1.0
        rows, pos = _row_argmin(med.pairs, x[med.pairs.indices] > 0)
        z = np.zeros(nnz)
        z[pos] = 1.0
        served = np.zeros(m, dtype=bool)
        served[rows] = True
        if served[~np.isfinite(med.fallback)].all():
            warm = (np.arange(len(cost)), np.concatenate([x, z, (~served[srows]).astype(float)]))
        else:  # greedy left must-serve demand unserved: offer HiGHS the sites only
            warm = (np.arange(n), x)
    return _run_highs(
        cost,
        np.zeros(len(cost)),
        np.ones(len(cost)),
        a_mat,
        row_lower,
        row_upper,
        integer,
        maximize=False,
        offset=med.const,
        opts=opts,
        start=warm,
    )


# --- capacitated assignment (MCLP and p-median with capacity) ---------------------------------


@dataclass
class _Assign:
    """Assignment model: fractions z_ij of demand i served by open site j, within reach."""

    pairs: sparse.csr_matrix  # model demand × sites (free first, then existing), times
    w: np.ndarray
    sites: np.ndarray  # candidate row of each column
    n_free: int
    cap: np.ndarray  # per column, inf = uncapacitated
    group: np.ndarray  # model row of each original demand point, -1 outside the model
    const: float  # p-median: penalty for demand no site can reach
    n_model: int


def _assign_data(prob: _Problem, with_times: bool, penalty: float | None, aggregate: bool):
    sites = np.concatenate([prob.free, prob.existing]).astype(np.int64)
    by_demand = _transpose(_take_rows(prob.reach, sites))
    w_all = prob.weights
    has = np.diff(by_demand.indptr) > 0
    in_model = has & (w_all > 0)
    const = 0.0 if penalty is None else float(penalty * w_all[~has].sum())
    rows = np.flatnonzero(in_model)
    sub = _take_rows(by_demand, rows)
    w = w_all[rows]
    group = np.full(prob.n_demand, -1, dtype=np.int64)
    if aggregate and len(rows):
        g, rep = _group_rows(sub, use_data=with_times)
        sub = _take_rows(sub, rep)
        w = np.bincount(g, weights=w, minlength=len(rep))
        group[rows] = g
    else:
        group[rows] = np.arange(len(rows))
    cap = prob.capacity[sites] if prob.capacity is not None else np.full(len(sites), np.inf)
    return _Assign(sub, w, sites, len(prob.free), cap, group, const, len(rows))


def _assign_highs(
    asg: _Assign,
    *,
    median: bool,
    k: int,
    penalty: float | None,
    opts: _MipOptions,
    x_fixed: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> _Outcome:
    """Capacitated covering (max Σ w z) or p-median (min Σ w t z + penalty·Σ w u).

    Rows: Σ_j z_ij (+ u_i) <= 1 (covering) or = 1 (p-median); z_ij <= x_j for new sites;
    Σ_i w_i z_ij <= C_j x_j for capacitated sites; Σ new x <= k. Existing sites are columns fixed
    at 1 so their capacity counts. With ``x_fixed`` every x is fixed and the model is an LP.
    """
    m, n = asg.pairs.shape
    nnz = asg.pairs.nnz
    erow, ecol = _row_ids(asg.pairs), asg.pairs.indices.astype(np.int64)
    use_u = median and penalty is not None
    nu = m if use_u else 0
    z0, u0 = n, n + nnz
    new = np.flatnonzero(ecol < asg.n_free)
    capped = np.flatnonzero(np.isfinite(asg.cap))
    cap_row = np.full(n, -1, dtype=np.int64)
    r2, r3 = m, m + len(new)
    cap_row[capped] = r3 + np.arange(len(capped))
    in_cap = np.flatnonzero(cap_row[ecol] >= 0)
    r4 = r3 + len(capped)
    n_row = r4 + 1
    a_mat = _coo(
        [
            (erow, z0 + np.arange(nnz), 1.0),
            (np.arange(nu), u0 + np.arange(nu), 1.0),
            (r2 + np.arange(len(new)), z0 + new, 1.0),
            (r2 + np.arange(len(new)), ecol[new], -1.0),
            (cap_row[ecol[in_cap]], z0 + in_cap, asg.w[erow[in_cap]]),
            (cap_row[capped], capped, -asg.cap[capped]),
            (np.full(asg.n_free, r4), np.arange(asg.n_free), 1.0),
        ],
        (n_row, n + nnz + nu),
    )
    row_lower = np.concatenate(
        [np.ones(m) if median else np.full(m, -np.inf), np.full(n_row - m, -np.inf)]
    )
    row_upper = np.concatenate([np.ones(m), np.zeros(len(new) + len(capped)), [float(k)]])
    if median:
        cost = np.concatenate(
            [np.zeros(n), asg.w[erow] * asg.pairs.data, (penalty or 0.0) * asg.w[:nu]]
        )
    else:
        cost = np.concatenate([np.zeros(n), asg.w[erow]])
    lower = np.zeros(len(cost))
    upper = np.ones(len(cost))
    lower[asg.n_free : n] = 1.0  # existing sites are open
    integer = np.concatenate([np.ones(n), np.zeros(nnz + nu)])
    if x_fixed is not None:
        lower[:n] = upper[:n] = x_fixed
        integer[:] = 0
        row_upper[-1] = np.inf
    warm = None
    if start is not None:
        x = np.zeros(n)
        x[start] = 1.0
        x[asg.n_free :] = 1.0
        warm = (np.arange(n), x)  # HiGHS completes the assignment itself
    return _run_highs(
        cost,
        lower,
        upper,
        a_mat,
        row_lower,
        row_upper,
        integer,
        maximize=not median,
        offset=asg.const,
        opts=opts,
        start=warm,
    )


class _ResidualOracle:
    """Capacity-aware coverage score: a site serves the unserved weight within reach, nearest
    first, up to its capacity. Not a true marginal gain (no bound from it), but a good order."""

    def __init__(self, asg: _Assign) -> None:
        s = _transpose(asg.pairs)
        rows = _row_ids(s)
        order = np.lexsort((s.data, rows))  # nearest first within each site
        self.s = _csr(s.data[order], s.indices[order], s.indptr, s.shape)
        self.rows = rows
        self.cap = asg.cap
        self.r = asg.w.astype(np.float64).copy()
        self.total = float(asg.w.sum())

    def _demand(self, j: int) -> np.ndarray:
        return self.s.indices[self.s.indptr[j] : self.s.indptr[j + 1]]

    def all(self) -> np.ndarray:
        reach = np.bincount(self.rows, weights=self.r[self.s.indices], minlength=self.s.shape[0])
        return np.minimum(reach, self.cap)

    def one(self, j: int) -> float:
        return float(min(self.r[self._demand(j)].sum(), self.cap[j]))

    def add(self, j: int) -> None:
        idx = self._demand(j)
        take = self.r[idx]
        before = np.cumsum(take) - take
        self.r[idx] -= np.clip(self.cap[j] - before, 0.0, take)

    def level(self) -> float:
        return self.total - float(self.r.sum())


def _assign_split(asg: _Assign, values: np.ndarray, prob: _Problem, open_sites: np.ndarray):
    """Served fraction and main serving site of each original demand point from z values."""
    n = asg.pairs.shape[1]
    z = np.clip(values[n : n + asg.pairs.nnz], 0.0, 1.0)
    erow = _row_ids(asg.pairs)
    served_m = np.minimum(np.bincount(erow, weights=z, minlength=asg.pairs.shape[0]), 1.0)
    main = np.full(asg.pairs.shape[0], -1, dtype=np.int64)
    pos = np.flatnonzero(z > 1e-9)
    if len(pos):
        pos = pos[np.lexsort((-z[pos], erow[pos]))]
        first = np.ones(len(pos), dtype=bool)
        first[1:] = erow[pos][1:] != erow[pos][:-1]
        pos = pos[first]
        main[erow[pos]] = asg.sites[asg.pairs.indices[pos]]
    served = np.zeros(prob.n_demand)
    assignment = np.full(prob.n_demand, -1, dtype=np.int64)
    in_model = asg.group >= 0
    served[in_model] = served_m[asg.group[in_model]]
    assignment[in_model] = main[asg.group[in_model]]
    # Zero-weight points use no capacity: they go to the nearest open site in reach.
    _, nearest = prob.nearest(open_sites)
    light = (prob.weights == 0) & (nearest >= 0)
    served[light] = 1.0
    assignment[light] = nearest[light]
    return served, assignment


# --- results -------------------------------------------------------------------------------------


@dataclass
class _Solution:
    """What a solver path hands back before results are derived from the original data."""

    chosen: np.ndarray  # candidate rows of the new sites (any order)
    objective: float
    bound: float
    gap: float
    status: str
    solver_status: str
    build_time: float
    solve_time: float
    n_model: int
    n_aggregated: int
    served: np.ndarray | None = None
    assignment: np.ndarray | None = None
    solver_bound: float = np.nan
    solver_gap: float = np.nan


class _SitingModel:
    """Shared inputs, ``solve`` and results; subclasses build and solve one model.

    Attributes (set by ``solve``)
    -----------------------------
    selected
        Candidate rows of the new sites, in greedy order of marginal gain.
    gains
        Marginal gain of each selected site in that order (objective units; p-median: time
        reduction).
    curve
        Objective before any new site, then after each selected site in order.
    objective, bound, gap
        Objective value, proven bound on the optimum and relative gap |objective - bound| /
        |objective| (0 when proven optimal). The bound is the tighter of HiGHS's dual bound and
        the greedy bound; both are proven.
    solver_bound, solver_gap
        HiGHS's own dual bound and gap, as it reported them (NaN for greedy).
    status, solver_status
        ``"optimal"``, ``"time_limit"``, ... (HiGHS's status; ``"greedy"`` for greedy), and
        HiGHS's own text.
    solve_time, build_time
        Seconds in the solver, and in preparing the model (greedy warm start included).
    coverage_count
        Open sites (existing included) within reach of each demand point.
    covered
        Demand points within reach of an open site.
    served
        Fraction of each demand point's weight served (equals ``covered`` without capacity).
    covered_weight, covered_share
        Served weight, and its share of the total weight.
    assignment
        Candidate row serving each demand point (-1 if none); for p-median and capacitated models.
    n_demand_model, n_demand_aggregated
        Demand points a new site can change, before and after merging identical ones.
    """

    model_name = ""
    maximize = True
    #: +1 when gains add to the curve (covered weight), -1 when they are savings (p-median).
    _curve_sign = 1.0

    def __init__(self, problem: _Problem, name: str) -> None:
        self.problem = problem
        self.name = name
        self.method: str | None = None
        self.selected = np.zeros(0, dtype=np.int64)
        self.gains = np.zeros(0)
        self.curve = np.zeros(0)
        self.objective = np.nan
        self.bound = np.nan
        self.gap = np.nan
        self.solver_bound = np.nan
        self.solver_gap = np.nan
        self.status = "not solved"
        self.solver_status = ""
        self.solve_time = 0.0
        self.build_time = 0.0
        self.n_demand_model = 0
        self.n_demand_aggregated = 0
        n_d = problem.n_demand
        self.coverage_count = np.zeros(n_d, dtype=np.int64)
        self.covered = np.zeros(n_d, dtype=bool)
        self.served = np.zeros(n_d)
        self.covered_weight = np.nan
        self.covered_share = np.nan
        self.assignment: np.ndarray | None = None
        reachable = problem.counts(np.union1d(problem.existing, problem.free)) > 0
        #: Demand points no existing or allowed site can reach within the threshold.
        self.uncoverable = ~reachable
        self.uncoverable_weight = float(problem.weights[~reachable].sum())

    # subclasses -----------------------------------------------------------------------------
    def _solve(self, method: Method, opts: _MipOptions, aggregate: bool, warm: bool) -> _Solution:
        raise NotImplementedError

    def _order(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        """Chosen sites in greedy order, their gains, and the objective before any of them."""
        raise NotImplementedError

    # public ---------------------------------------------------------------------------------
    def solve(
        self,
        method: Method = "milp",
        *,
        time_limit: float | None = None,
        mip_rel_gap: float = 1e-4,
        threads: int | None = None,
        verbose: bool = False,
        aggregate: bool = True,
        warm_start: bool = True,
        highs_options: dict[str, Any] | None = None,
    ) -> Self:
        """Solve the model and set the result attributes.

        Parameters
        ----------
        method
            ``"milp"`` (exact, HiGHS) or ``"greedy"`` (lazy greedy with a bound).
        time_limit
            Seconds HiGHS may run (model building excluded). On the limit the best solution
            found is returned with status ``"time_limit"`` and its true gap.
        mip_rel_gap
            HiGHS stops when the relative gap is at most this.
        threads
            HiGHS threads (None: HiGHS's default).
        verbose
            Show HiGHS's log.
        aggregate
            Merge demand points that are identical in the model before solving.
        warm_start
            Start HiGHS from the greedy solution.
        highs_options
            Further HiGHS options by name, e.g. ``{"presolve": "off"}``.

        Returns
        -------
        self
        """
        if method not in ("milp", "greedy"):
            raise ValueError(f"method must be 'milp' or 'greedy', not {method!r}")
        opts = _MipOptions(time_limit, mip_rel_gap, threads, verbose, highs_options)
        sol = self._solve(method, opts, aggregate, warm_start)
        self.method = method
        self.status, self.solver_status = sol.status, sol.solver_status
        self.objective, self.bound, self.gap = sol.objective, sol.bound, sol.gap
        self.solver_bound, self.solver_gap = sol.solver_bound, sol.solver_gap
        self.solve_time, self.build_time = sol.solve_time, sol.build_time
        self.n_demand_model, self.n_demand_aggregated = sol.n_model, sol.n_aggregated
        order, gains, start = self._order(np.asarray(sol.chosen, dtype=np.int64))
        self.selected, self.gains = order, gains
        self.curve = start + self._curve_sign * np.concatenate([[0.0], np.cumsum(gains)])
        self._set_coverage(sol)
        self._after_solve()
        return self

    def _after_solve(self) -> None:
        pass

    def _set_coverage(self, sol: _Solution) -> None:
        prob = self.problem
        open_sites = np.union1d(prob.existing, self.selected)
        self.coverage_count = prob.counts(open_sites)
        self.covered = self.coverage_count > 0
        self.served = self.covered.astype(float) if sol.served is None else sol.served
        self.assignment = sol.assignment
        self.covered_weight = float(np.sum(prob.weights * self.served))
        total = prob.total_weight
        self.covered_share = self.covered_weight / total if total > 0 else np.nan

    def summary(self) -> dict[str, Any]:
        """Main results as a flat dict (for tables and reports)."""
        return {
            "model": self.model_name,
            "name": self.name,
            "method": self.method,
            "status": self.status,
            "solver_status": self.solver_status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "solver_bound": self.solver_bound,
            "solver_gap": self.solver_gap,
            "n_selected": len(self.selected),
            "selected": self.selected.tolist(),
            "n_existing": len(self.problem.existing),
            "covered_weight": self.covered_weight,
            "covered_share": self.covered_share,
            "total_weight": self.problem.total_weight,
            "uncoverable_weight": self.uncoverable_weight,
            "threshold_min": self.problem.threshold,
            "n_candidates": self.problem.n_candidates,
            "n_demand": self.problem.n_demand,
            "n_demand_model": self.n_demand_model,
            "n_demand_aggregated": self.n_demand_aggregated,
            "build_time_s": self.build_time,
            "solve_time_s": self.solve_time,
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, status={self.status!r}, "
            f"selected={len(self.selected)}, objective={self.objective:.6g}, gap={self.gap:.3g})"
        )


def _trivial(objective: float, build_time: float, n_model: int, n_agg: int) -> _Solution:
    """No decision to make (nothing to choose or nothing to gain): the answer is known."""
    return _Solution(
        np.zeros(0, np.int64),
        objective,
        objective,
        0.0,
        "optimal",
        "trivial (no solver run)",
        build_time,
        0.0,
        n_model,
        n_agg,
    )


def _from_outcome(
    out: _Outcome,
    chosen: np.ndarray,
    build: float,
    n_model: int,
    n_agg: int,
    *,
    maximize: bool,
    greedy_bound: float = np.nan,
    **extra: Any,
) -> _Solution:
    """Solution from HiGHS's outcome. When the greedy bound is tighter than HiGHS's dual bound
    (common when the time limit stops HiGHS before its root LP), it is reported instead and the
    gap recomputed; HiGHS's own bound and gap stay in ``solver_bound``/``solver_gap``."""
    bound, gap = out.bound, out.gap
    if np.isfinite(greedy_bound):
        worse = np.isnan(bound) or (bound > greedy_bound if maximize else bound < greedy_bound)
        if worse:
            bound = greedy_bound
            if np.isfinite(out.objective):
                gap = _gap(out.objective, bound, maximize)
    return _Solution(
        chosen,
        out.objective,
        bound,
        gap,
        out.status,
        out.solver_status,
        build,
        out.solve_time,
        n_model,
        n_agg,
        solver_bound=out.bound,
        solver_gap=out.gap,
        **extra,
    )


def _assign_solution(
    out: _Outcome,
    asg: _Assign,
    prob: _Problem,
    build: float,
    n_agg: int,
    *,
    maximize: bool,
    greedy_bound: float,
) -> _Solution:
    """Solution of a capacitated (assignment) model: chosen sites, served shares, assignment."""
    if out.values is None:
        return _from_outcome(
            out, np.zeros(0, np.int64), build, asg.n_model, n_agg,
            maximize=maximize, greedy_bound=greedy_bound,
        )  # fmt: skip
    chosen = asg.sites[np.flatnonzero(out.values[: asg.n_free] > 0.5)]
    served, assignment = _assign_split(asg, out.values, prob, np.union1d(prob.existing, chosen))
    return _from_outcome(
        out, chosen, build, asg.n_model, n_agg, maximize=maximize, greedy_bound=greedy_bound,
        served=served, assignment=assignment,
    )  # fmt: skip


# --- covering models ---------------------------------------------------------------------------


class _CoveringModel(_SitingModel):
    """Objective a·(weight covered at least once) + b·(weight covered at least twice), k sites."""

    def __init__(self, problem: _Problem, name: str, k: int, a: float, b: float) -> None:
        super().__init__(problem, name)
        if k < 0:
            raise ValueError("k must be >= 0")
        if a < 0 or b < 0:
            raise ValueError("objective weights must be >= 0")
        self.k, self.a, self.b = int(k), float(a), float(b)

    def _solve(self, method: Method, opts: _MipOptions, aggregate: bool, warm: bool) -> _Solution:
        if self.problem.capacity is not None:
            return self._solve_capacitated(method, opts, aggregate, warm)
        prob, a, b = self.problem, self.a, self.b
        t0 = time.perf_counter()
        cov = _cover_data(prob, a, b, aggregate)
        n_agg = len(cov.w)
        if self.k == 0 or n_agg == 0:
            return _trivial(_cover_offset(cov, a, b), time.perf_counter() - t0, cov.n_model, n_agg)
        # Greedy runs for the MILP too: it is the warm start and its bound backs up HiGHS's.
        t1 = time.perf_counter()
        oracle = _CoverOracle(cov, a, b)
        greedy = _lazy_greedy(oracle, len(prob.free), budget=self.k, tol=prob.tol)
        # Nothing can beat covering every model demand point (twice, for backup): a cap that
        # the submodular bound, summing k gains, often exceeds.
        greedy.bound = min(greedy.bound, cov.const + (a + b) * float(cov.w.sum()))
        value = oracle.value()
        order = greedy.order
        if b == 0 and a == 1.0 and len(order) == self.k:
            # Plain MCLP with every site used: single swaps often lift greedy by 1-3 %.
            swapped = _swap_improve(cov, order)
            if _cover_value(cov, swapped) > value + prob.tol:
                order, value = swapped, _cover_value(cov, swapped)
        gap = _gap(value, greedy.bound, True)
        if method == "greedy" or gap <= opts.mip_rel_gap:
            # Greedy (+ swaps) is already proven within the requested gap: no MILP needed.
            build, solve = t1 - t0, time.perf_counter() - t1
            status = "greedy" if method == "greedy" else "optimal"
            return _Solution(
                prob.free[order],
                value,
                greedy.bound,
                gap,
                status,
                "lazy greedy" + ("" if method == "greedy" else ", proven within mip_rel_gap"),
                build,
                solve,
                cov.n_model,
                n_agg,
            )
        out = _cover_milp(cov, a, b, self.k, opts, order if warm else None)
        build = time.perf_counter() - t0 - out.solve_time
        chosen = self._chosen(out, len(prob.free))
        return _from_outcome(
            out, chosen, build, cov.n_model, n_agg, maximize=True, greedy_bound=greedy.bound
        )

    def _chosen(self, out: _Outcome, n: int) -> np.ndarray:
        if out.values is None:
            return np.zeros(0, dtype=np.int64)
        return self.problem.free[np.flatnonzero(out.values[:n] > 0.5)]

    def _order(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        if self.problem.capacity is not None:
            return _capacitated_order(self.problem, chosen, median=False, penalty=None)
        return _cover_order(self.problem, chosen, self.a, self.b)

    def _solve_capacitated(
        self, method: Method, opts: _MipOptions, aggregate: bool, warm: bool
    ) -> _Solution:
        prob = self.problem
        if self.b > 0 or self.a != 1.0:
            raise ValueError("with capacity only plain maximal covering is supported")
        t0 = time.perf_counter()
        asg = _assign_data(prob, with_times=False, penalty=None, aggregate=aggregate)
        n_agg = len(asg.w)
        if n_agg == 0:
            return _trivial(0.0, time.perf_counter() - t0, asg.n_model, n_agg)
        t1 = time.perf_counter()
        oracle = _ResidualOracle(asg)
        for col in range(asg.n_free, len(asg.sites)):
            oracle.add(col)
        allowed = np.zeros(len(asg.sites), dtype=bool)
        allowed[: asg.n_free] = True
        g = _lazy_greedy(oracle, len(asg.sites), allowed=allowed, budget=self.k, tol=prob.tol)
        # Capacity only lowers coverage, so the uncapacitated greedy bound holds; and no site
        # serves more than min(capacity, weight in reach).
        cov = _cover_data(prob, 1.0, 0.0, aggregate)
        ub = _lazy_greedy(
            _CoverOracle(cov, 1.0, 0.0), len(prob.free), budget=self.k, tol=prob.tol
        ).bound
        most = _ResidualOracle(asg).all()
        ub = min(ub, float(most[asg.n_free :].sum()) + _top_sum(most[: asg.n_free], self.k))
        if method == "greedy":
            x = np.zeros(len(asg.sites))
            x[g.order] = 1.0
            x[asg.n_free :] = 1.0
            out = _assign_highs(asg, median=False, k=self.k, penalty=None, opts=opts, x_fixed=x)
            served, assignment = _assign_split(
                asg, out.values, prob, np.union1d(prob.existing, asg.sites[g.order])
            )
            return _Solution(
                asg.sites[g.order],
                out.objective,
                ub,
                _gap(out.objective, ub, True),
                "greedy",
                "capacity-aware greedy, assignment LP",
                t1 - t0,
                time.perf_counter() - t1,
                asg.n_model,
                n_agg,
                served,
                assignment,
            )
        out = _assign_highs(
            asg, median=False, k=self.k, penalty=None, opts=opts, start=g.order if warm else None
        )
        build = time.perf_counter() - t0 - out.solve_time
        return _assign_solution(out, asg, prob, build, n_agg, maximize=True, greedy_bound=ub)


def _cover_order(
    prob: _Problem, chosen: np.ndarray, a: float, b: float
) -> tuple[np.ndarray, np.ndarray, float]:
    """Greedy order of ``chosen`` by (surrogate) marginal gain, with true gains.

    Sites whose surrogate gain is zero are dropped: every demand point they reach is already
    covered by earlier sites (twice when b > 0), so they add nothing to the whole plan either.
    """
    cov = _cover_data(prob, a, b, aggregate=True)
    start = _cover_offset(cov, a, b)
    if not len(chosen):
        return chosen, np.zeros(0), start
    pos = np.full(prob.n_candidates, -1, dtype=np.int64)
    pos[prob.free] = np.arange(len(prob.free))
    allowed = np.zeros(len(prob.free), dtype=bool)
    allowed[pos[chosen]] = True
    g = _lazy_greedy(_CoverOracle(cov, a, b), len(prob.free), allowed=allowed, stop_at_zero=False)
    order = g.order[g.gains > prob.tol]
    truth = _CoverOracle(cov, a, b)
    gains = np.zeros(len(order))
    for i, j in enumerate(order):
        before = truth.value()
        truth.add(int(j))
        gains[i] = truth.value() - before
    return prob.free[order], gains, start


def _capacitated_order(
    prob: _Problem, chosen: np.ndarray, *, median: bool, penalty: float | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Capacitated models: order ``chosen`` greedily (by capacity-aware coverage, or by time
    saved for p-median), then take exact gains from the assignment LP of each prefix."""
    asg = _assign_data(prob, with_times=True, penalty=None, aggregate=True)
    col = np.full(prob.n_candidates, -1, dtype=np.int64)
    col[asg.sites] = np.arange(len(asg.sites))
    if median:
        # Sites the uncapacitated order would call useless may be needed for capacity: keep all.
        order, _, _ = _median_order(prob, chosen, penalty, drop=False)
        missing = penalty if penalty is not None else _longest(prob)
    else:
        oracle = _ResidualOracle(asg)
        for c in range(asg.n_free, len(asg.sites)):
            oracle.add(c)
        allowed = np.zeros(len(asg.sites), dtype=bool)
        allowed[col[chosen]] = True
        g = _lazy_greedy(oracle, len(asg.sites), allowed=allowed, stop_at_zero=False)
        order = asg.sites[g.order]
        missing = None
    if median:
        asg.const = float(missing * prob.weights[prob.counts(asg.sites) == 0].sum())
    values = []
    x = np.zeros(len(asg.sites))
    x[asg.n_free :] = 1.0
    for i in range(len(order) + 1):
        if i:
            x[col[order[i - 1]]] = 1.0
        if len(asg.w) == 0:
            values.append(asg.const)
            continue
        out = _assign_highs(
            asg, median=median, k=len(order), penalty=missing, opts=_MipOptions(), x_fixed=x
        )
        values.append(out.objective)
    v = np.asarray(values)
    gains = (np.diff(v) if not median else -np.diff(v)) if len(v) > 1 else np.zeros(0)
    return np.asarray(order, dtype=np.int64), gains, float(v[0])


class MCLP(_CoveringModel):
    """Maximal covering location problem: open ``k`` new sites to cover the most demand weight.

    A demand point is covered when an open site (existing or new) is within the threshold.
    With ``capacity``, sites serve fractions of demand (``Σ_i w_i z_ij <= C_j``) and the
    objective is the served weight.
    """

    model_name = "mclp"

    @classmethod
    def from_cost_matrix(
        cls,
        cost: Any,
        weights: Any,
        k: int,
        *,
        threshold: float = settings.threshold_min,
        existing: Any = None,
        excluded: Any = None,
        capacity: Any = None,
        backup_weight: float = 0.0,
        name: str = "mclp",
    ) -> MCLP:
        """Build the model.

        Parameters
        ----------
        cost
            Candidate × demand walking times in minutes (scipy sparse; a stored entry, explicit
            0.0 included, is reachable). A dense array counts every finite value as stored.
        weights
            Demand weights (workers, residents), one per demand point, non-negative.
        k
            New sites to open (existing sites do not count).
        threshold
            Minutes within which a site covers a demand point.
        existing
            Candidate rows (or boolean mask) already built: always open, not counted in ``k``.
        excluded
            Candidate rows (or boolean mask) that may not be chosen.
        capacity
            Per candidate, the most demand weight a site can serve (NaN/inf = no limit).
        backup_weight
            Weight of the demand covered at least twice in the objective
            ``covered + backup_weight * covered_twice``. A small value (e.g. 1e-3) breaks ties
            between equally good plans in favour of cross-coverage; a value below
            min(weight)/total weight never trades away primary coverage. Not with capacity.
        name
            Label for reports.
        """
        prob = _Problem.build(cost, weights, threshold, existing, excluded, capacity)
        return cls(prob, name, k, 1.0, backup_weight)

    def _set_coverage(self, sol: _Solution) -> None:
        super()._set_coverage(sol)
        twice = self.coverage_count >= 2
        self.backup_covered_weight = float(self.problem.weights[twice].sum())


class BackupCoverage(_CoveringModel):
    """Backup ("cross") coverage: open ``k`` new sites to maximise the demand weight within the
    threshold of at least two open sites.

    Weighted form: maximise ``Σ w_i·[covered twice] + primary_weight·Σ w_i·[covered]``. The
    default ``primary_weight=0`` is pure backup coverage; a small value breaks ties towards plans
    that also cover more demand once, a value >= 1 makes single coverage count as much.
    """

    model_name = "backup"

    @classmethod
    def from_cost_matrix(
        cls,
        cost: Any,
        weights: Any,
        k: int,
        *,
        threshold: float = settings.threshold_min,
        existing: Any = None,
        excluded: Any = None,
        primary_weight: float = 0.0,
        name: str = "backup",
    ) -> BackupCoverage:
        """Build the model; parameters as in `MCLP.from_cost_matrix`, plus ``primary_weight``
        (weight of the demand covered at least once in the objective)."""
        prob = _Problem.build(cost, weights, threshold, existing, excluded, None)
        return cls(prob, name, k, primary_weight, 1.0)

    def _set_coverage(self, sol: _Solution) -> None:
        super()._set_coverage(sol)
        twice = self.coverage_count >= 2
        self.backup_covered_weight = float(self.problem.weights[twice].sum())
        total = self.problem.total_weight
        self.backup_covered_share = self.backup_covered_weight / total if total > 0 else np.nan

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["backup_covered_weight"] = self.backup_covered_weight
        out["backup_covered_share"] = self.backup_covered_share
        return out


# --- set covering ------------------------------------------------------------------------------


class LSCP(_SitingModel):
    """Location set covering: the fewest new sites so that the covered share of the TOTAL demand
    weight reaches ``target``.

    The target is relative to the total weight, including demand no site can reach. If it
    cannot be met even with every allowed site open, ``solve`` raises a ValueError that states
    the largest achievable share (see ``max_share``); pass that share, or a lower one, as target.
    ``objective`` is the number of new sites and ``bound`` a proven lower bound on it.
    """

    model_name = "lscp"
    maximize = False

    def __init__(self, problem: _Problem, name: str, target: float) -> None:
        super().__init__(problem, name)
        if not 0.0 <= target <= 1.0:
            raise ValueError("target must be a share between 0 and 1")
        self.target = float(target)
        total = problem.total_weight
        #: Largest covered share reachable with every allowed site open.
        self.max_share = (total - self.uncoverable_weight) / total if total > 0 else 1.0

    @classmethod
    def from_cost_matrix(
        cls,
        cost: Any,
        weights: Any,
        target: float = 1.0,
        *,
        threshold: float = settings.threshold_min,
        existing: Any = None,
        excluded: Any = None,
        name: str = "lscp",
    ) -> LSCP:
        """Build the model; ``target`` is the share of the total weight to cover (0..1), other
        parameters as in `MCLP.from_cost_matrix`."""
        prob = _Problem.build(cost, weights, threshold, existing, excluded, None)
        return cls(prob, name, target)

    def _solve(self, method: Method, opts: _MipOptions, aggregate: bool, warm: bool) -> _Solution:
        prob = self.problem
        total, tol = prob.total_weight, prob.tol
        need = self.target * total
        coverable = total - self.uncoverable_weight
        if need > coverable + tol:
            raise ValueError(
                f"LSCP target {self.target:.4%} of the total weight cannot be reached: at most "
                f"{self.max_share:.4%} (max achievable share {self.max_share:.6f}) is within "
                f"{prob.threshold} min of an existing or allowed site; "
                f"{self.uncoverable_weight:g} weight in {int(self.uncoverable.sum())} demand "
                "points is out of reach. Lower the target or add candidates."
            )
        t0 = time.perf_counter()
        cov = _cover_data(prob, 1.0, 0.0, aggregate)
        n_agg = len(cov.w)
        offset = _cover_offset(cov, 1.0, 0.0)
        if offset >= need - tol:
            return _trivial(0.0, time.perf_counter() - t0, cov.n_model, n_agg)
        t1 = time.perf_counter()
        greedy = _lazy_greedy(_CoverOracle(cov, 1.0, 0.0), len(prob.free), need=need, tol=tol)
        # A lower bound on a count can be rounded up; the greedy count is an upper bound.
        lb = float(min(np.ceil(greedy.bound - 1e-9), len(greedy.order)))
        if method == "greedy":
            obj = float(len(greedy.order))
            return _Solution(
                prob.free[greedy.order],
                obj,
                lb,
                _gap(obj, lb, False),
                "greedy",
                "lazy greedy",
                t1 - t0,
                time.perf_counter() - t1,
                cov.n_model,
                n_agg,
            )
        out = _lscp_milp(cov, need - offset - tol, opts, greedy.order if warm else None)
        build = time.perf_counter() - t0 - out.solve_time
        chosen = (
            prob.free[np.flatnonzero(out.values[: len(prob.free)] > 0.5)]
            if out.values is not None
            else np.zeros(0, np.int64)
        )
        return _from_outcome(
            out, chosen, build, cov.n_model, n_agg, maximize=False, greedy_bound=lb
        )

    def _order(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        # Gains and curve are in covered weight (the target's currency), not in sites.
        return _cover_order(self.problem, chosen, 1.0, 0.0)

    def _after_solve(self) -> None:
        if np.isfinite(self.objective):
            # The objective is a count: report the exact size of the returned plan (smaller than
            # HiGHS's if a chosen site added nothing), and round the lower bound up.
            self.objective = float(len(self.selected))
            if np.isfinite(self.bound):
                self.bound = float(np.ceil(self.bound - 1e-6))
            self.gap = _gap(self.objective, self.bound, False)

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["target"] = self.target
        out["max_share"] = self.max_share
        return out


def _lscp_milp(cov: _Cover, need: float, opts: _MipOptions, start: np.ndarray | None) -> _Outcome:
    """min Σ x  s.t. every model demand covered (full target), or  y_i <= Σ_{j covers i} x_j and
    Σ w y >= need (partial target). Dominated sites are left out (see :func:`_keep_sites`)."""
    m, n_all = cov.pattern.shape
    d = np.flatnonzero(cov.e == 0)
    p = _take_rows(cov.pattern, d)
    rep = _keep_sites(p)
    keep = np.flatnonzero(rep == np.arange(n_all))
    if len(keep) < n_all:
        p = p[:, keep].tocsr()
    n, nd = len(keep), len(d)
    full = need >= float(cov.w[d].sum()) - _TOL * max(float(cov.w.sum()), 1.0)
    x = _reduced_start(start, rep, keep, n_all)
    if full:
        a_mat = _coo([(_row_ids(p), p.indices, 1.0)], (nd, n))
        row_lower, row_upper = np.ones(nd), np.full(nd, np.inf)
        cost, integer = np.ones(n), np.ones(n)
        warm = None if x is None else (np.arange(n), x)
    else:
        a_mat = _coo(
            [
                (_row_ids(p), p.indices, 1.0),
                (np.arange(nd), n + np.arange(nd), -1.0),
                (np.full(nd, nd), n + np.arange(nd), cov.w[d]),
            ],
            (nd + 1, n + nd),
        )
        row_lower = np.concatenate([np.zeros(nd), [need]])
        row_upper = np.full(nd + 1, np.inf)
        cost = np.concatenate([np.ones(n), np.zeros(nd)])
        integer = np.concatenate([np.ones(n), np.zeros(nd)])
        warm = None
        if x is not None:
            y = np.minimum(p @ x, 1.0)
            warm = (np.arange(n + nd), np.concatenate([x, y]))
    out = _run_highs(
        cost,
        np.zeros(len(cost)),
        np.ones(len(cost)),
        a_mat,
        row_lower,
        row_upper,
        integer,
        maximize=False,
        offset=0.0,
        opts=opts,
        start=warm,
    )
    return _full_values(out, keep, n_all)


# --- p-median ----------------------------------------------------------------------------------


def _longest(prob: _Problem) -> float:
    """Longest time a demand point may be assigned: the threshold, or the longest stored time."""
    if prob.threshold is not None:
        return prob.threshold
    return float(prob.reach.data.max()) if prob.reach.nnz else 0.0


def _median_order(
    prob: _Problem, chosen: np.ndarray, penalty: float | None, *, drop: bool = True
) -> tuple[np.ndarray, np.ndarray, float]:
    """Order ``chosen`` greedily by time saved (serving must-serve demand first) and report gains
    with unserved demand counted at ``penalty`` or, without one, at the longest allowed time.

    With ``drop``, sites that save nothing are dropped: the saving is submodular, so such a site
    saves nothing in the whole plan either.
    """
    med = _median_data(prob, penalty, aggregate=True)
    missing = penalty if penalty is not None else med.longest
    start = _MedianOracle(med, missing).level()
    if not len(chosen) or not len(med.w):
        kept = np.zeros(0, np.int64) if drop else np.asarray(chosen, np.int64)
        return kept, np.zeros(len(kept)), start
    pos = np.full(prob.n_candidates, -1, dtype=np.int64)
    pos[prob.free] = np.arange(len(prob.free))
    allowed = np.zeros(len(prob.free), dtype=bool)
    allowed[pos[chosen]] = True
    g = _lazy_greedy(
        _MedianOracle(med, _big_missing(med)),
        len(prob.free),
        allowed=allowed,
        maximize=False,
        stop_at_zero=False,
    )
    order = g.order[g.gains > prob.tol * max(med.longest, 1.0)] if drop else g.order
    report = _MedianOracle(med, missing)
    gains = np.zeros(len(order))
    for i, j in enumerate(order):
        gains[i] = report.one(int(j))
        report.add(int(j))
    return prob.free[order], gains, start


class PMedian(_SitingModel):
    """p-median: open ``p`` new sites minimising the total weighted walking time from demand to
    its nearest open site (existing sites included).

    Only stored pairs within ``threshold`` can be assigned. Without ``unreachable_penalty``,
    every demand point that some existing or allowed site reaches must be served (a ValueError
    says when ``p`` sites cannot do that), and demand that no site reaches is left out of the
    objective and reported (``uncoverable``). With ``unreachable_penalty`` (minutes), demand may
    stay unserved at that time per unit weight, and demand no site reaches adds its penalty.
    With ``capacity``, sites serve fractions of demand up to their capacity.

    ``objective`` is total weighted minutes; ``mean_time`` the average over served weight.
    """

    model_name = "p_median"
    maximize = False
    _curve_sign = -1.0

    def __init__(
        self, problem: _Problem, name: str, p: int, unreachable_penalty: float | None
    ) -> None:
        super().__init__(problem, name)
        if p < 0:
            raise ValueError("p must be >= 0")
        if unreachable_penalty is not None and not unreachable_penalty >= 0:
            raise ValueError("unreachable_penalty must be a non-negative number of minutes")
        self.p = int(p)
        self.unreachable_penalty = unreachable_penalty
        self.mean_time = np.nan

    @classmethod
    def from_cost_matrix(
        cls,
        cost: Any,
        weights: Any,
        p: int,
        *,
        threshold: float | None = None,
        existing: Any = None,
        excluded: Any = None,
        capacity: Any = None,
        unreachable_penalty: float | None = None,
        name: str = "p_median",
    ) -> PMedian:
        """Build the model.

        Parameters
        ----------
        p
            New sites to open.
        threshold
            Longest walk (minutes) a demand point may be assigned; None: every stored pair.
        unreachable_penalty
            Minutes charged per unit of unserved weight; None: serve all reachable demand.

        Other parameters as in `MCLP.from_cost_matrix`.
        """
        prob = _Problem.build(cost, weights, threshold, existing, excluded, capacity)
        return cls(prob, name, p, unreachable_penalty)

    def _infeasible(self, how: str) -> ValueError:
        return ValueError(
            f"p-median: {self.p} new sites cannot serve every demand point within reach of a "
            f"site ({how}); raise p, or pass unreachable_penalty to allow unserved demand"
        )

    def _solve(self, method: Method, opts: _MipOptions, aggregate: bool, warm: bool) -> _Solution:
        if self.problem.capacity is not None:
            return self._solve_capacitated(method, opts, aggregate, warm)
        prob, penalty = self.problem, self.unreachable_penalty
        t0 = time.perf_counter()
        med = _median_data(prob, penalty, aggregate)
        n_agg = len(med.w)
        must = ~np.isfinite(med.fallback)
        if n_agg == 0 or (self.p == 0 and not must.any()):
            return _trivial(
                _MedianOracle(med, 0.0).level(), time.perf_counter() - t0, med.n_model, n_agg
            )
        if self.p == 0:
            raise self._infeasible("p = 0")
        t1 = time.perf_counter()
        big = _big_missing(med)
        oracle = _MedianOracle(med, big)
        greedy = _lazy_greedy(oracle, len(prob.free), budget=self.p, maximize=False, tol=prob.tol)
        lb = max(greedy.bound, 0.0)
        if method == "greedy":
            if ((oracle.d >= big) & must).any():
                raise self._infeasible("greedy found no such plan")
            obj = oracle.level()
            return _Solution(
                prob.free[greedy.order],
                obj,
                lb,
                _gap(obj, lb, False),
                "greedy",
                "lazy greedy",
                t1 - t0,
                time.perf_counter() - t1,
                med.n_model,
                n_agg,
            )
        out = _median_milp(med, self.p, opts, greedy.order if warm else None)
        if out.status == "infeasible":
            raise self._infeasible("HiGHS proved it")
        build = time.perf_counter() - t0 - out.solve_time
        chosen = (
            prob.free[np.flatnonzero(out.values[: len(prob.free)] > 0.5)]
            if out.values is not None
            else np.zeros(0, np.int64)
        )
        return _from_outcome(
            out, chosen, build, med.n_model, n_agg, maximize=False, greedy_bound=lb
        )

    def _solve_capacitated(
        self, method: Method, opts: _MipOptions, aggregate: bool, warm: bool
    ) -> _Solution:
        prob, penalty = self.problem, self.unreachable_penalty
        t0 = time.perf_counter()
        asg = _assign_data(prob, with_times=True, penalty=penalty, aggregate=aggregate)
        n_agg = len(asg.w)
        if n_agg == 0:
            return _trivial(asg.const, time.perf_counter() - t0, asg.n_model, n_agg)
        t1 = time.perf_counter()
        # Select as if uncapacitated; the assignment LP then respects capacity. Capacity only
        # raises the cost, so the uncapacitated lower bound holds.
        med = _median_data(prob, penalty, aggregate)
        g = _lazy_greedy(
            _MedianOracle(med, _big_missing(med)),
            len(prob.free),
            budget=self.p,
            maximize=False,
            tol=prob.tol,
        )
        lb = max(g.bound, 0.0)
        col = np.full(prob.n_candidates, -1, dtype=np.int64)
        col[asg.sites] = np.arange(len(asg.sites))
        greedy_sites = col[prob.free[g.order]]
        if method == "greedy":
            x = np.zeros(len(asg.sites))
            x[greedy_sites] = 1.0
            x[asg.n_free :] = 1.0
            out = _assign_highs(asg, median=True, k=self.p, penalty=penalty, opts=opts, x_fixed=x)
            if out.values is None:
                raise self._infeasible("greedy plan lacks capacity")
            chosen = asg.sites[greedy_sites]
            served, assignment = _assign_split(
                asg, out.values, prob, np.union1d(prob.existing, chosen)
            )
            return _Solution(
                chosen,
                out.objective,
                lb,
                _gap(out.objective, lb, False),
                "greedy",
                "greedy (uncapacitated selection), assignment LP",
                t1 - t0,
                time.perf_counter() - t1,
                asg.n_model,
                n_agg,
                served,
                assignment,
            )
        out = _assign_highs(
            asg,
            median=True,
            k=self.p,
            penalty=penalty,
            opts=opts,
            start=greedy_sites if warm else None,
        )
        if out.status == "infeasible":
            raise self._infeasible("capacity too small or too few sites; HiGHS proved it")
        build = time.perf_counter() - t0 - out.solve_time
        return _assign_solution(out, asg, prob, build, n_agg, maximize=False, greedy_bound=lb)

    def _order(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        if self.problem.capacity is not None:
            return _capacitated_order(
                self.problem, chosen, median=True, penalty=self.unreachable_penalty
            )
        return _median_order(self.problem, chosen, self.unreachable_penalty)

    def _set_coverage(self, sol: _Solution) -> None:
        prob = self.problem
        super()._set_coverage(sol)
        if sol.assignment is None:
            t, site = prob.nearest(np.union1d(prob.existing, self.selected))
            if self.unreachable_penalty is not None:
                # Demand farther than the penalty is cheaper left unserved.
                site = np.where(t <= self.unreachable_penalty, site, -1)
            self.assignment = site
            self.served = (site >= 0).astype(float)
            self.covered_weight = float(np.sum(prob.weights * self.served))
            total = prob.total_weight
            self.covered_share = self.covered_weight / total if total > 0 else np.nan
            self.assigned_time = np.where(site >= 0, t, np.nan)
        else:
            self.assigned_time = None
        served_w = self.covered_weight
        if sol.assignment is None:
            self.mean_time = (
                float(np.nansum(prob.weights * self.assigned_time)) / served_w
                if served_w > 0
                else np.nan
            )
        else:
            pen = self.unreachable_penalty or 0.0
            unserved = float(np.sum(prob.weights * (1.0 - self.served)))
            self.mean_time = (
                (self.objective - pen * unserved) / served_w if served_w > 0 else np.nan
            )

    def summary(self) -> dict[str, Any]:
        out = super().summary()
        out["mean_time_min"] = self.mean_time
        out["unreachable_penalty"] = self.unreachable_penalty
        return out


# --- diminishing returns -----------------------------------------------------------------------


def coverage_curve(
    model_or_cost: Any,
    weights: Any = None,
    ks: Any = None,
    *,
    threshold: float = settings.threshold_min,
    existing: Any = None,
    excluded: Any = None,
) -> pd.DataFrame:
    """Covered weight after each added site, for diminishing-returns plots.

    Parameters
    ----------
    model_or_cost
        A covering model (solved or not; an unsolved one is solved by greedy), or a cost matrix.
        For a cost matrix greedy MCLP runs up to ``max(ks)`` sites; greedy solutions are nested,
        so row k is the greedy plan with k sites.
    weights, threshold, existing, excluded
        As in `MCLP.from_cost_matrix` (cost matrix only).
    ks
        Site counts to report (default: 0 and every step).

    Returns
    -------
    DataFrame with columns ``k``, ``site`` (the k-th site added, -1 for k = 0), ``gain``,
    ``covered_weight`` and ``covered_share``.
    """
    if isinstance(model_or_cost, _SitingModel):
        model = model_or_cost
        if model.method is None:
            model.solve("greedy")
        if isinstance(model, PMedian):
            raise ValueError("coverage_curve needs a covering model (MCLP, LSCP, BackupCoverage)")
    else:
        if weights is None:
            raise ValueError("weights are needed with a cost matrix")
        prob = _Problem.build(model_or_cost, weights, threshold, existing, excluded, None)
        k_max = len(prob.free) if ks is None else int(np.max(ks))
        model = MCLP(prob, "curve", k_max, 1.0, 0.0).solve("greedy")
    prob = model.problem
    cov = _cover_data(prob, 1.0, 0.0, aggregate=False)
    oracle = _CoverOracle(cov, 1.0, 0.0)
    pos = np.full(prob.n_candidates, -1, dtype=np.int64)
    pos[prob.free] = np.arange(len(prob.free))
    covered = [oracle.level()]
    gains = [0.0]
    for j in model.selected:
        g = oracle.one(int(pos[j]))
        oracle.add(int(pos[j]))
        gains.append(g)
        covered.append(oracle.level())
    n = len(model.selected)
    steps = np.arange(n + 1) if ks is None else np.asarray(ks, dtype=np.int64)
    at = np.minimum(steps, n)  # beyond the last useful site coverage stays flat
    total = prob.total_weight
    site = np.concatenate([[-1], model.selected])
    cw = np.asarray(covered)[at]
    return pd.DataFrame(
        {
            "k": steps,
            "site": np.where(steps <= n, site[at], -1),
            "gain": np.where(steps <= n, np.asarray(gains)[at], 0.0),
            "covered_weight": cw,
            "covered_share": cw / total if total > 0 else np.nan,
        }
    )
