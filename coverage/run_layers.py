"""The run's layers as they are written and drawn: finite numbers, sub-districts with figures.

The GeoPackage (:func:`coverage.export.write_results`) and the maps
(:mod:`coverage.export_maps`) show the same layers; both take them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage.counts import NESTED, with_shown_people

if TYPE_CHECKING:
    from coverage.results import Run

__all__ = ["finite", "subdistrict_layer"]


def finite(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Infinite times become empty (GeoPackage/CSV readers choke on inf)."""
    gdf = gdf.copy()
    for c in gdf.columns:
        if c != "geometry" and pd.api.types.is_float_dtype(gdf[c]):
            gdf[c] = gdf[c].where(np.isfinite(gdf[c]))
    return gdf


def subdistrict_layer(run: Run, *, shown: bool = False) -> gpd.GeoDataFrame | None:
    """The sub-district polygons with their coverage summary (None without sub-districts).

    ``shown``: people as whole numbers that add up to the totals the report and the map's
    panel show (`coverage.counts.shown_counts`; cross-covered within covered), for the map's
    popups; else the exact weights.
    """
    if run.layers.subdistricts is None:
        return None
    subs = run.layers.subdistricts.copy()
    summary = run.coverage.summary
    mine = (summary["scope"] == "subdistrict").to_numpy()
    table = summary[mine].copy()
    if shown and len(table):
        whole = with_shown_people(summary)  # row for row as the summary
        for column in ("weight", "covered_weight", *NESTED):
            if column in table:
                table[column] = whole[column].to_numpy()[mine]
    table = table.drop(columns="scope").rename(columns={"key": run.scenario.area.name_field})
    key = run.scenario.area.name_field
    subs[key] = subs[key].astype(str)
    return subs.merge(table, on=key, how="left")
