"""The demand after a plan: the proposed sites counted as facilities of their tier."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import copy_small_scenario

from coverage import analysis, pipeline, planning, table_words


@pytest.mark.realdata
def test_the_demand_after_a_plan_counts_the_proposed_sites(tmp_path, wuhan_edges_path):
    toml = copy_small_scenario(tmp_path, wuhan_edges_path, extra="\n[plan]\ngrid_spacing_m = 150\n")
    s = pipeline.load_scenario(toml)
    before = pipeline.run(s, write=False)
    result = pipeline.plan(s, add=3, before=before)
    got = planning.demand_after(result)
    # The plan keeps it, made once, for the plan workbook and the plan map
    assert result.demand is result.demand
    pd.testing.assert_frame_equal(result.demand, got)
    # A second computation: the run again, the proposed sites added as service points.
    old = before.coverage.facilities[["tier", "name", "geometry"]]
    fac = pd.concat([old, result.proposed.assign(tier="point")[list(old)]], ignore_index=True)
    walk = s.walk_model()
    want = analysis.evaluate(
        before.network, gpd.GeoDataFrame(fac, crs=4326), before.coverage.demand[["weight", "geometry"]],
        threshold_min=walk.threshold_min, tier_threshold_min=walk.tier_threshold_min,
        max_snap_m=walk.max_snap_m, include_access=walk.include_access,
        circle_radius_m=walk.circle_radius_m,
    ).demand  # fmt: skip
    for col in ("covered", "n_reach", "covered_point", "n_circle", "covered_circle"):
        assert got[col].tolist() == want[col].tolist(), col
    for col in ("t_centre", "t_subcentre", "t_point", "t_outdoor_station", "nearest_min"):
        np.testing.assert_allclose(got[col], want[col], rtol=1e-9, err_msg=col)
    new = want["nearest_fid"].to_numpy() - len(old)  # a proposed site's row, or negative
    assert got["nearest_proposed"].tolist() == np.where(new >= 0, new, -1).tolist()
    assert got["nearest_fid"].tolist() == np.where(new >= 0, -1, want["nearest_fid"]).tolist()
    left = ~got["covered"].to_numpy()
    moved = left & got["nearest_new"].to_numpy()
    assert moved.any()  # points the plan leaves uncovered, nearer a proposed site than before
    assert (got["nearest_min"] < before.coverage.demand["nearest_min"])[moved].all()

    # The workbook's sheet of what the plan leaves: those times and names, after the plan.
    ws = openpyxl.load_workbook(result.files["excel"])[
        table_words.sheet_name("uncovered_after", s.lang)
    ]
    heads = [c.value for c in ws[1]]
    col = {
        k: heads.index(table_words.header(k, s.lang)) for k in ("nearest_min", "nearest_facility")
    }
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == left.sum()
    minutes = np.array([r[col["nearest_min"]] for r in rows], dtype=float)
    np.testing.assert_allclose(minutes, got.loc[left, "nearest_min"], atol=0.1)
    names = result.proposed["name"].to_numpy()
    shown = [r[col["nearest_facility"]] for r in rows]
    expected = np.where(
        got.loc[left, "nearest_new"],
        names[np.maximum(got.loc[left, "nearest_proposed"], 0)],
        old["name"].to_numpy()[np.maximum(got.loc[left, "nearest_fid"], 0)],
    )
    assert shown == expected.tolist()
