"""coverage.inputs.streets: reading layers needs the streets only, never the network itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import copy_small_scenario

from coverage import inputs, pipeline


@dataclass
class _Lines:
    """Streets as bare lines: distances by shapely, a second way to what routing.snap measures."""

    edges: gpd.GeoDataFrame
    asked: int = 0

    @property
    def crs(self) -> Any:
        return self.edges.crs

    def street_distance(self, points: gpd.GeoSeries, max_m: float) -> np.ndarray:
        self.asked += 1
        tree = shapely.STRtree(self.edges.geometry.values)
        geoms = np.asarray(points.values)
        _, dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
        return np.where(dist <= max_m, dist, np.inf)


@pytest.mark.realdata
def test_layers_read_against_bare_street_lines_equal_the_networks(
    tmp_path: Path, wuhan_edges_path: Path
):
    s = pipeline.load_scenario(copy_small_scenario(tmp_path, wuhan_edges_path))
    study = pipeline.load_area(s)
    net = pipeline.load_network(s, study[0])
    lines = _Lines(net.edges[["geometry"]].copy())
    probe = gpd.GeoSeries(shapely.points(net.x[:50] + 7.0, net.y[:50] - 3.0))
    assert np.allclose(lines.street_distance(probe, 1e9), net.street_distance(probe, 1e9))
    full = net.street_distance(probe, 1e9)
    assert np.isfinite(full).all() and (full > 1.0).any()
    assert np.array_equal(net.street_distance(probe, 1.0), np.where(full <= 1.0, full, np.inf))

    by_net = pipeline.read_layers(s, net, area=study)
    by_lines = inputs.read_layers(s, lines, area=study)  # no WalkNetwork anywhere
    assert lines.asked >= 2  # facilities and demand were both checked against the streets
    assert len(by_net.facilities) and len(by_net.demand)
    for name in ("facilities", "demand", "candidates"):
        pd.testing.assert_frame_equal(
            pd.DataFrame(getattr(by_lines, name)), pd.DataFrame(getattr(by_net, name))
        )
    key = [(Path(p.path).name, p.row, p.field_text(), p.action) for p in by_net.problems]
    assert [(Path(p.path).name, p.row, p.field_text(), p.action) for p in by_lines.problems] == key


def test_a_places_area_comes_from_the_geocoder_handed_in(tmp_path: Path):
    toml = tmp_path / "scenario.toml"
    toml.write_text(
        '[network]\nplace = "江汉区, 武汉市"\n\n[[facilities]]\npath = "f.csv"\n\n'
        '[[demand]]\npath = "d.csv"\nweight = "w"\n',
        encoding="utf-8",
    )
    (tmp_path / "f.csv").write_text("名称,等级,经度,纬度\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text("lon,lat,w\n", encoding="utf-8")
    s = pipeline.load_scenario(toml)
    asked: list[tuple[str, Path]] = []
    box = shapely.box(114.2, 30.55, 114.3, 30.65)

    def geocode(place: str, cache: Path) -> shapely.Geometry:
        asked.append((place, cache))
        return box

    area, subs = inputs.load_area(s, geocode=geocode)
    assert asked == [("江汉区, 武汉市", s.cache_dir)] and area == box and subs is None
    # Without a geocoder, reading files asks nothing of OSM: no study area.
    assert inputs.load_area(s)[0] is None
    # read_layers reads the area with the geocoder it is given (no rows here: nothing else).
    streets = _Lines(gpd.GeoDataFrame(geometry=[], crs=32650))
    assert inputs.read_layers(s, streets, geocode=geocode).area == box
    assert asked[-1] == ("江汉区, 武汉市", s.cache_dir)
