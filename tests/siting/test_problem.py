"""Inputs (existing, excluded, explicit zeros, out of reach), demand aggregation, dominated sites."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from coverage.siting import LSCP, MCLP, BackupCoverage, PMedian
from coverage.siting.highs import Outcome
from coverage.siting.problem import _full_values, _keep_sites, _reduced_start

from .cases import T, brute_cover, brute_lscp, close, counts, random_instance


def test_existing_sites_forced_open_not_counted():
    cost, w, dense = random_instance(2)
    ex = [0, 4]
    m = MCLP.from_cost_matrix(cost, w, 2, existing=ex).solve()
    assert len(m.selected) <= 2 and not set(m.selected) & set(ex)
    open_ = ex + m.selected.tolist()
    assert m.coverage_count.tolist() == counts(dense, open_).tolist()
    assert m.curve[0] == pytest.approx(w[counts(dense, ex) >= 1].sum())
    as_mask = np.zeros(dense.shape[0], dtype=bool)
    as_mask[ex] = True
    m2 = MCLP.from_cost_matrix(cost, w, 2, existing=as_mask).solve()
    assert m2.objective == pytest.approx(m.objective)


def test_excluded_sites_never_chosen():
    cost, w, dense = random_instance(4)
    best = MCLP.from_cost_matrix(cost, w, 2).solve()
    for method in ["milp", "greedy"]:
        m = MCLP.from_cost_matrix(cost, w, 2, excluded=best.selected).solve(method)
        assert not set(m.selected) & set(best.selected.tolist())
        p = PMedian.from_cost_matrix(cost, w, 2, excluded=best.selected, unreachable_penalty=40)
        assert not set(p.solve(method).selected) & set(best.selected.tolist())
    with pytest.raises(ValueError, match="both existing and excluded"):
        MCLP.from_cost_matrix(cost, w, 2, existing=[1], excluded=[1])


@pytest.mark.parametrize("bad", ["10", 1.5, -1, True, float("nan"), None])
@pytest.mark.parametrize(
    "build",
    [
        lambda c, w, n: MCLP.from_cost_matrix(c, w, n),
        lambda c, w, n: BackupCoverage.from_cost_matrix(c, w, n),
        lambda c, w, n: PMedian.from_cost_matrix(c, w, n, unreachable_penalty=40),
    ],
)
def test_a_site_count_must_be_a_whole_number(build, bad):
    # "10" from a text box, 1.5 from a division: named, not a bare TypeError or k = 1.
    cost, w, _ = random_instance(1)
    with pytest.raises(ValueError, match=r"must be a whole number of sites >= 0, not "):
        build(cost, w, bad)


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda c, w: MCLP.from_cost_matrix(c, w, 1, threshold="15"),
         r"threshold must be a non-negative number of minutes, not '15'"),
        (lambda c, w: LSCP.from_cost_matrix(c, w, "0.9"),
         r"target must be a share between 0 and 1, not '0.9'"),
        (lambda c, w: MCLP.from_cost_matrix(c, w, 1, existing=["site-3"]),
         r"existing must hold candidate row numbers or be a boolean mask"),
        (lambda c, w: MCLP.from_cost_matrix(c, w, 1, backup_weight=float("nan")),
         r"backup_weight must be a number >= 0, not nan"),
        (lambda c, w: BackupCoverage.from_cost_matrix(c, w, 1, primary_weight="0.1"),
         r"primary_weight must be a number >= 0, not '0.1'"),
        (lambda c, w: PMedian.from_cost_matrix(c, w, 1, unreachable_penalty="30"),
         r"unreachable_penalty must be a non-negative number of minutes, not '30'"),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_named(build, words):
    # Before: "'>=' not supported between 'str' and 'int'", or a numpy ufunc error.
    cost, w, _ = random_instance(1)
    with pytest.raises(ValueError, match=words):
        build(cost, w)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"time_limit": -1}, r"time_limit must be a number of seconds >= 0 or None, not -1"),
        ({"mip_rel_gap": -0.01}, r"mip_rel_gap must be a number >= 0, not -0.01"),
        (
            {"threads": -2},
            r"threads must be a whole number >= 0 \(0: HiGHS chooses\) or None, not -2",
        ),
    ],
)
def test_solver_options_highs_would_ignore_are_named(options, words):
    # HiGHS rejects these with a log line and keeps its defaults: the run went on without them.
    cost, w, _ = random_instance(1)
    with pytest.raises(ValueError, match=words):
        MCLP.from_cost_matrix(cost, w, 2).solve(**options)


def test_a_site_count_may_be_a_whole_float_or_numpy_integer():
    cost, w, _ = random_instance(1)
    by_int = MCLP.from_cost_matrix(cost, w, 2).solve()
    assert MCLP.from_cost_matrix(cost, w, 2.0).k == MCLP.from_cost_matrix(cost, w, np.int64(2)).k
    assert MCLP.from_cost_matrix(cost, w, np.int64(2)).solve().objective == by_int.objective


def test_explicit_zero_times_are_covered():
    # Every time is an explicit 0.0: all pairs are reachable.
    cost = sparse.csr_matrix(
        (np.zeros(3), (np.array([0, 0, 1]), np.array([0, 1, 2]))), shape=(2, 3)
    )
    assert cost.nnz == 3
    # c0 reaches d0, d1 (1 + 2 = 3); c1 reaches d2 (4).
    w = [1.0, 2.0, 4.0]
    m = MCLP.from_cost_matrix(cost, w, 1).solve()
    assert m.selected.tolist() == [1] and m.objective == 4.0
    assert MCLP.from_cost_matrix(cost, w, 1).solve("greedy").selected.tolist() == [1]
    assert LSCP.from_cost_matrix(cost, w, 1.0).solve().objective == 2
    p = PMedian.from_cost_matrix(cost, w, 2).solve()
    assert p.objective == 0.0 and p.assignment.tolist() == [0, 0, 1]


def test_absent_nan_and_out_of_threshold_are_not_covered():
    dense = np.array([[np.nan, 15.0, 15.01]])
    m = MCLP.from_cost_matrix(dense, [1.0, 1.0, 1.0], 1).solve()
    assert m.covered.tolist() == [False, True, False]
    assert m.uncoverable.tolist() == [True, False, True]


@pytest.mark.parametrize("seed", range(3))
def test_aggregation_preserves_optimum(seed):
    cost, w, _ = random_instance(seed, n_c=8, n_d=20, density=0.3)
    # Repeat every demand point three times (different weights): lots of identical columns.
    big = sparse.hstack([cost, cost, cost]).tocsr()
    ww = np.concatenate([w, w * 2, w + 1])
    for model in [
        lambda: MCLP.from_cost_matrix(big, ww, 3),
        lambda: BackupCoverage.from_cost_matrix(big, ww, 3),
        lambda: LSCP.from_cost_matrix(big, ww, 0.6),
        lambda: PMedian.from_cost_matrix(big, ww, 3, threshold=T, unreachable_penalty=30),
        lambda: MCLP.from_cost_matrix(big, ww, 2, capacity=np.full(8, 40.0)),
    ]:
        a = model().solve(mip_rel_gap=0)
        b = model().solve(mip_rel_gap=0, aggregate=False)
        assert a.objective == pytest.approx(b.objective, rel=1e-9, abs=1e-7)
        # at most one merged point per distinct original column
        assert a.n_demand_aggregated <= 20 and a.n_demand_aggregated < a.n_demand_model
        assert b.n_demand_aggregated == b.n_demand_model


def test_dominated_sites_by_hand():
    # sites: 0 {0, 1} ⊂ 1 {0, 1, 2}; 2 {2, 3} = 3 {2, 3} (the lower index stays); 4 covers
    # nothing (kept: nothing covers a superset of nothing in the overlap product, and it is
    # harmless); 5 {3} ⊂ 3 ⊂ … → its representative is 2, following the chain
    cover = {0: [0, 1], 1: [0, 1, 2], 2: [2, 3], 3: [2, 3], 4: [], 5: [3]}
    rows = [i for j in cover for i in cover[j]]
    cols = [j for j in cover for _ in cover[j]]
    pattern = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(4, 6))
    rep = _keep_sites(pattern)
    assert rep.tolist() == [1, 1, 2, 2, 4, 2]
    keep = np.flatnonzero(rep == np.arange(6))
    assert keep.tolist() == [1, 2, 4]
    # a warm start choosing dominated sites 0 and 3 becomes their representatives 1 and 2
    assert _reduced_start(np.array([0, 3]), rep, keep, 6).tolist() == [1.0, 1.0, 0.0]
    # solutions on the kept sites come back in the full layout, extra columns after them
    out = Outcome("optimal", "Optimal", 1.0, 1.0, 0.0, np.array([1.0, 0.0, 1.0, 0.5]), 0.0)
    assert _full_values(out, keep, 6).values.tolist() == [0, 1, 0, 0, 1, 0, 0.5]


def nested_instance(seed: int, n_c: int = 10, n_d: int = 16):
    """Half of the candidates cover a random subset of another candidate's demand."""
    rng = np.random.default_rng(seed)
    base = rng.random((n_c // 2, n_d)) < 0.4
    mask = np.vstack([base, base & (rng.random(base.shape) < 0.6)])[rng.permutation(n_c)]
    times = np.where(mask, np.round(rng.uniform(0, T, mask.shape), 1), np.inf)
    rows, cols = np.nonzero(mask)
    cost = sparse.csr_matrix((times[rows, cols], (rows, cols)), shape=mask.shape)
    return cost, rng.integers(1, 10, n_d).astype(float), times


@pytest.mark.parametrize("seed", range(6))
def test_models_with_dominated_sites_match_brute_force(seed):
    cost, w, dense = nested_instance(seed)
    pattern = sparse.csr_matrix(np.isfinite(dense).T.astype(float))
    rep = _keep_sites(pattern)
    assert (rep != np.arange(len(rep))).sum() >= 3  # the instance really has dominated sites
    for j, r in enumerate(rep):  # each representative covers a superset
        assert set(np.flatnonzero(np.isfinite(dense[j]))) <= set(
            np.flatnonzero(np.isfinite(dense[r]))
        )
    for k in (1, 2, 3):
        m = MCLP.from_cost_matrix(cost, w, k).solve("milp", mip_rel_gap=0)
        assert close(m.covered_weight, brute_cover(dense, w, k)), k
    max_share = w[np.isfinite(dense).any(axis=0)].sum() / w.sum()
    for target in (0.6, max_share):  # the full target: every coverable demand point
        m = LSCP.from_cost_matrix(cost, w, target).solve("milp", mip_rel_gap=0)
        assert m.objective == brute_lscp(dense, w, target) == len(m.selected)
