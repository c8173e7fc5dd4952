"""What every location model shares: the inputs, ``solve``, and the result attributes.

Each model is a `SitingModel` subclass with a ``from_cost_matrix`` constructor; its ``_solve``
builds and solves one model (greedy, HiGHS, or both) and hands back a `Solution`, from which
``solve`` derives the results on the original demand points.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal, Self

import numpy as np

from coverage.siting._sparse import Bools, Floats, Ints
from coverage.siting.highs import MipOptions, Outcome, _gap
from coverage.siting.problem import _is_number, _Problem

__all__ = ["Method", "SitingModel", "Solution"]

Method = Literal["milp", "greedy"]


@dataclass(kw_only=True, frozen=True)
class Solution:
    """What a solver path hands back before results are derived from the original data.

    ``chosen`` holds the candidate rows of the new sites (any order); ``served`` and
    ``assignment`` are set by capacitated models only; ``solver_bound``/``solver_gap`` are
    HiGHS's own (NaN when HiGHS did not run). The other fields are as in `SitingModel`.

    Attributes
    ----------
    chosen
        Candidate rows of the new sites.
    objective
        Objective value of the plan.
    bound
        Proven bound on the optimum.
    gap
        Relative gap between them.
    status
        ``"optimal"``, ``"time_limit"``, ``"greedy"`` …
    solver_status
        HiGHS's own status text.
    build_time
        Seconds spent preparing the model.
    solve_time
        Seconds in the solver.
    n_model
        Demand points a new site can change.
    n_aggregated
        The same after merging identical ones.
    served
        Fraction of each demand point's weight served (capacitated models), or None.
    assignment
        Candidate row serving each demand point (capacitated models), or None.
    solver_bound
        HiGHS's own bound (NaN when it did not run).
    solver_gap
        HiGHS's own gap (NaN when it did not run).
    method
        ``"milp"`` or ``"greedy"``: what ran, when it differs from the request (greedy may answer a
        MILP request); None: as requested.
    """

    chosen: Ints
    objective: float
    bound: float
    gap: float
    status: str
    solver_status: str
    build_time: float
    solve_time: float
    n_model: int
    n_aggregated: int
    served: Floats | None = None
    assignment: Ints | None = None
    solver_bound: float = np.nan
    solver_gap: float = np.nan
    #: The method that ran when it is not the one asked for (greedy answering a MILP request).
    method: Method | None = None


class SitingModel:
    """Shared inputs, ``solve`` and results; subclasses build and solve one model.

    Parameters
    ----------
    problem
        The sites, demand and times (subclasses build it in ``from_cost_matrix``).
    name
        Label for reports.

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
    method
        The method that ran: ``"greedy"`` when asked for it, and also when a MILP was asked
        for but the greedy plan was already proven within ``mip_rel_gap`` (then ``status`` is
        ``"optimal"``, within that gap, and HiGHS never ran); else ``"milp"``.
    status, solver_status
        ``"optimal"``, ``"time_limit"``, ... (HiGHS's status; ``"greedy"`` for greedy), and
        HiGHS's own text. ``"optimal"`` means proven within ``mip_rel_gap``: see ``gap``.
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
        self.selected: Ints = np.zeros(0, dtype=np.int64)
        self.gains: Floats = np.zeros(0)
        self.curve: Floats = np.zeros(0)
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
        self.coverage_count: Ints = np.zeros(n_d, dtype=np.int64)
        self.covered: Bools = np.zeros(n_d, dtype=bool)
        self.served: Floats = np.zeros(n_d)
        self.covered_weight = np.nan
        self.covered_share = np.nan
        self.assignment: Ints | None = None
        reachable = problem.counts(np.union1d(problem.existing, problem.free)) > 0
        #: Demand points no existing or allowed site can reach within the threshold.
        self.uncoverable: Bools = ~reachable
        self.uncoverable_weight = float(problem.weights[~reachable].sum())

    # subclasses -----------------------------------------------------------------------------
    def _solve(self, method: Method, opts: MipOptions, aggregate: bool, warm: bool) -> Solution:
        raise NotImplementedError

    def _order(self, chosen: Ints) -> tuple[Ints, Floats, float]:
        """Chosen sites in greedy order, their gains, and the objective before any of them."""
        raise NotImplementedError

    # solver paths -------------------------------------------------------------------------
    def _greedy_result(
        self,
        chosen: Ints,
        objective: float,
        bound: float,
        solver_status: str,
        started: float,
        greedy_started: float,
        n_model: int,
        n_agg: int,
        *,
        status: str = "greedy",
        served: Floats | None = None,
        assignment: Ints | None = None,
        method: Method | None = None,
    ) -> Solution:
        """Solution of the greedy path, with the time spent building the model and searching.

        Model building ran from ``started`` to ``greedy_started`` (``time.perf_counter``
        readings), the greedy search from then on.
        """
        return Solution(
            chosen=chosen,
            objective=objective,
            bound=bound,
            gap=_gap(objective, bound, self.maximize),
            status=status,
            solver_status=solver_status,
            build_time=greedy_started - started,
            solve_time=time.perf_counter() - greedy_started,
            n_model=n_model,
            n_aggregated=n_agg,
            served=served,
            assignment=assignment,
            method=method,
        )

    def _highs_result(
        self, out: Outcome, build: float, n_model: int, n_agg: int, greedy_bound: float
    ) -> Solution:
        """Solution from HiGHS's run of a model whose first columns are the free sites."""
        if out.values is None:
            chosen = np.zeros(0, dtype=np.int64)
        else:
            free = self.problem.free
            chosen = free[np.flatnonzero(out.values[: len(free)] > 0.5)]
        return _from_outcome(
            out, chosen, build, n_model, n_agg, maximize=self.maximize, greedy_bound=greedy_bound
        )

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
            Further HiGHS options by name, e.g. ``{"presolve": "off"}``. Large MCLP and backup
            models (solved by site generation and the package's own branch-and-bound, see
            `coverage.siting.colgen`) run HiGHS on LPs only and ignore it, ``threads`` and
            ``verbose``.

        Returns
        -------
        self
        """
        if method not in ("milp", "greedy"):
            raise ValueError(f"method must be 'milp' or 'greedy', not {method!r}")
        # HiGHS refuses such values with a log line and keeps its defaults: say so instead.
        if time_limit is not None and not (_is_number(time_limit) and time_limit >= 0):
            raise ValueError(
                f"time_limit must be a number of seconds >= 0 or None, not {time_limit!r}"
            )
        if not (_is_number(mip_rel_gap) and mip_rel_gap >= 0):
            raise ValueError(f"mip_rel_gap must be a number >= 0, not {mip_rel_gap!r}")
        if threads is not None and not (isinstance(threads, int) and threads >= 0):
            raise ValueError(
                f"threads must be a whole number >= 0 (0: HiGHS chooses) or None, not {threads!r}"
            )
        opts = MipOptions(time_limit, mip_rel_gap, threads, verbose, highs_options)
        sol = self._solve(method, opts, aggregate, warm_start)
        self.method = sol.method or method  # what ran: greedy may answer a MILP request
        self._record(sol)
        order, gains, start = self._order(np.asarray(sol.chosen, dtype=np.int64))
        self.selected, self.gains = order, gains
        self.curve = start + self._curve_sign * np.concatenate([[0.0], np.cumsum(gains)])
        self._set_coverage(sol)
        self._after_solve()
        return self

    def _record(self, sol: Solution) -> None:
        """Copy the solver's figures from ``sol``."""
        self.status, self.solver_status = sol.status, sol.solver_status
        self.objective, self.bound, self.gap = sol.objective, sol.bound, sol.gap
        self.solver_bound, self.solver_gap = sol.solver_bound, sol.solver_gap
        self.solve_time, self.build_time = sol.solve_time, sol.build_time
        self.n_demand_model, self.n_demand_aggregated = sol.n_model, sol.n_aggregated

    def _after_solve(self) -> None:
        pass

    def _set_coverage(self, sol: Solution) -> None:
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


# --- solutions ---------------------------------------------------------------------------------


def _trivial(objective: float, build_time: float, n_model: int, n_agg: int) -> Solution:
    """No decision to make (nothing to choose or nothing to gain): the answer is known."""
    return Solution(
        chosen=np.zeros(0, np.int64),
        objective=objective,
        bound=objective,
        gap=0.0,
        status="optimal",
        solver_status="trivial (no solver run)",
        build_time=build_time,
        solve_time=0.0,
        n_model=n_model,
        n_aggregated=n_agg,
    )


def _from_outcome(
    out: Outcome,
    chosen: Ints,
    build: float,
    n_model: int,
    n_agg: int,
    *,
    maximize: bool,
    greedy_bound: float = np.nan,
    served: Floats | None = None,
    assignment: Ints | None = None,
) -> Solution:
    """Solution from HiGHS's outcome.

    When the greedy bound is tighter than HiGHS's dual bound (common when the time limit stops HiGHS
    before its root LP), it is reported instead and the gap recomputed; HiGHS's own bound and gap
    stay in ``solver_bound``/``solver_gap``.
    """
    bound, gap = out.bound, out.gap
    if np.isfinite(greedy_bound):
        worse = np.isnan(bound) or (bound > greedy_bound if maximize else bound < greedy_bound)
        if worse:
            bound = greedy_bound
            if np.isfinite(out.objective):
                gap = _gap(out.objective, bound, maximize)
    return Solution(
        chosen=chosen,
        objective=out.objective,
        bound=bound,
        gap=gap,
        status=out.status,
        solver_status=out.solver_status,
        build_time=build,
        solve_time=out.solve_time,
        n_model=n_model,
        n_aggregated=n_agg,
        served=served,
        assignment=assignment,
        solver_bound=out.bound,
        solver_gap=out.gap,
    )
