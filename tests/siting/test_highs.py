"""HiGHS runs: honest reports on a time limit, and a re-solve when HiGHS contradicts itself."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from coverage.siting import LSCP, MCLP, PMedian, highs

from .cases import T, brute_cover, brute_lscp, close, random_instance


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


def _inconsistent_first(monkeypatch) -> list[int]:
    """Make the first warm-started run look self-contradicting, as HiGHS 1.16 once did."""
    calls: list[int] = []
    real = highs._consistent

    def first_fails(h, c, off):
        calls.append(1)
        return False if len(calls) == 1 else real(h, c, off)

    monkeypatch.setattr(highs, "_consistent", first_fails)
    return calls


def test_the_second_solve_gets_only_the_time_left(monkeypatch):
    """The time limit is for the whole solve: a capacitated sample plan with 30 s took 63 s
    (two full runs) before, and 10 minutes with its order's assignment LPs."""
    cost, w, dense = random_instance(3, n_c=9, n_d=25)
    _inconsistent_first(monkeypatch)
    limits: list[float | None] = []
    real = highs._run_highs

    def spy(model, opts, start=None):
        limits.append(opts.time_limit)
        return real(model, opts, start)

    monkeypatch.setattr(highs, "_run_highs", spy)
    m = LSCP.from_cost_matrix(cost, w, 0.8).solve("milp", time_limit=50.0)
    # The models call HiGHS through their own import: the spy sees only the second run, given
    # what the first left (it took well under 5 s), not the full 50 s again.
    assert len(limits) == 1 and 45.0 < limits[0] < 50.0
    assert close(m.objective, brute_lscp(dense, w, 0.8))


def test_with_no_time_left_the_returned_plan_stands_unproven(monkeypatch):
    cost, w, dense = random_instance(4, n_c=9, n_d=25)
    _inconsistent_first(monkeypatch)
    monkeypatch.setattr(highs, "_MIN_RESOLVE_S", 1e9)  # never time to solve again
    m = MCLP.from_cost_matrix(cost, w, 3, threshold=T).solve("milp", time_limit=60.0)
    assert m.status == "time_limit"
    # The plan HiGHS returned is a real one: its objective is its own covered weight, and the
    # bound comes from greedy (HiGHS's could not be trusted), at or above the optimum.
    assert len(m.selected) <= 3
    assert close(m.objective, m.covered_weight)
    best = brute_cover(dense, w, 3)
    assert m.objective <= best + 1e-6 <= m.bound + 2e-6


class _Fake:
    """Stands in for a Highs instance that returned ``x``."""

    def __init__(self, x):
        self.x = x

    def getInfo(self):  # noqa: N802 (HiGHS's name)
        return type("Info", (), {"primal_solution_status": 2})()

    def getSolution(self):  # noqa: N802
        return type("Sol", (), {"col_value": self.x})()


def test_an_infeasible_returned_solution_is_not_kept():
    # max x0 + x1  s.t.  x0 + x1 <= 1, binary: (1, 1) breaks the row, (1, 0) is a plan.
    model = highs._Model(
        np.array([1.0, 1.0]), sparse.csr_matrix([[1.0, 1.0]]), np.array([-np.inf]),
        np.array([1.0]), np.array([1.0, 1.0]), True,
    )  # fmt: skip
    a = sparse.csc_matrix(model.a)
    bad = highs._unproven(_Fake([1.0, 1.0]), model, a, 0.1)
    assert bad.values is None and np.isnan(bad.objective) and bad.status == "time_limit"
    good = highs._unproven(_Fake([1.0, 0.0]), model, a, 0.1)
    assert good.objective == 1.0 and np.isnan(good.bound) and good.status == "time_limit"
    half = highs._unproven(_Fake([0.5, 0.5]), model, a, 0.1)  # not integral
    assert half.values is None


def test_a_resolve_that_highs_proves_infeasible_says_so(monkeypatch):
    # max x0 + x1  s.t.  x0 + x1 >= 3, binary: at most 2, so no plan at all.
    model = highs._Model(
        np.array([1.0, 1.0]), sparse.csr_matrix([[1.0, 1.0]]), np.array([3.0]),
        np.array([np.inf]), np.array([1.0, 1.0]), True,
    )  # fmt: skip
    calls = _inconsistent_first(monkeypatch)
    out = highs._run_highs(model, highs.MipOptions(time_limit=60.0), (np.arange(2), np.ones(2)))
    assert len(calls) == 1  # the warm-started run "contradicted itself"; solved again
    assert out.status == "infeasible" and out.values is None


def test_capacitated_pmedian_proven_infeasible_after_a_resolve_says_so(monkeypatch):
    """Two demand points of 10 workers each, one candidate 1 and 2 minutes from them with room
    for 5, p = 1 and no penalty (every worker must be served): 20 > 5, so no plan exists."""
    cost = sparse.csr_matrix(np.array([[1.0, 2.0]]))
    model = PMedian.from_cost_matrix(cost, [10.0, 10.0], 1, threshold=5.0, capacity=[5.0])
    calls = _inconsistent_first(monkeypatch)
    with pytest.raises(ValueError, match="HiGHS proved it") as err:
        model.solve("milp", time_limit=60.0)
    assert len(calls) == 1  # warm-started from greedy, then solved again
    assert "\n" not in str(err.value)
