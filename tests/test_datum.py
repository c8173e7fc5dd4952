"""GCJ-02/BD-09 conversions (prcoords, vectorised) and the wrong-datum detector.

Real data: the Chongqing metro stations (GCJ-02 from Amap beside the source's WGS-84 conversion)
and the Wuhan OSM street network (WGS-84).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import prcoords
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from coverage import datum, tables

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
GEOD = Geod(ellps="WGS84")


def _shared(name: str) -> Path:
    path = SHARED / name
    if not path.is_file():
        msg = f"real-data file {path} is missing (see ../shared/data/README.md)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return path


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _pts(lon, lat) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326)


@pytest.fixture(scope="module")
def metro() -> pd.DataFrame:
    return pd.read_csv(_shared("chongqing_metro_stations_gaode_wgs84.csv"), encoding="utf-8-sig")


# --- names and boxes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("WGS84", "wgs84"),
        ("wgs-84", "wgs84"),
        ("EPSG:4326", "wgs84"),
        ("GCJ-02", "gcj02"),
        ("gcj_02", "gcj02"),
        ("Amap", "gcj02"),
        ("高德", "gcj02"),
        ("BD-09", "bd09"),
        ("baidu", "bd09"),
        ("百度", "bd09"),
        ("EPSG:32650", None),
        ("mars", None),
    ],
)
def test_normalize_datum(name: str, key: str | None) -> None:
    assert datum.normalize_datum(name) == key


def test_convertible_matches_prcoords_box() -> None:
    lon = np.r_[np.linspace(60, 150, 181), 72.004, 137.8347, 72.0039, 137.8348]
    lat = np.r_[np.linspace(-5, 65, 181), 0.8293, 55.8271, 0.8292, 55.8272]
    lo, la = np.meshgrid(lon, lat)
    expected = [
        prcoords.sanity_in_china_p(prcoords.Coords(b, a))
        for a, b in zip(lo.ravel(), la.ravel(), strict=True)
    ]
    assert datum.convertible(lo.ravel(), la.ravel()).tolist() == expected


def test_in_china() -> None:
    assert datum.in_china([106.5, 5.6, 29.5], [29.5, 50.6, 106.5]).tolist() == [True, False, False]


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (114.3, 30.6, 32650),  # Wuhan
        (106.53, 29.58, 32648),  # Chongqing
        (5.57, 50.63, 32631),  # Liège
        (-111.9, 40.76, 32612),  # Salt Lake City
        (151.2, -33.9, 32756),  # Sydney
        (180.0, 0.0, 32660),
    ],
)
def test_utm_epsg(lon: float, lat: float, epsg: int) -> None:
    assert datum.utm_epsg([lon, np.nan], [lat, np.nan]) == epsg
    expected = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).estimate_utm_crs().to_epsg()
    assert epsg == expected or lon == 180.0


# --- conversions ---------------------------------------------------------------------------------


def test_vectorised_equals_prcoords_point_by_point() -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(73, 135, 300), rng.uniform(18, 54, 300)
    cases = [
        ("gcj02", True, prcoords.gcj_wgs_bored),
        ("gcj02", False, prcoords.gcj_wgs),
        ("bd09", True, prcoords.bd_wgs_bored),
        ("bd09", False, prcoords.bd_wgs),
    ]
    for name, precise, fn in cases:
        x, y = datum.to_wgs84(lon, lat, name, precise=precise)
        ref = np.array([fn((b, a)) for a, b in zip(lon, lat, strict=True)])
        np.testing.assert_array_equal(np.c_[y, x], ref)
    for name, fn in (("gcj02", prcoords.wgs_gcj), ("bd09", prcoords.wgs_bd)):
        x, y = datum.from_wgs84(lon, lat, name)
        ref = np.array([fn((b, a)) for a, b in zip(lon, lat, strict=True)])
        np.testing.assert_array_equal(np.c_[y, x], ref)


def test_shapes_nan_scalars_and_repeats() -> None:
    lon = np.array([[106.53, np.nan], [106.53, 114.3]])
    lat = np.array([[29.57, 29.57], [29.57, 30.6]])
    x, y = datum.to_wgs84(lon, lat, "gcj02")
    assert x.shape == (2, 2) and np.isnan(x[0, 1]) and y[0, 1] == 29.57
    assert x[0, 0] == x[1, 0] and y[0, 0] == y[1, 0]  # a repeated point converts once, the same
    sx, sy = datum.from_wgs84(106.53, 29.57, "gcj02")
    assert sx.shape == () and float(sx) == prcoords.wgs_gcj((29.57, 106.53)).lon
    wx, wy = datum.to_wgs84([1.0], [2.0], "wgs84")
    assert wx.tolist() == [1.0] and wy.tolist() == [2.0]
    with pytest.raises(ValueError, match="unknown datum 'mars'"):
        datum.to_wgs84(lon, lat, "mars")


def test_outside_china_unchanged_without_warnings() -> None:
    lon, lat = np.array([5.57, -111.9, 106.53]), np.array([50.63, 40.76, 29.57])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("gcj02", "bd09"):
            for fn in (datum.to_wgs84, datum.from_wgs84):
                x, y = fn(lon, lat, name)
                assert x[:2].tolist() == lon[:2].tolist() and y[:2].tolist() == lat[:2].tolist()
                assert x[2] != lon[2]


@settings(max_examples=200, deadline=None)
@given(lon=st.floats(73.0, 135.0, allow_nan=False), lat=st.floats(18.0, 54.0, allow_nan=False))
def test_round_trips(lon: float, lat: float) -> None:
    for name, tol in (("gcj02", 0.01), ("bd09", 0.05)):
        x, y = datum.from_wgs84(lon, lat, name)
        # The offset is real (hundreds of metres) ...
        assert 50 < _metres(lon, lat, x, y) < 2000
        # ... and the precise inverse undoes it to centimetres, the one-step one to metres.
        bx, by = datum.to_wgs84(x, y, name)
        assert _metres(lon, lat, bx, by) < tol
        rx, ry = datum.to_wgs84(x, y, name, precise=False)
        assert _metres(lon, lat, rx, ry) < 10


def test_chongqing_stations_against_published_conversion(metro: pd.DataFrame) -> None:
    """The source converted with the one-step inverse: ours agree within 1 m (approximate) and
    2.5 m (precise), per ../shared/data/README.md; the GCJ-02 offset itself is ~300–700 m."""
    assert len(metro) == 220
    gcj_lon, gcj_lat = metro["Longitude"].to_numpy(), metro["Latitude"].to_numpy()
    wgs_lon, wgs_lat = metro["WGS84_Lng"].to_numpy(), metro["WGS84_Lat"].to_numpy()
    offset = _metres(gcj_lon, gcj_lat, wgs_lon, wgs_lat)
    assert 300 < offset.min() and offset.max() < 700
    x, y = datum.to_wgs84(gcj_lon, gcj_lat, "gcj02", precise=False)
    assert _metres(x, y, wgs_lon, wgs_lat).max() < 1.0
    x, y = datum.to_wgs84(gcj_lon, gcj_lat, "gcj02")
    assert _metres(x, y, wgs_lon, wgs_lat).max() < 2.5
    # The precise inverse maps back onto Amap's coordinates (forward = the obfuscation).
    fx, fy = datum.from_wgs84(x, y, "gcj02")
    assert _metres(fx, fy, gcj_lon, gcj_lat).max() < 0.01


# --- detector: swapped, out of range, outside China ----------------------------------------------


def test_detects_swapped_and_out_of_range() -> None:
    gdf = gpd.GeoDataFrame(
        {"row": [2, 3, 4, 5]},
        geometry=[
            shapely.Point(106.53, 29.57),
            shapely.Point(29.58, 106.54),  # swapped
            shapely.Point(30.6, 114.3),  # swapped (Wuhan)
            shapely.Point(5.5, 120.0),  # out of range, not China either way
        ],
        crs=4326,
    )
    findings = {f.code: f for f in datum.check_datum(gdf)}
    assert set(findings) == {"latlon_swapped", "out_of_range"}
    sw = findings["latlon_swapped"]
    assert sw.level == "warning" and sw.details["rows"] == [3, 4]
    assert sw.message.startswith("2 of 4 points fit China only with longitude and latitude swapped")
    assert findings["out_of_range"].details["rows"] == [5]


def test_plain_arrays_and_clean_layers() -> None:
    assert datum.check_datum(([106.53, 114.3], [29.57, 30.6])) == []
    liege = _pts([5.57], [50.63])
    assert datum.check_datum(liege) == []  # WGS-84 outside China is fine


def test_outside_china_with_chinese_datum() -> None:
    pts = gpd.GeoDataFrame({"row": [2, 3]}, geometry=_pts([5.57, 106.53], [50.63, 29.57]))
    (f,) = datum.check_datum(pts, declared="gcj02")
    assert f.code == "outside_china" and f.details == {
        "count": 1,
        "of": 2,
        "unchanged": 1,
        "rows": [2],
    }
    assert "declared GCJ-02" in f.message and "used unchanged" in f.message
    assert f.as_dict()["code"] == "outside_china"


# --- detector against streets / truth positions ---------------------------------------------------


def test_chongqing_gcj_columns_are_flagged_against_wgs_positions(metro: pd.DataFrame) -> None:
    """No Chongqing street network offline: the stations' WGS-84 positions stand in for the
    geometry the points should sit on, so "distance to the nearest street" is the distance to
    the nearest true station position."""
    truth = _pts(metro["WGS84_Lng"], metro["WGS84_Lat"])
    gcj_as_wgs = _pts(metro["Longitude"], metro["Latitude"])
    (f,) = datum.check_datum(gcj_as_wgs, truth)
    assert f.code == "looks_gcj02" and f.level == "warning"
    assert "look like GCJ-02 coordinates although the layer is declared WGS-84" in f.message
    assert "declare crs: gcj02" in f.message
    assert f.details["median_m"]["WGS-84"] > 300 and f.details["median_m"]["GCJ-02"] < 2.5
    assert f.details["share_closer"] == 1.0
    (ok,) = datum.check_datum(truth, truth)
    assert ok.code == "datum_ok" and ok.message.startswith("WGS-84 OK")
    # Read as the planner would, with crs: gcj02: now it is fine.
    path = _shared("chongqing_metro_stations_gaode_wgs84.csv")
    layer, _ = tables.read_points(path, crs="gcj02")
    (ok,) = datum.check_datum(layer, truth, declared="gcj02")
    assert ok.code == "datum_ok" and ok.message.startswith("GCJ-02 OK")


@pytest.fixture(scope="module")
def wuhan(wuhan_edges_path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries]:
    """The Wuhan street edges and 400 "facilities": street nodes moved up to 15 m, as entrances
    beside a street are (a sample of real OSM positions, WGS-84)."""
    edges = gpd.read_parquet(wuhan_edges_path)
    rng = np.random.default_rng(11)
    pick = rng.choice(len(edges), 400, replace=False)
    xy = np.array([edges.geometry.iloc[k].coords[0] for k in pick])
    xy += rng.uniform(-15, 15, xy.shape)
    pts = gpd.GeoSeries(shapely.points(xy), crs=edges.crs).to_crs(4326)
    return edges, pts


def _prcoords_shift(pts: gpd.GeoSeries, fn) -> gpd.GeoSeries:
    """Shift points with prcoords itself (not our vectorised wrapper)."""
    out = [fn(prcoords.Coords(p.y, p.x)) for p in pts]
    return _pts([c.lon for c in out], [c.lat for c in out])


def test_wuhan_streets_detect_gcj02(wuhan) -> None:
    edges, pts = wuhan
    (ok,) = datum.check_datum(pts, edges)
    assert ok.code == "datum_ok" and ok.message.startswith("WGS-84 OK")
    assert ok.details["median_m"]["WGS-84"] < 15
    shifted = _prcoords_shift(pts, prcoords.wgs_gcj)
    (f,) = datum.check_datum(shifted, edges)
    assert f.code == "looks_gcj02" and "GCJ-02" in f.message
    assert f.details["median_m"]["GCJ-02"] < 15 < f.details["median_m"]["WGS-84"]


def test_wuhan_streets_detect_bd09_and_double_conversion(wuhan) -> None:
    edges, pts = wuhan
    (f,) = datum.check_datum(_prcoords_shift(pts, prcoords.wgs_bd), edges)
    assert f.code == "looks_bd09"
    # A WGS-84 register declared GCJ-02 gets "converted" away from the streets.
    wrong = _prcoords_shift(pts, prcoords.gcj_wgs_bored)
    (f,) = datum.check_datum(wrong, edges, declared="gcj02")
    assert f.code == "looks_wgs84" and "declare crs: wgs84 instead of gcj02" in f.message
    # A sample of a large layer gives the same verdict.
    (f,) = datum.check_datum(_prcoords_shift(pts, prcoords.wgs_gcj), edges, max_points=50)
    assert f.code == "looks_gcj02" and f.details["points"] == 50


def test_streets_elsewhere_are_inconclusive(wuhan) -> None:
    edges, _ = wuhan
    chongqing = _pts(np.linspace(106.50, 106.56, 10), np.linspace(29.55, 29.60, 10))
    (f,) = datum.check_datum(chongqing, edges)
    assert f.code == "inconclusive" and f.level == "info"
    (f,) = datum.check_datum(chongqing[:3], edges)
    assert f.code == "inconclusive" and "too few points" in f.message


def test_far_from_streets() -> None:
    # One street 1.5 km south of a cluster of points: no datum brings them near it.
    street = gpd.GeoSeries([shapely.LineString([(106.40, 29.56), (106.70, 29.56)])], crs=4326)
    street = street.to_crs(32648)
    pts = _pts(np.linspace(106.53, 106.56, 10), np.full(10, 29.5735))
    findings = datum.check_datum(pts, street)
    assert [f.code for f in findings] == ["far_from_streets"]
    assert "far from the streets under every datum" in findings[0].message
