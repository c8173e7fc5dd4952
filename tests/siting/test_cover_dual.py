"""The maximal-covering LP in its dual form (coverage.siting.cover_dual).

Expected values come from scipy's linprog on the primal LP written out in test_cover_lp, node
after node on one LP object; the sites' x read from the duals are checked as a primal solution
of the same value.
"""

from __future__ import annotations

import numpy as np
import pytest

from coverage.siting.cover_dual import _DualCoverLP, _site_lp
from coverage.siting.cover_lp import _CoverLP
from tests.siting.test_cover_lp import instance, lp_with_bounds, random_fixing


@pytest.mark.parametrize("seed", range(8))
def test_dual_form_reaches_the_lp_of_each_node(seed):
    rows, p, w, e, const = instance(seed, 1.0, 0.0)
    lp = _DualCoverLP(rows)
    lp.add(np.array([0]))
    rng = np.random.default_rng(seed)
    for _ in range(6):
        lower, upper = random_fixing(rng, rows.n, rows.k)
        # Start from an earlier basis, with rows added since (as a child from its parent's).
        basis = lp.h.getBasis() if rng.random() < 0.7 else None
        lp.add(rng.choice(rows.n, size=2, replace=False))
        out = lp.generate(lower, upper, -np.inf, np.inf, basis)
        assert out is not None and out.converged
        want = const + lp_with_bounds(p, w, e, 1.0, 0.0, rows.k, lower, upper)
        assert out.bound == pytest.approx(want, rel=1e-7, abs=1e-7)
        x = out.x
        assert np.all(x[~upper] <= 1e-9) and np.all(x[lower] >= 1 - 1e-9)
        assert x.min() >= -1e-9 and x.max() <= 1 + 1e-9 and x.sum() <= rows.k + 1e-7
        # The duals are a primal optimum: each row covered min(1, Σx) gives the same value.
        value = rows.offset + float(rows.c1 @ np.minimum(1.0, rows.p1 @ x))
        assert value == pytest.approx(want, rel=1e-7, abs=1e-7)


def test_site_lp_takes_the_dual_form_for_maximal_covering_only():
    assert isinstance(_site_lp(instance(0, 1.0, 0.0)[0]), _DualCoverLP)
    for a, b in [(0.5, 1.0), (0.0, 1.0)]:
        rows = instance(0, a, b)[0]
        assert isinstance(_site_lp(rows), _CoverLP)
        with pytest.raises(ValueError, match="once-rows"):
            _DualCoverLP(rows)
