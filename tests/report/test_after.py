"""coverage.report.after: coverage after the plan adds up to the plan's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

from coverage import report


@pytest.mark.realdata
def test_after_plan_adds_up(planned):
    run = planned.before
    after = report.after_plan(run, planned, catchments=False)
    w = run.coverage.demand["weight"].to_numpy(dtype=float)
    covered_before = run.coverage.summary.set_index(["scope", "key"]).loc[
        ("overall", "all"), "covered_weight"
    ]
    c = after.curve
    assert after.k == len(planned.proposed) == 5
    assert c["k"].tolist() == list(range(6))
    assert c["covered_weight"].iloc[0] == pytest.approx(covered_before)
    assert np.all(np.diff(c["covered_weight"]) >= 0)
    assert np.diff(c["covered_weight"]) == pytest.approx(after.sites["added"].to_numpy())
    assert c["covered_weight"].iloc[-1] == pytest.approx(w[after.covered].sum())
    # Nobody covered before is lost; the proposed sites only add.
    assert after.covered[run.coverage.demand["covered"].to_numpy(dtype=bool)].all()
    assert (after.n_reach >= run.coverage.demand["n_reach"].to_numpy()).all()
    assert after.sites["cumulative_share"].iloc[-1] == pytest.approx(c["covered_share"].iloc[-1])
