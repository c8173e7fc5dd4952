"""Location set covering (LSCP): by hand, against brute force, unreachable targets."""

from __future__ import annotations

import numpy as np
import pytest

from coverage.errors import PlanError
from coverage.siting import LSCP, BackupCoverage

from .cases import HAND_W, brute_lscp, counts, free_sites, hand_cost, random_instance, random_sets


def test_hand_lscp_and_backup():
    # Full cover: d2 only by c1, d3/d4 only by c2, d5 only by c3 -> {1,2,3} (d0 by c3, d1 by c1).
    m = LSCP.from_cost_matrix(hand_cost(), HAND_W, 1.0).solve()
    assert sorted(m.selected) == [1, 2, 3] and m.objective == 3
    assert m.covered_share == 1.0
    # Twice-coverable: d0 (c0, c3) = 10 and d1 (c0, c1) = 20. k=2 -> {c0, c1}: 20.
    # k=3 -> {c0, c1, c3}: 10 + 20 = 30.
    b2 = BackupCoverage.from_cost_matrix(hand_cost(), HAND_W, 2).solve()
    assert sorted(b2.selected) == [0, 1] and b2.objective == pytest.approx(20)
    b3 = BackupCoverage.from_cost_matrix(hand_cost(), HAND_W, 3).solve()
    assert sorted(b3.selected) == [0, 1, 3] and b3.backup_covered_weight == pytest.approx(30)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("share", [0.5, 0.8, "max"])
def test_lscp_brute_force(seed, share):
    cost, w, dense = random_instance(seed, density=0.4)
    ex, no = random_sets(seed, dense.shape[0]) if seed % 2 else ([], [])
    allowed = ex + free_sites(dense.shape[0], ex, no)
    max_share = w[counts(dense, allowed) >= 1].sum() / w.sum()
    target = max_share if share == "max" else min(share, max_share)
    expected = brute_lscp(dense, w, target, ex, no)
    model = LSCP.from_cost_matrix(cost, w, target, existing=ex, excluded=no)
    assert model.max_share == pytest.approx(max_share)
    m = model.solve()
    assert m.objective == expected == len(m.selected)
    assert m.covered_share >= target - 1e-7
    g = LSCP.from_cost_matrix(cost, w, target, existing=ex, excluded=no).solve("greedy")
    assert g.objective >= expected >= g.bound
    assert g.covered_share >= target - 1e-9


def test_lscp_infeasible_target_names_max_share():
    cost, w, dense = random_instance(5)
    model = LSCP.from_cost_matrix(cost, w, 1.0)
    assert model.uncoverable_weight > 0  # this instance has out-of-reach demand
    share = model.max_share
    with pytest.raises(ValueError) as caught:  # still a ValueError, for scripts
        model.solve()
    assert caught.value.max_share == pytest.approx(share) and caught.value.target == 1.0
    assert LSCP.from_cost_matrix(cost, w, share).solve().covered_share == pytest.approx(share)


def test_lscp_unreachable_target_is_one_worded_line():
    # Demand 2 (weight 1 of 4) is 20 min from both sites: at most 3/4 = 75 % can be covered.
    cost = np.array([[5.0, 30.0, 20.0], [30.0, 10.0, 20.0]])
    w = np.array([1.0, 2.0, 1.0])
    with pytest.raises(PlanError) as caught:
        LSCP.from_cost_matrix(cost, w, 0.9, threshold=15.0).solve()
    err = caught.value
    assert err.key == "error.plan.target_unreachable" and err.max_share == 0.75
    assert err.text("en") == (
        "the target share 90.00% cannot be reached: at most 75.00% of the demand is within 15 "
        "min of an existing or allowed site (1 demand points with 1 people in all are out of reach); "
        "ask for 0.75 or less (target= or [plan] target), or add candidate sites"
    )
    zh = err.text("zh")
    assert "\n" not in zh and zh.startswith("目标覆盖率 90.00% 无法达到") and "最多占 75.00%" in zh
    # A target a hair above the largest share: enough decimals to tell the two apart.
    with pytest.raises(PlanError, match=r"target share 75\.004% .* at most 75\.000%"):
        LSCP.from_cost_matrix(cost, w, 0.75004, threshold=15.0).solve()
    assert LSCP.from_cost_matrix(cost, w, 0.75, threshold=15.0).solve().covered_share == 0.75
