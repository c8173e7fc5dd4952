"""The street-fit verdicts on hand-made distances: layer verdict and row-by-row tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from coverage.inputs import street_fit
from coverage.inputs.datum_check import DatumFinding

# --- the verdicts on hand-made distances -----------------------------------------------------------


def _verdict(decl_m, gcj_m, bd_m, control_m) -> DatumFinding:
    """The layer verdict for a WGS-84-declared layer with the given distances (metres)."""
    dist = {k: np.asarray(v, dtype=float) for k, v in (("wgs84", decl_m), ("gcj02", gcj_m),
                                                       ("bd09", bd_m))}  # fmt: skip
    near = np.ones(len(decl_m), dtype=bool)
    return street_fit._layer_verdict(
        dist, np.asarray(control_m, float), near, "wgs84", 5, 2000.0, 300.0, 30.0
    )


def test_verdict_conclusive_needs_more_than_chance() -> None:
    # Every point 40 m off as declared and 2 m off as GCJ-02; by chance (the shifts) half the
    # points are within 30 m (10 m, 100 m: median 55 m). All of n within 30 m would happen by
    # chance with probability 0.5**n: 0.0039 for 8 points (not firm), 0.00098 for 10 (firm).
    for n, firm in ((8, False), (10, True)):
        f = _verdict([40] * n, [2] * n, [60] * n, [10, 100] * n)
        assert f.code == "looks_gcj02" and f.details["conclusive"] is firm
        assert f.details["chance"] == pytest.approx(0.5**n)
        assert f.details["random_shift_median_m"] == 55.0
        assert f.details["random_shift_share_within"] == 0.5
    assert "too few sit on a street" in _verdict([40] * 8, [2] * 8, [60] * 8, [10, 100] * 8).message


def test_verdict_other_datum_must_beat_random_shifts() -> None:
    # Points 50 m off as declared, 5 m as GCJ-02 — but 5 m under any random shift too: the
    # declared points avoid the streets, nothing says GCJ-02 is their datum.
    f = _verdict([50] * 20, [5] * 20, [60] * 20, [5] * 40)
    assert f.code == "datum_ok" and not f.details["conclusive"]
    # The same with random shifts landing 45 m off: GCJ-02 it is.
    f = _verdict([50] * 20, [5] * 20, [60] * 20, [45] * 40)
    assert f.code == "looks_gcj02" and f.details["conclusive"]
    assert f.details["evidence"] == (
        "median 50 m from a street as WGS-84, 5 m as GCJ-02; 100% of points within 30 m as "
        "GCJ-02 (0% as WGS-84, 0% by chance)"
    )


def test_verdict_needs_most_points_on_a_street() -> None:
    # As GCJ-02 half the points are 2 m off and half 40 m (median 21 m, 50 % within 30 m):
    # the median drops from 100 m, but fewer than 60 % sit on a street — only a warning.
    f = _verdict([100] * 20, [2, 40] * 10, [150] * 20, [200] * 40)
    assert f.code == "looks_gcj02" and not f.details["conclusive"]
    assert f.details["median_m"]["GCJ-02"] == 21.0 and f.details["share_within"]["GCJ-02"] == 0.5


def test_row_check_tolerance_from_the_layer() -> None:
    # Declared distances: median of (0, 0, 0, 0, 1, 25, 45, 200) is 0.5 m, so tol = 10 m (the
    # floor) and a row is listed when within 10 m under another datum and >= 40 m as declared.
    here = [0, 0, 0, 0, 1, 25, 45, 200]
    gcj = [300, 300, 300, 300, 0, 3, 9, 11]  # row 7: 25 m < 40 m; row 9: 11 m > 10 m
    bd = [300, 300, 300, 300, 300, 300, 300, 30]
    dist = {
        "wgs84": np.array(here, float),
        "gcj02": np.array(gcj, float),
        "bd09": np.array(bd, float),
    }
    near = np.ones(8, dtype=bool)
    f = street_fit._row_check(dist, near, np.arange(2, 10), "wgs84", 2000.0)
    assert f.details["tolerance_m"] == 10.0
    assert [(r["row"], r["datum"], r["gain_m"]) for r in f.details["rows"]] == [(8, "gcj02", 36.0)]
    # A looser layer (median 20 m): tol = 40 m, rows need >= 160 m as declared.
    dist = {"wgs84": np.array([20] * 7 + [150, 170], float),
            "gcj02": np.array([300] * 7 + [30, 30], float),
            "bd09": np.array([300] * 9, float)}  # fmt: skip
    f = street_fit._row_check(dist, np.ones(9, dtype=bool), np.arange(2, 11), "wgs84", 2000.0)
    assert f.details["tolerance_m"] == 40.0 and [r["row"] for r in f.details["rows"]] == [10]


# --- the binomial tail without scipy.stats ------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 37, 500, 2000, 9969])
@pytest.mark.parametrize("p", [0.0, 1e-6, 0.01, 0.25, 0.5, 0.6, 0.999, 1.0])
def test_binom_tail_equals_scipy(n: int, p: float) -> None:
    from scipy import stats  # the slow path it replaces (a second of imports)

    for k in sorted({0, 1, 2, n // 4, n // 2, int(n * p), int(n * p) + 1, n - 1, n, n + 1}):
        expected = float(stats.binom.sf(k - 1, n, p))
        assert street_fit.binom_tail(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_binom_tail_by_hand() -> None:
    # P(X >= 2) for X ~ B(3, 1/2): (3 + 1) / 8; P(X >= 1) for B(2, 0.1): 1 - 0.81.
    assert street_fit.binom_tail(2, 3, 0.5) == pytest.approx(0.5, rel=1e-12)
    assert street_fit.binom_tail(1, 2, 0.1) == pytest.approx(0.19, rel=1e-12)


def test_nearest_m_equals_geos_bounded_query() -> None:
    import shapely

    rng = np.random.default_rng(5)
    ends = rng.uniform(0, 1000, (300, 2, 2))
    tree = shapely.STRtree(shapely.linestrings(ends))
    xy = np.r_[rng.uniform(-3000, 4000, (500, 2)), [[500.0, 1500.0]]]
    pts = shapely.points(xy)
    for search_m in (50.0, 300.0, 2000.0):
        slow = np.full(len(pts), np.inf)  # the query it replaces: bounded by GEOS itself
        idx, d = tree.query_nearest(pts, max_distance=search_m, return_distance=True)
        np.minimum.at(slow, idx[0], d)
        fast = street_fit._nearest_m(tree, pts, search_m)
        np.testing.assert_array_equal(fast, slow)
        assert np.isinf(fast).any() and np.isfinite(fast).any()
    # A point exactly at the limit counts as found, as with GEOS.
    line = shapely.STRtree([shapely.LineString([(0, 0), (10, 0)])])
    assert street_fit._nearest_m(line, shapely.points([[5.0, 5.0]]), 5.0).tolist() == [5.0]
