"""The offline choropleth in headless Chromium: districts drawn, a click shows a district."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from coverage.audit.choropleth import choropleth_data, write_choropleth
from coverage.audit.config import Audit
from coverage.audit.districts import District
from coverage.audit.results import district_table
from coverage.audit.runner import AuditRun
from tests.audit.conftest import NASTY
from tests.browser_helpers import chromium

pytestmark = pytest.mark.filterwarnings("ignore")


def _run(tmp_path: Path) -> AuditRun:
    audit = Audit.model_validate(
        {
            "title": NASTY,
            "districts": {"path": "d.geojson"},
            "network": {"path": "n.parquet"},
            "demand": [{"path": "p.tif"}],
            "output": {"dir": str(tmp_path)},
        }
    )
    districts = [
        District("D1", NASTY, 1, shapely.box(114.0, 30.0, 114.1, 30.1)),
        District("X9", "off", 2, shapely.box(114.1, 30.0, 114.2, 30.1)),
    ]
    records = {
        "D1": {"status": "done", "figures": {"share_any": 0.95, "population": 1234.0}},
        "X9": {
            "status": "failed",
            "error": "研究区域内没有路网中的街道",
            "error_key": "error.network.no_street",
        },
    }
    return AuditRun(audit, districts, records)


def test_choropleth_draws_and_shows_a_district(tmp_path: Path) -> None:
    run = _run(tmp_path)
    path = write_choropleth(run, district_table(run), tmp_path / "index.html")
    with chromium() as driver:
        driver.get(path.as_uri())
        errors = driver.execute_script("return window.__covErrors;")
        assert errors == []
        assert driver.title == NASTY
        paths = driver.find_elements("css selector", "svg path")
        assert len(paths) == 2
        assert paths[0].get_attribute("fill") == "#1a9850"  # 95 %: the top class
        assert paths[1].get_attribute("fill") == "#bbbbbb"  # failed: no result
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click'))", paths[0])
        assert driver.find_element("id", "dname").text == f"{NASTY} (D1)"
        cells = [c.text for c in driver.find_elements("css selector", "#tbl td")]
        assert "95.0%" in cells and "1,234" in cells
        assert (
            driver.find_element("id", "link")
            .get_attribute("href")
            .endswith("districts/D1/map.html")
        )
        assert driver.find_elements("css selector", "#side b") == []  # the name stayed text
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click'))", paths[1])
        assert driver.find_element("id", "link").get_attribute("href") is None


def test_facilities_per_10k_keep_their_decimals_on_the_page(tmp_path: Path) -> None:
    run = _run(tmp_path)
    run.records["D1"]["figures"]["facilities_per_10k"] = 0.04  # 5 facilities, 1.25 M people
    rows = dict(choropleth_data(run, district_table(run))["features"][0]["rows"])
    assert rows["每万人设施数"] == "0.04"
    assert rows["人口"] == "1,234"


def test_a_district_none_of_whose_people_is_evaluable_is_grey_with_its_note(
    tmp_path: Path,
) -> None:
    # 0 % covered of people no street reaches is "not evaluated", not the red of "unserved".
    run = _run(tmp_path)
    run.records["D1"]["figures"].update(share_any=0.0, evaluable_share=0.0)
    run.records["D1"]["notes"] = [["excel.audit.note.not_evaluable", {}]]
    feature = choropleth_data(run, district_table(run))["features"][0]
    assert feature["value"] is None
    rows = dict(feature["rows"])
    assert rows["说明"] == "本区人口均不在路网街道附近：无法评估覆盖率"
    assert rows["总覆盖率"] == "0.0%"  # the run's own figure, beside the note
    assert "说明" not in dict(choropleth_data(run, district_table(run))["features"][1]["rows"])
