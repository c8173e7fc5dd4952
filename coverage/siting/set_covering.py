"""Location set covering (LSCP): the fewest new sites that cover a target share of the demand.

It shares the covering data, oracle and ordering of `coverage.siting.covering`; notation as
there.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from coverage.errors import Msg, PlanError
from coverage.scenario.defaults import setting
from coverage.siting._sparse import Floats, Ints, _coo, _row_ids, _take_rows
from coverage.siting.base import Method, SitingModel, Solution, _trivial
from coverage.siting.covering import (
    _Cover,
    _cover_data,
    _cover_offset,
    _cover_order,
    _CoverOracle,
)
from coverage.siting.greedy import _lazy_greedy
from coverage.siting.highs import MipOptions, Outcome, _gap, _Model, _run_highs
from coverage.siting.problem import (
    _TOL,
    _full_values,
    _is_number,
    _keep_sites,
    _Problem,
    _reduced_start,
)

__all__ = ["LSCP"]


class LSCP(SitingModel):
    """Location set covering.

    The fewest new sites so that the covered share of the TOTAL demand weight reaches ``target``.

    The target is relative to the total weight, including demand no site can reach. If it
    cannot be met even with every allowed site open, ``solve`` raises a
    :class:`~coverage.errors.PlanError` (a ``ValueError``) that states the largest achievable
    share (see ``max_share``); pass that share, or a lower one, as target.
    ``objective`` is the number of new sites and ``bound`` a proven lower bound on it.

    Formulation, with W_0 the weight covered by existing sites alone and W = target · total
    weight. Full target (every demand point some site can reach)::

        min   Σ_j x_j
        s.t.  Σ_{j ∈ N_i} x_j >= 1         for demand i with e_i = 0
              x_j ∈ {0, 1}

    Partial target (y_i: demand i covered)::

        min   Σ_j x_j
        s.t.  y_i <= Σ_{j ∈ N_i} x_j       for demand i with e_i = 0
              Σ_i w_i y_i >= W - W_0
              x_j ∈ {0, 1},  y_i ∈ [0, 1]

    A site whose demand another site covers too is left out of the MILP.

    Parameters
    ----------
    problem
        The sites, demand and times (build with :meth:`from_cost_matrix`).
    name
        Label for reports.
    target
        Share of the total demand weight to cover, 0-1.
    """

    model_name = "lscp"
    maximize = False

    def __init__(self, problem: _Problem, name: str, target: float) -> None:
        super().__init__(problem, name)
        if not _is_number(target) or not 0.0 <= target <= 1.0:
            raise ValueError(f"target must be a share between 0 and 1, not {target!r}")
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
        threshold: float | None = None,
        existing: Any = None,
        excluded: Any = None,
        name: str = "lscp",
    ) -> LSCP:
        """Build the model.

        Parameters
        ----------
        cost
            Candidate × demand walking times in minutes (scipy sparse; a stored entry, explicit
            0.0 included, is reachable). A dense array counts every finite value as stored.
        weights
            Demand weights (workers, residents), one per demand point, non-negative.
        target
            Share of the total weight to cover, 0-1 (weight no site reaches included).
        threshold
            Minutes within which a site covers a demand point (default
            :data:`coverage.settings.threshold_min`).
        existing
            Candidate rows (or boolean mask) already built: always open, not counted among the new sites.
        excluded
            Candidate rows (or boolean mask) that may not be chosen.
        name
            Label for reports.

        Returns
        -------
        LSCP
            The unsolved model.
        """
        threshold = setting("threshold_min") if threshold is None else threshold
        prob = _Problem.build(cost, weights, threshold, existing, excluded, None)
        return cls(prob, name, target)

    def _check_target(self, need: float) -> None:
        prob = self.problem
        coverable = prob.total_weight - self.uncoverable_weight
        if need > coverable + prob.tol:
            target, best = _percents(self.target, self.max_share)
            # The largest 4-decimal share at most max_share: asking for it succeeds.
            suggest = np.floor(self.max_share * 1e4 + 1e-9) / 1e4
            msg = Msg(
                "error.plan.target_unreachable",
                target=target,
                best=best,
                minutes=f"{prob.threshold:g}",
                weight=f"{self.uncoverable_weight:,.0f}",
                points=int(self.uncoverable.sum()),
                suggest=f"{min(suggest, self.max_share):.4g}",
                ask=Msg("error.plan.api.ask_target"),  # the command line words it as --target
            )
            raise PlanError(msg, target=self.target, max_share=self.max_share)

    def _solve(self, method: Method, opts: MipOptions, aggregate: bool, warm: bool) -> Solution:
        prob = self.problem
        tol = prob.tol
        need = self.target * prob.total_weight
        self._check_target(need)
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
            chosen, count = prob.free[greedy.order], float(len(greedy.order))
            return self._greedy_result(chosen, count, lb, "lazy greedy", t0, t1, cov.n_model, n_agg)
        out = _lscp_milp(cov, need - offset - tol, opts, greedy.order if warm else None)
        build = time.perf_counter() - t0 - out.solve_time
        return self._highs_result(out, build, cov.n_model, n_agg, lb)

    def _order(self, chosen: Ints) -> tuple[Ints, Floats, float]:
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
        """The base summary plus the target and the largest reachable share."""
        out = super().summary()
        out["target_share"] = self.target
        out["max_share"] = self.max_share
        return out


def _lscp_milp(cov: _Cover, need: float, opts: MipOptions, start: Ints | None) -> Outcome:
    """Set-covering MILP (LSCP), full or partial target.

    min Σ x  s.t. every model demand covered (full target), or  y_i <= Σ_{j covers i} x_j and Σ w y
    >= need (partial target). Dominated sites are left out (see :func:`_keep_sites`).
    """
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
    out = _run_highs(_Model(cost, a_mat, row_lower, row_upper, integer, False), opts, warm)
    return _full_values(out, keep, n_all)


def _percents(target: float, best: float) -> tuple[str, str]:
    """Two shares as percentages, with the fewest decimals (2 to 4) that tell them apart."""
    for digits in (2, 3, 4):
        a, b = f"{target:.{digits}%}", f"{best:.{digits}%}"
        if a != b:
            break
    return a, b
