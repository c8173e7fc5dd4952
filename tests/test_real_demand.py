"""Demand from population rasters through a whole run: totals, kinds, people off the streets.

The hand case is a 3 × 3 grid of 100 m blocks (UTM 50N near Wuhan) under a raster of 100 m
cells in the same projection, so every figure can be read off the cell values; the sample case
runs the Wuhan sample from a copy with no ../shared beside it and compares its residents with
the figure ../shared/data/README.md gives from an independent zonal sum.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from conftest import HAND_CRS, REPO_ROOT, X0, Y0, edge_table, grid_lines
from pyproj import Transformer
from rasterio.transform import from_origin

from coverage import pipeline
from coverage.errors import CoverageError

TO_LONLAT = Transformer.from_crs(HAND_CRS, "EPSG:4326", always_xy=True)

#: Cell values (people) of the hand raster: rows from the north, 100 m cells from x = -50 m,
#: y = 350 m. The streets span x, y in [0, 300]; the last column (x 650-750 m, centre 700 m)
#: lies 400 m east of the nearest street: 7 + 11 people there cannot reach one on foot.
CELLS = np.array(
    [
        [1, 2, 3, 4, 0, 0, 7],
        [5, 6, -1, 8, 0, 0, 11],  # -1: nodata
        [9, 10, 11, 12, 0, 0, 0],
        [13, 14, 15, 16, 0, 0, 0],
    ],
    dtype="float32",
)


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = TO_LONLAT.transform(X0 + x, Y0 + y)
    return round(lon, 7), round(lat, 7)


def _hand_raster_scenario(folder: Path) -> Path:
    edge_table(grid_lines(3, 100.0)).to_parquet(folder / "streets.parquet")
    profile = {
        "driver": "GTiff", "width": CELLS.shape[1], "height": CELLS.shape[0], "count": 1,
        "dtype": "float32", "crs": HAND_CRS, "nodata": -1.0,
        "transform": from_origin(X0 - 50, Y0 + 350, 100, 100),
    }  # fmt: skip
    with rasterio.open(folder / "people.tif", "w", **profile) as dst:
        dst.write(CELLS, 1)
    # The study area: the raster's extent exactly (-50..650+100 m by -50..350 m), in WGS-84.
    ring = [_lonlat(x, y) for x, y in ((-50, -50), (750, -50), (750, 350), (-50, 350))]
    area = {"type": "Feature", "properties": {"name": "hand"},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}}  # fmt: skip
    (folder / "area.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                     "features": [area]}), encoding="utf-8")  # fmt: skip
    (folder / "facilities.csv").write_text(
        "名称,经度,纬度\n甲,{},{}\n".format(*_lonlat(100, 100)), encoding="utf-8"
    )
    (folder / "jobs.csv").write_text(
        "name,lon,lat,workers\n"
        + "".join(f"j{i},{x},{y},{w}\n" for i, ((x, y), w) in
                  enumerate(((_lonlat(0, 0), 40), (_lonlat(300, 300), 60))))
        , encoding="utf-8",
    )  # fmt: skip
    (folder / "scenario.toml").write_text(
        """name = "hand"
[area]
path = "area.geojson"
crs = "wgs84"
[network]
path = "streets.parquet"
[walk]
threshold_min = 15
bands_min = [15]
max_snap_m = 300
[[facilities]]
path = "facilities.csv"
tier = "point"
[[demand]]
path = "people.tif"
kind = "residents"
[[demand]]
path = "jobs.csv"
weight = "workers"
""",
        encoding="utf-8",
    )
    return folder / "scenario.toml"


def test_raster_and_register_demand_in_one_run(tmp_path: Path) -> None:
    run = pipeline.run(_hand_raster_scenario(tmp_path), write=False)
    s = run.coverage.summary.set_index(["scope", "key"])
    residents = CELLS[CELLS > 0].sum()  # 17 + 30 + 42 + 58: every cell lies inside the area
    assert residents == 147
    # (the area's corners, rounded to 1e-7° in WGS-84, cut the outer cells by a hair)
    assert s.loc[("kind", "residents"), "weight"] == pytest.approx(residents, rel=1e-4)
    assert s.loc[("kind", "workers"), "weight"] == pytest.approx(100)
    assert s.loc[("overall", "all"), "weight"] == pytest.approx(residents + 100, rel=1e-4)
    # 7 + 11 people live 400 m from any street: in the totals, never covered.
    assert s.loc[("kind", "residents"), "unreachable_weight"] == pytest.approx(18, rel=1e-4)
    assert s.loc[("overall", "all"), "unreachable_weight"] == pytest.approx(18, rel=1e-4)
    assert s.loc[("kind", "workers"), "unreachable_weight"] == 0
    # 15 minutes at 4.5 km/h (1,125 m) reach every street of the 300 m grid from its middle.
    assert s.loc[("kind", "residents"), "covered_weight"] == pytest.approx(residents - 18, rel=1e-4)
    assert s.loc[("kind", "workers"), "covered_weight"] == pytest.approx(100)
    notes = " | ".join(str(n) for n in run.layers.notes)
    # How the cells were read is said with them (the raster's own UTM zone).
    assert (
        "people.tif band 1 (EPSG:32650): 147 residents in 17 of 28 cells inside the area" in notes
    )
    assert "18 residents (12.2%) are farther than 300 m from any walkable street" in notes
    nodata = [p for p in run.layers.problems if "no data" in p.message]
    assert len(nodata) == 1 and nodata[0].path.endswith("people.tif")
    kpis = run.coverage.kpis()
    assert kpis["unreachable_weight"] == pytest.approx(18, rel=1e-4)
    assert kpis["kind_share:residents"] == pytest.approx(129 / 147, rel=1e-4)
    assert kpis["kind_uncovered:workers"] == pytest.approx(0)


def test_the_sample_runs_on_its_own_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh copy of data/wuhan with nothing beside it: real residents and illustrative jobs."""
    folder = tmp_path / "wuhan"
    shutil.copytree(REPO_ROOT / "data" / "wuhan", folder)
    monkeypatch.chdir(tmp_path)
    run = pipeline.run(folder / "scenario.toml", write=False)
    s = run.coverage.summary.set_index(["scope", "key"])
    # ../shared/data/README.md: 373,361 people aged 20-59 inside the real 江汉区 boundary.
    assert s.loc[("kind", "residents"), "weight"] == pytest.approx(373_361, rel=0.005)
    jobs = pd.read_csv(folder / "workplaces.csv")["workers"].sum()
    assert s.loc[("kind", "workers"), "weight"] == pytest.approx(jobs)
    assert s.loc[("overall", "all"), "weight"] == pytest.approx(
        s.loc[("kind", "residents"), "weight"] + jobs
    )
    far = ~run.coverage.demand["snapped"].to_numpy()
    unreachable = run.coverage.demand["weight"].to_numpy()[far].sum()
    assert s.loc[("overall", "all"), "unreachable_weight"] == pytest.approx(unreachable)
    assert 0 < s.loc[("overall", "all"), "covered_weight"] < s.loc[("overall", "all"), "weight"]


def test_area_selection_picks_one_district_and_names_the_choices(tmp_path: Path) -> None:
    toml = _hand_raster_scenario(tmp_path)
    area = json.loads((tmp_path / "area.geojson").read_text(encoding="utf-8"))
    far = json.loads(json.dumps(area["features"][0]))
    far["properties"]["name"] = "远处"
    far["geometry"]["coordinates"] = [[[lon + 1, lat] for lon, lat in ring]
                                      for ring in far["geometry"]["coordinates"]]  # fmt: skip
    area["features"].append(far)
    (tmp_path / "area.geojson").write_text(json.dumps(area), encoding="utf-8")
    text = toml.read_text(encoding="utf-8").replace(
        'crs = "wgs84"\n', 'crs = "wgs84"\nselect = { name = "hand" }\n'
    )
    toml.write_text(text, encoding="utf-8")
    run = pipeline.run(toml, write=False)
    assert run.coverage.summary.set_index(["scope", "key"]).loc[
        ("kind", "residents"), "weight"
    ] == (pytest.approx(147, rel=1e-4))
    toml.write_text(text.replace('name = "hand"', 'name = "江汉区"'), encoding="utf-8")
    with pytest.raises(CoverageError) as info:
        pipeline.run(toml, write=False)
    message = str(info.value)
    assert "\n" not in message and "江汉区" in message and "hand" in message and "远处" in message
