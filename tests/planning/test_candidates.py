"""Candidate sites: a node grid, roles from files and OSM features."""

from __future__ import annotations

import socket

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from coverage import io as cio
from coverage import planning
from coverage.errors import InputError, NetworkError
from coverage.layer_files import write_gpkg
from coverage.overpass import OverpassUnreachable


def test_grid_candidates_pick_the_node_nearest_each_cell_centre(hand):
    # 4 × 4 grid, 100 m blocks: nodes at 0, 100, 200, 300 m (+ origin). With 200 m cells
    # aligned on multiples of 200 m (the origin is a multiple of 200 too), every cell holds
    # 2 × 2 nodes and its centre (100, 100) + 200·(i, j) is a node itself, except that nodes at
    # 300 fall into cells whose centres (500) are beyond the grid: those pick the node nearest.
    net = hand.net(hand.grid(4, 100.0))
    g = planning.grid_candidates(net, 200.0)
    xy = np.c_[g.to_crs(net.crs).geometry.x - hand.x0, g.to_crs(net.crs).geometry.y - hand.y0]
    got = sorted(map(tuple, np.round(xy).astype(int).tolist()))
    assert got == [(100, 100), (100, 300), (300, 100), (300, 300)]
    assert (g["role"] == "candidate").all() and (g["source"] == "grid").all()


def test_grid_candidates_respect_the_area(hand):
    net = hand.net(hand.grid(4, 100.0))
    west = gpd.GeoSeries(
        [shapely.box(hand.x0 - 10, hand.y0 - 10, hand.x0 + 150, hand.y0 + 310)], crs=hand.crs
    ).to_crs(4326)
    g = planning.grid_candidates(net, 200.0, area=west.iloc[0])
    xs = np.round(g.to_crs(net.crs).geometry.x - hand.x0).astype(int)
    assert set(xs) == {100}  # only cells west of x = 150 m


def test_a_grid_of_no_spacing_or_without_a_network_is_named(hand):
    # A NaN spacing made every one of the 16 nodes a candidate; a spacing without the network
    # gave no grid site at all, both without a word.
    net = hand.net(hand.grid(4, 100.0))
    with pytest.raises(ValueError, match=r"grid spacing must be positive, not nan"):
        planning.grid_candidates(net, float("nan"))
    with pytest.raises(ValueError, match=r"grid spacing must be positive, not nan"):
        planning.candidate_sites(None, net=net, grid_spacing_m=float("nan"))
    with pytest.raises(ValueError, match=r"grid_spacing_m needs net"):
        planning.candidate_sites(None, grid_spacing_m=200.0)


def test_candidate_roles_and_bad_role(tmp_path):
    pts = gpd.GeoSeries(
        shapely.points([[114.27, 30.59], [114.28, 30.59], [114.29, 30.59]]), crs=4326
    )
    f = gpd.GeoDataFrame(
        {
            "name": ["a", "", "c"],
            "role": ["已建", None, "排除"],
            "row": [2, 3, 4],
            "layer": "c.csv",
        },
        geometry=pts.values,
        crs=4326,
    )
    out = planning.candidate_sites(f)
    assert out["role"].tolist() == ["existing", "candidate", "excluded"]
    assert out["name"].tolist()[1] == "site-2"
    # In words, an unnamed site says where it is in its file (the file's row 3, its 2nd site).
    assert (
        planning.candidate_sites(f, lang="zh")["name"].tolist()[1]
        == "未命名候选点（c.csv 第 3 行）"
    )
    assert (
        planning.candidate_sites(f, lang="en")["name"].tolist()[1] == "Unnamed site (c.csv row 3)"
    )
    f.loc[2, "role"] = "maybe"
    with pytest.raises(InputError, match=r"c.csv, row 4, field 'role': unknown role 'maybe'"):
        planning.candidate_sites(f)


def test_bad_role_names_the_column_as_the_register_has_it(tmp_path, hand):
    # Two candidate registers, each naming its role column its own way; the unknown role of
    # the second's row 3 is reported under that file's column, not the program's "role".
    from coverage import pipeline

    lines = [(i, i + 1, [(100 * i, 0), (100 * (i + 1), 0)], "residential") for i in range(5)]
    hand.table(lines).to_parquet(tmp_path / "streets.parquet")
    lonlat = np.asarray(hand.pts([(100, 0), (300, 0)]).to_crs(4326).get_coordinates())
    base = pd.DataFrame(lonlat, columns=["lon", "lat"])
    base.assign(name="F", tier="point").to_csv(tmp_path / "fac.csv", index=False)
    base.assign(w=[1.0, 2.0]).to_csv(tmp_path / "dem.csv", index=False)
    base.assign(状态=["候选", "已建"]).to_csv(tmp_path / "a.csv", index=False)
    base.assign(选址状态=["候选", "排除（房东不同意）"]).to_csv(tmp_path / "b.csv", index=False)
    toml = tmp_path / "scenario.toml"
    toml.write_text(
        '[network]\npath = "streets.parquet"\n[[facilities]]\npath = "fac.csv"\n'
        '[[demand]]\npath = "dem.csv"\nweight = "w"\n[[candidates]]\npath = "a.csv"\n'
        '[[candidates]]\npath = "b.csv"\n',
        encoding="utf-8",
    )
    s = pipeline.load_scenario(toml)
    layers = pipeline.read_layers(s, pipeline.load_network(s, None), area=(None, None))
    with pytest.raises(InputError) as err:
        planning.candidate_sites(layers.candidates)
    assert str(err.value).startswith(
        "b.csv, row 3, field '选址状态': unknown role '排除（房东不同意）'"
    )
    assert "或写作候选、已建、排除" in err.value.text("zh")


def test_file_and_grid_candidates_keep_whole_row_numbers(tmp_path, hand):
    # File rows 2 and 3, then grid sites (no row): "row" stays whole, empty for the grid's.
    net = hand.net(hand.grid(4, 100.0))
    f = gpd.GeoDataFrame(
        {"name": ["a", "b"], "row": [2, 3], "layer": "c.csv"},
        geometry=gpd.GeoSeries(hand.pts([(50, 0), (150, 0)]), crs=hand.crs).to_crs(4326).values,
        crs=4326,
    )
    out = planning.candidate_sites(f, net=net, grid_spacing_m=200.0)
    assert len(out) == 6 and str(out["row"].dtype) == "Int64"
    assert out["row"].fillna(0).tolist() == [2, 3, 0, 0, 0, 0]
    csv = cio.write_csv(tmp_path / "sites.csv", pd.DataFrame(out.drop(columns="geometry")))
    rows = pd.read_csv(csv, dtype=str, keep_default_na=False)["row"].tolist()
    assert rows == ["2", "3", "", "", "", ""]
    gpkg = write_gpkg(tmp_path / "sites.gpkg", {"sites": out})
    info = pyogrio.read_info(gpkg, layer="sites")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["row"] == "int64"


def test_osm_candidates_offline_is_one_line_at_once(monkeypatch):
    """A download that cannot reach Overpass is one line naming what failed, not a traceback,
    and comes at once (osmnx alone waits 60 s after failing to reach the status page)."""
    import osmnx as ox

    with socket.socket() as s:  # a free port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for var in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(var, "127.0.0.1,localhost")
    monkeypatch.setattr(ox.settings, "overpass_url", f"http://127.0.0.1:{port}/api")
    monkeypatch.setattr(ox.settings, "overpass_rate_limit", True)
    with pytest.raises(NetworkError) as info:
        planning.osm_candidates(polygon=shapely.box(106.528, 29.578, 106.535, 29.583))
    msg = str(info.value)
    assert msg.startswith("download of OpenStreetMap features for candidate sites failed")
    assert f"127.0.0.1:{port}/api/status" in msg and "\n" not in msg
    assert isinstance(info.value.__cause__, OverpassUnreachable)


def test_osm_candidates_from_an_osm_file(fixtures_dir):
    c = planning.osm_candidates(osm_file=fixtures_dir / "amenities.osm")
    assert sorted(c["name"]) == ["amenity=townhall", "江北区图书馆", "观音桥社区服务中心"]
    town = c[c["osm_tag"] == "amenity=townhall"].geometry.iloc[0]
    assert shapely.box(106.526, 29.578, 106.527, 29.579).contains(town)  # inside the building


def _sites(capacity: list | None) -> gpd.GeoDataFrame:
    cols = {"role": ["existing", "candidate", "candidate"]}
    if capacity is not None:
        cols["capacity"] = capacity
    return gpd.GeoDataFrame(cols, geometry=[shapely.Point(0, 0)] * 3, crs=4326)


def test_site_capacity_reads_the_column_existing_sites_unlimited(caplog):
    cap = planning.site_capacity(_sites([np.nan, "300", 50]))
    assert cap is not None and np.isnan(cap[0]) and cap[1:].tolist() == [300.0, 50.0]
    assert caplog.records == []


@pytest.mark.parametrize("capacity", [None, [np.nan, None, ""]])
def test_capacity_asked_for_but_none_given_is_said(capacity, caplog):
    """[plan] capacity = true with no capacity anywhere planned without capacities, silently."""
    assert planning.site_capacity(_sites(capacity)) is None
    (rec,) = caplog.records
    assert rec.levelname == "WARNING" and "capacity" in rec.getMessage()


def test_a_negative_capacity_is_one_line_naming_its_row():
    # Read with a warning (kept), but no plan can serve fewer than no one: the siting models
    # would stop with a ValueError traceback.
    sites = _sites([np.nan, 10, -5]).assign(layer=[None, "cand.csv", "cand.csv"], row=[None, 2, 3])
    with pytest.raises(InputError) as exc:
        planning.site_capacity(sites)
    assert exc.value.text("en") == (
        "cand.csv, row 3, field 'capacity': capacity should be positive, got -5"
    )
    zero = planning.site_capacity(_sites([np.nan, 0, 5]))  # 0 is a site that serves no one
    assert zero is not None and zero.tolist()[1:] == [0.0, 5.0]


def test_site_roles_match_the_times_row_for_row():
    sites = pd.DataFrame({"role": ["candidate", " 已建 ", None, "Excluded"]}, index=[5, 6, 7, 8])
    assert planning.site_roles(sites, 4).tolist() == [
        "candidate", "existing", "candidate", "excluded"
    ]  # fmt: skip
    assert planning.site_roles(sites[[]], 4).tolist() == ["candidate"] * 4  # no role column
    with pytest.raises(ValueError, match=r"sites has 4 rows for 3 rows of times"):
        planning.site_roles(sites, 3)
    typo = sites.assign(role=["candidate", "exist", "exist", "candidate"])
    with pytest.raises(ValueError, match=r"sites, rows 6, 7: unknown role 'exist'; use candidate"):
        planning.site_roles(typo, 4)  # not taken for a candidate: a built site stays built
    seven = pd.DataFrame({"role": ["exist"] * 7 + ["candidate"]}, index=range(10, 18))
    with pytest.raises(ValueError, match=r"sites, rows 10, 11, 12, 13, 14 … \(7 rows\): unknown"):
        planning.site_roles(seven, 8)  # more rows than shown: said, with how many


def test_a_site_excluded_in_another_file_is_not_a_candidate():
    """The refused sites kept in a file of their own: a candidate row of the same name within
    5 m of an excluded one is excluded too; another name there, or the same name 20 m away,
    stays a candidate (by hand: 3 m and 20 m of latitude at 30.5° N). A row without a name is
    known by its place only: a nameless candidate 3 m from 甲's refusal, and 丁 4 m from a
    nameless refusal, are those refused places; a nameless candidate 20 m away is not."""
    m = 1 / 110_574  # one metre of latitude in degrees
    pts = gpd.points_from_xy(
        [114.27, 114.28, 114.27, 114.28, 114.27, 114.27, 114.29, 114.29, 114.27],
        [
            30.5,
            30.5,
            30.5 + 3 * m,
            30.5 + 20 * m,
            30.5 + 3 * m,
            30.5,
            30.5,
            30.5 + 4 * m,
            30.5 + 20 * m,
        ],
    )
    f = gpd.GeoDataFrame(
        {
            "name": ["甲", "乙", " 甲 ", "乙", "丙", "", None, "丁", ""],
            "role": [
                "candidate",
                "candidate",
                "排除",
                "excluded",
                "candidate",
                "candidate",
                "excluded",
                "candidate",
                "candidate",
            ],  # fmt: skip
            "row": [2, 3, 2, 3, 4, 5, 4, 6, 7],
            "layer": [
                "a.csv",
                "a.csv",
                "refused.csv",
                "refused.csv",
                "a.csv",
                "a.csv",
                "refused.csv",
                "a.csv",
                "a.csv",
            ],  # fmt: skip
        },
        geometry=pts,
        crs=4326,
    )
    out = planning.candidate_sites(f)
    assert out["role"].tolist() == [
        "excluded", "candidate", "excluded", "excluded", "candidate",
        "excluded", "excluded", "excluded", "candidate",
    ]  # fmt: skip


def test_nameless_rows_of_two_roles_at_one_place_keep_the_strictest(tmp_path, hand):
    """Candidate rows without a name: a.csv lists places at 100, 300 and 500 m along a street
    (candidate, candidate, built) and a candidate 2 m from the built one; refused.csv lists
    refused places 3 m from the first and 20 m from the second. As a register's duplicates,
    one place keeps its strictest role: a.csv row 2 (refused 3 m away) and row 5 (built 2 m
    away) are skipped, each named with its file, row and role column; the place 20 m away is
    another place and stays a candidate."""
    from coverage import pipeline

    lines = [(i, i + 1, [(100 * i, 0), (100 * (i + 1), 0)], "residential") for i in range(6)]
    hand.table(lines).to_parquet(tmp_path / "streets.parquet")

    def lonlat(xs: list[float]) -> pd.DataFrame:
        xy = np.asarray(hand.pts([(x, 0) for x in xs]).to_crs(4326).get_coordinates())
        return pd.DataFrame(xy, columns=["lon", "lat"])

    lonlat([100]).assign(name="F", tier="point").to_csv(tmp_path / "fac.csv", index=False)
    lonlat([200]).assign(w=[1.0]).to_csv(tmp_path / "dem.csv", index=False)
    a = lonlat([100, 300, 500, 502]).assign(状态=["候选", "候选", "已建", "候选"])
    a.to_csv(tmp_path / "a.csv", index=False, float_format="%.9f")
    refused = lonlat([103, 320]).assign(选址状态=["排除", "排除"])
    refused.to_csv(tmp_path / "refused.csv", index=False, float_format="%.9f")
    toml = tmp_path / "scenario.toml"
    toml.write_text(
        '[network]\npath = "streets.parquet"\n[[facilities]]\npath = "fac.csv"\n'
        '[[demand]]\npath = "dem.csv"\nweight = "w"\n[[candidates]]\npath = "a.csv"\n'
        '[[candidates]]\npath = "refused.csv"\n',
        encoding="utf-8",
    )
    s = pipeline.load_scenario(toml)
    layers = pipeline.read_layers(s, pipeline.load_network(s, None), area=(None, None))
    cands = planning.candidate_sites(layers.candidates)
    kept = list(zip(cands["layer"], cands["row"], cands["role"], strict=True))
    assert kept == [
        ("a.csv", 3, "candidate"), ("a.csv", 4, "existing"),
        ("refused.csv", 2, "excluded"), ("refused.csv", 3, "excluded"),
    ]  # fmt: skip
    skipped = [p for p in layers.problems if p.action == "skipped"]
    assert [(p.path.endswith("a.csv"), p.row, p.field) for p in skipped] == [
        (True, 2, "状态"), (True, 5, "状态")
    ]  # fmt: skip
    assert skipped[0].message == (
        "a nameless site at the place of refused.csv row 2 (3.0 m apart), which says "
        "'Excluded': the stricter role stands, so this row is not used"
    )
    assert (
        skipped[1]
        .text("zh")
        .endswith(
            "与 a.csv 第 4 行为同一地点的无名称站点（相距 2.0 米），该行为“现有”：以更严格的角色为准，本行不予使用"
        )
    )
    # no "same place, different name" warning beside the skipped row
    assert [p for p in layers.problems if p.action == "kept" and p.row == 5] == []


def test_an_analysts_table_without_names_excludes_a_candidate_at_a_refused_place():
    """A table of places with no name column at all: every row is known by its place, so the
    candidate 3 m from the refused place is that place, excluded; the one 20 m away stays
    (3 m and 20 m of latitude at 30.5° N)."""
    m = 1 / 110_574  # one metre of latitude in degrees
    pts = gpd.points_from_xy([114.27] * 3, [30.5, 30.5 + 3 * m, 30.5 + 20 * m])
    f = gpd.GeoDataFrame({"role": ["excluded", "candidate", "candidate"]}, geometry=pts, crs=4326)
    out = planning.candidate_sites(f)
    assert out["role"].tolist() == ["excluded", "excluded", "candidate"]
