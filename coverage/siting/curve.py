"""Diminishing returns: covered weight after each added site."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from coverage.scenario.defaults import setting
from coverage.siting.base import SitingModel
from coverage.siting.covering import MCLP, _cover_data, _CoverOracle
from coverage.siting.median import PMedian
from coverage.siting.problem import _free_positions, _Problem

__all__ = ["coverage_curve"]


def coverage_curve(
    model_or_cost: Any,
    weights: Any = None,
    ks: Any = None,
    *,
    threshold: float | None = None,
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
    weights
        As in :meth:`MCLP.from_cost_matrix` (cost matrix only).
    ks
        Site counts to report (default: 0 and every step).
    threshold, existing, excluded
        As in :meth:`MCLP.from_cost_matrix` (cost matrix only); ``threshold`` defaults to
        :data:`coverage.settings.threshold_min`.

    Returns
    -------
    DataFrame
        Columns ``k``, ``site`` (the k-th site added, -1 for k = 0), ``gain``,
        ``covered_weight`` and ``covered_share``.
    """
    threshold = setting("threshold_min") if threshold is None else threshold
    if ks is not None:
        ks = np.asarray(ks).ravel()
        if not np.issubdtype(ks.dtype, np.integer) or (ks < 0).any():
            raise ValueError(f"ks must be whole numbers of sites >= 0, not {ks.tolist()!r}")
    model = _curve_model(model_or_cost, weights, ks, threshold, existing, excluded)
    prob = model.problem
    oracle = _CoverOracle(_cover_data(prob, 1.0, 0.0, aggregate=False), 1.0, 0.0)
    covered = [oracle.level()]
    gains = [0.0]
    for j in _free_positions(prob, model.selected):
        gains.append(oracle.one(int(j)))
        oracle.add(int(j))
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


def _curve_model(
    model_or_cost: Any,
    weights: Any,
    ks: Any,
    threshold: float,
    existing: Any,
    excluded: Any,
) -> SitingModel:
    """The solved covering model behind the curve (greedy MCLP for a cost matrix)."""
    if isinstance(model_or_cost, SitingModel):
        model = model_or_cost
        if model.method is None:
            model.solve("greedy")
        if isinstance(model, PMedian):
            raise ValueError("coverage_curve needs a covering model (MCLP, LSCP, BackupCoverage)")
        return model
    if weights is None:
        raise ValueError("weights are needed with a cost matrix")
    prob = _Problem.build(model_or_cost, weights, threshold, existing, excluded, None)
    # Every free site may be added: greedy then stops where no site adds anybody. Stopping at
    # max(ks) instead would let MCLP's swap step improve the k-site plan, so row k would no
    # longer be the nested greedy plan and the rows would depend on ``ks``.
    return MCLP(prob, "curve", len(prob.free), 1.0, 0.0).solve("greedy")
