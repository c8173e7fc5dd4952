"""Loading a network file by its name: missing, unknown, bad and corrupt files fail in one line
that names the file, also through the command line.
"""

from __future__ import annotations

import bz2
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest

from coverage import network
from coverage.errors import NetworkError

from .cases import RAIL_DETOUR_OSM, _network_scenario


def test_load_bad_files(hand, tmp_path):
    def expect(path: Path, *fragments: str) -> None:
        with pytest.raises(NetworkError) as info:
            network.load(path)
        for fragment in fragments:
            assert fragment in str(info.value)
        assert "\n" not in str(info.value)

    expect(tmp_path / "missing.osm", "network file not found", "missing.osm")

    unknown = tmp_path / "streets.txt"
    unknown.write_text("u,v\n1,2\n")
    expect(unknown, "streets.txt", "unknown network format", ".osm.pbf", ".graphml", ".gpkg")

    no_uv = tmp_path / "no_uv.gpkg"
    hand.table(hand.grid()).drop(columns=["u", "v"]).to_file(no_uv)
    expect(no_uv, "no_uv.gpkg", "lacks column(s) ['u', 'v']", "need u, v, geometry")

    empty = tmp_path / "empty.parquet"
    gpd.GeoDataFrame({"u": [], "v": []}, geometry=[], crs=hand.crs).to_parquet(empty)
    expect(empty, "empty.parquet", "no street segments")

    not_xml = tmp_path / "broken.osm"
    not_xml.write_text("this is not OSM XML")
    expect(not_xml, f"{not_xml}: not a readable OSM XML file", "XML parsing error")

    no_ways = tmp_path / "empty.osm"
    no_ways.write_text('<?xml version="1.0"?><osm version="0.6"></osm>')
    expect(no_ways, f"{no_ways}: no walkable street among its 0 ways")

    html = tmp_path / "page.osm"  # a web page saved under an OSM name
    html.write_text("<html><body>Overpass is busy</body></html>")
    expect(html, f"{html}: not a readable OSM XML file", "html")

    # a GraphML that osmnx did not write: nodes have no x/y
    plain = tmp_path / "plain.graphml"
    plain.write_text(
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<graph edgedefault="directed"><node id="1"/><node id="2"/>'
        '<edge source="1" target="2"/></graph></graphml>'
    )
    expect(plain, f"{plain}: not an osmnx street graph")

    # a points layer given as the network
    points = tmp_path / "points.gpkg"
    gpd.GeoDataFrame(
        {"u": [1, 2], "v": [2, 3]}, geometry=[hand.pt(0, 0), hand.pt(1, 1)], crs=hand.crs
    ).to_file(points)
    expect(points, f"{points}: row 1 has a Point geometry", "must be lines (2 such row(s))")


def _valid_network_file(kind: str, folder: Path, fixtures: Path, hand: Any) -> Path:
    """A small valid network file of each format (the grid, or the jiangbei fixture)."""
    import osmnx as ox

    osm = fixtures / "jiangbei_small.osm"
    path = folder / f"streets.{kind}"
    if kind == "parquet":
        hand.table(hand.grid(6)).to_parquet(path)
    elif kind == "gpkg":
        hand.table(hand.grid(6)).to_file(path)
    elif kind == "graphml":
        ox.save_graphml(ox.graph_from_xml(osm, bidirectional=False, retain_all=True), path)
    elif kind == "osm":
        path.write_bytes(osm.read_bytes())
    elif kind == "osm.bz2":
        path.write_bytes(bz2.compress(osm.read_bytes()))
    else:
        path.write_bytes((fixtures / "jiangbei_small.osm.pbf").read_bytes())
    network.load(path)  # valid as written
    return path


FORMATS = {
    "parquet": "GeoParquet",
    "gpkg": "GeoPackage",
    "graphml": "GraphML",
    "osm": "OSM XML",
    "osm.bz2": "bzip2-compressed OSM XML",
    "osm.pbf": "OSM PBF",
}


@pytest.mark.parametrize("damage", ["empty", "random bytes", "cut in half", "last 64 bytes cut"])
@pytest.mark.parametrize("kind", list(FORMATS))
def test_corrupt_network_files_fail_in_one_line(hand, fixtures_dir, tmp_path, kind, damage):
    good = _valid_network_file(kind, tmp_path, fixtures_dir, hand).read_bytes()
    data = {
        "empty": b"",
        "random bytes": np.random.default_rng(7).bytes(4096),
        "cut in half": good[: len(good) // 2],
        "last 64 bytes cut": good[:-64],
    }[damage]
    bad = tmp_path / f"bad.{kind}"
    bad.write_bytes(data)
    with pytest.raises(NetworkError) as info:
        network.load(bad)
    msg = str(info.value)
    assert msg.startswith(f"{bad}: not a readable {FORMATS[kind]} file, truncated or corrupt? (")
    assert "\n" not in msg and len(msg) < 400 and "Traceback" not in msg


@pytest.mark.parametrize(
    ("name", "kind"), [("bad.parquet", "GeoParquet"), ("bad.osm.pbf", "OSM PBF")]
)
def test_cli_network_with_corrupt_file_exits_1_in_one_line(tmp_path, name, kind):
    from typer.testing import CliRunner

    from coverage.cli import app

    (tmp_path / name).write_bytes(np.random.default_rng(3).bytes(2048))
    res = CliRunner().invoke(
        app, ["network", str(_network_scenario(tmp_path, name)), "--lang", "en"]
    )
    assert res.exit_code == 1
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, res.output
    assert errors[0].startswith(
        f"error: {tmp_path / name}: not a readable {kind} file, truncated or corrupt? ("
    )
    assert "Traceback" not in res.output


def test_cli_network_reports_ways_left_out(tmp_path):
    from typer.testing import CliRunner

    from coverage.cli import app

    (tmp_path / "streets.osm").write_text(RAIL_DETOUR_OSM, encoding="utf-8")
    scenario = _network_scenario(tmp_path, "streets.osm")
    res = CliRunner().invoke(app, ["network", str(scenario), "--lang", "en"])
    assert res.exit_code == 0, res.output
    for tag in ("building", "highway=motorway", "landuse=residential", "railway=rail"):
        assert re.search(rf"not walkable: {re.escape(tag)}\s*│\s*1 │", res.output), tag


def test_an_unknown_network_format_is_said_in_both_languages(tmp_path):
    path = tmp_path / "streets.txt"
    path.write_text("u,v\n", encoding="utf-8")
    with pytest.raises(NetworkError) as info:
        network.load(path)
    assert (
        info.value.text("en")
        == str(info.value)
        == (
            f"{path}: unknown network format; use .osm/.osm.bz2/.osm.pbf, .graphml, or an edge table "
            "(.parquet/.gpkg/.shp/.geojson)"
        )
    )
    assert info.value.text("zh") == (
        f"{path}：未知的路网格式；请使用 .osm/.osm.bz2/.osm.pbf、.graphml 或边表"
        "（.parquet/.gpkg/.shp/.geojson）"
    )
    assert info.value.key == "error.network.unknown_format"
