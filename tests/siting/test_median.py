"""p-median: by hand and against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from coverage.siting import PMedian

from .cases import HAND_W, T, close, free_sites, hand_cost, random_instance, random_sets, subsets


def brute_median(dense, w, p, *, penalty=None, thr=T, existing=(), excluded=()):
    allowed = list(existing) + free_sites(dense.shape[0], existing, excluded)
    d = np.where(dense <= thr, dense, np.inf)
    must = np.isfinite(d[allowed].min(axis=0)) & (w > 0)
    best = np.inf
    for _, open_ in subsets(dense, p, existing, excluded):
        t = d[open_].min(axis=0) if open_ else np.full(dense.shape[1], np.inf)
        if penalty is None:
            if not np.isfinite(t[must]).all():
                continue
            best = min(best, float(np.sum(w[must] * t[must])))
        else:
            best = min(best, float(np.sum(w * np.minimum(t, penalty))))
    return best


def test_hand_pmedian_with_penalty():
    # p=2, within 15 min, unserved at 30 min. {c1,c3}:
    #   d0 9*10=90 (c3), d1 8*20=160, d2 15*30=450, d3 30*5=150, d4 30*15=450, d5 2*40=80 -> 1380
    # next best {c2,c3}: 90 + 30*20 + 30*30 + 0 + 7*15 + 80 = 1775.
    m = PMedian.from_cost_matrix(hand_cost(), HAND_W, 2, threshold=T, unreachable_penalty=30)
    m.solve()
    assert sorted(m.selected) == [1, 3]
    assert m.objective == pytest.approx(1380)
    assert m.assignment.tolist() == [3, 1, 1, -1, -1, 3]
    # served weight 10+20+30+40 = 100; time 90+160+450+80 = 780 -> mean 7.8 min
    assert m.covered_weight == pytest.approx(100)
    assert m.mean_time == pytest.approx(7.8)
    assert m.curve[-1] == pytest.approx(1380)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("penalty", [None, 25.0])
def test_pmedian_brute_force(seed, penalty):
    cost, w, dense = random_instance(seed, density=0.45)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    p = 3
    expected = brute_median(dense, w, p, penalty=penalty, existing=ex, excluded=no)
    model = PMedian.from_cost_matrix(
        cost, w, p, threshold=T, existing=ex, excluded=no, unreachable_penalty=penalty
    )
    if not np.isfinite(expected):
        with pytest.raises(ValueError, match="cannot serve"):
            model.solve()
        return
    m = model.solve()
    assert close(m.objective, expected)
    assert m.curve[-1] == pytest.approx(m.objective, rel=1e-6)
    g = PMedian.from_cost_matrix(
        cost, w, p, threshold=T, existing=ex, excluded=no, unreachable_penalty=penalty
    )
    try:
        g.solve("greedy")
    except ValueError:
        assert penalty is None  # greedy may miss a feasible plan only without a penalty
    else:
        assert g.objective >= expected - 1e-7 and g.bound <= expected + 1e-7


def test_pmedian_threshold_none_uses_all_pairs():
    # p=1 over every stored pair; only c1 reaches d1, d2, d3 together? brute force decides.
    cost, w, dense = random_instance(3, density=0.6)
    expected = brute_median(dense, w, 2, penalty=60.0, thr=np.inf)
    m = PMedian.from_cost_matrix(cost, w, 2, unreachable_penalty=60.0).solve()
    assert close(m.objective, expected)
