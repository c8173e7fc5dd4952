"""coverage.inputs.layers (with .area and .demand): what reading the boundary files finds reaches
the problems report, unusable registers are said, each demand layer has its kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_small_scenario

from coverage import pipeline
from coverage.inputs.area import StudyArea
from coverage.inputs.demand import demand_kind
from coverage.scenario.layer_sections import Layer


@pytest.mark.realdata
def test_boundary_problems_reach_the_layers_problems(tmp_path: Path, wuhan_edges_path: Path):
    toml = copy_small_scenario(tmp_path, wuhan_edges_path)
    # The boundary files' datum left out (as the small scenario once did): in Wuhan, said.
    text = toml.read_text(encoding="utf-8").replace('crs = "wgs84"\nsubdistricts', "subdistricts")
    assert 'crs = "wgs84"' not in text.split("[network]")[0]
    toml.write_text(text, encoding="utf-8")
    subs = json.loads((tmp_path / "subdistricts.geojson").read_text(encoding="utf-8"))
    n = len(subs["features"])
    subs["features"].append({"type": "Feature", "properties": {"name": "无"}, "geometry": None})
    (tmp_path / "subdistricts.geojson").write_text(json.dumps(subs), encoding="utf-8")

    s = pipeline.load_scenario(toml)
    study = pipeline.load_area(s)
    area, subdistricts = study  # still a pair
    assert subdistricts is not None and len(subdistricts) == n
    # No crs for the boundary files (in Wuhan): said for each; the feature without a geometry
    # (row n + 1) is skipped and said.
    expected = [
        ("area.geojson", None, "crs", "kept"),
        ("subdistricts.geojson", n + 1, "geometry", "skipped"),
        ("subdistricts.geojson", None, "crs", "kept"),
    ]
    got = [(Path(p.path).name, p.row, p.field_text(), p.action) for p in study.problems]
    assert sorted(got, key=str) == sorted(expected, key=str)

    net = pipeline.load_network(s, area)
    layers = pipeline.read_layers(s, net, area=study)
    listed = [(Path(p.path).name, p.row, p.field_text(), p.action) for p in layers.problems]
    for item in expected:
        assert item in listed
    # The datum warnings are printed too, as the layers' datum findings are.
    said = [str(m) for m in layers.notes]
    assert sum(m.startswith("area.geojson: no crs declared") for m in said) == 1
    # A plain pair from a caller carries none.
    plain = pipeline.read_layers(s, net, area=(area, subdistricts))
    assert not [p for p in plain.problems if Path(p.path).name == "subdistricts.geojson"]


def test_the_study_area_pickles_and_copies_with_its_problems():
    # Audits hand work to other processes; notebooks deepcopy. A tuple subclass whose __new__
    # takes more than the pair cannot be rebuilt by a tuple's own pickling.
    import copy
    import pickle

    import shapely

    from coverage.errors import Msg, Problem
    from coverage.inputs.area import StudyArea

    study = StudyArea(shapely.box(0, 0, 1, 1), None, [Problem("a.geojson", 2, "crs", Msg("x"))])
    for back in (pickle.loads(pickle.dumps(study)), copy.deepcopy(study)):
        assert isinstance(back, StudyArea)
        assert back[0].equals(study[0]) and back[1] is None
        assert [(p.path, p.row, p.field) for p in back.problems] == [("a.geojson", 2, "crs")]


def _two_places(tmp_path: Path, hand):
    """A 500 m street and two places on it (lon, lat); the caller writes its registers."""
    import numpy as np
    import pandas as pd

    lines = [(i, i + 1, [(100 * i, 0), (100 * (i + 1), 0)], "residential") for i in range(5)]
    hand.table(lines).to_parquet(tmp_path / "streets.parquet")
    lonlat = np.asarray(hand.pts([(100, 0), (300, 0)]).to_crs(4326).get_coordinates())
    return pd.DataFrame(lonlat, columns=["lon", "lat"])


def _read(tmp_path: Path, sections: str):
    """The layers of a scenario on that street with these register sections."""
    toml = tmp_path / "scenario.toml"
    toml.write_text('[network]\npath = "streets.parquet"\n' + sections, encoding="utf-8")
    s = pipeline.load_scenario(toml)
    return pipeline.read_layers(s, pipeline.load_network(s, None), area=(None, None))


def test_a_register_that_keeps_no_row_is_warned_about(tmp_path: Path, hand, caplog):
    # Two facility registers; every row of the second has its coordinates in one cell. The run
    # goes on with the first, and a warning line says the second counts for nothing (each row
    # is in skipped_rows.csv); the first, fine, is not warned about.
    import logging

    import pandas as pd

    base = _two_places(tmp_path, hand)
    good = base.assign(name=["F", "G"], tier="point")
    good.to_csv(tmp_path / "good.csv", index=False, float_format="%.9f")
    pairs = [f"{x:.9f},{y:.9f}" for x, y in base.to_numpy()]
    bad = pd.DataFrame({"name": ["H", "I"], "lon": pairs, "lat": ["", ""], "tier": "point"})
    bad.to_csv(tmp_path / "bad.csv", index=False)
    dem = base.assign(workers=[5.0, 7.0])
    dem.to_csv(tmp_path / "dem.csv", index=False, float_format="%.9f")
    with caplog.at_level(logging.WARNING, logger="coverage.inputs.layers"):
        layers = _read(
            tmp_path,
            '[[facilities]]\npath = "good.csv"\n[[facilities]]\npath = "bad.csv"\n'
            '[[demand]]\npath = "dem.csv"\nweight = "workers"\n',
        )
    assert layers.facilities["name"].tolist() == ["F", "G"]
    said = [str(r.msg) for r in caplog.records if r.name == "coverage.inputs.layers"]
    assert said == [
        "bad.csv: all 2 data rows skipped, so no facility of this layer counts "
        "(each reason is in skipped_rows.csv)"
    ]


def test_no_tier_column_points_to_the_columns_left_unused(tmp_path: Path, hand):
    # The register calls its tier column 阵地类型, which is not a recognised name: the error
    # says how to map it, naming the columns that were not used.
    from coverage.errors import InputError

    base = _two_places(tmp_path, hand)
    fac = base.set_axis(["经度", "纬度"], axis=1).assign(名称="F", 阵地类型="服务站点")
    fac.to_csv(tmp_path / "fac.csv", index=False)
    base.assign(w=1.0).to_csv(tmp_path / "dem.csv", index=False)
    with pytest.raises(InputError) as err:
        _read(
            tmp_path,
            '[[facilities]]\npath = "fac.csv"\n[[demand]]\npath = "dem.csv"\nweight = "w"\n',
        )
    assert str(err.value).endswith(
        "; column '阵地类型' names tiers (row 2: '服务站点'): to read the tiers from it, "
        'set columns = { tier = "阵地类型" }'
    )
    assert "列“阵地类型”写的是层级（第 2 行：“服务站点”）" in err.value.text("zh")


def test_no_tier_column_names_an_unused_column_when_none_names_tiers(tmp_path: Path, hand):
    # No column names tiers (备注 holds remarks): the first unused column is suggested.
    from coverage.errors import InputError

    base = _two_places(tmp_path, hand)
    fac = base.set_axis(["经度", "纬度"], axis=1).assign(名称="F", 备注=["新建", "服务站点"])
    fac.to_csv(tmp_path / "fac.csv", index=False)
    base.assign(w=1.0).to_csv(tmp_path / "dem.csv", index=False)
    with pytest.raises(InputError) as err:
        _read(
            tmp_path,
            '[[facilities]]\npath = "fac.csv"\n[[demand]]\npath = "dem.csv"\nweight = "w"\n',
        )
    assert str(err.value).endswith(
        "; if one of the unused columns ['备注'] holds it, set columns = { tier = \"备注\" }"
    )


@pytest.mark.parametrize("column", ["类型", "阵地性质"])
def test_a_default_tier_does_not_stand_for_tiers_the_register_names(
    tmp_path: Path, hand, column: str
):
    # The layer says tier = "point" and the register has no tier column, but its type column
    # (类型) or a column under a name not recognised (阵地性质) names each row's tier: the
    # second row (file row 3) is an outdoor station, whose 10-minute threshold the default
    # would silently replace. The run stops at that row and field, saying how to map it.
    from coverage.errors import InputError

    base = _two_places(tmp_path, hand)
    fac = base.set_axis(["经度", "纬度"], axis=1).assign(名称=["F", "G"])
    fac[column] = ["职工服务站", "驿站"]
    fac.to_csv(tmp_path / "fac.csv", index=False)
    base.assign(w=1.0).to_csv(tmp_path / "dem.csv", index=False)
    sections = (
        '[[facilities]]\npath = "fac.csv"\ntier = "point"\n'
        '[[demand]]\npath = "dem.csv"\nweight = "w"\n'
    )
    with pytest.raises(InputError) as err:
        _read(tmp_path, sections)
    assert (err.value.path, err.value.row, err.value.field) == (
        str(tmp_path / "fac.csv"),
        3,
        column,
    )
    assert str(err.value).endswith(
        f"names the tier '驿站' (Outdoor workers' station), but the layer has no tier column, so "
        f'its default tier = "point" would stand for every row (another tier in 1 of its rows): '
        f'to read the tiers from this column, set columns = {{ tier = "{column}" }}'
    )
    # Every row naming the default's own tier (职工服务站 is a service point): read as before.
    fac[column] = ["职工服务站", "服务站点"]
    fac.to_csv(tmp_path / "fac.csv", index=False)
    layers = _read(tmp_path, sections)
    assert layers.facilities["tier"].tolist() == ["point", "point"]


def test_a_facility_in_two_registers_counts_once(tmp_path: Path, hand):
    # G is in both registers (same name and tier, same place): the second file's row is
    # skipped and listed; H, only in the second (where F stands), is kept.
    base = _two_places(tmp_path, hand)
    base.assign(name=["F", "G"], tier="point").to_csv(tmp_path / "a.csv", index=False)
    base.assign(name=["H", "G"], tier="point").to_csv(tmp_path / "b.csv", index=False)
    base.assign(w=1.0).to_csv(tmp_path / "dem.csv", index=False)
    layers = _read(
        tmp_path,
        '[[facilities]]\npath = "a.csv"\n'
        '[[facilities]]\npath = "b.csv"\n[[demand]]\npath = "dem.csv"\nweight = "w"\n',
    )
    assert layers.facilities["name"].tolist() == ["F", "G", "H"]
    skipped = [(Path(p.path).name, p.row) for p in layers.problems if p.action == "skipped"]
    assert skipped == [("b.csv", 3)]


def test_names_reach_the_layers_without_bidi_controls(tmp_path: Path, hand):
    # A register's name with a right-to-left override would show reversed on the map, in the
    # report and the workbook: the facilities and demand read carry it without.
    base = _two_places(tmp_path, hand)
    names = ["\u202eF站\u202c", "G\u2067站\u2069"]
    base.assign(name=names, tier="point").to_csv(tmp_path / "a.csv", index=False)
    base.assign(name=names, w=1.0).to_csv(tmp_path / "dem.csv", index=False)
    layers = _read(
        tmp_path,
        '[[facilities]]\npath = "a.csv"\n[[demand]]\npath = "dem.csv"\nweight = "w"\n',
    )
    assert layers.facilities["name"].tolist() == ["F站", "G站"]
    assert layers.demand["name"].tolist() == ["F站", "G站"]


def test_a_workplace_in_two_demand_registers_counts_once(tmp_path: Path, hand):
    # 江汉大厦 is in both workers' registers (same name, same place): b.csv's row 3 is skipped
    # and listed naming a.csv's row 3. c.csv counts the residents of the same building: kept.
    base = _two_places(tmp_path, hand)
    base.assign(name="F", tier="point").iloc[:1].to_csv(tmp_path / "fac.csv", index=False)
    base.assign(name=["甲厂", "江汉大厦"], w=[10.0, 20.0]).to_csv(tmp_path / "a.csv", index=False)
    base.assign(name=["乙厂", "江汉大厦"], w=[5.0, 20.0]).to_csv(tmp_path / "b.csv", index=False)
    base.iloc[1:].assign(name="江汉大厦", w=300.0).to_csv(tmp_path / "c.csv", index=False)
    layers = _read(
        tmp_path,
        '[[facilities]]\npath = "fac.csv"\n'
        '[[demand]]\npath = "a.csv"\nweight = "w"\nkind = "workers"\n'
        '[[demand]]\npath = "b.csv"\nweight = "w"\nkind = "workers"\n'
        '[[demand]]\npath = "c.csv"\nweight = "w"\nkind = "residents"\n',
    )
    got = layers.demand[["layer", "name", "kind", "weight"]].to_numpy().tolist()
    assert got == [
        ["a.csv", "甲厂", "workers", 10.0],
        ["a.csv", "江汉大厦", "workers", 20.0],
        ["b.csv", "乙厂", "workers", 5.0],
        ["c.csv", "江汉大厦", "residents", 300.0],
    ]
    skipped = [
        (Path(p.path).name, p.row, p.message) for p in layers.problems if p.action == "skipped"
    ]
    assert skipped == [
        ("b.csv", 3, "duplicate of a.csv row 3 (same name '江汉大厦' and demand kind, 0.0 m apart)")
    ]


def test_demand_kind_is_the_layers_own_else_by_what_it_reads() -> None:
    assert demand_kind(Layer(path=Path("w.csv"), kind="students")) == "students"
    assert demand_kind(Layer(path=Path("p.tif"), kind="workers")) == "workers"
    assert demand_kind(Layer(path=Path("w.csv"))) == "workers"  # a register counts workers
    assert demand_kind(Layer(path=Path("p.tif"))) == "residents"  # a raster, people at home
    assert demand_kind(Layer(osm_buildings=True)) == "residents"


def _subdistricts_study(tmp_path: Path, names: list[str | None], lang: str = "zh") -> StudyArea:
    """The study area of a scenario whose sub-districts are side-by-side boxes with ``names``."""
    import geopandas as gpd
    import shapely

    boxes = [
        shapely.box(114.20 + i / 100, 30.50, 114.21 + i / 100, 30.51) for i in range(len(names))
    ]
    gpd.GeoDataFrame({"name": names}, geometry=boxes, crs=4326).to_file(tmp_path / "subs.geojson")
    (tmp_path / "f.csv").write_text("", encoding="utf-8")
    (tmp_path / "scenario.toml").write_text(
        f'name = "t"\nlang = "{lang}"\n[area]\nsubdistricts = "subs.geojson"\ncrs = "wgs84"\n'
        '[network]\nplace = "x"\n[[facilities]]\npath = "f.csv"\n',
        encoding="utf-8",
    )
    return pipeline.load_area(pipeline.load_scenario(tmp_path / "scenario.toml"))


def test_subdistricts_sharing_a_name_are_said_to_be_counted_as_one(tmp_path: Path):
    # A DataV boundary file may split one sub-district into several features of the same name:
    # the tables count them as one (right), and the planner is told which and how many.
    study = _subdistricts_study(tmp_path, ["甲街道", "乙街道", "甲街道", None])
    merged = [p for p in study.problems if p.row is None]  # the unnamed row 4 has its own note
    assert [(p.row, p.field, p.action) for p in merged] == [(None, "name", "kept")]
    assert merged[0].text("en") == (
        "2 polygons share the name '甲街道' (rows 1, 3): counted as one sub-district in the "
        "tables and on the map, as the parts of one sub-district should be; give them "
        "different names to count them apart"
    )
    assert merged[0].text("zh").startswith("2 个多边形同名“甲街道”（第 1, 3 行）")


def test_subdistricts_without_a_name_are_named_by_their_row(tmp_path: Path):
    # A blank name was read as "": its people were counted outside every sub-district; a
    # missing one made a sub-district called "nan". Each is now named by its row, with a note.
    import geopandas as gpd

    from coverage.analysis import _label

    study = _subdistricts_study(tmp_path, ["甲街道", " ", None], lang="en")
    names = ["甲街道", "Unnamed sub-district (row 2)", "Unnamed sub-district (row 3)"]
    subs = study[1]
    assert subs["name"].tolist() == names
    notes = study.problems
    assert [(p.row, p.field, p.action) for p in notes] == [(2, "name", "kept"), (3, "name", "kept")]
    assert notes[0].text("en") == (
        "no name: counted as 'Unnamed sub-district (row 2)' in the tables and on the map; give it "
        "a name in name"
    )
    assert (
        notes[1].text("zh").startswith("没有名称：在表格和地图上记为“Unnamed sub-district (row 3)”")
    )
    # a worker in each polygon is counted in it, none outside
    points = gpd.GeoDataFrame(geometry=subs.geometry.representative_point(), crs=4326)
    assert _label(points, subs, "name").tolist() == names


def test_coordinate_columns_naming_a_datum_need_the_layers_crs(tmp_path: Path, hand):
    # 经度（高德）/纬度（高德） with no crs set: read as the default WGS-84 they would be ~500 m
    # off, and two points are too few for the datum check to see it. The run stops at the
    # column, saying what to set; with the crs set (to either datum) the layer is read.
    from coverage.errors import InputError

    base = _two_places(tmp_path, hand)
    fac = base.set_axis(["经度（高德）", "纬度（高德）"], axis=1).assign(
        名称=["F", "G"], 层级="驿站"
    )
    fac.to_csv(tmp_path / "fac.csv", index=False, float_format="%.9f")
    base.assign(w=1.0).to_csv(tmp_path / "dem.csv", index=False, float_format="%.9f")
    demand = '[[demand]]\npath = "dem.csv"\nweight = "w"\n'
    with pytest.raises(InputError) as err:
        _read(tmp_path, '[[facilities]]\npath = "fac.csv"\n' + demand)
    assert (err.value.path, err.value.row, err.value.field) == (
        str(tmp_path / "fac.csv"),
        None,
        "经度（高德）",
    )
    assert str(err.value).endswith(
        "the column says its coordinates are GCJ-02, but the layer sets no crs, so they would "
        'be read as WGS-84: set crs = "gcj02" for this layer (crs = "wgs84" if they are WGS-84)'
    )
    read = {}
    for crs in ("gcj02", "wgs84"):
        layers = _read(tmp_path, f'[[facilities]]\npath = "fac.csv"\ncrs = "{crs}"\n' + demand)
        read[crs] = layers.facilities["name"].tolist()
    # (The points stand on the street in WGS-84: read as GCJ-02 they move off it, and say so.)
    assert read == {"gcj02": [], "wgs84": ["F", "G"]}
    # Columns that name WGS-84 need nothing more.
    fac.set_axis(["WGS84_Lng", "WGS84_Lat", "名称", "层级"], axis=1).to_csv(
        tmp_path / "fac.csv", index=False, float_format="%.9f"
    )
    layers = _read(tmp_path, '[[facilities]]\npath = "fac.csv"\n' + demand)
    assert layers.facilities["name"].tolist() == ["F", "G"]


def test_a_gis_layers_datum_named_attributes_need_no_crs(tmp_path: Path, hand):
    # A GeoJSON's points are its geometries, in the file's own CRS: attribute columns named
    # 经度（高德） are not what is read, so no crs is asked for.
    import geopandas as gpd

    base = _two_places(tmp_path, hand)
    fac = gpd.GeoDataFrame(
        {"名称": ["F", "G"], "层级": "驿站", "经度（高德）": 1.0, "纬度（高德）": 2.0},
        geometry=gpd.points_from_xy(base["lon"], base["lat"]),
        crs=4326,
    )
    fac.to_file(tmp_path / "fac.geojson")
    base.assign(w=1.0).to_csv(tmp_path / "dem.csv", index=False, float_format="%.9f")
    layers = _read(
        tmp_path,
        '[[facilities]]\npath = "fac.geojson"\n[[demand]]\npath = "dem.csv"\nweight = "w"\n',
    )
    assert layers.facilities["name"].tolist() == ["F", "G"]
