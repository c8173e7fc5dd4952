"""Running HiGHS on a model given as arrays, and reading back what it says.

Each model builds its MILP (or LP) as arrays (a `_Model`: column costs and bounds, a sparse
constraint matrix and row bounds) and hands it to `_run_highs`, which returns an `Outcome` in
HiGHS's own words.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np
from scipy import sparse

from coverage.errors import Msg
from coverage.siting._sparse import Floats, Ints

__all__ = ["MipOptions", "Outcome"]

log = logging.getLogger(__name__)

#: Models with more constraint nonzeros than this are solved with HiGHS's presolve off (see
#: `_set_options`).
_PRESOLVE_MAX_NNZ = 500_000


@dataclass
class MipOptions:
    """Solver settings of one ``solve`` call (see `SitingModel.solve`)."""

    time_limit: float | None = None
    mip_rel_gap: float = 1e-4
    threads: int | None = None
    verbose: bool = False
    highs_options: dict[str, Any] | None = None


def _time_left(opts: MipOptions, started: float) -> MipOptions:
    """``opts`` with the time limit less what has passed since ``started``.

    The model's build counts: a capacitated sample model took 10 s to build before HiGHS got
    its full limit.
    """
    if opts.time_limit is None:
        return opts
    return replace(opts, time_limit=max(opts.time_limit - (time.perf_counter() - started), 0.0))


@dataclass
class Outcome:
    """What HiGHS says about one run, in its own words."""

    status: str  # e.g. "optimal", "time_limit", "infeasible"
    solver_status: str  # HiGHS's text, e.g. "Time limit reached"
    objective: float
    bound: float
    gap: float
    values: Floats | None  # column values of the best solution, None if it has none
    solve_time: float


def _new_highs(verbose: bool) -> highspy.Highs:
    """A Highs instance, with its licence banner muted unless the log is wanted.

    Its C++ constructor prints the banner on the process's stdout (not through Python), which would
    land in the middle of the CLI's tables, so the file descriptor
    is muted while it runs unless the log is wanted.
    """
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


def _set_options(h: highspy.Highs, opts: MipOptions, nnz: int) -> None:
    """Apply ``opts`` to ``h`` for a model with ``nnz`` constraint nonzeros."""
    h.setOptionValue("output_flag", bool(opts.verbose))
    h.setOptionValue("mip_rel_gap", float(opts.mip_rel_gap))
    if opts.time_limit is not None:
        h.setOptionValue("time_limit", float(opts.time_limit))
    if opts.threads is not None:
        # HiGHS runs one global thread pool; another thread count needs a fresh pool or run()
        # refuses to start.
        highspy.Highs.resetGlobalScheduler(True)
        h.setOptionValue("threads", int(opts.threads))
    if nnz > _PRESOLVE_MAX_NNZ:
        # HiGHS 1.16's MIP presolve (probing) took 123 s on a 2.3M-nonzero covering model,
        # ignoring the time limit, and then left the root LP unsolved; without presolve the
        # root LP and cuts ran in time. Users can still force it through highs_options.
        h.setOptionValue("presolve", "off")
    for key, value in (opts.highs_options or {}).items():
        if h.setOptionValue(key, value) == highspy.HighsStatus.kError:
            raise ValueError(f"HiGHS rejected option {key}={value!r}")


@dataclass
class _Model:
    """One MILP (or LP) as arrays.

    The model is::

        min or max  cost · x + offset
        s.t.        row_lower <= a x <= row_upper,  lower <= x <= upper,
                    x_j integer where integer[j] = 1

    ``a`` is the constraint matrix in any scipy sparse format; ``lower`` and ``upper`` default
    to 0 and 1 (every column of the package's models is a decision or a fraction).
    """

    cost: Floats
    a: Any
    row_lower: Floats
    row_upper: Floats
    integer: Floats
    maximize: bool
    offset: float = 0.0
    lower: Floats | None = None
    upper: Floats | None = None


def _pass_model(h: highspy.Highs, model: _Model, a: Any) -> None:
    """Hand ``model`` to ``h``, with its constraint matrix ``a`` in CSC form."""
    n = len(model.cost)
    lower = np.zeros(n) if model.lower is None else model.lower
    upper = np.ones(n) if model.upper is None else model.upper
    sense = highspy.ObjSense.kMaximize if model.maximize else highspy.ObjSense.kMinimize
    status = h.passModel(
        n,
        len(model.row_lower),
        a.nnz,
        int(highspy.MatrixFormat.kColwise),
        int(sense),
        float(model.offset),
        np.asarray(model.cost, dtype=np.float64),
        np.asarray(lower, dtype=np.float64),
        np.asarray(upper, dtype=np.float64),
        np.asarray(model.row_lower, dtype=np.float64),
        np.asarray(model.row_upper, dtype=np.float64),
        a.indptr.astype(np.int32),
        a.indices.astype(np.int32),
        a.data.astype(np.float64),
        np.asarray(model.integer, dtype=np.int32),
    )
    if status == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS rejected the model")


def _run_highs(
    model: _Model, opts: MipOptions, start: tuple[Ints, Floats] | None = None
) -> Outcome:
    """Solve ``model``; ``start`` = (column indices, values) to warm-start."""
    a = sparse.csc_matrix(model.a)
    a.sum_duplicates()
    a.eliminate_zeros()  # constraint coefficients, not times: a zero here is no entry
    h = _new_highs(opts.verbose)
    _set_options(h, opts, a.nnz)
    _pass_model(h, model, a)
    if start is not None:
        idx, val = start
        h.setSolution(len(idx), np.asarray(idx, dtype=np.int32), np.asarray(val, np.float64))
    t0 = time.perf_counter()
    run = h.run()
    solve_time = time.perf_counter() - t0
    if start is not None and not _consistent(h, model.cost, model.offset):
        # Seen with HiGHS 1.16: with presolve on, a warm start can end "optimal" with an
        # objective and bound that the returned solution does not have (it returned the start).
        # Neither number can be trusted then; solve again from scratch in the time left (the
        # caller's time limit is for the whole solve), else keep the returned plan unproven.
        log.warning(Msg("error.plan.highs_resolve"))
        left = None if opts.time_limit is None else opts.time_limit - solve_time
        if left is None or left >= _MIN_RESOLVE_S:
            again = _run_highs(model, replace(opts, time_limit=left), start=None)
            again.solve_time += solve_time
            # A plan, or HiGHS's proof that there is none: either is its answer, not a time limit.
            if again.values is not None or again.status == "infeasible":
                return again
        return _unproven(h, model, a, solve_time)
    return _read_outcome(h, run, model.integer, solve_time)


#: Seconds worth re-solving a model from scratch in (below this the returned plan is kept).
_MIN_RESOLVE_S = 1.0


def _unproven(h: highspy.Highs, model: _Model, a: Any, solve_time: float) -> Outcome:
    """The solution ``h`` returned, at its own objective and with no bound, if it is feasible.

    For a solve whose objective and bound cannot be trusted (see `_run_highs`) and that there
    is no time to repeat: the plan stands if it satisfies the model, the caller's own bound
    (e.g. greedy's) gives the gap.
    """
    text = "time limit (HiGHS's objective did not match its solution; no time to solve again)"
    if h.getInfo().primal_solution_status != 2:
        return Outcome("time_limit", text, np.nan, np.nan, np.inf, None, solve_time)
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    n = len(model.cost)
    lower = np.zeros(n) if model.lower is None else np.asarray(model.lower, dtype=np.float64)
    upper = np.ones(n) if model.upper is None else np.asarray(model.upper, dtype=np.float64)
    act = a @ x
    tol = 1e-6
    whole = np.asarray(model.integer) > 0
    feasible = (
        np.all(act >= np.asarray(model.row_lower) - tol * (1 + np.abs(act)))
        and np.all(act <= np.asarray(model.row_upper) + tol * (1 + np.abs(act)))
        and np.all(x >= lower - tol)
        and np.all(x <= upper + tol)
        and np.all(np.abs(x[whole] - np.round(x[whole])) <= 1e-6)
    )
    if not feasible:
        return Outcome("time_limit", text, np.nan, np.nan, np.inf, None, solve_time)
    value = float(np.dot(model.cost, x)) + float(model.offset)
    return Outcome("time_limit", text, value, np.nan, np.inf, x, solve_time)


def _read_outcome(
    h: highspy.Highs, run: highspy.HighsStatus, integer: Floats, solve_time: float
) -> Outcome:
    """What ``h`` reports after ``run = h.run()``; an LP (no integer column) is its own bound."""
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
    return Outcome(
        _status_name(model_status),
        h.modelStatusToString(model_status),
        objective,
        bound,
        gap,
        values,
        solve_time,
    )


def _consistent(h: highspy.Highs, cost: Floats, offset: float) -> bool:
    """Does the returned solution have the objective HiGHS reports?"""
    info = h.getInfo()
    if info.primal_solution_status != 2:
        return True  # no solution: nothing to contradict
    values = np.asarray(h.getSolution().col_value)
    mine = float(np.dot(cost, values)) + float(offset)
    reported = float(info.objective_function_value)
    return abs(mine - reported) <= 1e-6 * max(1.0, abs(reported))


def _gap(objective: float, bound: float, maximize: bool) -> float:
    """Relative gap |objective - bound| / |objective|, as HiGHS defines it."""
    if not (np.isfinite(objective) and np.isfinite(bound)):
        return np.inf
    diff = max(bound - objective if maximize else objective - bound, 0.0)
    if diff <= 1e-12 * max(abs(objective), 1.0):
        return 0.0
    return diff / abs(objective) if objective != 0 else np.inf
