"""Polygon layers read with an explicit datum: real Amap districts, hand-made polygons, errors.

Expected coordinates come from prcoords called directly, point by point, never through
coverage.datum; areas and shifts from pyproj's geodesic calculations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import prcoords
import pyproj
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from coverage.errors import InputError
from coverage.inputs.boundaries import read_polygons
from coverage.inputs.file_crs import resolve_crs
from tests.conftest import SHARED_DATA, _missing_data

GEOD = pyproj.Geod(ellps="WGS84")


def _data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_file():
        _missing_data(path)
    return path


def _metres(lon0: Any, lat0: Any, lon1: Any, lat1: Any) -> np.ndarray:
    """Geodesic distances in metres between arrays of points."""
    n = np.broadcast(np.asarray(lon0), np.asarray(lon1)).shape
    ones = np.ones(n)
    return np.asarray(GEOD.inv(lon0 * ones, lat0 * ones, lon1 * ones, lat1 * ones)[2])


def _by_prcoords(geom: shapely.Geometry, func: Any) -> np.ndarray:
    """Every vertex of ``geom`` converted one by one with a prcoords ``(lat, lon)`` function."""
    out = []
    for lon, lat in shapely.get_coordinates(geom):
        lat2, lon2 = func((lat, lon))
        out.append((lon2, lat2))
    return np.array(out)


def _write(
    tmp_path: Path, geoms: list[Any], crs: Any = 4326, fname: str = "p.geojson", **cols: Any
) -> Path:
    path = tmp_path / fname
    gpd.GeoDataFrame(
        cols or {"name": [f"p{i}" for i in range(len(geoms))]}, geometry=geoms, crs=crs
    ).to_file(path)
    return path


# --- real Amap districts ---------------------------------------------------------------------


@pytest.mark.realdata
def test_jianghan_converted_vertex_by_vertex() -> None:
    path = _data("wuhan_districts_gcj02.geojson")
    raw = gpd.read_file(path)
    raw_geom = raw.loc[raw["adcode"] == "420103", "geometry"].iloc[0]
    got = read_polygons(path, crs="gcj02", select={"adcode": 420103}, name_field="name")
    assert got.crs.to_epsg() == 4326
    assert got["name"].tolist() == ["江汉区"]
    assert got.index.tolist() == [1]  # second feature of the file
    assert got.attrs["problems"] == []
    geom = got.geometry.iloc[0]
    # Same structure: parts and holes kept, no vertex added or lost.
    assert geom.geom_type == "MultiPolygon"
    assert [len(p.interiors) for p in geom.geoms] == [len(p.interiors) for p in raw_geom.geoms]
    expected = _by_prcoords(raw_geom, prcoords.gcj_wgs_bored)
    have = shapely.get_coordinates(geom)
    assert have.shape == expected.shape
    assert _metres(have[:, 0], have[:, 1], expected[:, 0], expected[:, 1]).max() < 0.01
    # README: 28.7 km² after conversion; the district moves about 590 m.
    area_km2 = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6
    assert area_km2 == pytest.approx(28.7, abs=0.1)
    c0, c1 = raw_geom.centroid, geom.centroid
    assert 570 < _metres(c0.x, c0.y, c1.x, c1.y) < 610


@pytest.mark.realdata
def test_jiangbei_chongqing() -> None:
    path = _data("chongqing_districts_gcj02.geojson")
    raw = gpd.read_file(path)
    raw_geom = raw.loc[raw["adcode"] == "500105", "geometry"].iloc[0]
    got = read_polygons(path, crs="高德", select={"adcode": "500105"})
    assert got["name"].tolist() == ["江北区"]
    geom = got.geometry.iloc[0]
    assert geom.is_valid
    expected = _by_prcoords(raw_geom, prcoords.gcj_wgs_bored)
    have = shapely.get_coordinates(geom)
    assert _metres(have[:, 0], have[:, 1], expected[:, 0], expected[:, 1]).max() < 0.01
    # Official area 220.77 km²; the Amap outline is a generalisation of it.
    area_km2 = abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6
    assert area_km2 == pytest.approx(220.77, rel=0.02)
    c0, c1 = raw_geom.centroid, geom.centroid
    assert 300 < _metres(c0.x, c0.y, c1.x, c1.y) < 700


@pytest.mark.realdata
def test_declared_wgs84_leaves_amap_file_as_it_is() -> None:
    path = _data("wuhan_districts_gcj02.geojson")
    raw = gpd.read_file(path)
    got = read_polygons(path, crs="wgs84", select={"name": ["江汉区", "硚口区"]})
    assert got["name"].tolist() == ["江汉区", "硚口区"]
    for i, geom in got.geometry.items():
        assert shapely.equals_exact(geom, raw.geometry[i], tolerance=0)


@pytest.mark.realdata
def test_select_lists_available_values_in_file_order() -> None:
    path = _data("chongqing_districts_gcj02.geojson")
    names = gpd.read_file(path)["name"].tolist()
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="gcj02", select={"name": "江汉区"})
    assert str(err.value) == (
        f"{path}, field 'name': no feature has name = '江汉区'; the values are: "
        + ", ".join(names[:20])
        + ", … (38 in all)"
    )


# --- hand-made polygons ----------------------------------------------------------------------

SHELL = [(114.25, 30.58), (114.27, 30.58), (114.27, 30.60), (114.25, 30.60)]
HOLE = [(114.255, 30.585), (114.26, 30.585), (114.26, 30.59), (114.255, 30.59)]
ISLAND = Polygon([(114.30, 30.62), (114.31, 30.62), (114.30, 30.63)])


@pytest.mark.parametrize(
    ("crs", "func"),
    [("gcj02", prcoords.gcj_wgs_bored), ("Baidu", prcoords.bd_wgs_bored)],
)
def test_polygon_with_hole_and_parts(tmp_path: Path, crs: str, func: Any) -> None:
    holed = Polygon(SHELL, [HOLE])
    multi = MultiPolygon([holed, ISLAND])
    path = _write(tmp_path, [holed, multi])
    got = read_polygons(path, crs=crs)
    assert got["name"].tolist() == ["p0", "p1"]
    g0, g1 = got.geometry
    assert g0.geom_type == "Polygon" and len(g0.interiors) == 1
    assert g1.geom_type == "MultiPolygon" and len(g1.geoms) == 2
    assert len(g1.geoms[0].interiors) == 1 and len(g1.geoms[1].interiors) == 0
    for raw, geom in ((holed, g0), (multi, g1)):
        expected = _by_prcoords(raw, func)
        have = shapely.get_coordinates(geom)
        assert _metres(have[:, 0], have[:, 1], expected[:, 0], expected[:, 1]).max() < 0.01
    # The hole moved with its shell: the hole's first vertex, converted on its own.
    lat, lon = func((HOLE[0][1], HOLE[0][0]))
    assert g0.interiors[0].coords[0] == pytest.approx((lon, lat), abs=1e-9)
    assert not g0.contains(Point(lon + 1e-4, lat + 1e-4))  # inside the hole


def test_projected_file_comes_back_in_declared_datum(tmp_path: Path) -> None:
    utm = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)
    ring = [utm.transform(x, y) for x, y in SHELL]
    path = _write(tmp_path, [Polygon(ring)], crs=32650)
    as_wgs = read_polygons(path, crs="wgs84").geometry.iloc[0]
    assert shapely.get_coordinates(as_wgs)[:4] == pytest.approx(np.array(SHELL), abs=1e-9)
    # Projected from GCJ-02 longitudes/latitudes: back to them, then converted.
    as_gcj = read_polygons(path, crs="gcj02").geometry.iloc[0]
    expected = _by_prcoords(Polygon(SHELL), prcoords.gcj_wgs_bored)
    assert shapely.get_coordinates(as_gcj) == pytest.approx(expected, abs=1e-8)
    # A declared EPSG code equal to the file's is fine; None trusts the file.
    assert read_polygons(path, crs=32650).geometry.iloc[0].equals_exact(as_wgs, 1e-12)
    assert read_polygons(path, crs=None).geometry.iloc[0].equals_exact(as_wgs, 1e-12)


def test_geographic_epsg_declared_wins(tmp_path: Path) -> None:
    path = _write(tmp_path, [Polygon(SHELL)], crs=4490)
    got = read_polygons(path, crs="cgcs2000")
    assert got.crs.to_epsg() == 4326
    # CGCS2000 and WGS-84 agree within centimetres.
    assert shapely.get_coordinates(got.geometry.iloc[0])[:4] == pytest.approx(
        np.array(SHELL), abs=1e-6
    )


def test_invalid_empty_and_missing_geometries_are_reported(tmp_path: Path) -> None:
    bowtie = Polygon([(114.0, 30.0), (114.01, 30.01), (114.01, 30.0), (114.0, 30.01)])
    path = tmp_path / "bad.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"name": "bow"},
            "geometry": shapely.geometry.mapping(bowtie),
        },
        {"type": "Feature", "properties": {"name": "none"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"name": "empty"},
            "geometry": {"type": "Polygon", "coordinates": []},
        },
        {
            "type": "Feature",
            "properties": {"name": ""},
            "geometry": shapely.geometry.mapping(Polygon(SHELL)),
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    got = read_polygons(path, crs="wgs84", name_field="name")
    assert got.index.tolist() == [0, 3]
    fixed = got.geometry[0]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon"
    # The two triangles of the bow tie: 2 × ½ × 0.01 × 0.005.
    assert fixed.area == pytest.approx(5e-5, rel=1e-9)
    found = [(p.row, p.field_text(), p.message, p.action) for p in got.attrs["problems"]]
    assert found == [
        (2, "geometry", "missing geometry; skipped", "skipped"),
        (
            1,
            "geometry",
            "invalid polygon (Self-intersection[114.005 30.005]); repaired with make_valid",
            "kept",
        ),
        (3, "geometry", "empty polygon; skipped", "skipped"),
        (4, "name", "no name", "kept"),
    ]


# --- errors ----------------------------------------------------------------------------------


def test_selection_errors(tmp_path: Path) -> None:
    polys = [Polygon(SHELL), ISLAND, Polygon(SHELL)]
    path = _write(
        tmp_path, polys, adcode=[420103, 420104, 420105], name=["a", "b", "c"], kind=["x", "y", "x"]
    )
    # Numbers and text compare equal after stripping.
    assert read_polygons(path, crs="wgs84", select={"adcode": " 420104 "})["name"].tolist() == ["b"]
    assert read_polygons(path, crs="wgs84", select={"kind": "x"}).index.tolist() == [0, 2]
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="wgs84", select={"code": 420103})
    assert (
        str(err.value)
        == f"{path}, field 'code': no field 'code' to select on; the fields are: adcode, name, kind"
    )
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="wgs84", select={"adcode": [420103, 420199]})
    assert str(err.value) == (
        f"{path}, field 'adcode': no feature has adcode = '420199'; the values are: 420103, 420104, 420105"
    )
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="wgs84", select={"kind": "x", "name": "b"})
    assert str(err.value) == (
        f"{path}, field 'name': no feature has name = 'b' among the features the other fields "
        "select; the values are: a, c"
    )
    assert str(err.value.field) == "name" and err.value.path == str(path)
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="wgs84", name_field="名称")
    assert (
        str(err.value)
        == f"{path}, field '名称': no field '名称' for the names; the fields are: adcode, name, kind"
    )


def test_crs_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, [Polygon(SHELL)])
    with pytest.raises(InputError) as err:
        read_polygons(path, crs="gjc02")
    assert str(err.value).startswith(
        f"{path}, field 'crs': unknown coordinate system 'gjc02'; use wgs84"
    )
    with pytest.raises(InputError) as err:
        read_polygons(path, crs=32650)
    assert str(err.value) == (
        f"{path}, field 'crs': the scenario declares crs = EPSG:32650 (projected, metres) but the "
        "file holds longitudes/latitudes (EPSG:4326); correct the crs"
    )
    utm = _write(
        tmp_path,
        [Polygon([(5e5, 3.38e6), (5.1e5, 3.38e6), (5e5, 3.39e6)])],
        crs=32650,
        fname="u.gpkg",
    )
    with pytest.raises(InputError) as err:
        read_polygons(utm, crs=32649)
    assert str(err.value) == (
        f"{utm}, field 'crs': the scenario declares crs = EPSG:32649 but the file is in "
        "EPSG:32650; make them agree (re-project the file or correct the crs)"
    )
    bare = tmp_path / "bare.geojson"
    bare.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [
                                [[5e5, 3.38e6], [5.1e5, 3.38e6], [5e5, 3.39e6], [5e5, 3.38e6]]
                            ],
                        },
                    }
                ],
            }
        )
    )
    # GeoJSON always reads as EPSG:4326: values out of range say the file is not lon/lat.
    with pytest.raises(InputError) as err:
        read_polygons(bare, crs="wgs84")
    assert "not longitudes/latitudes" in str(err.value) and str(err.value.field) == "crs"
    lon, lat = pyproj.Transformer.from_crs(32650, 4326, always_xy=True).transform(5e5, 3.38e6)
    got = read_polygons(bare, crs=32650).geometry.iloc[0]
    assert got.exterior.coords[0] == pytest.approx((lon, lat), abs=1e-9)


def test_resolve_crs_without_any() -> None:
    with pytest.raises(InputError) as err:
        resolve_crs(None, None, "x.shp")
    assert str(err.value) == (
        "x.shp, field 'crs': the file has no coordinate system; declare the layer's crs "
        '(e.g. "wgs84", "gcj02" or an EPSG code)'
    )
    assert resolve_crs("gcj02", None, "x.shp").label == "GCJ-02"


def test_file_and_layer_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_polygons(tmp_path / "nope.geojson", crs="wgs84")
    gpkg = tmp_path / "two.gpkg"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Polygon(SHELL)], crs=4326).to_file(
        gpkg, layer="area"
    )
    gpd.GeoDataFrame({"name": ["b"]}, geometry=[ISLAND], crs=4326).to_file(gpkg, layer="districts")
    assert read_polygons(gpkg, crs="wgs84", layer="districts")["name"].tolist() == ["b"]
    with pytest.raises(InputError) as err:
        read_polygons(gpkg, crs="wgs84", layer="streets")
    assert (
        str(err.value)
        == f"{gpkg}, field 'layer': no layer 'streets'; the layers are: area, districts"
    )
    points = _write(tmp_path, [Point(114, 30), Point(114, 31)], fname="pts.geojson")
    with pytest.raises(InputError) as err:
        read_polygons(points, crs="wgs84")
    assert str(err.value) == (
        f"{points}, row 1, field 'geometry': expected polygons, found Point (2 features, the "
        "first is feature 1)"
    )
    garbage = tmp_path / "g.geojson"
    garbage.write_text("{not json")
    with pytest.raises(InputError) as err:
        read_polygons(garbage, crs="wgs84")
    assert str(err.value).startswith(f"{garbage}: cannot read polygons: ")
    assert "\n" not in str(err.value)


# --- an undeclared datum in China ------------------------------------------------------------


def test_undeclared_crs_in_china_is_named(tmp_path: Path) -> None:
    # An Amap/DataV boundary says EPSG:4326 of GCJ-02 coordinates: read as the file says,
    # ~500 m off. Without a declared crs that is said (kept, field crs); declared, it is not.
    wuhan = _write(tmp_path, [Polygon(SHELL)], fname="wuhan.geojson")
    got = read_polygons(wuhan, crs=None)
    found = [(p.row, p.field_text(), p.action) for p in got.attrs["problems"]]
    assert found == [(None, "crs", "kept")]
    message = got.attrs["problems"][0].text("en")
    assert message.startswith("no crs declared: read in the file's own CRS (EPSG:4326);")
    assert 'set crs = "gcj02"' in message
    assert "未声明坐标系" in got.attrs["problems"][0].text("zh")
    for declared in ("wgs84", "gcj02"):
        assert read_polygons(wuhan, crs=declared).attrs["problems"] == []
    # Outside China there is no other datum to mistake it for.
    liege = Polygon([(5.56, 50.62), (5.58, 50.62), (5.58, 50.64), (5.56, 50.64)])
    path = _write(tmp_path, [liege], fname="liege.geojson")
    assert read_polygons(path, crs=None).attrs["problems"] == []


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_shapefile_without_cpg_keeps_its_chinese_names(tmp_path: Path, encoding: str) -> None:
    # As point layers are read: GDAL would take the DBF for Latin-1 ("½­ººÇø" for 江汉区).
    gdf = gpd.GeoDataFrame(
        {"adcode": ["420103", "420105"], "name": ["江汉区", "汉阳区"]},
        geometry=[shapely.box(114.2, 30.5, 114.3, 30.6), shapely.box(114.1, 30.5, 114.2, 30.6)],
        crs=4326,
    )
    gdf.to_file(tmp_path / "d.shp", encoding=encoding)
    (tmp_path / "d.cpg").unlink(missing_ok=True)  # as older tools write them
    got = read_polygons(tmp_path / "d.shp", crs="wgs84", name_field="name")
    assert list(got["name"]) == ["江汉区", "汉阳区"]
