"""Large covering models: site generation for the LP bound, branch-and-bound for the proof.

On a street network every demand point is within reach of a hundred sites or more, so the
covering MILP (MCLP, backup coverage) has about a million nonzeros and HiGHS spends most of its
time on the root LP. Yet the LP needs few sites: it is solved over a small set of sites, and the
duals μ of its demand rows price the others (site generation, as column generation in Cordeau,
Furini & Ljubić 2019 prices demand); the LP, its Lagrangian bound L(μ) (proven whatever the LP
solver's accuracy) and the warm-started column addition are in `coverage.siting.cover_lp`.
The LP is 0.3-0.8 % above the best plan on the Wuhan sample, so the proof branches on sites
over that LP (`coverage.siting.branch`), with reduced-cost fixing at every node and plans from
rounding and swaps.

Notation as in `coverage.siting.covering`.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from coverage.siting._sparse import CSR, Floats, Ints, _take_rows
from coverage.siting.branch import _branch_and_bound
from coverage.siting.cover_lp import _Rows, _rows
from coverage.siting.highs import MipOptions, Outcome, _gap
from coverage.siting.problem import _keep_sites

__all__: list[str] = []

log = logging.getLogger(__name__)


def _cover_colgen(
    pattern: CSR,
    w: Floats,
    e: Floats,
    const: float,
    a: float,
    b: float,
    k: int,
    opts: MipOptions,
    start: Ints,
) -> Outcome:
    """Maximal / backup covering by site generation and branch-and-bound.

    ``pattern`` is model demand × free sites; ``start`` a plan (positions among the free sites),
    e.g. greedy's. Returns HiGHS-like figures with ``values`` = the plan over the free sites.
    """
    t0 = time.perf_counter()
    n_all = pattern.shape[1]
    keep = np.arange(n_all)
    if b == 0:
        # Dominated sites are never needed (see `_keep_sites`): price only the others.
        rep = _keep_sites(_take_rows(pattern, np.flatnonzero(e == 0)))
        keep = np.flatnonzero(rep == np.arange(n_all))
        start = np.unique(np.searchsorted(keep, rep[start]))
        pattern = pattern[:, keep].tocsr()
    rows = _rows(pattern, w, e, a, b, k, const)
    value, bound, x, text, status = _solve_rows(rows, opts, start, t0)
    full = np.zeros(n_all)
    full[keep] = x
    return Outcome(
        status, text, value, bound, _gap(value, bound, True), full, time.perf_counter() - t0
    )


def _solve_rows(
    rows: _Rows, opts: MipOptions, start: Ints, t0: float
) -> tuple[float, float, Floats, str, str]:
    """(objective, bound, plan, text, status) of the covering model ``rows``."""
    limit = opts.time_limit
    deadline = t0 + (limit if limit is not None else np.inf)
    x = np.zeros(rows.n)
    x[start] = 1.0
    res = _branch_and_bound(rows, x, opts.mip_rel_gap, deadline, start)
    log.debug(
        "branch-and-bound %.2f s: %d nodes, %.10g <= %.10g",
        time.perf_counter() - t0, res.nodes, res.value, res.bound,
    )  # fmt: skip
    proven = res.finished and _gap(res.value, res.bound, True) <= opts.mip_rel_gap + 1e-9
    text = f"branch-and-bound over site generation ({res.nodes} nodes)"
    return res.value, res.bound, res.plan, text, "optimal" if proven else "time_limit"
