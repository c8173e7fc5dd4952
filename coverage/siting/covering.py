"""Covering models: maximal covering (MCLP), and what backup coverage and LSCP share with it.

The shared covering data, greedy oracle, swap search, MILP and solver paths (backup coverage, in
`backup`, and LSCP, in `set_covering`, use them too).

Notation for the formulations: demand points i with weight w_i, free candidate sites j with
x_j = 1 when opened, N_i the free sites within the threshold of i, e_i the existing sites
within the threshold of i (existing sites are always open and not counted in k).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from coverage.scenario.defaults import setting
from coverage.siting._sparse import CSR, Floats, Ints, _coo, _row_ids, _take_rows, _transpose
from coverage.siting.base import Method, SitingModel, Solution, _trivial
from coverage.siting.capacity import (
    _assign_data,
    _assign_highs,
    _capacitated_cover_order,
    _greedy_plan,
    _milp_or_greedy,
    _residual_greedy,
    _ResidualOracle,
)
from coverage.siting.colgen import _cover_colgen
from coverage.siting.greedy import _lazy_greedy, _top_sum
from coverage.siting.highs import MipOptions, Outcome, _gap, _Model, _run_highs, _time_left
from coverage.siting.problem import (
    _free_positions,
    _full_values,
    _is_number,
    _keep_sites,
    _merge_rows,
    _Problem,
    _reduced_start,
    site_count,
)

__all__ = ["MCLP"]

#: Covering models with at least this many demand-site pairs are solved by site generation
#: (`coverage.siting.colgen`); smaller ones go to HiGHS whole.
_COLGEN_MIN_NNZ = 200_000


# --- covering data -----------------------------------------------------------------------------


@dataclass
class _Cover:
    """Covering model on the demand that new sites can change, merged where identical."""

    pattern: CSR  # model demand × free candidates, data all ones
    by_site: CSR  # free candidates × model demand
    w: Floats
    e: Ints  # existing sites covering each model demand point (capped at 1 or 2)
    const: float  # objective from demand outside the model (fixed by existing sites)
    n_model: int  # model demand points before merging


def _cover_data(prob: _Problem, a: float, b: float, aggregate: bool) -> _Cover:
    """Covering data for objective a·(weight covered once) + b·(weight covered twice).

    Cached on the problem (oracles copy what they change).
    """
    cov: _Cover = prob._cached(
        ("cover", a, b, aggregate), lambda: _make_cover(prob, a, b, aggregate)
    )
    return cov


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
        sub, w, _, rep = _merge_rows(sub, w, e)
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

    def _unit(self, c: Ints) -> Floats:
        return np.asarray(self.a * (c == 0) + 0.5 * self.b * (c < 2), dtype=np.float64)

    def _demand(self, j: int) -> Ints:
        s = self.cov.by_site
        idx: Ints = s.indices[s.indptr[j] : s.indptr[j + 1]]
        return idx

    def all(self) -> Floats:
        gains: Floats = self.cov.by_site @ self.v
        return gains

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


def _cover_value(cov: _Cover, chosen: Ints) -> float:
    """Covered weight (plain maximal covering) of a set of free sites, outside demand included."""
    x = np.zeros(cov.by_site.shape[0])
    x[chosen] = 1.0
    hit = (cov.e + cov.pattern @ x) >= 1
    return cov.const + float(cov.w[hit].sum())


def _cover_offset(cov: _Cover, a: float, b: float) -> float:
    return cov.const + a * float(cov.w[cov.e >= 1].sum()) + b * float(cov.w[cov.e >= 2].sum())


# --- greedy, swaps and ordering ------------------------------------------------------------------


def _swap_improve(cov: _Cover, chosen: Ints, *, max_passes: int = 20) -> Ints:
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


def _cover_order(prob: _Problem, chosen: Ints, a: float, b: float) -> tuple[Ints, Floats, float]:
    """Greedy order of ``chosen`` by (surrogate) marginal gain, with true gains.

    Sites whose surrogate gain is zero are dropped: every demand point they reach is already
    covered by earlier sites (twice when b > 0), so they add nothing to the whole plan either.
    """
    cov = _cover_data(prob, a, b, aggregate=True)
    start = _cover_offset(cov, a, b)
    if not len(chosen):
        return chosen, np.zeros(0), start
    allowed = np.zeros(len(prob.free), dtype=bool)
    allowed[_free_positions(prob, chosen)] = True
    g = _lazy_greedy(_CoverOracle(cov, a, b), len(prob.free), allowed=allowed, stop_at_zero=False)
    order = g.order[g.gains > prob.tol]
    truth = _CoverOracle(cov, a, b)
    gains = np.zeros(len(order))
    for i, j in enumerate(order):
        before = truth.value()
        truth.add(int(j))
        gains[i] = truth.value() - before
    return prob.free[order], gains, start


# --- MILP --------------------------------------------------------------------------------------


def _cover_milp(
    cov: _Cover, a: float, b: float, k: int, opts: MipOptions, start: Ints | None
) -> Outcome:
    """Backup-coverage MILP (the strengthened rows of `BackupCoverage`), or MCLP without y2.

    x and y2 binary, y1 continuous (integral once x and y2 are). Without the "twice" term,
    dominated sites are left out (see :func:`_keep_sites`).
    """
    m, n_all = cov.pattern.shape
    lens = np.diff(cov.pattern.indptr)
    d2 = np.flatnonzero((cov.e <= 1) & (lens + cov.e >= 2)) if b > 0 else np.zeros(0, np.int64)
    paired = np.zeros(m, dtype=bool)
    paired[d2] = (cov.e[d2] == 0) & (a > 0)
    d1 = np.flatnonzero((cov.e == 0) & ~paired) if a > 0 else np.zeros(0, np.int64)
    pair = np.flatnonzero(paired[d2])  # positions among d2
    n1, n2, n3 = len(d1), len(d2), len(pair)
    p1, p2 = _take_rows(cov.pattern, d1), _take_rows(cov.pattern, d2)
    rep = _keep_sites(p1) if b == 0 else np.arange(n_all)
    keep = np.flatnonzero(rep == np.arange(n_all))
    if len(keep) < n_all:
        p1 = p1[:, keep].tocsr()
    n = len(keep)
    coef = np.where(paired[d2] | (cov.e[d2] == 1), 1.0, 2.0)
    y1p, r3 = n + n1 + n2 + np.arange(n3), 1 + n1 + n2 + np.arange(n3)
    a_mat = _coo(
        [
            (np.zeros(n), np.arange(n), 1.0),
            (1 + _row_ids(p1), p1.indices, 1.0),
            (1 + np.arange(n1), n + np.arange(n1), -1.0),
            (1 + n1 + _row_ids(p2), p2.indices, 1.0),
            (1 + n1 + np.arange(n2), n + n1 + np.arange(n2), -coef),
            (1 + n1 + pair, y1p, -1.0),  # Σx - y1 - y2 >= 0
            (r3, y1p, 1.0),  # y1 - y2 >= 0
            (r3, n + n1 + pair, -1.0),
        ],
        (1 + n1 + n2 + n3, n + n1 + n2 + n3),
    )
    row_lower = np.concatenate([[-np.inf], np.zeros(n1 + n2 + n3)])
    row_upper = np.concatenate([[float(k)], np.full(n1 + n2 + n3, np.inf)])
    cost = np.concatenate([np.zeros(n), a * cov.w[d1], b * cov.w[d2], a * cov.w[d2[pair]]])
    integer = np.concatenate([np.ones(n), np.zeros(n1), np.ones(n2), np.zeros(n3)])
    warm = None
    x = _reduced_start(start, rep, keep, n_all)
    if x is not None:
        y1 = np.minimum(p1 @ x, 1.0)
        s2 = p2 @ x if n2 else np.zeros(0)  # b > 0: all sites kept
        y2 = (s2 + cov.e[d2] >= 2).astype(float)
        warm = (np.arange(n + n1 + n2 + n3), np.concatenate([x, y1, y2, np.minimum(s2, 1.0)[pair]]))
    model = _Model(cost, a_mat, row_lower, row_upper, integer, True, _cover_offset(cov, a, b))
    out = _run_highs(model, opts, warm)
    return _full_values(out, keep, n_all)


# --- models --------------------------------------------------------------------------------------


class _CoveringModel(SitingModel):
    """Objective a·(weight covered at least once) + b·(weight covered at least twice), k sites."""

    def __init__(self, problem: _Problem, name: str, k: int, a: float, b: float) -> None:
        super().__init__(problem, name)
        for what, v in (("a", a), ("b", b)):
            # NaN too: it made the objective NaN, and "optimal" a plan of no site
            if not (_is_number(v) and v >= 0):
                raise ValueError(f"objective weight {what} must be a number >= 0, not {v!r}")
        self.k, self.a, self.b = site_count(k, "k"), float(a), float(b)

    def _solve(self, method: Method, opts: MipOptions, aggregate: bool, warm: bool) -> Solution:
        if self.problem.capacity is not None:
            return _solve_capacitated(self, method, opts, aggregate, warm)
        return _solve_uncapacitated(self, method, opts, aggregate, warm)

    def _set_coverage(self, sol: Solution) -> None:
        super()._set_coverage(sol)
        twice = self.coverage_count >= 2
        self.backup_covered_weight = float(self.problem.weights[twice].sum())

    def _order(self, chosen: Ints) -> tuple[Ints, Floats, float]:
        if self.problem.capacity is not None:
            return _capacitated_cover_order(self.problem, chosen)
        return _cover_order(self.problem, chosen, self.a, self.b)


class MCLP(_CoveringModel):
    r"""Maximal covering location problem: open ``k`` new sites to cover the most demand weight.

    A demand point is covered when an open site (existing or new) is within the threshold.
    With ``capacity``, sites serve fractions of demand (``Σ_i w_i z_ij <= C_j``) and the
    objective is the served weight (formulation in `coverage.siting.capacity`).

    Formulation (y_i: demand i covered; v_i: covered twice, only with ``backup_weight`` β > 0)::

        max   Σ_i w_i y_i + β Σ_i w_i v_i
        s.t.  y_i <= Σ_{j ∈ N_i} x_j              for demand i with e_i = 0
              2 v_i <= e_i + Σ_{j ∈ N_i} x_j      for demand i with e_i <= 1
              Σ_j x_j <= k
              x_j ∈ {0, 1},  y_i ∈ [0, 1],  v_i ∈ {0, 1}

    Demand already covered by existing sites (twice, for v) is a constant of the objective.
    Without the backup term, a site whose demand another site covers too is left out of the
    MILP (some optimal plan never needs it).

    Parameters
    ----------
    problem
        The sites, demand and times (build with :meth:`from_cost_matrix`).
    name
        Label for reports.
    k
        Number of new sites.
    a
        Weight of demand covered at least once in the objective (1 from :meth:`from_cost_matrix`).
    b
        Weight of demand covered at least twice (``backup_weight``).
    """

    model_name = "mclp"

    @classmethod
    def from_cost_matrix(
        cls,
        cost: Any,
        weights: Any,
        k: int,
        *,
        threshold: float | None = None,
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
            Minutes within which a site covers a demand point (default
            :data:`coverage.settings.threshold_min`).
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

        Returns
        -------
        MCLP
            The unsolved model.
        """
        threshold = setting("threshold_min") if threshold is None else threshold
        if not (_is_number(backup_weight) and backup_weight >= 0):
            raise ValueError(f"backup_weight must be a number >= 0, not {backup_weight!r}")
        prob = _Problem.build(cost, weights, threshold, existing, excluded, capacity)
        return cls(prob, name, k, 1.0, backup_weight)


# --- solver paths ------------------------------------------------------------------------------


def _solve_uncapacitated(
    model: _CoveringModel, method: Method, opts: MipOptions, aggregate: bool, warm: bool
) -> Solution:
    """Greedy (+ swaps), then, unless proven close enough, the MILP warm-started from it."""
    prob, a, b = model.problem, model.a, model.b
    t0 = time.perf_counter()
    cov = _cover_data(prob, a, b, aggregate)
    n_agg = len(cov.w)
    if model.k == 0 or n_agg == 0:
        return _trivial(_cover_offset(cov, a, b), time.perf_counter() - t0, cov.n_model, n_agg)
    # Greedy runs for the MILP too: it is the warm start and its bound backs up HiGHS's.
    t1 = time.perf_counter()
    order, value, bound = _cover_greedy(model, cov)
    if method == "greedy" or _gap(value, bound, True) <= opts.mip_rel_gap:
        # Greedy (+ swaps) is already proven within the requested gap: no MILP needed.
        proven = "" if method == "greedy" else ", proven within mip_rel_gap"
        status = "greedy" if method == "greedy" else "optimal"
        label = "lazy greedy" + proven
        return model._greedy_result(
            prob.free[order], value, bound, label, t0, t1, cov.n_model, n_agg, status=status,
            method="greedy",
        )  # fmt: skip
    if cov.pattern.nnz >= _COLGEN_MIN_NNZ:
        e = cov.e.astype(np.float64)
        out = _cover_colgen(cov.pattern, cov.w, e, cov.const, a, b, model.k, opts, order)
    else:
        out = _cover_milp(cov, a, b, model.k, opts, order if warm else None)
    build = time.perf_counter() - t0 - out.solve_time
    return model._highs_result(out, build, cov.n_model, n_agg, bound)


def _cover_greedy(model: _CoveringModel, cov: _Cover) -> tuple[Ints, float, float]:
    """Greedy plan (positions among the free sites), its true objective, and a bound."""
    prob, a, b = model.problem, model.a, model.b
    oracle = _CoverOracle(cov, a, b)
    greedy = _lazy_greedy(oracle, len(prob.free), budget=model.k, tol=prob.tol)
    # Nothing can beat covering every model demand point (twice, for backup): a cap that
    # the submodular bound, summing k gains, often exceeds.
    bound = min(greedy.bound, cov.const + (a + b) * float(cov.w.sum()))
    value = oracle.value()
    order = greedy.order
    if b == 0 and a == 1.0 and len(order) == model.k:
        # Plain MCLP with every site used: single swaps often lift greedy by 1-3 %.
        swapped = _swap_improve(cov, order)
        if _cover_value(cov, swapped) > value + prob.tol:
            order, value = swapped, _cover_value(cov, swapped)
    return order, value, bound


def _solve_capacitated(
    model: _CoveringModel, method: Method, opts: MipOptions, aggregate: bool, warm: bool
) -> Solution:
    """Capacity-aware greedy, then an assignment LP or the capacitated MILP.

    The greedy path solves the assignment LP of the greedy plan; otherwise the capacitated MILP is
    warm-started from it.
    """
    prob = model.problem
    if model.b > 0 or model.a != 1.0:
        raise ValueError("with capacity only plain maximal covering is supported")
    t0 = time.perf_counter()
    asg = _assign_data(prob, with_times=False, penalty=None, aggregate=aggregate)
    n_agg = len(asg.w)
    if n_agg == 0:
        return _trivial(0.0, time.perf_counter() - t0, asg.n_model, n_agg)
    t1 = time.perf_counter()
    allowed = np.zeros(len(asg.sites), dtype=bool)
    allowed[: asg.n_free] = True
    order = _residual_greedy(asg, allowed, budget=model.k, tol=prob.tol)
    # Capacity only lowers coverage, so the uncapacitated greedy bound holds; and no site
    # serves more than min(capacity, weight in reach).
    cov = _cover_data(prob, 1.0, 0.0, aggregate)
    ub = _lazy_greedy(
        _CoverOracle(cov, 1.0, 0.0), len(prob.free), budget=model.k, tol=prob.tol
    ).bound
    most = _ResidualOracle(asg).all()
    ub = min(ub, float(most[asg.n_free :].sum()) + _top_sum(most[: asg.n_free], model.k))
    if method == "greedy":
        label = "capacity-aware greedy, assignment LP"
        sol = _greedy_plan(
            model, asg, order, ub, label, t0, t1, median=False, k=model.k, penalty=None, opts=opts
        )
        if sol is None:
            raise RuntimeError("HiGHS found no assignment for the greedy plan")
        return sol
    out = _assign_highs(
        asg, median=False, k=model.k, penalty=None, opts=_time_left(opts, t0),
        start=order if warm else None,
    )  # fmt: skip
    return _milp_or_greedy(
        model, out, asg, order, ub, t0, t1, median=False, k=model.k, penalty=None
    )
