"""coverage_curve: diminishing returns of greedy covering."""

from __future__ import annotations

import numpy as np
import pytest

from coverage.siting import MCLP, coverage_curve

from .cases import random_instance


def test_coverage_curve_diminishing_returns():
    cost, w, _ = random_instance(1, n_c=9, n_d=25)
    df = coverage_curve(cost, w, [0, 1, 2, 3, 20])
    assert df["k"].tolist() == [0, 1, 2, 3, 20]
    assert df["covered_weight"].is_monotonic_increasing
    gains = df["gain"].to_numpy()[1:4]
    assert (np.diff(gains) <= 1e-9).all()  # greedy gains never rise
    m = MCLP.from_cost_matrix(cost, w, 3).solve("greedy")
    assert df["covered_weight"].iloc[3] == pytest.approx(m.objective)
    curve = coverage_curve(m)
    assert curve["covered_weight"].tolist() == pytest.approx(m.curve.tolist())
