"""Datum names, declared coordinate systems and GCJ-02/BD-09 conversions (prcoords, vectorised).

The wrong-datum check is tested in tests/inputs/test_datum_check.py. Real data: the Chongqing
metro stations (GCJ-02 from Amap beside the source's WGS-84 conversion).
"""

from __future__ import annotations

import re
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

from coverage import _prcoords_arrays as prcoords_arrays
from coverage import datum
from tests.conftest import shared_data

GEOD = Geod(ellps="WGS84")


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _pts(lon, lat) -> gpd.GeoSeries:
    return gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326)


@pytest.fixture(scope="module")
def metro() -> pd.DataFrame:
    return pd.read_csv(
        shared_data("chongqing_metro_stations_gaode_wgs84.csv"), encoding="utf-8-sig"
    )


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


_ALL_PRCOORDS = (
    prcoords.wgs_gcj,
    prcoords.wgs_bd,
    prcoords.gcj_wgs,
    prcoords.bd_wgs,
    prcoords.gcj_wgs_bored,
    prcoords.bd_wgs_bored,
)


def test_every_conversion_runs_on_arrays() -> None:
    # Otherwise the equality tests here would compare the slow path with itself.
    assert set(prcoords_arrays.vector_table()) == set(_ALL_PRCOORDS)


def test_array_path_equals_point_by_point_across_the_box_and_at_its_edges() -> None:
    rng = np.random.default_rng(11)
    lon = np.r_[rng.uniform(72.004, 137.8347, 400), 72.005, 72.01, 137.83, 100.0, 100.0, 73.0]
    lat = np.r_[rng.uniform(0.8293, 55.8271, 400), 30.0, 0.83, 55.826, 0.8294, 55.8270, 55.82]
    pairs = np.column_stack([lat, lon])
    for func in _ALL_PRCOORDS:
        ref = prcoords_arrays.point_by_point(func, pairs)
        out = prcoords_arrays.convert(func, lon, lat)
        np.testing.assert_array_equal(np.column_stack([out[1], out[0]]), ref)


def test_a_prcoords_that_fails_on_arrays_is_used_point_by_point(monkeypatch) -> None:
    class Scalar:  # math that refuses arrays, like a prcoords rewritten with scalar-only calls
        pi = np.pi

        def __getattr__(self, name):
            def call(*args):
                return getattr(__import__("math"), name)(*(float(a) for a in args))

            return call

    def scalar_namespace():
        ns = dict(vars(prcoords))
        ns["math"] = Scalar()
        return ns

    prcoords_arrays.vector_table.cache_clear()
    monkeypatch.setattr(prcoords_arrays, "_array_prcoords", scalar_namespace)
    try:
        assert prcoords_arrays.vector_table() == {}
        lon, lat = np.array([114.3, 106.5]), np.array([30.6, 29.5])
        x, y = datum.to_wgs84(lon, lat, "gcj02")
        ref = [prcoords.gcj_wgs_bored((b, a)) for a, b in zip(lon, lat, strict=True)]
        np.testing.assert_array_equal(np.c_[y, x], ref)
    finally:
        prcoords_arrays.vector_table.cache_clear()


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


# --- crs names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("wgs84", "wgs84"),
        ("WGS-84", "wgs84"),
        ("wgs 84", "wgs84"),
        ("EPSG:4326", "wgs84"),
        (4326, "wgs84"),
        ("GCJ_02", "gcj02"),
        ("火星坐标", "gcj02"),
        ("BD-09", "bd09"),
        ("CGCS2000", 4490),
        ("EPSG:4490", 4490),
        (32650, 32650),
        ("epsg:32650", 32650),
        ("32631", 32631),
    ],
)
def test_parse_crs_accepts_documented_names_and_epsg_codes(value, expected) -> None:
    assert datum.parse_crs(value) == expected


@pytest.mark.parametrize("value", ["mars", "wgs-84-ish", "+proj=longlat", "EPSG:99999", True, 4.5])
def test_parse_crs_rejects_anything_else_listing_the_choices(value) -> None:
    with pytest.raises(ValueError) as err:
        datum.parse_crs(value)
    msg = str(err.value)
    assert "bd09 (bd09ll, bd, baidu, 百度)" in msg and "cgcs2000" in msg and '"EPSG:4326"' in msg


def test_readme_documents_exactly_the_aliases() -> None:
    """README's list of crs names is the list the code accepts (digits aside: EPSG codes)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    documented: dict[str, set[str]] = {}
    for key in ("wgs84", "gcj02", "bd09", "cgcs2000"):
        (line,) = [ln for ln in readme.split("\n* ") if ln.startswith(f"`{key}` — also ")]
        documented[key] = set(re.findall(r"`([^`]+)`", line.split("\n\n")[0]))
    for key, names in documented.items():
        expected = {key} | {
            a
            for a, k in {**datum.DATUM_ALIASES, **datum.CRS_ALIASES}.items()
            if (k == key or (key == "cgcs2000" and k == 4490)) and not a.isdigit()
        }
        assert {re.sub(r"[\s_\-:]", "", n.lower()) for n in names} == expected
        for name in names:
            assert datum.parse_crs(name) == (4490 if key == "cgcs2000" else key)


# --- coordinates written for people: both datums, the chosen one first ----------------------


def test_add_coordinates_gives_both_pairs_in_the_chosen_order() -> None:
    table = pd.DataFrame({"name": ["a", "b", "c"]}, index=[7, 3, 9])  # any index
    lon, lat = [114.2673, 114.3, 2.35], [30.5957, 30.6, 48.85]  # Wuhan ×2, Paris
    out = datum.add_coordinates(table, lon, lat)
    assert out.columns.tolist() == ["gcj02_lon", "gcj02_lat", "wgs84_lon", "wgs84_lat", "name"]
    assert out.index.tolist() == [7, 3, 9] and "gcj02_lon" not in table  # a copy
    for i in range(2):  # prcoords' own function, one point at a time, (lat, lon)
        g_lat, g_lon = prcoords.wgs_gcj((lat[i], lon[i]))
        assert out.iloc[i, :4].tolist() == pytest.approx([g_lon, g_lat, lon[i], lat[i]], abs=1e-6)
    # Outside China there is no obfuscation: both pairs are the same.
    assert out.iloc[2, :4].tolist() == [2.35, 48.85, 2.35, 48.85]
    # Rounded to 6 decimals (0.1 m): what people paste.
    assert (out.iloc[:, :4].to_numpy() == out.iloc[:, :4].to_numpy().round(6)).all()

    wgs_first = datum.add_coordinates(table, lon, lat, "WGS-84", at=1)
    assert wgs_first.columns.tolist() == [
        "name", "wgs84_lon", "wgs84_lat", "gcj02_lon", "gcj02_lat",
    ]  # fmt: skip
    assert wgs_first["gcj02_lon"].tolist() == out["gcj02_lon"].tolist()


def test_add_coordinates_replaces_its_own_columns_and_refuses_other_datums() -> None:
    table = pd.DataFrame({"wgs84_lon": [0.0], "wgs84_lat": [0.0], "v": [1]})
    out = datum.add_coordinates(table, [114.3], [30.6], "amap")
    assert out.columns.tolist() == ["gcj02_lon", "gcj02_lat", "wgs84_lon", "wgs84_lat", "v"]
    assert out["wgs84_lon"].tolist() == [114.3]
    with pytest.raises(ValueError, match="gcj02 or wgs84"):
        datum.add_coordinates(table, [114.3], [30.6], "bd09")


def test_output_columns_read_back_in_their_own_datum() -> None:
    """Each output column names its datum in a way the register reader understands."""
    from coverage.inputs.columns import _split_name

    for key, pair in datum.COORDINATE_COLUMNS.items():
        assert [_split_name(c) for c in pair] == [("lon", key), ("lat", key)]


def test_one_coordinate_text_for_every_reader() -> None:
    """Console, report and popups show a pair as Amap's search box takes it: "lon,lat"."""
    from coverage.datum import coordinate_text
    from coverage.maps.layers import coordinate_rows

    assert coordinate_text(114.3, 30.59) == "114.300000,30.590000"
    row = pd.Series({"name": "x", "gcj02_lon": 114.305, "gcj02_lat": 30.595})
    # The popup row names the datum and holds the same text (it read "114.305000, 30.595000").
    assert coordinate_rows(row, "zh") == [("高德坐标（GCJ-02）", "114.305000,30.595000")]
