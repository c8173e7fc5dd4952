"""The wrong-datum check: swapped and out-of-range points, points outside China, the fit to the
streets as a layer and row by row, and what a scenario run does with the findings.

Real data: the Chongqing metro stations (GCJ-02 from Amap beside the source's WGS-84 conversion),
the Wuhan, Liège and Salt Lake City OSM street networks (WGS-84).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import prcoords
import pytest
import shapely
from pyproj import Geod

from coverage import network, pipeline
from coverage.errors import InputError
from coverage.inputs.datum_check import DatumFinding, check_datum, review
from coverage.inputs.points import read_points
from coverage.scenario import Scenario, load_scenario

from .helpers import (
    SAMPLE,
    lonlat_points,
    shared_data,
)

GEOD = Geod(ellps="WGS84")


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.fixture(scope="module")
def metro() -> pd.DataFrame:
    return pd.read_csv(
        shared_data("chongqing_metro_stations_gaode_wgs84.csv"), encoding="utf-8-sig"
    )


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
    findings = {f.code: f for f in check_datum(gdf)}
    assert set(findings) == {"latlon_swapped", "out_of_range"}
    sw = findings["latlon_swapped"]
    assert sw.level == "warning" and sw.details["rows"] == [3, 4]
    assert sw.message.startswith("2 of 4 points fit China only with longitude and latitude swapped")
    assert findings["out_of_range"].details["rows"] == [5]


def test_plain_arrays_and_clean_layers() -> None:
    assert check_datum(([106.53, 114.3], [29.57, 30.6])) == []
    liege = lonlat_points([5.57], [50.63])
    assert check_datum(liege) == []  # WGS-84 outside China is fine


def test_outside_china_with_chinese_datum() -> None:
    pts = gpd.GeoDataFrame({"row": [2, 3]}, geometry=lonlat_points([5.57, 106.53], [50.63, 29.57]))
    (f,) = check_datum(pts, declared="gcj02")
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
    truth = lonlat_points(metro["WGS84_Lng"], metro["WGS84_Lat"])
    gcj_as_wgs = lonlat_points(metro["Longitude"], metro["Latitude"])
    (f,) = check_datum(gcj_as_wgs, truth)
    assert f.code == "looks_gcj02" and f.level == "warning"
    assert f.message.startswith(
        "the points fit the streets as GCJ-02, not as WGS-84 (the declared datum): median "
    )
    assert f.message.endswith('declare crs = "gcj02"')
    assert f.details["median_m"]["WGS-84"] > 300 and f.details["median_m"]["GCJ-02"] < 2.5
    assert f.details["share_closer"] == 1.0 and f.details["conclusive"]
    # Every station is within 2.5 m of its true position as GCJ-02, none as WGS-84 (>300 m).
    assert f.details["share_within"] == {"WGS-84": 0.0, "GCJ-02": 1.0, "BD-09": 0.0}
    (ok,) = check_datum(truth, truth)
    assert ok.code == "datum_ok" and ok.message.startswith("WGS-84 confirmed")
    # Read as the planner would, with crs: gcj02: now it is fine.
    path = shared_data("chongqing_metro_stations_gaode_wgs84.csv")
    layer, _ = read_points(path, crs="gcj02")
    (ok,) = check_datum(layer, truth, declared="gcj02")
    assert ok.code == "datum_ok" and ok.message.startswith("GCJ-02 confirmed")


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
    return lonlat_points([c.lon for c in out], [c.lat for c in out])


def test_wuhan_streets_detect_gcj02(wuhan) -> None:
    edges, pts = wuhan
    (ok,) = check_datum(pts, edges)
    assert ok.code == "datum_ok" and ok.message.startswith("WGS-84 confirmed")
    assert ok.details["median_m"]["WGS-84"] < 15
    shifted = _prcoords_shift(pts, prcoords.wgs_gcj)
    (f,) = check_datum(shifted, edges)
    assert f.code == "looks_gcj02" and "GCJ-02" in f.message
    assert f.details["median_m"]["GCJ-02"] < 15 < f.details["median_m"]["WGS-84"]


def test_wuhan_streets_detect_bd09_and_double_conversion(wuhan) -> None:
    edges, pts = wuhan
    (f,) = check_datum(_prcoords_shift(pts, prcoords.wgs_bd), edges)
    assert f.code == "looks_bd09"
    # A WGS-84 register declared GCJ-02 gets "converted" away from the streets.
    wrong = _prcoords_shift(pts, prcoords.gcj_wgs_bored)
    (f,) = check_datum(wrong, edges, declared="gcj02")
    assert f.code == "looks_wgs84" and f.message.endswith('declare crs = "wgs84"')
    assert "not as GCJ-02 (the declared datum)" in f.message and f.details["conclusive"]
    # A sample of a large layer gives the same verdict.
    (f,) = check_datum(_prcoords_shift(pts, prcoords.wgs_gcj), edges, max_points=50)
    assert f.code == "looks_gcj02" and f.details["points"] == 50


def test_streets_elsewhere_are_inconclusive(wuhan) -> None:
    edges, _ = wuhan
    chongqing = lonlat_points(np.linspace(106.50, 106.56, 10), np.linspace(29.55, 29.60, 10))
    (f,) = check_datum(chongqing, edges)
    assert f.code == "inconclusive" and f.level == "info"
    (f,) = check_datum(chongqing[:3], edges)
    assert f.code == "inconclusive" and "too few points" in f.message


def test_far_from_streets() -> None:
    # One street 1.5 km south of a cluster of points: no datum brings them near it.
    street = gpd.GeoSeries([shapely.LineString([(106.40, 29.56), (106.70, 29.56)])], crs=4326)
    street = street.to_crs(32648)
    pts = lonlat_points(np.linspace(106.53, 106.56, 10), np.full(10, 29.5735))
    findings = check_datum(pts, street)
    assert [f.code for f in findings] == ["far_from_streets"]
    assert "far from the streets under every datum" in findings[0].message


# --- enforcement on the sample register and demand (real Wuhan streets) -------------------------


def _scenario(tmp_path: Path, edges: Path, facilities: str, demand: str = "") -> Scenario:
    """A scenario on the sample files (absolute paths) with the given layer settings."""
    text = (
        f'name = "t"\n[network]\npath = "{edges.as_posix()}"\n'
        f'[[facilities]]\npath = "{(SAMPLE / "facilities.xlsx").as_posix()}"\n'
        f'columns = {{ tier = "层级" }}\n{facilities}\n'
    )
    if demand:
        text += (
            f'[[demand]]\npath = "{(SAMPLE / "workplaces.csv").as_posix()}"\nweight = "workers"\n'
            f"{demand}\n"
        )
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    return load_scenario(tmp_path / "s.toml")


def _nearest_street_m(net, lon, lat) -> np.ndarray:
    """Distance from each point to the nearest walkable street, by geopandas' own join."""
    pts = gpd.GeoDataFrame(geometry=lonlat_points(lon, lat)).to_crs(net.crs)
    joined = gpd.sjoin_nearest(pts, net.edges[["geometry"]], distance_col="d")
    return joined.groupby(level=0)["d"].min().sort_index().to_numpy()


@pytest.mark.realdata
def test_sample_layers_declared_correctly_pass(tmp_path, wuhan_net, wuhan_edges_path) -> None:
    s = _scenario(tmp_path, wuhan_edges_path, 'crs = "gcj02"', 'crs = "wgs84"')
    layers = pipeline.read_layers(s, wuhan_net)
    jobs = len(pd.read_csv(SAMPLE / "workplaces.csv"))
    assert len(layers.facilities) == 190 and len(layers.demand) == jobs
    assert not [p for p in layers.problems if "datum" in p.message or "street" in p.message]
    assert any(str(n).startswith("facilities.xlsx: GCJ-02 confirmed") for n in layers.notes)
    assert any(str(n).startswith("workplaces.csv: WGS-84 confirmed") for n in layers.notes)


@pytest.mark.realdata
@pytest.mark.parametrize("spelling", ["wgs84", "WGS-84", "EPSG:4326"])
def test_register_declared_wgs84_stops_with_evidence_and_fix(
    tmp_path, wuhan_net, wuhan_edges_path, spelling
) -> None:
    """The register holds Amap (GCJ-02) positions of street intersections; declared WGS-84, the
    raw numbers are ~590 m off. Expected numbers computed here by geopandas' nearest join."""
    raw, _ = read_points(SAMPLE / "facilities.xlsx", crs="wgs84")
    lon, lat = raw.geometry.x.to_numpy(), raw.geometry.y.to_numpy()
    as_wgs = _nearest_street_m(wuhan_net, lon, lat)
    back = [prcoords.gcj_wgs_bored((b, a)) for a, b in zip(lon, lat, strict=True)]
    glon, glat = [c.lon for c in back], [c.lat for c in back]
    as_gcj = _nearest_street_m(wuhan_net, glon, glat)
    assert np.median(as_wgs) > 20 and as_gcj.max() < 1  # the sample's premise
    s = _scenario(tmp_path, wuhan_edges_path, f'crs = "{spelling}"')
    with pytest.raises(InputError) as err:
        pipeline.read_layers(s, wuhan_net)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(
        f"{SAMPLE / 'facilities.xlsx'}, field 'crs': the points are declared WGS-84 "
        '(crs = "wgs84") but fit the streets as GCJ-02: '
        f"median {np.median(as_wgs):.0f} m from a street as WGS-84, "
        f"{np.median(as_gcj):.0f} m as GCJ-02; 100% of points within 30 m as GCJ-02 "
        f"({np.mean(as_wgs <= 30):.0%} as WGS-84, "
    )
    assert msg.endswith('by chance); set crs = "gcj02" for this layer, or set datum_check = '
                       '"warn" to keep going')  # fmt: skip


@pytest.mark.realdata
@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_demand_declared_chinese_stops(tmp_path, wuhan_net, wuhan_edges_path, crs) -> None:
    s = _scenario(tmp_path, wuhan_edges_path, 'crs = "gcj02"', f'crs = "{crs}"')
    with pytest.raises(
        InputError, match=r"workplaces.csv, field 'crs': .* fit the streets as WGS-84"
    ):
        pipeline.read_layers(s, wuhan_net)


@pytest.mark.realdata
def test_datum_check_warn_keeps_going_and_off_skips(tmp_path, wuhan_net, wuhan_edges_path) -> None:
    s = _scenario(tmp_path, wuhan_edges_path, 'crs = "wgs84"\ndatum_check = "warn"')
    layers = pipeline.read_layers(s, wuhan_net)
    (p,) = [p for p in layers.problems if p.field_text() == "crs"]
    assert p.row is None and p.action == "kept"
    assert p.message.startswith("the points fit the streets as GCJ-02, not as WGS-84")
    assert p.message.endswith('declare crs = "gcj02"; kept as declared')
    s = _scenario(tmp_path, wuhan_edges_path, 'crs = "wgs84"\ndatum_check = "off"')
    layers = pipeline.read_layers(s, wuhan_net)
    assert not [p for p in layers.problems if p.field_text() == "crs"]
    (note,) = layers.notes  # how the file was read, nothing on its datum
    assert str(note).startswith("facilities.xlsx: XLSX")


# --- correct layers away from the streets never trip it ------------------------------------------


@pytest.fixture(scope="module")
def interior(wuhan_net) -> gpd.GeoSeries:
    """Random places in Jianghan at least 60 m from any walkable street (block interiors, parks,
    lakes), correct WGS-84: every other reading is a random shift, closer to a street."""
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(114.22, 114.30, 3000), rng.uniform(30.57, 30.64, 3000)
    d = _nearest_street_m(wuhan_net, lon, lat)
    keep = (d >= 60) & (d <= 500)
    return lonlat_points(lon[keep][:300], lat[keep][:300])


@pytest.mark.realdata
@pytest.mark.parametrize("n", [12, 40, 300])
def test_points_off_the_streets_are_no_evidence(wuhan_net, interior, n) -> None:
    findings = check_datum(interior[:n], wuhan_net.edges, per_row=True)
    assert len(interior) == 300
    assert not any(f.details.get("conclusive") for f in findings)
    # Not street-bound as declared: no row can be told apart by its distance to a street.
    assert "rows_other_datum" not in {f.code for f in findings}
    review(findings, "x.csv")  # strict, and does not raise


# --- rows in another datum, one by one -----------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_register(wuhan_net, tmp_path_factory) -> SimpleNamespace:
    """45 facility rows at the midpoints of walkable Jianghan streets, written in GCJ-02 with
    prcoords; 5 of them written in BD-09 instead (as if copied from Baidu). Those 5 are picked
    among streets whose BD-09 numbers, read as GCJ-02, land 100–250 m from any street (a wrong
    reading that lands beside another street cannot be told apart, see street_fit._row_check), so
    they stay within the 300 m snapping limit."""
    e = wuhan_net.edges
    box = gpd.GeoSeries([shapely.box(114.24, 30.58, 114.29, 30.62)], crs=4326)
    e = e[e.intersects(box.to_crs(e.crs).iloc[0]) & (e.length > 30)]
    rng = np.random.default_rng(8)
    order = rng.permutation(len(e))
    mids = e.geometry.iloc[order].interpolate(0.5, normalized=True).to_crs(4326)
    bd_at = [4, 13, 22, 31, 40]
    good, bad = [], []
    for p in mids:
        if len(good) < 40:
            c = prcoords.wgs_gcj((p.y, p.x))
            good.append((c.lon, c.lat))
        elif len(bad) < 5:
            b = prcoords.wgs_bd((p.y, p.x))
            misread = prcoords.gcj_wgs_bored((b.lat, b.lon))
            (d,) = _nearest_street_m(wuhan_net, [misread.lon], [misread.lat])
            if 100 <= d <= 250:
                bad.append((b.lon, b.lat, d))
        else:
            break
    assert len(bad) == 5
    rows = good[:]
    for i, (x, y, _) in zip(bd_at, bad, strict=True):
        rows.insert(i, (x, y))
    lines = ["名称,经度,纬度,层级"] + [
        f"站点{k:02d},{x:.7f},{y:.7f},point" for k, (x, y) in enumerate(rows)
    ]
    path = tmp_path_factory.mktemp("mixed") / "mixed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return SimpleNamespace(
        path=path,
        rows=[i + 2 for i in bd_at],  # spreadsheet rows: the header is row 1
        off_m=[d for *_, d in bad],
    )


@pytest.mark.realdata
def test_rows_in_another_datum_are_reported_one_by_one(wuhan_net, mixed_register) -> None:
    layer, problems = read_points(mixed_register.path, crs="gcj02")
    assert problems == [] and len(layer) == 45
    # The row warning first (warnings lead), then the layer's verdict.
    rows, ok = check_datum(layer, wuhan_net.edges, declared="gcj02", per_row=True)
    assert ok.code == "datum_ok" and ok.details["street_bound"]
    assert rows.code == "rows_other_datum" and rows.level == "warning"
    assert [r["row"] for r in rows.details["rows"]] == mixed_register.rows
    assert rows.message.startswith(f"5 of 45 points fit the streets much better under another "
                                   f"datum than GCJ-02 (rows "
                                   f"{', '.join(map(str, mixed_register.rows))})")  # fmt: skip
    for r, off in zip(rows.details["rows"], mixed_register.off_m, strict=True):
        assert r["datum"] == "bd09" and r["fit_m"] < 0.5  # back on its street as BD-09
        assert r["declared_m"] == pytest.approx(off, abs=0.1)
        assert r["gain_m"] == pytest.approx(off - r["fit_m"], abs=0.1)
    # Without the per-row check, or on the 40 good rows alone, nothing is said about rows.
    assert "rows_other_datum" not in {
        f.code for f in check_datum(layer, wuhan_net.edges, declared="gcj02")
    }
    good = layer[~layer["row"].isin(mixed_register.rows)]
    findings = check_datum(good, wuhan_net.edges, declared="gcj02", per_row=True)
    assert [f.code for f in findings] == ["datum_ok"]


@pytest.mark.realdata
def test_pipeline_lists_the_rows_and_keeps_them(
    tmp_path, wuhan_net, wuhan_edges_path, mixed_register
) -> None:
    text = (
        f'name = "t"\n[network]\npath = "{wuhan_edges_path.as_posix()}"\n'
        f'[[facilities]]\npath = "{mixed_register.path.as_posix()}"\ncrs = "amap"\n'
    )
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    layers = pipeline.read_layers(load_scenario(tmp_path / "s.toml"), wuhan_net)
    mine = [p for p in layers.problems if "datum" in p.message or "BD-09" in p.message]
    assert [(p.row, p.field_text(), p.action) for p in mine] == [(r, "经度", "kept") for r in
                                                           mixed_register.rows]  # fmt: skip
    for p, off in zip(mine, mixed_register.off_m, strict=True):
        assert p.message.startswith(
            "fits the streets as BD-09, not as GCJ-02 (the layer's crs): 0 m from a street as "
            f"BD-09, {off:.0f} m as GCJ-02 ("
        )
        assert "; kept as GCJ-02" in p.message
    # Kept as declared: all 45 rows are in the layer.
    assert layers.facilities["row"].tolist() == list(range(2, 47))


# --- longitude/latitude swaps anywhere -----------------------------------------------------------


def _street_points(edges: gpd.GeoDataFrame, n: int, seed: int) -> gpd.GeoSeries:
    """Midpoints of ``n`` random street edges, WGS-84."""
    pick = np.random.default_rng(seed).choice(len(edges), n, replace=False)
    return edges.geometry.iloc[pick].interpolate(0.5, normalized=True).to_crs(4326)


@pytest.fixture(scope="module")
def liege() -> network.WalkNetwork:
    return network.load(shared_data("liege_streets_osm.parquet"))


def _write_lonlat(path: Path, lon, lat) -> Path:
    lines = ["name,lon,lat,tier"] + [
        f"s{i},{x:.7f},{y:.7f},point" for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.realdata
def test_liege_swapped_columns_are_detected(tmp_path, liege) -> None:
    """In Belgium both orders are valid numbers (5.6, 50.6 and 50.6, 5.6): only the street
    network's extent tells that the columns are exchanged."""
    pts = _street_points(liege.edges, 30, seed=4)
    path = _write_lonlat(tmp_path / "liege.csv", pts.y, pts.x)  # columns exchanged
    layer, problems = read_points(path)
    assert problems == [] and len(layer) == 30
    (f, info) = check_datum(layer, liege.edges, per_row=True)
    assert f.code == "latlon_swapped" and f.details["all"] and f.details["count"] == 30
    assert f.message.startswith(
        "30 of 30 points fit the street network's extent only with longitude and latitude swapped"
    )
    assert info.code == "inconclusive"  # outside China the datums coincide
    (tmp_path / "s.toml").write_text(
        f'name = "t"\n[network]\npath = "{shared_data("liege_streets_osm.parquet").as_posix()}"\n'
        f'[[facilities]]\npath = "{path.as_posix()}"\n',
        encoding="utf-8",
    )
    s = load_scenario(tmp_path / "s.toml")
    with pytest.raises(InputError, match=r"liege.csv, field 'lon': 30 of 30 points .* swapped"):
        pipeline.read_layers(s, liege)
    # The right way round: nothing to say.
    good = _write_lonlat(tmp_path / "good.csv", pts.x, pts.y)
    layer, _ = read_points(good)
    assert [f.code for f in check_datum(layer, liege.edges)] == ["inconclusive"]


@pytest.mark.realdata
def test_liege_some_rows_swapped_are_listed(tmp_path, liege) -> None:
    pts = _street_points(liege.edges, 30, seed=4)
    lon, lat = pts.x.to_numpy().copy(), pts.y.to_numpy().copy()
    flip = [3, 17, 25]
    lon[flip], lat[flip] = lat[flip].copy(), lon[flip].copy()
    path = _write_lonlat(tmp_path / "some.csv", lon, lat)
    (tmp_path / "s.toml").write_text(
        f'name = "t"\n[network]\npath = "{shared_data("liege_streets_osm.parquet").as_posix()}"\n'
        f'[[facilities]]\npath = "{path.as_posix()}"\n',
        encoding="utf-8",
    )
    layers = pipeline.read_layers(load_scenario(tmp_path / "s.toml"), liege)
    swaps = [p for p in layers.problems if "swapped" in p.message]
    assert [(p.row, p.field_text()) for p in swaps] == [(i + 2, "lon") for i in flip]
    # Then the street check skips them, saying why: reported, not silently dropped.
    skipped = {p.row for p in layers.problems if p.action == "skipped"}
    assert skipped == {i + 2 for i in flip}
    assert len(layers.facilities) == 27


@pytest.mark.realdata
def test_salt_lake_city_swapped_columns(tmp_path) -> None:
    """West of Greenwich a latitude of -111.9 is out of range: caught while reading."""
    edges = gpd.read_parquet(shared_data("slc_streets_osm.parquet"))
    pts = _street_points(edges, 10, seed=2)
    with pytest.raises(InputError) as err:
        read_points(_write_lonlat(tmp_path / "slc.csv", pts.y, pts.x))
    assert "column 'lon' holds latitudes and 'lat' longitudes" in str(err.value)
    lon, lat = pts.x.to_numpy().copy(), pts.y.to_numpy().copy()
    lon[6], lat[6] = lat[6], lon[6]
    layer, problems = read_points(_write_lonlat(tmp_path / "slc1.csv", lon, lat))
    (p,) = problems
    assert p.row == 8 and p.field_text() == "lat" and len(layer) == 9
    assert p.message == (
        f"latitude {lat[6]:g} is out of range (-90 to 90); swapped, the values fall among the "
        "file's other points: check that longitude and latitude are not exchanged"
    )


def test_geojson_with_latitude_first_is_a_file_error(tmp_path) -> None:
    g = gpd.GeoDataFrame(
        {"name": ["a", "b"]}, geometry=lonlat_points([40.76, 40.77], [-111.9, -111.8])
    )
    g.to_file(tmp_path / "slc.geojson", driver="GeoJSON")
    with pytest.raises(InputError, match="the file holds latitude before longitude"):
        read_points(tmp_path / "slc.geojson")


# --- the one-line error ----------------------------------------------------------------------------


def test_review_fix_depends_on_the_declared_crs() -> None:
    d = {
        "declared": "wgs84",
        "best": "GCJ-02",
        "best_key": "gcj02",
        "conclusive": True,
        "evidence": "median 212 m from a street as WGS-84, 9 m as GCJ-02",
    }
    f = DatumFinding("looks_gcj02", "warning", "m", d)
    with pytest.raises(InputError) as err:
        review([f], "a.csv", crs="wgs84")
    assert str(err.value) == (
        "a.csv, field 'crs': the points are declared WGS-84 (crs = \"wgs84\") but fit the "
        "streets as GCJ-02: median 212 m from a street as WGS-84, 9 m as GCJ-02; set crs = "
        '"gcj02" for this layer, or set datum_check = "warn" to keep going'
    )
    with pytest.raises(InputError) as err:  # no crs in the scenario: not called declared
        review([f], "a.csv", crs="wgs84", crs_set=False)
    assert str(err.value) == (
        "a.csv, field 'crs': the layer sets no crs, so the points were read as WGS-84 "
        '(crs = "wgs84", the default) but fit the streets as GCJ-02: median 212 m from a street '
        'as WGS-84, 9 m as GCJ-02; set crs = "gcj02" for this layer, or set datum_check = '
        '"warn" to keep going'
    )
    assert err.value.text("zh").startswith(
        "a.csv，字段“crs”：图层未设置 crs，这些点按默认的 WGS-84"
    )
    with pytest.raises(InputError, match=r"\(crs = 32650\) .* re-project the points from GCJ-02"):
        review([f], "a.csv", crs=32650)
    problems, notes = review([f], "a.csv", strict=False)
    assert [(p.row, p.field_text(), p.action, p.message) for p in problems] == [
        (None, "crs", "kept", "m; kept as declared")
    ]
    assert [str(n) for n in notes] == ["[warning] m"]
    weak = DatumFinding("looks_gcj02", "warning", "w", {**d, "conclusive": False})
    assert [p.message for p in review([weak], "a.csv")[0]] == ["w"]  # strict: no error
