"""A district's figures: outside the street extract (0 % evaluable), or nobody in it."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely

from coverage.audit import load_audit, read_districts
from coverage.audit.figures import district_figures, figures_without_people
from coverage.audit.outcome import AuditRun
from coverage.audit.registers import read_registers
from coverage.audit.results import district_table
from coverage.audit.tasks import make_task, run_district
from coverage.scenario.layer_sections import Layer
from tests.audit.conftest import OFF_MAP, SAMPLE, audit_text, write_districts
from tests.conftest import shared_data


def _people_in(box: shapely.Geometry, raster: Path) -> float:
    """Band 1 summed over the cells, each weighted by the share of it inside the box."""
    with rasterio.open(raster) as src:
        values = src.read(1)
        t = src.transform
        total = 0.0
        r0, c0 = src.index(box.bounds[0], box.bounds[3])
        for r in range(r0 - 1, r0 + 16):
            for c in range(c0 - 1, c0 + 16):
                x0, y0 = t @ (c, r)
                x1, y1 = t @ (c + 1, r + 1)
                cell = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
                share = cell.intersection(box).area / cell.area
                if share > 0 and values[r, c] >= 0:
                    total += float(values[r, c]) * share
    return total


@pytest.mark.realdata
def test_district_without_streets_reports_its_population(tmp_path: Path) -> None:
    districts = write_districts(tmp_path / "districts.geojson", cells={}, off_map=True)
    raster = shared_data("wuhan_worldpop_adults.tif")
    text = audit_text(districts, tmp_path / "results").replace(
        str(SAMPLE / "worldpop_jianghan.tif"), str(raster)
    )
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    audit = load_audit(path)
    (district,) = read_districts(audit)
    rec = run_district(make_task(audit, district, {}, read_registers(audit)))
    assert (
        rec["status"] == "failed"
        and rec["error"] == "研究区内没有路网中的街道（请检查坐标系和研究区）"
    )
    assert rec["error_key"] == "error.network.no_street"
    # the reason in the audit's words: the street file ends short of the district
    assert rec["notes"] == [["excel.audit.note.no_street", {"file": "wuhan_streets_osm.parquet"}]]
    table = district_table(AuditRun(audit, [district], {district.code: rec}))
    assert (
        table.loc[0, "note"]
        == "路网文件 wuhan_streets_osm.parquet 在本区内没有街道：本区人口均无法评估"
    )
    fig = rec["figures"]
    expected = _people_in(OFF_MAP, raster)
    assert expected > 100  # a populated place, so the test can fail
    assert fig["population"] == pytest.approx(expected, rel=0.01)
    assert fig["evaluable_share"] == 0.0
    assert np.isclose(fig["unreachable"], fig["population"])


def test_a_district_without_people_lists_each_kind_its_layers_read() -> None:
    # no kind given: a raster's people are residents, a register's demand workers
    demand = [Layer(path=Path("people.tif")), Layer(path=Path("jobs.csv"))]
    s: Any = SimpleNamespace(demand=demand)
    points = [shapely.Point(0.5, 0.5), shapely.Point(0.2, 0.9), shapely.Point(3, 3)]
    layers: Any = SimpleNamespace(facilities=gpd.GeoDataFrame(geometry=points, crs=4326))
    fig = figures_without_people(s, layers, shapely.box(0, 0, 1, 1))
    assert fig["weight_kind:residents"] == fig["weight_kind:workers"] == 0
    assert math.isnan(fig["share_kind:residents"]) and math.isnan(fig["share_kind:workers"])
    assert fig["workers_uncovered"] == 0  # a workers layer, none of them in the district
    assert fig["facilities_in"] == 2  # two of the three stand in the unit square
    assert not [k for k in fig if k.endswith(":None")]


def test_facilities_serving_a_district_are_those_whose_walk_reaches_someone_in_it() -> None:
    # Four facilities given to a district (its own and its margin's): two reach its people,
    # one is on a street but reaches no one in it, one is off the streets. Two serve it; the
    # one standing in it counts per 10,000 people (1 in 2,000 people: 5 per 10,000).
    summary = pd.DataFrame(
        [("overall", "all", 2000.0, 1500.0, 0.75, 0.25, 0.0),
         ("kind", "residents", 2000.0, 1500.0, 0.75, 0.25, 0.0)],
        columns=["scope", "key", "weight", "covered_weight", "share", "cross_share",
                 "unreachable_weight"],
    )  # fmt: skip
    points = [shapely.Point(0.5, 0.5), shapely.Point(1.2, 0.5), shapely.Point(1.3, 0.5),
              shapely.Point(1.4, 0.5)]  # fmt: skip
    facilities = gpd.GeoDataFrame(
        {"snapped": [True, True, True, False], "demand_reached": [4, 2, 0, 0]},
        geometry=points,
        crs=4326,
    )
    cov: Any = SimpleNamespace(summary=summary, facilities=facilities)
    fig = district_figures(cov, shapely.box(0, 0, 1, 1))
    assert fig["facilities_serving"] == 2
    assert fig["facilities_in"] == 1 and fig["facilities_per_10k"] == pytest.approx(5.0)


def test_a_kind_of_demand_with_no_row_in_the_district_counts_nobody() -> None:
    # The audit reads a workers register; none of its rows lies in this district, so its run's
    # summary has no workers row. Workers not covered: 0 (not unknown); their share: none.
    summary = pd.DataFrame(
        [("overall", "all", 1000.0, 600.0, 0.6, 0.1, 50.0),
         ("kind", "residents", 1000.0, 600.0, 0.6, 0.1, 50.0)],
        columns=["scope", "key", "weight", "covered_weight", "share", "cross_share",
                 "unreachable_weight"],
    )  # fmt: skip
    facilities = gpd.GeoDataFrame(
        {"snapped": [True], "demand_reached": [3]}, geometry=[shapely.Point(0.5, 0.5)], crs=4326
    )
    cov: Any = SimpleNamespace(summary=summary, facilities=facilities)
    fig = district_figures(cov, shapely.box(0, 0, 1, 1), ["residents", "workers"])
    assert fig["workers_uncovered"] == 0 and fig["weight_kind:workers"] == 0
    assert fig["uncovered_kind:workers"] == 0 and math.isnan(fig["share_kind:workers"])
    assert fig["population"] == 1000 and fig["evaluable_share"] == pytest.approx(0.95)
    assert fig["uncovered_kind:residents"] == 400
