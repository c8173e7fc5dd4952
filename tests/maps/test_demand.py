"""Worker points: whole worker counts apart from point counts, thinning of covered points only, 30k points."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from map_layers import LAT0, LON0, meta_field, render_page, sample_layers

from coverage import maps
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
    assert names["demand_uncovered"] == "Uncovered workers: 16 (2 points)"
    assert names["demand_covered"] == "Covered by 1 facility: 20 workers (1 point)"
    assert names["demand_cross"] == "Cross-covered, ≥2 facilities: 3 workers (1 point)"
    # The legend rows are the layer names.
    rows = [r["text"] for r in meta_field(en, "legend")["rows"] if "dot" in r]
    assert rows == [names["demand_uncovered"], names["demand_covered"], names["demand_cross"]]
    assert dict(meta_field(en, "kpi")["rows"]) == {
        "Workers not covered": "15,322",
        "Workers in total": "2",
        "Facilities": "3",
        "x": "1.00",  # not a count: two decimals
    }
    # Worker point popups get whole workers too (10.5 -> 10, 20.25 -> 20).
    points = {o["key"]: o["data"] for o in meta_field(en, "overlays") if o["kind"] == "points"}
    assert points["demand_uncovered"]["w"] == [10, 6] and points["demand_covered"]["w"] == [20]
    zh = render_page(maps.coverage_map(fac, demand, lang="zh", basemap="none"))
    names = meta_field(zh, "names")
    assert names["demand_uncovered"] == "未覆盖劳动者点：2个点，共16人"
    assert names["demand_cross"] == "交叉覆盖·≥2个设施：1个点，共3人"
    # Without weights there are only points to count, and the labels say so.
    bare = demand.drop(columns="weight")
    names = meta_field(
        render_page(maps.coverage_map(fac, bare, lang="en", basemap="none")), "names"
    )
    assert names["demand_uncovered"] == "Uncovered worker points (2)"
    assert names["demand_cross"] == "Points cross-covered, ≥2 facilities (1)"
    names = meta_field(
        render_page(maps.coverage_map(fac, bare, lang="zh", basemap="none")), "names"
    )
    assert names["demand_uncovered"] == "未覆盖劳动者点（2个点）"


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
