"""Capacitated assignment: MCLP and p-median when sites can serve only so much demand weight.

With capacities, demand is served in fractions. Over the pairs (i, j) of model demand point i
and site j within reach, z_ij is the fraction of demand i served by site j, x_j = 1 when site j
is open (existing sites are columns fixed at 1, so their capacity counts) and C_j the capacity
of site j (inf = no limit).

Capacitated covering (`MCLP` with ``capacity``)::

    max   Σ_ij w_i z_ij
    s.t.  Σ_j z_ij <= 1                for every model demand point i
          z_ij <= x_j                  for new sites j
          Σ_i w_i z_ij <= C_j x_j      for capacitated sites j
          Σ_{new j} x_j <= k
          x_j ∈ {0, 1},  z_ij ∈ [0, 1]

Capacitated p-median (`PMedian` with ``capacity``), with u_i the unserved fraction of demand i
charged at the penalty P (without a penalty there is no u: every model demand point is served)::

    min   Σ_ij w_i t_ij z_ij + P Σ_i w_i u_i
    s.t.  Σ_j z_ij + u_i = 1           for every model demand point i
          the other rows as above, with k = p;  u_i ∈ [0, 1]

With every x fixed (a given plan) the model is the assignment LP that evaluates the plan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from coverage.siting._sparse import (
    CSR,
    Bools,
    Floats,
    Ints,
    _coo,
    _csr,
    _row_ids,
    _take_rows,
    _transpose,
)
from coverage.siting.base import SitingModel, Solution, _from_outcome
from coverage.siting.greedy import _lazy_greedy
from coverage.siting.highs import MipOptions, Outcome, _Model, _run_highs
from coverage.siting.problem import _merge_rows, _Problem

__all__: list[str] = []


@dataclass
class _Assign:
    """Assignment model: fractions z_ij of demand i served by open site j, within reach."""

    pairs: CSR  # model demand × sites (free first, then existing), times
    w: Floats
    sites: Ints  # candidate row of each column
    n_free: int
    cap: Floats  # per column, inf = uncapacitated
    group: Ints  # model row of each original demand point, -1 outside the model
    const: float  # p-median: penalty for demand no site can reach
    n_model: int


def _assign_data(
    prob: _Problem, with_times: bool, penalty: float | None, aggregate: bool
) -> _Assign:
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
        sub, w, g, _ = _merge_rows(sub, w, use_data=with_times)
        group[rows] = g
    else:
        group[rows] = np.arange(len(rows))
    cap = prob.capacity[sites] if prob.capacity is not None else np.full(len(sites), np.inf)
    return _Assign(sub, w, sites, len(prob.free), cap, group, const, len(rows))


def _columns(prob: _Problem, asg: _Assign) -> Ints:
    """Column of each candidate row in the assignment model (-1 for excluded candidates)."""
    col = np.full(prob.n_candidates, -1, dtype=np.int64)
    col[asg.sites] = np.arange(len(asg.sites))
    return col


def _assign_rows(asg: _Assign, *, median: bool, nu: int, k: int) -> tuple[CSR, Floats, Floats]:
    """Constraint matrix and row bounds of the assignment model (see the module docstring).

    Columns: x (free sites, then existing), z (one per pair), u (``nu`` of them). Rows: one per
    model demand point, one per pair with a new site, one per capacitated site, and Σ new x <= k.
    """
    m, n = asg.pairs.shape
    nnz = asg.pairs.nnz
    erow, ecol = _row_ids(asg.pairs), asg.pairs.indices.astype(np.int64)
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
    return a_mat, row_lower, row_upper


def _assign_highs(
    asg: _Assign,
    *,
    median: bool,
    k: int,
    penalty: float | None,
    opts: MipOptions,
    x_fixed: Floats | None = None,
    start: Ints | None = None,
) -> Outcome:
    """Capacitated covering (max Σ w z) or p-median (min Σ w t z + penalty·Σ w u).

    Rows: Σ_j z_ij (+ u_i) <= 1 (covering) or = 1 (p-median); z_ij <= x_j for new sites;
    Σ_i w_i z_ij <= C_j x_j for capacitated sites; Σ new x <= k. Existing sites are columns fixed
    at 1 so their capacity counts. With ``x_fixed`` every x is fixed and the model is an LP.
    """
    m, n = asg.pairs.shape
    nnz = asg.pairs.nnz
    nu = m if median and penalty is not None else 0
    a_mat, row_lower, row_upper = _assign_rows(asg, median=median, nu=nu, k=k)
    z_cost = asg.w[_row_ids(asg.pairs)]
    if median:
        cost = np.concatenate([np.zeros(n), z_cost * asg.pairs.data, (penalty or 0.0) * asg.w[:nu]])
    else:
        cost = np.concatenate([np.zeros(n), z_cost])
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
        warm = (np.arange(n), _open(asg, start))  # HiGHS completes the assignment itself
    model = _Model(cost, a_mat, row_lower, row_upper, integer, not median, asg.const, lower, upper)
    return _run_highs(model, opts, warm)


def _open(asg: _Assign, cols: Ints) -> Floats:
    """x of the plan that opens columns ``cols`` and every existing site."""
    x = np.zeros(asg.pairs.shape[1])
    x[cols] = 1.0
    x[asg.n_free :] = 1.0
    return x


class _ResidualOracle:
    """Capacity-aware coverage score: a site serves the unserved weight within reach, nearest first.

    It serves up to its capacity. Not a true marginal gain (no bound from it), but a good order.
    """

    def __init__(self, asg: _Assign) -> None:
        s = _transpose(asg.pairs)
        rows = _row_ids(s)
        order = np.lexsort((s.data, rows))  # nearest first within each site
        self.s = _csr(s.data[order], s.indices[order], s.indptr, s.shape)
        self.rows = rows
        self.cap = asg.cap
        self.r = asg.w.astype(np.float64).copy()
        self.total = float(asg.w.sum())

    def _demand(self, j: int) -> Ints:
        idx: Ints = self.s.indices[self.s.indptr[j] : self.s.indptr[j + 1]]
        return idx

    def all(self) -> Floats:
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


def _residual_greedy(
    asg: _Assign,
    allowed: Bools,
    *,
    budget: int | None = None,
    stop_at_zero: bool = True,
    tol: float = 0.0,
) -> Ints:
    """Columns in capacity-aware greedy order among ``allowed``.

    Every existing site is open first (see `_lazy_greedy` for the other parameters).
    """
    oracle = _ResidualOracle(asg)
    for col in range(asg.n_free, len(asg.sites)):
        oracle.add(col)
    g = _lazy_greedy(
        oracle, len(asg.sites), allowed=allowed, budget=budget, stop_at_zero=stop_at_zero, tol=tol
    )
    return g.order


def _assign_split(
    asg: _Assign, values: Floats, prob: _Problem, open_sites: Ints
) -> tuple[Floats, Ints]:
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


#: Solver text of a capacitated plan whose MILP found no plan within the time limit.
_NO_MILP_PLAN = "greedy, assignment LP (the MILP found no plan within the time limit)"


def _greedy_plan(
    model: SitingModel,
    asg: _Assign,
    cols: Ints,
    bound: float,
    solver_status: str,
    started: float,
    greedy_started: float,
    *,
    median: bool,
    k: int,
    penalty: float | None,
    opts: MipOptions,
) -> Solution | None:
    """Greedy-path solution of a capacitated model: the plan opening columns ``cols``.

    Demand is served as its assignment LP says (None when the LP has no solution).
    """
    x = _open(asg, cols)
    out = _assign_highs(asg, median=median, k=k, penalty=penalty, opts=opts, x_fixed=x)
    if out.values is None:
        return None
    prob, chosen = model.problem, asg.sites[cols]
    served, assignment = _assign_split(asg, out.values, prob, np.union1d(prob.existing, chosen))
    n_model, n_agg = asg.n_model, len(asg.w)
    return model._greedy_result(
        chosen,
        out.objective,
        bound,
        solver_status,
        started,
        greedy_started,
        n_model,
        n_agg,
        served=served,
        assignment=assignment,
    )


def _milp_or_greedy(
    model: SitingModel,
    out: Outcome,
    asg: _Assign,
    cols: Ints,
    bound: float,
    started: float,
    greedy_started: float,
    *,
    median: bool,
    k: int,
    penalty: float | None,
) -> Solution:
    """The capacitated MILP's plan ``out``, or greedy's (columns ``cols``) if it found none.

    Greedy's plan is served as its assignment LP says (its bound ``bound``); when that LP has no
    solution either, the MILP's outcome is reported as it is.
    """
    if out.values is None:  # no plan within the time limit: greedy's stands
        sol = _greedy_plan(
            model, asg, cols, bound, _NO_MILP_PLAN, started, greedy_started,
            median=median, k=k, penalty=penalty, opts=MipOptions(),
        )  # fmt: skip
        if sol is not None:
            return sol
    build = time.perf_counter() - started - out.solve_time
    return _assign_solution(
        out, asg, model.problem, build, len(asg.w), maximize=model.maximize, greedy_bound=bound
    )


def _assign_solution(
    out: Outcome,
    asg: _Assign,
    prob: _Problem,
    build: float,
    n_agg: int,
    *,
    maximize: bool,
    greedy_bound: float,
) -> Solution:
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


def _prefix_gains(
    prob: _Problem, asg: _Assign, order: Ints, *, median: bool, missing: float | None
) -> tuple[Ints, Floats, float]:
    """Exact gains of the sites in ``order`` from the assignment LP of each prefix of it.

    Also returns the objective before any of them; p-median counts unserved weight at ``missing``.
    """
    col = _columns(prob, asg)
    if median and missing is not None:  # p-median always has a time for unserved demand
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
        sub = _open_only(asg, x > 0.5)
        if not len(sub.sites) and (not median or missing is not None):
            # Nothing open: nothing served (p-median: everyone at the penalty).
            values.append(asg.const + (float(missing * asg.w.sum()) if median else 0.0))
            continue
        out = _assign_highs(
            sub, median=median, k=len(order), penalty=missing, opts=MipOptions(),
            x_fixed=np.ones(len(sub.sites)),
        )  # fmt: skip
        values.append(out.objective)
    v = np.asarray(values)
    gains = (np.diff(v) if not median else -np.diff(v)) if len(v) > 1 else np.zeros(0)
    return np.asarray(order, dtype=np.int64), gains, float(v[0])


def _open_only(asg: _Assign, is_open: Bools) -> _Assign:
    """``asg`` with only the columns of the open sites (free ones first, as in ``asg``).

    With every x fixed, a shut site's pairs are held at 0: leaving them out gives the same LP
    value from a model the size of the plan instead of every candidate (k + 1 of these LPs
    evaluate a plan's order; over all 1,557 sample sites each took seconds).
    """
    cols = np.flatnonzero(is_open)
    pairs = asg.pairs[:, cols].tocsr()
    pairs.sort_indices()
    n_free = int((cols < asg.n_free).sum())
    return _Assign(
        pairs, asg.w, asg.sites[cols], n_free, asg.cap[cols], asg.group, asg.const, asg.n_model
    )


def _capacitated_cover_order(prob: _Problem, chosen: Ints) -> tuple[Ints, Floats, float]:
    """Capacitated MCLP: order ``chosen`` greedily by capacity-aware coverage.

    Then take exact gains from the assignment LP of each prefix.
    """
    asg = _assign_data(prob, with_times=True, penalty=None, aggregate=True)
    col = _columns(prob, asg)
    allowed = np.zeros(len(asg.sites), dtype=bool)
    allowed[col[chosen]] = True
    order = asg.sites[_residual_greedy(asg, allowed, stop_at_zero=False)]
    return _prefix_gains(prob, asg, order, median=False, missing=None)
