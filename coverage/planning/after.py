"""Coverage after a plan: demand covered before, then the new sites added in the plan's order.

One computation, :func:`after_coverage`, gives a stage's before/after shares, per-site gains and
curve (:func:`coverage.planning.propose`) and the whole plan's on top of the coverage run
(:func:`coverage.planning.plan_coverage`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from coverage import siting
from coverage.results import AfterCoverage
from coverage.siting._sparse import CSR, Floats, Ints

__all__ = ["AfterCoverage", "after_coverage", "covered_gains"]


def after_coverage(
    hits: Sequence[ArrayLike],
    weights: ArrayLike,
    covered_before: ArrayLike,
    n_reach_before: ArrayLike | None = None,
) -> AfterCoverage:
    """Coverage after adding new sites one at a time, in order.

    Parameters
    ----------
    hits
        Per new site, in the plan's order: the demand points (indices) it covers.
    weights
        Demand weight per point.
    covered_before
        Per demand point: covered before any new site.
    n_reach_before
        Per demand point: open sites within reach before (default: 1 where covered).

    Returns
    -------
    AfterCoverage
    """
    w = np.asarray(weights, dtype=float)
    covered = np.array(covered_before, dtype=bool)  # copies: the inputs stay as they were
    if n_reach_before is None:
        n_reach = covered.astype(np.int64)
    else:
        n_reach = np.array(n_reach_before, dtype=np.int64)
    level = [float(w[covered].sum())]
    gains = np.zeros(len(hits))
    for i, h in enumerate(hits):
        hit = np.asarray(h, dtype=np.int64)
        gains[i] = float(w[hit[~covered[hit]]].sum())
        covered[hit] = True
        n_reach[hit] += 1
        level.append(float(w[covered].sum()))
    total = float(w.sum())
    cw = np.asarray(level)
    curve = pd.DataFrame(
        {
            "k": np.arange(len(cw)),
            "gain": np.r_[0.0, gains],
            "covered_weight": cw,
            "covered_share": cw / total if total > 0 else np.nan,
        }
    )
    return AfterCoverage(covered, n_reach, gains, curve, total)


def _site_hits(reach: CSR, rows: ArrayLike) -> list[Ints]:
    """Demand points within reach of each of ``rows`` (stored entries; zeros count)."""
    return [reach.indices[reach.indptr[j] : reach.indptr[j + 1]] for j in np.asarray(rows)]


def _model_coverage(model: siting.SitingModel) -> AfterCoverage:
    """A solved model's coverage: its existing sites, then its selected sites in order."""
    prob = model.problem
    base = prob.counts(prob.existing)
    return after_coverage(_site_hits(prob.reach, model.selected), prob.weights, base > 0, base)


def covered_gains(problem: Any, selected: ArrayLike) -> Floats:
    """Workers each new site covers that nothing before it did, in the order given.

    The covered-worker gain whatever the model optimised: a demand point counts once, when the
    first open site (existing ones included) reaches it within the problem's threshold. The sum
    is the covered weight after the plan minus the covered weight before it.

    Parameters
    ----------
    problem
        The model's problem (``model.problem``): ``reach`` (sites × demand within the threshold),
        ``weights`` and ``existing`` rows.
    selected
        Rows of the new sites, in the order they are reported.

    Returns
    -------
    numpy.ndarray
        Newly covered weight per site (float, ≥ 0).
    """
    base = problem.counts(problem.existing) > 0
    return after_coverage(_site_hits(problem.reach, selected), problem.weights, base).gains
