"""Worker points: whole worker counts apart from point counts, thinning of covered points only, 30k points."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from map_layers import LAT0, LON0, meta_field, render_page, sample_layers

from coverage import maps, vocab
from coverage.maps import demand as demand_module


def test_worker_counts_are_whole_and_labelled_apart_from_points():
    # Four worker points; weights worked out by hand: uncovered 10.5 + 6 = 16.5 -> 16 (round
    # half to even), covered once 20.25 -> 20, cross-covered 3.
    demand = gpd.GeoDataFrame(
        {"weight": [10.5, 20.25, 3.0, 6.0], "covered": [False, True, True, False],
         "n_reach": [0, 1, 2, 0]},
        geometry=gpd.points_from_xy(LON0 + np.arange(4) * 1e-3, [LAT0] * 4),
        crs=4326,
    )  # fmt: skip
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    kpis = {"uncovered_weight": 15322.1, "total_weight": 2.5, "n_facilities": 3.0, "x": 1.005}
    en = render_page(maps.coverage_map(fac, demand, kpis=kpis, lang="en", basemap="none"))
    names = meta_field(en, "names")
    assert names["demand_uncovered"] == "Not covered: 16 people (2 points)"
    assert names["demand_covered"] == "Covered by 1 facility: 20 people (1 point)"
    assert names["demand_cross"] == "Cross-covered, ≥2 facilities: 3 people (1 point)"
    # The legend rows are the layer names.
    rows = [r["text"] for r in meta_field(en, "legend")["rows"] if "dot" in r]
    assert rows == [names["demand_uncovered"], names["demand_covered"], names["demand_cross"]]
    assert dict(meta_field(en, "kpi")["rows"]) == {
        "People not covered": "15,322",
        "People in total": "2",
        "Facilities": "3",
        "x": "1.00",  # not a count: two decimals
    }
    # Worker point popups get whole workers too (10.5 -> 10, 20.25 -> 20).
    points = {o["key"]: o["data"] for o in meta_field(en, "overlays") if o["kind"] == "points"}
    assert points["demand_uncovered"]["w"] == [10, 6] and points["demand_covered"]["w"] == [20]
    zh = render_page(maps.coverage_map(fac, demand, lang="zh", basemap="none"))
    names = meta_field(zh, "names")
    assert names["demand_uncovered"] == "未覆盖需求点：2个点，共16人"
    assert names["demand_cross"] == "交叉覆盖·≥2个设施：1个点，共3人"
    # Without weights there are only points to count, and the labels say so.
    bare = demand.drop(columns="weight")
    names = meta_field(
        render_page(maps.coverage_map(fac, bare, lang="en", basemap="none")), "names"
    )
    assert names["demand_uncovered"] == "Uncovered demand points (2)"
    assert names["demand_cross"] == "Points cross-covered, ≥2 facilities (1)"
    names = meta_field(
        render_page(maps.coverage_map(fac, bare, lang="zh", basemap="none")), "names"
    )
    assert names["demand_uncovered"] == "未覆盖需求点（2个点）"


def test_covered_points_thinned_but_never_uncovered(monkeypatch):
    monkeypatch.setattr(demand_module, "MAX_COVERED_POINTS", 10)
    big = sample_layers(n_demand=400)
    page = render_page(maps.coverage_map(**big, lang="en"))
    counts = meta_field(page, "counts")
    assert counts["demand_covered"] == 10 and counts["demand_cross"] == 10
    assert counts["demand_uncovered"] == int((~big["demand"].covered).sum())
    assert "Covered points thinned" in page


def test_30k_demand_points_stay_small(tmp_path):
    big = sample_layers(n_demand=30_000, seed=1)
    m = maps.coverage_map(**big)
    path = maps.save_map(m, tmp_path / "big.html", self_contained=True)
    size = path.stat().st_size
    assert size < 15e6, size
    counts = meta_field(path.read_text(encoding="utf-8"), "counts")
    assert sum(counts[k] for k in ("demand_covered", "demand_cross", "demand_uncovered")) == 30_000


def _gap_case() -> tuple[gpd.GeoDataFrame, dict[str, float]]:
    """Six uncovered points, two tiers (centre 15 min, point 10 min), times by hand.

    Minutes over = the smallest of (t_centre - 15, t_point - 10):
      0: min(20-15, 12-10) = 2       -> up to 5
      1: min(30-15, 40-10) = 15      -> 5–15 (15 is in, the bound is inclusive)
      2: min(35.5-15, 26.5-10) = 16.5 -> more than 15
      3: no finite time               -> not reachable
      4: min(15.2-15, -) = 0.2, but not snapped to a street -> not reachable
      5: min(-, 15-10) = 5           -> up to 5 (inclusive)
    """
    inf = np.inf
    demand = gpd.GeoDataFrame(
        {"weight": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0], "covered": [False] * 6,
         "n_reach": [0] * 6,
         "t_centre": [20.0, 30.0, 35.5, inf, 15.2, np.nan],
         "t_point": [12.0, 40.0, 26.5, np.nan, inf, 15.0],
         "snapped": [True, True, True, True, False, True]},
        geometry=gpd.points_from_xy(LON0 + np.arange(6) * 1e-3, [LAT0] * 6),
        crs=4326,
    )  # fmt: skip
    return demand, {"centre": 15.0, "point": 10.0}


def test_minutes_over_and_gap_classes_by_hand():
    demand, thresholds = _gap_case()
    over = demand_module.minutes_over(demand, thresholds)
    np.testing.assert_allclose(over, [2.0, 15.0, 16.5, np.nan, np.nan, 5.0])
    assert demand_module.gap_classes(over).tolist() == [0, 1, 2, 3, 3, 0]
    assert [demand_module.GAP_CLASSES[c] for c in (0, 1, 2, 3)] == [
        "over_5", "over_15", "over_more", "unreachable"
    ]  # fmt: skip
    # Tiers named as a register spells them are the same tiers; a tier without a threshold
    # gets the default standard (15 min): point 12-15 = -3 (within it), 26.5-15 = 11.5, 15-15 = 0.
    np.testing.assert_allclose(
        demand_module.minutes_over(demand, {"Center": 15.0}),
        [-3.0, 15.0, 11.5, np.nan, np.nan, 0.0],
    )
    assert demand_module.gap_classes(np.array([0.0, 5.0, 5.01, 15.0, 15.01])).tolist() == [
        0, 0, 1, 1, 2
    ]  # fmt: skip


def test_uncovered_points_coloured_by_minutes_over_with_a_legend():
    demand, thresholds = _gap_case()
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    for lang, labels in (
        ("en", ["Up to 5 min beyond the standard: 70 people (2 points)",
                "5–15 min beyond the standard: 20 people (1 point)",
                "More than 15 min beyond the standard: 30 people (1 point)",
                "Not reachable on foot (far from streets): 90 people (2 points)"]),
        ("zh", ["超出标准 5 分钟以内：2个点，共70人",
                "超出标准 5–15 分钟：1个点，共20人",
                "超出标准 15 分钟以上：1个点，共30人",
                "步行不可达（离街道过远）：2个点，共90人"]),
    ):  # fmt: skip
        page = render_page(
            maps.coverage_map(fac, demand, lang=lang, basemap="none", thresholds=thresholds)
        )
        spec = next(o for o in meta_field(page, "overlays") if o["key"] == "demand_uncovered")
        assert spec["data"]["g"] == [0, 1, 2, 3, 3, 0]
        assert spec["data"]["o"] == [2.0, 15.0, 16.5, None, None, 5.0]
        colors = [c["fillColor"] for c in spec["classes"]]
        assert colors == [demand_module.GAP_COLORS[c] for c in demand_module.GAP_CLASSES]
        assert len(set(colors)) == 4
        # The popup row of minutes over says "not reachable on foot" where there is none.
        field = spec["fields"][0]
        assert field[1:3] == ["o", "min"]
        assert field[3] == ("not reachable on foot" if lang == "en" else "步行不可达")
        legend = [r for r in meta_field(page, "legend")["rows"] if r.get("sub")]
        assert [r["text"] for r in legend] == labels
        assert [r["dot"] for r in legend] == colors


def test_uncovered_points_without_times_keep_one_colour():
    demand, _ = _gap_case()
    bare = demand.drop(columns=["t_centre", "t_point"])
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    page = render_page(maps.coverage_map(fac, bare, lang="en", basemap="none"))
    spec = next(o for o in meta_field(page, "overlays") if o["key"] == "demand_uncovered")
    assert "classes" not in spec and "g" not in spec["data"]
    assert not [r for r in meta_field(page, "legend")["rows"] if r.get("sub")]


def test_popup_minutes_round_up_so_they_match_the_covered_flag():
    # Threshold 15 (a service point). By hand: 15.04 min is not covered and shows 15.1 (not
    # 15.0), 0.04 min beyond the standard shows 0.1 (not 0.0); 14.96 min is covered and shows
    # 15.0; 15.0 exactly is covered and stays 15.0.
    demand = gpd.GeoDataFrame(
        {"weight": [1.0, 2.0, 3.0], "covered": [False, True, True], "n_reach": [0, 1, 1],
         "t_point": [15.04, 14.96, 15.0], "nearest_min": [15.04, 14.96, 15.0],
         "snapped": [True] * 3},
        geometry=gpd.points_from_xy(LON0 + np.arange(3) * 1e-3, [LAT0] * 3),
        crs=4326,
    )  # fmt: skip
    fac = gpd.GeoDataFrame({"tier": ["point"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    page = render_page(
        maps.coverage_map(fac, demand, lang="en", basemap="none", thresholds={"point": 15.0})
    )
    layers = {o["key"]: o.get("data") for o in meta_field(page, "overlays")}
    gap = layers["demand_uncovered"]
    assert gap["t_point"] == [15.1] and gap["m"] == [15.1] and gap["o"] == [0.1]
    assert layers["demand_covered"]["t_point"] == [15.0, 15.0]


def test_plan_map_draws_newly_covered_points_as_their_own_class():
    # Five points, by hand: covered before once (10) and twice (20); covered only thanks to the
    # plan (30, 4.2 min to the nearest proposed site; 5); left uncovered after the plan (40).
    demand = gpd.GeoDataFrame(
        {"weight": [10.0, 20.0, 30.0, 5.0, 40.0],
         "covered": [True, True, True, True, False],  # after the plan
         "n_reach": [1, 2, 1, 2, 0],
         "plan_added": [False, False, True, True, False],
         "plan_min": [np.inf, 3.0, 4.2, 9.91, np.inf]},
        geometry=gpd.points_from_xy(LON0 + np.arange(5) * 1e-3, [LAT0] * 5),
        crs=4326,
    )  # fmt: skip
    masks = demand_module.demand_classes(demand)
    assert list(masks) == ["demand_covered", "demand_cross", "demand_added", "demand_uncovered"]
    assert {k: np.flatnonzero(v).tolist() for k, v in masks.items()} == {
        "demand_covered": [0],
        "demand_cross": [1],
        "demand_added": [2, 3],
        "demand_uncovered": [4],
    }
    fac = gpd.GeoDataFrame({"tier": ["point"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    for lang, added, left, says in [
        ("zh", "规划新增覆盖：2个点，共35人", "规划后仍未覆盖：1个点，共40人", "规划"),
        ("en", "Newly covered by the plan: 35 people (2 points)",
         "Still uncovered after the plan: 40 people (1 point)", "Plan"),
    ]:  # fmt: skip
        page = render_page(maps.coverage_map(fac, demand, lang=lang, basemap="none"))
        names = meta_field(page, "names")
        assert names["demand_added"] == added and names["demand_uncovered"] == left
        # The legend lists the newly covered points first, in their own colour.
        dots = [(r["dot"], r["text"]) for r in meta_field(page, "legend")["rows"] if "dot" in r]
        assert dots[0] == (demand_module.DEMAND_STYLE["demand_added"]["fillColor"], added)
        assert len({d for d, _ in dots}) == len(dots)
        spec = {o["key"]: o for o in meta_field(page, "overlays")}["demand_added"]
        # Every popup of the class says so first, then the walk to the proposed site.
        assert spec["lead"][0][0] == says and len(spec["lead"]) == 1
        assert spec["data"]["w"] == [30, 5] and spec["data"]["p"] == [4.2, 10.0]
        assert [f[1] for f in spec["fields"]][:2] == ["w", "p"]
        assert "lead" not in {o["key"]: o for o in meta_field(page, "overlays")}["demand_cross"]


def test_run_map_has_no_plan_class():
    demand = gpd.GeoDataFrame(
        {"covered": [True, False], "n_reach": [1, 0]},
        geometry=gpd.points_from_xy([LON0, LON0 + 1e-3], [LAT0, LAT0]),
        crs=4326,
    )
    assert list(demand_module.demand_classes(demand)) == [
        "demand_covered", "demand_cross", "demand_uncovered",
    ]  # fmt: skip


def test_popup_rows_of_minutes_name_the_nearest_facility_of_each_tier():
    # "To Service point" read as a capitalised name mid-phrase; the minutes are the walk to
    # the nearest service point.
    demand, thresholds = _gap_case()
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    for lang, rows in (
        ("en", {"t_centre": "Nearest service centre", "t_point": "Nearest service point"}),
        ("zh", {"t_centre": "到服务中心", "t_point": "到服务站点"}),
    ):
        page = render_page(
            maps.coverage_map(fac, demand, lang=lang, basemap="none", thresholds=thresholds)
        )
        spec = next(o for o in meta_field(page, "overlays") if o["key"] == "demand_uncovered")
        assert {f[1]: f[0] for f in spec["fields"] if f[1].startswith("t_")} == rows


def test_a_declared_types_english_label_keeps_its_capitals_mid_phrase():
    # "Nearest service point" lower-cases the built-in label; "GP clinic" must not read "gP".
    clinic = vocab.Tier("gp_clinic", "社区诊所", "GP clinic")
    demand, thresholds = _gap_case()
    demand["t_gp_clinic"] = 3.0
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    with vocab.using(vocab.Vocabulary([*vocab.active().tiers, clinic])):
        page = render_page(maps.coverage_map(fac, demand, lang="en", basemap="none"))
    spec = next(o for o in meta_field(page, "overlays") if o["key"] == "demand_uncovered")
    rows = {f[1]: f[0] for f in spec["fields"] if f[1].startswith("t_")}
    assert rows["t_gp_clinic"] == "Nearest GP clinic"
    assert rows["t_point"] == "Nearest service point"


def test_a_point_with_under_half_a_person_says_under_one_not_zero():
    # A raster cell mostly outside the area holds 0.3 people: its popup said "People 0" on a
    # point drawn as not covered; rounded half to even, 0.5 is 0 too.
    demand = gpd.GeoDataFrame(
        {"weight": [0.3, 0.5, 0.6, 0.0], "covered": [False] * 4, "n_reach": [0] * 4},
        geometry=gpd.points_from_xy(LON0 + np.arange(4) * 1e-3, [LAT0] * 4),
        crs=4326,
    )
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    page = render_page(maps.coverage_map(fac, demand, lang="en", basemap="none"))
    spec = next(o for o in meta_field(page, "overlays") if o["key"] == "demand_uncovered")
    assert spec["data"]["w"] == ["<1", "<1", 1, 0]


#: Own thresholds by tier (the general one is settings.threshold_min, 15 minutes).
OWN = {"centre": 20.0, "point": 10.0}


def test_times_without_coverage_columns_are_read_at_each_tiers_own_threshold():
    # 18 min from a centre (20-min standard): covered, though over the general 15; 12 min from
    # a service point (10-min standard): not covered, though under 15; 9 min from a point:
    # covered. The general threshold had them uncovered, covered, covered.
    demand = gpd.GeoDataFrame(
        {"nearest_min": [18.0, 12.0, 9.0], "t_centre": [18.0, 40.0, 25.0],
         "t_point": [30.0, 12.0, 9.0]},
        geometry=gpd.points_from_xy(LON0 + np.arange(3) * 1e-3, [LAT0] * 3),
        crs=4326,
    )  # fmt: skip
    masks = demand_module.demand_classes(demand, OWN)
    assert {k: np.flatnonzero(v).tolist() for k, v in masks.items()} == {
        "demand_covered": [0, 2],
        "demand_uncovered": [1],
    }


def test_nearest_minutes_alone_colour_only_what_every_tier_agrees_on():
    # Without the tier of the nearest facility: 8 min is within every tier's standard
    # (covered), 25 beyond every one (not covered); 12 is within the centre's 20 but not the
    # point's 10: unknown, drawn grey and labelled so, not coloured by the general 15.
    demand = gpd.GeoDataFrame(
        {"nearest_min": [8.0, 12.0, 25.0], "weight": [1.0, 5.0, 2.0]},
        geometry=gpd.points_from_xy(LON0 + np.arange(3) * 1e-3, [LAT0] * 3),
        crs=4326,
    )
    masks = demand_module.demand_classes(demand, OWN)
    assert {k: np.flatnonzero(v).tolist() for k, v in masks.items()} == {
        "demand_covered": [0],
        "demand": [1],
        "demand_uncovered": [2],
    }
    fac = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    for lang, says in (
        ("en", "Coverage unknown, tier of the nearest facility not given: 5 people (1 point)"),
        ("zh", "覆盖未知（未给出最近设施的层级）：1个点，共5人"),
    ):
        page = maps.coverage_map(fac, demand, lang=lang, basemap="none", thresholds=OWN)
        names = meta_field(render_page(page), "names")
        assert names["demand"] == says
    # Every tier at one threshold: nothing is unknown.
    same = demand_module.demand_classes(demand, {"centre": 15.0, "point": 15.0})
    assert {k: np.flatnonzero(v).tolist() for k, v in same.items()} == {
        "demand_covered": [0, 1],
        "demand_uncovered": [2],
    }


def test_a_threshold_given_for_every_tier_needs_no_valid_default(monkeypatch):
    # coverage.settings.threshold_min is the fallback of a tier without a threshold; it is
    # checked when read. With a threshold for each tier it is never read, so an analyst's bad
    # default (0 minutes) must not stop the map: the same minutes over as by hand above.
    from coverage import settings
    from coverage.errors import ArgumentError

    demand, thresholds = _gap_case()
    monkeypatch.setattr(settings, "threshold_min", 0.0)
    over = demand_module.minutes_over(demand, thresholds)
    np.testing.assert_allclose(over, [2.0, 15.0, 16.5, np.nan, np.nan, 5.0])
    # ... and a tier without one reads it, and the line names it
    with pytest.raises(ArgumentError, match="coverage.settings.threshold_min"):
        demand_module.minutes_over(demand, {"centre": 15.0})
