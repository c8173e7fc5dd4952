"""Tiers: free-form tier names get stable layer keys and show as written."""

from __future__ import annotations

import geopandas as gpd
from map_layers import LAT0, LON0, meta_field, render_page

from coverage import maps


def test_free_form_tiers_get_stable_keys():
    fac = gpd.GeoDataFrame(
        {"tier": ["Center", "驿站", "mobile van", "流动"], "fid": [1, 2, 3, 4]},
        geometry=gpd.points_from_xy([LON0] * 4, [LAT0] * 4),
        crs=4326,
    )
    names = meta_field(render_page(maps.coverage_map(fac, lang="zh")), "names")
    assert names["facilities_centre"] == "服务中心（1处）"
    assert names["facilities_outdoor_station"] == "户外劳动者驿站（1处）"
    assert names["facilities_mobile_van"] == "mobile van（1处）"  # the key tidied, the words not
    assert any(k.startswith("facilities_tier") and v == "流动（1处）" for k, v in names.items())
