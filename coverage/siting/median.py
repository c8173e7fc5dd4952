"""p-median: new sites that minimise the total weighted walking time to the nearest open site."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from coverage.siting import median_milp
from coverage.siting._sparse import Floats, Ints, _row_ids, _sum_by
from coverage.siting.base import Method, SitingModel, Solution, _trivial
from coverage.siting.capacity import (
    _assign_data,
    _assign_highs,
    _columns,
    _greedy_plan,
    _milp_or_greedy,
    _prefix_gains,
)
from coverage.siting.greedy import _Greedy, _lazy_greedy
from coverage.siting.highs import MipOptions, _time_left
from coverage.siting.median_milp import (
    _big_missing,
    _longest,
    _Median,
    _median_data,
    _median_large,
    _median_milp,
)
from coverage.siting.problem import _free_positions, _is_number, _Problem, site_count

__all__ = ["PMedian"]


# --- greedy oracle -------------------------------------------------------------------------------


class _MedianOracle:
    """Gain of a site = reduction of Σ w·(time to the nearest open site).

    ``missing`` is the time counted for demand that must be served by a new site but is not yet.
    """

    def __init__(self, med: _Median, missing: float) -> None:
        self.med = med
        self.d = np.where(np.isfinite(med.fallback), med.fallback, missing)
        self.rows = _row_ids(med.by_site)

    def _slice(self, j: int) -> tuple[Ints, Floats]:
        s = self.med.by_site
        return s.indices[s.indptr[j] : s.indptr[j + 1]], s.data[s.indptr[j] : s.indptr[j + 1]]

    def all(self) -> Floats:
        s = self.med.by_site
        vals = self.med.w[s.indices] * np.maximum(self.d[s.indices] - s.data, 0.0)
        return _sum_by(self.rows, vals, s.shape[0])

    def one(self, j: int) -> float:
        idx, t = self._slice(j)
        return float(np.sum(self.med.w[idx] * np.maximum(self.d[idx] - t, 0.0)))

    def add(self, j: int) -> None:
        idx, t = self._slice(j)
        self.d[idx] = np.minimum(self.d[idx], t)

    def level(self) -> float:
        return self.med.const + float(np.sum(self.med.w * self.d))


# --- ordering ------------------------------------------------------------------------------------


def _median_order(
    prob: _Problem, chosen: Ints, penalty: float | None, *, drop: bool = True
) -> tuple[Ints, Floats, float]:
    """Order ``chosen`` greedily by time saved (must-serve demand first), with its gains.

    Gains are reported with unserved demand counted at ``penalty``
    or, without one, at the longest allowed time.

    With ``drop``, sites that save nothing are dropped: the saving is submodular, so such a site
    saves nothing in the whole plan either.
    """
    med = _median_data(prob, penalty, aggregate=True)
    missing = penalty if penalty is not None else med.longest
    start = _MedianOracle(med, missing).level()
    if not len(chosen) or not len(med.w):
        kept = np.zeros(0, np.int64) if drop else np.asarray(chosen, np.int64)
        return kept, np.zeros(len(kept)), start
    allowed = np.zeros(len(prob.free), dtype=bool)
    allowed[_free_positions(prob, chosen)] = True
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


def _capacitated_median_order(
    prob: _Problem, chosen: Ints, penalty: float | None
) -> tuple[Ints, Floats, float]:
    """Capacitated p-median: order ``chosen`` greedily by time saved.

    Then take exact gains from the assignment LP of each prefix.
    """
    asg = _assign_data(prob, with_times=True, penalty=None, aggregate=True)
    # Sites the uncapacitated order would call useless may be needed for capacity: keep all.
    order, _, _ = _median_order(prob, chosen, penalty, drop=False)
    missing = penalty if penalty is not None else _longest(prob)
    return _prefix_gains(prob, asg, order, median=True, missing=missing)


# --- model ---------------------------------------------------------------------------------------


class PMedian(SitingModel):
    """p-median.

    Open ``p`` new sites minimising the total weighted walking time from demand to its nearest open
    site (existing sites included).

    Only stored pairs within ``threshold`` can be assigned. Without ``unreachable_penalty``,
    every demand point that some existing or allowed site reaches must be served (a ValueError
    says when ``p`` sites cannot do that), and demand that no site reaches is left out of the
    objective and reported (``uncoverable``). With ``unreachable_penalty`` (minutes), demand may
    stay unserved at that time per unit weight, and demand no site reaches adds its penalty.
    With ``capacity``, sites serve fractions of demand up to their capacity (formulation in
    `coverage.siting.capacity`).

    ``objective`` is total weighted minutes; ``mean_time`` the average over served weight.

    Formulation, over the pairs (i, j) of demand i and free site j within the threshold and
    nearer than f_i, the time demand i has without a new site (nearest existing site, capped
    at the penalty; inf when neither exists: such demand must be served). z_ij: demand i
    served by site j; s_i: demand i keeps its fallback (only where f_i is finite)::

        min   Σ_ij w_i t_ij z_ij + Σ_i w_i f_i s_i
        s.t.  Σ_j z_ij + s_i = 1         for every demand point i in the model
              z_ij <= x_j
              Σ_j x_j <= p
              x_j ∈ {0, 1},  z_ij, s_i ∈ [0, 1]

    Demand no new site can improve adds its fixed time as a constant.

    Models with many pairs (and no must-serve demand) are solved by `coverage.siting.lagrange`:
    a swap search for the plan and a Lagrangian bound of the assignment rows for the proof;
    HiGHS then solves the MILP only if fixing leaves a small model. On the time limit the status
    is ``"time_limit"`` with the proven gap.

    Parameters
    ----------
    problem
        The sites, demand and times (build with :meth:`from_cost_matrix`).
    name
        Label for reports.
    p
        Number of new sites.
    unreachable_penalty
        Minutes counted per unit of unserved weight, or None (see above).
    """

    model_name = "pmedian"
    maximize = False
    _curve_sign = -1.0
    #: Minutes to the assigned site of each demand point (NaN if unserved); None with capacity.
    assigned_time: Floats | None

    def __init__(
        self, problem: _Problem, name: str, p: int, unreachable_penalty: float | None
    ) -> None:
        super().__init__(problem, name)
        pen = unreachable_penalty
        if pen is not None and not (_is_number(pen) and pen >= 0):
            raise ValueError(
                f"unreachable_penalty must be a non-negative number of minutes, not {pen!r}"
            )
        self.p = site_count(p, "p")
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
        name: str = "pmedian",
    ) -> PMedian:
        """Build the model.

        Parameters
        ----------
        cost
            Candidate × demand walking times in minutes (scipy sparse; a stored entry, explicit
            0.0 included, is reachable). A dense array counts every finite value as stored.
        weights
            Demand weights (workers, residents), one per demand point, non-negative.
        p
            New sites to open.
        threshold
            Longest walk (minutes) a demand point may be assigned; None: every stored pair.
        existing
            Candidate rows (or boolean mask) already built: always open, not counted in ``p``.
        excluded
            Candidate rows (or boolean mask) that may not be chosen.
        capacity
            Per candidate, the most demand weight a site can serve (NaN/inf = no limit).
        unreachable_penalty
            Minutes charged per unit of unserved weight; None: serve all reachable demand.
        name
            Label for reports.

        Returns
        -------
        PMedian
            The unsolved model.
        """
        prob = _Problem.build(cost, weights, threshold, existing, excluded, capacity)
        return cls(prob, name, p, unreachable_penalty)

    def _infeasible(self, how: str) -> ValueError:
        return ValueError(
            f"p-median: {self.p} new sites cannot serve every demand point within reach of a "
            f"site ({how}); raise p, or pass unreachable_penalty to allow unserved demand"
        )

    def _solve(self, method: Method, opts: MipOptions, aggregate: bool, warm: bool) -> Solution:
        if self.problem.capacity is not None:
            return _solve_capacitated(self, method, opts, aggregate, warm)
        return _solve_uncapacitated(self, method, opts, aggregate, warm)

    def _order(self, chosen: Ints) -> tuple[Ints, Floats, float]:
        if self.problem.capacity is not None:
            return _capacitated_median_order(self.problem, chosen, self.unreachable_penalty)
        return _median_order(self.problem, chosen, self.unreachable_penalty)

    def _set_coverage(self, sol: Solution) -> None:
        super()._set_coverage(sol)
        if sol.assignment is None:
            self._assign_nearest()
            return
        self.assigned_time = None
        served_w = self.covered_weight
        pen = self.unreachable_penalty or 0.0
        unserved = float(np.sum(self.problem.weights * (1.0 - self.served)))
        self.mean_time = (self.objective - pen * unserved) / served_w if served_w > 0 else np.nan

    def _assign_nearest(self) -> None:
        """Uncapacitated results: each demand point goes to its nearest open site in reach."""
        prob = self.problem
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
        served_w = self.covered_weight
        self.mean_time = (
            float(np.nansum(prob.weights * self.assigned_time)) / served_w
            if served_w > 0
            else np.nan
        )

    def summary(self) -> dict[str, Any]:
        """The base summary plus the mean time and the unreachable penalty."""
        out = super().summary()
        out["mean_time_min"] = self.mean_time
        out["unreachable_penalty"] = self.unreachable_penalty
        return out


# --- solver paths ------------------------------------------------------------------------------


def _median_greedy(prob: _Problem, med: _Median, p: int) -> tuple[_MedianOracle, _Greedy, float]:
    """Greedy selection of ``p`` sites (must-serve demand first), its oracle and a time.

    The time ``big`` that counts must-serve demand left unserved.
    """
    big = _big_missing(med)
    oracle = _MedianOracle(med, big)
    greedy = _lazy_greedy(oracle, len(prob.free), budget=p, maximize=False, tol=prob.tol)
    return oracle, greedy, big


def _solve_uncapacitated(
    model: PMedian, method: Method, opts: MipOptions, aggregate: bool, warm: bool
) -> Solution:
    """Greedy, then (``method="milp"``) the MILP warm-started from it."""
    prob, penalty = model.problem, model.unreachable_penalty
    t0 = time.perf_counter()
    med = _median_data(prob, penalty, aggregate)
    n_agg = len(med.w)
    must = ~np.isfinite(med.fallback)
    if n_agg == 0 or (model.p == 0 and not must.any()):
        level = _MedianOracle(med, 0.0).level()
        return _trivial(level, time.perf_counter() - t0, med.n_model, n_agg)
    if model.p == 0:
        raise model._infeasible("p = 0")
    t1 = time.perf_counter()
    oracle, greedy, big = _median_greedy(prob, med, model.p)
    lb = max(greedy.bound, 0.0)
    if method == "greedy":
        if ((oracle.d >= big) & must).any():
            raise model._infeasible("greedy found no such plan")
        chosen, level = prob.free[greedy.order], oracle.level()
        return model._greedy_result(chosen, level, lb, "lazy greedy", t0, t1, med.n_model, n_agg)
    # Read from the module at call time: `_median_large` checks the same threshold there.
    if med.pairs.nnz >= median_milp._LAGRANGE_MIN_NNZ and not must.any():
        out = _median_large(med, model.p, opts, greedy.order)
    else:
        out = _median_milp(med, model.p, opts, greedy.order if warm else None)
    if out.status == "infeasible":
        raise model._infeasible("HiGHS proved it")
    build = time.perf_counter() - t0 - out.solve_time
    return model._highs_result(out, build, med.n_model, n_agg, lb)


def _solve_capacitated(
    model: PMedian, method: Method, opts: MipOptions, aggregate: bool, warm: bool
) -> Solution:
    """Uncapacitated greedy, then an assignment LP or the capacitated MILP.

    The greedy path solves the assignment LP of the greedy plan; otherwise the capacitated MILP is
    warm-started from it.
    """
    prob, penalty = model.problem, model.unreachable_penalty
    t0 = time.perf_counter()
    asg = _assign_data(prob, with_times=True, penalty=penalty, aggregate=aggregate)
    n_agg = len(asg.w)
    if n_agg == 0:
        return _trivial(asg.const, time.perf_counter() - t0, asg.n_model, n_agg)
    t1 = time.perf_counter()
    # Select as if uncapacitated; the assignment LP then respects capacity. Capacity only
    # raises the cost, so the uncapacitated lower bound holds.
    _, g, _ = _median_greedy(prob, _median_data(prob, penalty, aggregate), model.p)
    lb = max(g.bound, 0.0)
    greedy_sites = _columns(prob, asg)[prob.free[g.order]]
    if method == "greedy":
        label = "greedy (uncapacitated selection), assignment LP"
        sol = _greedy_plan(
            model,
            asg,
            greedy_sites,
            lb,
            label,
            t0,
            t1,
            median=True,
            k=model.p,
            penalty=penalty,
            opts=opts,
        )
        if sol is None:
            raise model._infeasible("greedy plan lacks capacity")
        return sol
    start = greedy_sites if warm else None
    left = _time_left(opts, t0)
    out = _assign_highs(asg, median=True, k=model.p, penalty=penalty, opts=left, start=start)
    if out.status == "infeasible":
        raise model._infeasible("capacity too small or too few sites; HiGHS proved it")
    return _milp_or_greedy(
        model, out, asg, greedy_sites, lb, t0, t1, median=True, k=model.p, penalty=penalty
    )
