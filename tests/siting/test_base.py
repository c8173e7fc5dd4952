"""Results every model shares: the summary, and the trivial cases that need no solver."""

from __future__ import annotations

from coverage.siting import LSCP, MCLP

from .cases import random_instance


def test_summary_and_trivial_cases():
    cost, w, _ = random_instance(0)
    m = MCLP.from_cost_matrix(cost, w, 0).solve()
    assert m.status == "optimal" and len(m.selected) == 0 and m.objective == 0
    s = MCLP.from_cost_matrix(cost, w, 2).solve().summary()
    assert s["model"] == "mclp" and s["n_selected"] == len(s["selected"])
    assert {"gap", "bound", "status", "covered_share", "n_demand_aggregated"} <= s.keys()
    assert LSCP.from_cost_matrix(cost, w, 0.0).solve().objective == 0
