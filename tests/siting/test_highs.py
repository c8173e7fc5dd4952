"""HiGHS runs: honest reports on a time limit, and a re-solve when HiGHS contradicts itself."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from coverage.siting import LSCP, MCLP, highs

from .cases import brute_lscp, close, random_instance


def test_time_limit_is_reported_honestly():
    rng = np.random.default_rng(7)
    n_c, n_d, nnz = 400, 3000, 60_000
    rows = rng.integers(0, n_c, nnz)
    cols = rng.integers(0, n_d, nnz)
    cost = sparse.csr_matrix((rng.uniform(0, 25, nnz), (rows, cols)), shape=(n_c, n_d))
    w = rng.uniform(0, 100, n_d)
    m = MCLP.from_cost_matrix(cost, w, 30).solve(time_limit=0.05)
    assert m.status in {"optimal", "time_limit"}
    if m.status == "optimal":
        assert m.gap <= 1e-4
    else:
        assert m.gap > 0
    assert np.isfinite(m.objective) and m.objective <= m.bound + 1e-6
    assert m.gap == pytest.approx((m.bound - m.objective) / m.objective, abs=1e-6)
    g = MCLP.from_cost_matrix(cost, w, 30).solve("greedy")
    assert m.objective >= g.objective - 1e-6  # warm-started from greedy
    assert g.bound >= m.objective - 1e-6
    assert m.covered_weight >= m.objective - 1e-6


def test_inconsistent_warm_start_answer_is_solved_again(monkeypatch):
    """HiGHS 1.16 once reported an optimum its returned solution did not have (warm start +
    presolve). When objective and solution disagree, the model is solved again from scratch."""
    cost, w, dense = random_instance(3, n_c=9, n_d=25)
    calls = []
    real = highs._consistent

    def first_fails(h, c, off):
        calls.append(1)
        return False if len(calls) == 1 else real(h, c, off)

    monkeypatch.setattr(highs, "_consistent", first_fails)
    m = LSCP.from_cost_matrix(cost, w, 0.8).solve("milp")
    assert len(calls) == 1  # checked once (the warm-started run), then solved without a start
    assert close(m.objective, brute_lscp(dense, w, 0.8))
