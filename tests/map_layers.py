"""Sample layers and payload readers shared by tests/maps and the static-map tests.

The layers are made by hand around one point in Chongqing (inside the GCJ-02 box): five
facilities of four tiers with per-facility and per-tier catchments, worker points of every
coverage class, two sub-districts, two proposed sites, a study area and a few KPIs.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from map_payload import payload
from pyproj import Geod

LON0, LAT0 = 106.55, 29.57  # Chongqing, Jiangbei: inside the GCJ-02 box
GEOD = Geod(ellps="WGS84")


def sample_layers(n_demand: int = 40, seed: int = 0) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    dx = np.array([0.0, 0.01, -0.01, 0.02, -0.02])
    dy = np.array([0.0, 0.01, 0.005, -0.01, 0.0])
    facilities = gpd.GeoDataFrame(
        {
            "fid": [1, 2, 3, 4, 5],
            "name": ["江北区职工服务中心", "观音桥分中心", "<b>站点</b>A", "站点B", "朝天门驿站"],
            "tier": ["centre", "subcentre", "point", "point", "outdoor_station"],
            "type": ["中心", "分中心", "站点", "站点", "驿站"],
            "services": [["法律援助", "心理咨询"], "就业;培训", None, [], "饮水;休息"],
            "capacity": [200, 80, np.nan, 20, 10],
            "workers_reached": [12345.6, 4000, 800, np.nan, 50],
            "snap_m": [12.3, 5, 40, 3, 100],
        },
        geometry=gpd.points_from_xy(LON0 + dx, LAT0 + dy),
        crs=4326,
    )
    rows = [
        {"fid": f, "tier": t, "band_min": b, "geometry": g.buffer(b * 0.0006)}
        for f, t, g in zip(facilities.fid, facilities.tier, facilities.geometry, strict=True)
        for b in (5.0, 10.0, 15.0)
    ]
    catchments = gpd.GeoDataFrame(rows, crs=4326)
    tier_catchments = catchments.dissolve(["tier", "band_min"], as_index=False)[
        ["tier", "band_min", "geometry"]
    ]
    n_reach = rng.integers(0, 4, n_demand)
    n_reach[:3] = [0, 1, 2]  # every class present
    demand = gpd.GeoDataFrame(
        {
            "name": [f"企业{i}" for i in range(n_demand)],
            "weight": rng.integers(1, 200, n_demand).astype(float),
            "covered": n_reach > 0,
            "n_reach": n_reach,
            "nearest_min": np.where(n_reach > 0, rng.uniform(1, 15, n_demand), np.inf),
            "t_centre": rng.uniform(1, 40, n_demand),
        },
        geometry=gpd.points_from_xy(
            LON0 + rng.uniform(-0.04, 0.04, n_demand), LAT0 + rng.uniform(-0.03, 0.03, n_demand)
        ),
        crs=4326,
    )
    subdistricts = gpd.GeoDataFrame(
        {
            "name": ["观音桥街道", "华新街街道"],
            "weight": [1000.0, 2000.0],
            "covered_weight": [800.0, 1000.0],
            "share": [0.8, 0.5],
        },
        geometry=[
            shapely.box(LON0 - 0.04, LAT0 - 0.03, LON0, LAT0 + 0.03),
            shapely.box(LON0, LAT0 - 0.03, LON0 + 0.04, LAT0 + 0.03),
        ],
        crs=4326,
    )
    proposed = gpd.GeoDataFrame(
        {"name": ["建议点1", "建议点2"], "rank": [1, 2], "gain": [523.4, 210.0], "tier": "point"},
        geometry=gpd.points_from_xy([LON0 + 0.03, LON0 - 0.03], [LAT0 + 0.02, LAT0 - 0.02]),
        crs=4326,
    )
    return {
        "facilities": facilities,
        "demand": demand,
        "catchments": catchments,
        "tier_catchments": tier_catchments,
        "subdistricts": subdistricts,
        "proposed": proposed,
        "area": shapely.box(LON0 - 0.04, LAT0 - 0.03, LON0 + 0.04, LAT0 + 0.03),
        "kpis": {
            "share_centre": 0.4,
            "share_any": 0.9,
            "share_cross": 0.5,
            "uncovered_weight": 12345,
            "share_circle_1km": 0.95,
            "mystery_kpi": 3.14159,
        },
    }


def render_page(m: folium.Map) -> str:
    """The whole HTML page of a map."""
    return m.get_root().render()


def meta_field(page: str, field: str) -> Any:
    """A field of the JSON payload (``coverageMeta``) the page draws everything from."""
    return payload(page)[field]


def overlay_specs(page: str) -> dict[str, dict[str, Any]]:
    """Overlay specs by layer key, in drawing order."""
    return {o["key"]: o for o in meta_field(page, "overlays")}


def facility_markers(page: str) -> dict[str, dict[str, Any]]:
    """Facility markers by fid (each with ``lat``, ``lng``, ``popup``, ``tooltip``)."""
    return {
        item["fid"]: item
        for spec in overlay_specs(page).values()
        if spec["kind"] == "markers"
        for item in spec["items"]
        if "fid" in item
    }


def all_popups(page: str) -> list[dict[str, Any]]:
    """Every popup of the page as data: markers' and polygons' (title, rows, hint)."""
    out = []
    for spec in overlay_specs(page).values():
        if spec["kind"] == "markers":
            out += [item["popup"] for item in spec["items"]]
        elif spec["kind"] == "geojson":
            out += [f["properties"]["popup"] for f in spec["data"]["features"] if f["properties"]]
    return out


def popup_rows(popup: dict[str, Any]) -> dict[str, str]:
    return dict(popup["rows"])
