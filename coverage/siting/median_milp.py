"""p-median data and exact solvers: the assignment MILP and, at full size, the Lagrangian path.

Kept apart from `coverage.siting.median` (the `PMedian` model, its greedy and its orders) so each
module stays short; the model calls in here, never the other way round.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from coverage.siting._sparse import (
    CSR,
    Floats,
    Ints,
    _coo,
    _filter,
    _row_argmin,
    _row_ids,
    _take_rows,
    _transpose,
)
from coverage.siting.highs import MipOptions, Outcome, _gap, _Model, _run_highs
from coverage.siting.lagrange import _median_lagrangian, _Pairs
from coverage.siting.problem import _merge_rows, _Problem

__all__: list[str] = []

#: Models with at least this many assignment pairs (and no must-serve demand) get a Lagrangian
#: bound and a swap search first (`coverage.siting.lagrange`); smaller ones go to HiGHS whole.
_LAGRANGE_MIN_NNZ = 200_000


# --- p-median data -----------------------------------------------------------------------------


@dataclass
class _Median:
    """Uncapacitated p-median on the demand that new sites can improve, merged where identical."""

    pairs: CSR  # model demand × free candidates: times that beat the fallback
    by_site: CSR  # free candidates × model demand
    w: Floats
    fallback: Floats  # time without a new site (nearest existing or penalty); inf = none
    const: float  # weighted time of demand outside the model
    n_model: int
    longest: float  # longest time a model pair may have (for counting unserved demand)


def _longest(prob: _Problem) -> float:
    """Longest time a demand point may be assigned: the threshold, or the longest stored time."""
    if prob.threshold is not None:
        return prob.threshold
    return float(prob.reach.data.max()) if prob.reach.nnz else 0.0


def _median_data(prob: _Problem, penalty: float | None, aggregate: bool) -> _Median:
    """p-median data, cached on the problem (oracles copy what they change)."""
    med: _Median = prob._cached(
        ("median", penalty, aggregate), lambda: _make_median(prob, penalty, aggregate)
    )
    return med


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
        sub, w, _, rep = _merge_rows(sub, w, fbm, use_data=True)
        fbm = fbm[rep]
    return _Median(sub, _transpose(sub), w, fbm, const, len(rows), _longest(prob))


def _big_missing(med: _Median) -> float:
    """A time for unserved must-serve demand so large that serving anyone beats any time saving.

    w_min·(M - T) > W·T, with T the longest time and W the total weight.
    """
    if not len(med.w):
        return 1.0
    w_min = float(med.w[med.w > 0].min())
    t = max(med.longest, 1.0)
    return t * (2.0 + float(med.w.sum()) / w_min)


# --- MILP -----------------------------------------------------------------------------------------


def _median_milp(med: _Median, p: int, opts: MipOptions, start: Ints | None) -> Outcome:
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
    warm = None if start is None else _median_start(med, start, srows, len(cost))
    return _run_highs(
        _Model(cost, a_mat, row_lower, row_upper, integer, False, med.const), opts, warm
    )


def _median_start(med: _Median, start: Ints, srows: Ints, n_col: int) -> tuple[Ints, Floats]:
    """Warm start for `_median_milp`.

    The sites ``start`` with each demand point assigned to the nearest of them, or, if that leaves
    must-serve demand unserved, the sites only.
    """
    m, n = med.pairs.shape
    x = np.zeros(n)
    x[start] = 1.0
    rows, pos = _row_argmin(med.pairs, x[med.pairs.indices] > 0)
    z = np.zeros(med.pairs.nnz)
    z[pos] = 1.0
    served = np.zeros(m, dtype=bool)
    served[rows] = True
    if served[~np.isfinite(med.fallback)].all():
        return np.arange(n_col), np.concatenate([x, z, (~served[srows]).astype(float)])
    return np.arange(n), x  # greedy left must-serve demand unserved: offer HiGHS the sites only


# --- full size -----------------------------------------------------------------------------------


def _median_large(med: _Median, p: int, opts: MipOptions, start: Ints) -> Outcome:
    """Large p-median: swap search and Lagrangian bound, then (gap open) the reduced MILP.

    The MILP leaves out the sites that no plan better than the incumbent can use, so its bound,
    capped at the incumbent, holds for the whole model.
    """
    t0 = time.perf_counter()
    limit = opts.time_limit
    n = med.pairs.shape[1]
    pr = _Pairs.from_csr(med.pairs, med.w, med.fallback, p, med.const)
    value, bound, plan, useless, text = _median_lagrangian(pr, start, opts.mip_rel_gap, limit, t0)
    left = None if limit is None else limit - (time.perf_counter() - t0)
    keep = np.ones(n, dtype=bool)
    keep[useless] = False
    pairs = _filter(med.pairs, keep[med.pairs.indices])
    # The MILP only when its model is small: at full size HiGHS does not finish the root LP.
    small = pairs.nnz < _LAGRANGE_MIN_NNZ or limit is None
    if _gap(value, bound, False) > opts.mip_rel_gap and small and (left is None or left >= 1.0):
        sub = _Median(
            pairs, _transpose(pairs), med.w, med.fallback, med.const, med.n_model, med.longest
        )
        sub_opts = MipOptions(
            left, opts.mip_rel_gap, opts.threads, opts.verbose, opts.highs_options
        )
        out = _median_milp(sub, p, sub_opts, plan)
        if out.values is not None:
            found = np.flatnonzero(out.values[:n] > 0.5)
            if pr.value(found) < value:
                plan, value = found, pr.value(found)
        if np.isfinite(out.bound):
            bound = max(bound, min(out.bound, value))
        text += f"; {out.solver_status} (MILP without {len(useless)} of {n} sites)"
    gap = _gap(value, bound, False)
    status = "optimal" if gap <= opts.mip_rel_gap else "time_limit"
    values = np.zeros(n)
    values[plan] = 1.0
    return Outcome(status, text, value, bound, gap, values, time.perf_counter() - t0)
