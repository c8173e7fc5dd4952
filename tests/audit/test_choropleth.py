"""The offline choropleth in headless Chromium: districts drawn, a click shows a district."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import shapely

from coverage.audit.choropleth import choropleth_data, classes, share_class, write_choropleth
from coverage.audit.config import Audit
from coverage.audit.districts import District
from coverage.audit.results import district_table, write_audit
from coverage.audit.runner import AuditRun
from coverage.counts import shown_share
from tests.audit.conftest import NASTY
from tests.browser_helpers import chromium
from tests.conftest import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"

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


def test_a_figure_no_district_has_is_not_a_row_of_dashes(tmp_path: Path) -> None:
    # Without a workers layer no district has "workers left out": no "–" row on every district.
    run = _run(tmp_path)
    run.records["D1"]["figures"]["workers_uncovered"] = math.nan  # as figures.py leaves it
    rows = dict(_feature(run)["rows"])
    assert "未覆盖职工" not in rows and rows["人口"] == "1,234"
    run.records["D1"]["figures"]["workers_uncovered"] = 12.0  # one district has it: shown
    assert dict(_feature(run)["rows"])["未覆盖职工"] == "12"


def _feature(run: AuditRun, i: int = 0) -> dict[str, Any]:
    return choropleth_data(run, district_table(run))["features"][i]


@pytest.mark.parametrize(
    ("share", "text", "cls"),
    [(0.99996, "99.9%", 5), (0.00003, "0.1%", 0), (1.0, "100.0%", 5), (0.0, "0.0%", 0)],
)
def test_shares_read_100_or_0_percent_only_when_exact(
    tmp_path: Path, share: float, text: str, cls: int
) -> None:
    run = _run(tmp_path)
    run.records["D1"]["figures"].update(share_any=share, evaluable_share=share or 1.0)
    feature = _feature(run)
    assert dict(feature["rows"])["总覆盖率"] == text
    assert feature["shown"] == text and feature["cls"] == cls


def test_the_page_counts_people_as_the_table_and_the_workbook_do(tmp_path: Path) -> None:
    # Jianghan as audited: 373,522.37 people, 361,289.56 covered. People read whole numbers
    # that add up: 373,522 people, 361,290 covered, so 12,232 not covered (as the district's
    # summary.csv, districts.csv and the workbook say), not round(12,232.81) = 12,233.
    run = _run(tmp_path)
    people, covered = 373522.3722892901, 361289.55806658906
    run.records["D1"]["figures"] = {
        "demand": people, "covered": covered, "share_any": covered / people,
        "unreachable": 563.1115485039086, "population": people, "evaluable_share": 0.9985,
        "weight_kind:residents": people, "uncovered_kind:residents": people - covered,
        "unreachable_kind:residents": 563.1115485039086, "share_kind:residents": covered / people,
    }  # fmt: skip
    files = write_audit(run)
    page = files["map"].read_text(encoding="utf-8")
    data = re.search(r'id="data">(.*?)</script>', page, re.S)
    assert data is not None
    rows = dict(json.loads(data.group(1))["features"][0]["rows"])
    assert rows["未覆盖居住地（居民）"] == "12,232"
    assert (rows["居住地（居民）总数"], rows["覆盖需求量"]) == ("373,522", "361,290")
    csv = files["csv"].read_text(encoding="utf-8-sig").splitlines()
    head, first = csv[0].split(","), csv[1].split(",")
    assert first[head.index("未覆盖居住地（居民）")] == "12232"


def test_a_districts_colour_class_holds_its_shown_share() -> None:
    # Each class reads "lo–hi%" of one-decimal shares; every shown share falls in its class.
    labels = [c["label"] for c in classes()]
    assert labels == ["0.0–49.9%", "50.0–69.9%", "70.0–79.9%", "80.0–89.9%", "90.0–94.9%",
                      "95.0–100.0%"]  # fmt: skip
    for share in [0.0, 0.4994, 0.49996, 0.5, 0.69951, 0.8, 0.9499, 0.94949, 0.99999, 1.0]:
        lo, hi = (float(x) for x in labels[share_class(share)].rstrip("%").split("–"))
        shown = float(shown_share(share).rstrip("%"))
        assert lo <= shown <= hi, (share, shown, lo, hi)
    assert share_class(math.nan) is None and share_class(None) is None


def test_districts_without_a_share_say_why_and_list_no_dashes(tmp_path: Path) -> None:
    run = _run(tmp_path)
    failed = _feature(run, 1)
    assert failed["cls"] is None and failed["shown"] == "失败"
    assert "–" not in [v for _, v in failed["rows"]]  # what it has, not a column of dashes
    nan = math.nan
    run.records["D1"]["figures"].update(share_any=nan, evaluable_share=nan, population=0.0)
    assert _feature(run)["shown"] == "无人口" and _feature(run)["cls"] is None
    run.records["D1"]["figures"].update(share_any=0.0, evaluable_share=0.0, population=5.0)
    assert _feature(run)["shown"] == "无法评估" and _feature(run)["cls"] is None


LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_on_a_phone_offline(tmp_path: Path, lang: str) -> None:
    run = _run(tmp_path)
    run.audit = run.audit.model_copy(update={"lang": lang, "title": "普查", "title_en": "Audit"})
    path = write_choropleth(run, district_table(run), tmp_path / "index.html")
    with chromium() as driver:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
        )
        driver.get(path.as_uri())
        assert driver.execute_script("return window.__covErrors;") == []
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # no sideways scrolling
        buttons = driver.find_elements("css selector", "#list button")
        assert len(buttons) == 2 and all(b.size["height"] >= 32 for b in buttons)
        buttons[0].click()
        link = driver.find_element("id", "link")
        assert link.size["height"] >= 32 and link.get_attribute("href").endswith("map.html")
        assert driver.find_element("id", "dname").text == f"{NASTY} (D1)"
        legend = driver.find_element("id", "legend").text
        assert "95.0–100.0%" in legend and "0.0–49.9%" in legend  # the breaks, not hover-only
        texts = driver.execute_script("return document.body.innerText").replace(NASTY, "")
        texts = texts.replace("D1", "").replace("X9", "").replace("off", "")
        if lang == "zh":
            assert not LATIN.search(texts), LATIN.findall(texts)
        else:
            assert not CJK.search(texts.replace("研究区域内没有路网中的街道", "")), texts
        requests = [
            json.loads(e["message"])["message"].get("params", {}).get("request", {}).get("url")
            for e in driver.get_log("performance")
        ]
        assert not [u for u in requests if u and u.startswith(("http:", "https:"))]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / f"choropleth_phone_{lang}.png"))


def test_a_long_name_without_spaces_wraps_on_a_phone(tmp_path: Path) -> None:
    # A name of one long token (a formula, a URL, a romanised name) must wrap inside its
    # button and heading: the share beside it stays on the screen, no sideways scrolling.
    run = _run(tmp_path)
    name = '=HYPERLINK("http://evil.example/very/long/path","Donghu_High-Tech_Zone")'
    run.districts[0] = District("D1", name, 1, run.districts[0].geometry)
    path = write_choropleth(run, district_table(run), tmp_path / "index.html")
    with chromium() as driver:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True},
        )
        driver.get(path.as_uri())
        assert driver.execute_script("return window.__covErrors;") == []
        button = driver.find_elements("css selector", "#list button")[0]
        button.click()
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 375
        share = button.find_element("css selector", ".v")
        assert share.text == "95.0%"
        assert share.location["x"] + share.size["width"] <= 375
