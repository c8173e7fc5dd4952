"""The plan map's layer of proposed sites' catchments: one toggle, named by its minutes."""

from __future__ import annotations

import geopandas as gpd
import shapely
from map_layers import LAT0, LON0, meta_field, render_page

from coverage import maps
from coverage.maps.plan import PROPOSED_CATCHMENT_STYLE, catchment_legend_row


def _catchments(bands):
    boxes = [shapely.box(LON0, LAT0, LON0 + 0.01 * (i + 1), LAT0 + 0.01) for i in range(len(bands))]
    return gpd.GeoDataFrame(
        {"tier": ["point"] * len(bands), "band_min": bands}, geometry=boxes, crs=4326
    )


def test_proposed_catchments_are_one_layer_named_by_minutes_with_a_legend_row():
    fac = gpd.GeoDataFrame({"tier": ["point"]}, geometry=[shapely.Point(LON0, LAT0)], crs=4326)
    for lang, bands, name in [
        ("zh", [15.0], "建议新增站点步行范围（15分钟）"),
        ("en", [10.0, 15.0], "Proposed sites: walking catchment (10 min, 15 min)"),
    ]:
        page = render_page(
            maps.coverage_map(
                fac, proposed_catchments=_catchments(bands), lang=lang, basemap="none"
            )
        )
        specs = {o["key"]: o for o in meta_field(page, "overlays")}
        spec = specs["proposed_catchments"]
        assert meta_field(page, "names")["proposed_catchments"] == name
        assert spec["kind"] == "geojson" and spec["show"] and not spec["interactive"]
        assert len(spec["data"]["features"]) == len(bands)
        assert meta_field(page, "counts")["proposed_catchments"] == len(bands)
        assert spec["style"] == PROPOSED_CATCHMENT_STYLE
        legend = meta_field(page, "legend")["rows"]
        assert catchment_legend_row(name) in legend
    # Without them, no such layer.
    page = render_page(maps.coverage_map(fac, lang="en", basemap="none"))
    assert "proposed_catchments" not in meta_field(page, "names")


def test_legend_swatch_is_the_fill_as_drawn():
    # #6c3483 = (108, 52, 131); fill opacity 0.12, shown twice as strong on the small swatch.
    row = catchment_legend_row("x")
    assert row == {"fill": ["rgba(108,52,131,0.24)", "#6c3483"], "text": "x"}
