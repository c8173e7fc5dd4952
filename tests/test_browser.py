"""The generated maps in a real browser: headless Chromium opens them from disk with no network.

One Chromium session serves the module (see ``browser_helpers``). The small real-data scenario
is run once and written as four maps: self-contained Chinese and English maps, an Amap-basemap
map (GCJ-02) and a plan map with three proposed sites. For each, the page must load without a
JavaScript error, build ``window.coverageMap``, draw every layer, marker and worker point, keep
every script and stylesheet inline, and react to the layer control and to clicks. Screenshots
go to ``test-artifacts/browser/`` at the repository root.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry
from browser_helpers import WINDOW, chromium, click_marker, is_network_failure, wait_for
from conftest import copy_small_scenario
from map_payload import payload

from coverage import pipeline
from coverage.datum import from_wgs84

pytestmark = pytest.mark.realdata

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"

TIERS = ("centre", "subcentre", "point", "outdoor_station")
BANDS = (5, 10)  # the scenario's bands_min
# Band chosen when the map opens, per tier: the tier's threshold (centre 15, outdoor_station 5,
# others 10 min in the small scenario), or the largest drawn band below it (bands are 5, 10).
SHOWN_BAND = {"centre": 10, "subcentre": 10, "point": 10, "outdoor_station": 5}
N_PROPOSED = 3
MAPS = ("zh", "en", "amap", "plan")

# Chinese maps open on Amap by default (basemap = "auto"), English ones on OpenStreetMap.
TILE_HOSTS = {
    "zh": r"webrd0[1-4]\.is\.autonavi\.com",
    "en": r"tile\.openstreetmap\.org",
    "plan": r"webrd0[1-4]\.is\.autonavi\.com",
    "amap": r"webrd0[1-4]\.is\.autonavi\.com",
}

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Maps:
    """The maps written for the module and what the scenario run says they should show."""

    paths: dict[str, Path]
    n_facilities: int  # valid rows of facilities.csv
    n_demand: int  # valid rows of demand.csv
    lonlat: dict[str, tuple[float, float]]  # fid -> WGS-84 position
    tier: dict[str, str]  # fid -> tier
    name: dict[str, str]  # fid -> name
    skipped: list[Any] = field(default_factory=list)
    n_added: int = 0  # worker points the plan covers that nothing covered before it


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def maps(browser, tmp_path_factory, wuhan_edges_path) -> Maps:
    """Runs the small scenario once (plus a 3-site plan) and writes the four maps."""
    tmp = tmp_path_factory.mktemp("browser")
    # Candidates for the plan map: a 400 m grid over the area (the scenario lists none).
    toml = copy_small_scenario(
        tmp, wuhan_edges_path, extra='\n[plan]\ntier = "point"\ngrid_spacing_m = 400\n',
        map_name="small.html",
    )  # fmt: skip
    folder = toml.parent
    scenario = pipeline.load_scenario(toml)

    # The plan runs the scenario first: its ``before`` run serves the other maps too.
    plan = pipeline.plan(scenario, add=N_PROPOSED, write=False)
    run = plan.before
    paths = {
        "zh": pipeline.write_map(run, tmp / "zh.html", lang="zh", self_contained=True),
        "en": pipeline.write_map(run, tmp / "en.html", lang="en", self_contained=True),
        "amap": pipeline.write_map(
            run, tmp / "amap.html", lang="zh", basemap="amap", self_contained=True
        ),
    }
    paths["plan"] = pipeline.write_plan_map(plan, tmp / "plan.html")

    def valid_rows(name: str, rows: int) -> tuple[int, list[Any]]:
        skipped = [
            p for p in run.layers.problems if Path(p.path).name == name and p.action == "skipped"
        ]
        return rows - len({p.row for p in skipped}), skipped

    n_fac, skipped_fac = valid_rows("facilities.csv", len(pd.read_csv(folder / "facilities.csv")))
    n_dem, skipped_dem = valid_rows("demand.csv", len(pd.read_csv(folder / "demand.csv")))
    fac = run.coverage.facilities.to_crs(4326).reset_index(drop=True)
    fids = [str(int(f)) for f in fac["fid"]]
    covered_before = run.coverage.demand["covered"].fillna(False).to_numpy(dtype=bool)
    return Maps(
        paths=paths,
        n_facilities=n_fac,
        n_demand=n_dem,
        lonlat={f: (g.x, g.y) for f, g in zip(fids, fac.geometry, strict=True)},
        tier=dict(zip(fids, fac["tier"].astype(str), strict=True)),
        name=dict(zip(fids, fac["name"].astype(str), strict=True)),
        skipped=skipped_fac + skipped_dem,
        n_added=int((plan.after.covered & ~covered_before).sum()),
    )


@pytest.fixture(scope="module", params=MAPS)
def map_name(request) -> str:
    """Module-scoped, so pytest groups the read-only tests of each map together."""
    return request.param


@pytest.fixture
def page(browser, maps, map_name) -> str:
    """The map ``map_name`` open in the browser, untouched (reused between read-only tests)."""
    open_map(browser, maps.paths[map_name], reuse=True)
    return map_name


# --- page helpers ---------------------------------------------------------------------------


def js(driver, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def settled(driver) -> bool:
    """True once the registry is ready and the map has stopped zooming to the data.

    The page opens at zoom 12 and ``fitBounds`` animates to the data a frame later, so the view
    must stay put for three polls in a row.
    """
    state = js(
        driver,
        """const r = window.coverageMap;
        if (!r || !r.ready) return null;
        const m = r.map;
        if (m._animatingZoom || (m._panAnim && m._panAnim._inProgress)) return null;
        const c = m.getCenter();
        return [m.getZoom(), c.lat.toFixed(7), c.lng.toFixed(7)].join();""",
    )
    history = driver.__dict__.setdefault("_cov_views", [])
    history.append(state)
    return state is not None and history[-3:] == [state] * 3


def open_map(driver, path: Path, *, reuse: bool = False) -> None:
    """Opens a map from disk and waits until it is ready and still; logs start empty.

    With ``reuse``, a page that is already showing ``path`` and was opened with ``reuse`` too
    (so no test has clicked on it) is kept as it is.
    """
    if reuse and driver.__dict__.get("_cov_untouched") == path:
        return
    driver.__dict__["_cov_untouched"] = path if reuse else None
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.as_uri())
    driver.__dict__["_cov_views"] = []
    wait_for(lambda: settled(driver), timeout=15, interval=0.1, what=f"{path.name} to settle")


def page_errors(driver) -> list[str]:
    """JavaScript errors: uncaught ones, and SEVERE console entries other than failed tiles."""
    errors = list(js(driver, "return window.__covErrors || ['error collector missing'];"))
    for entry in driver.get_log("browser"):
        if entry["level"] == "SEVERE" and not is_network_failure(entry):
            errors.append(f"console: {entry['message']}")
    return errors


def requests_sent(driver) -> list[tuple[str, str]]:
    """(resource type, URL) of every request the page made, from Chromium's network log."""
    out = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            p = msg["params"]
            out.append((p.get("type", "?"), p["request"]["url"]))
    return out


def screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"could not save {path}"
    return path


def layer_checkbox(driver, key: str):
    """The layer control's checkbox for a layer key, found through its ``span.cov-layer``."""
    from selenium.webdriver.common.by import By

    label = driver.find_element(By.CSS_SELECTOR, f"span.cov-layer[data-layer='{key}']")
    return label.find_element(By.XPATH, "ancestor::label[1]//input[@type='checkbox']")


def on_map(driver, key: str) -> bool:
    return js(
        driver, "const r = window.coverageMap; return r.map.hasLayer(r.layers[arguments[0]]);", key
    )


def background_point(driver) -> tuple[int, int]:
    """A container point on bare map: outside the sub-districts (whose fill takes clicks),
    the worker points and every control or panel."""
    xy = js(
        driver,
        """const r = window.coverageMap, m = r.map, box = m.getContainer().getBoundingClientRect();
        const b = r.layers.subdistricts.getBounds();
        const nw = m.latLngToContainerPoint(b.getNorthWest());
        const se = m.latLngToContainerPoint(b.getSouthEast());
        const ys = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9].map(
          f => Math.round(nw.y + f * (se.y - nw.y)));
        const xs = [Math.round(nw.x / 2), Math.round((se.x + box.width) / 2)];
        for (const y of ys) for (const x of xs) {
          if (x > 2 && x < nw.x - 2 || x > se.x + 2 && x < box.width - 2) {
            const el = document.elementFromPoint(box.left + x, box.top + y);
            if (el && !el.closest('.leaflet-control, .cov-panel, #cov-title, .leaflet-marker-icon')) {
              return [x, y];
            }
          }
        }
        return null;""",
    )
    assert xy, "no bare map beside the study area to click"
    return int(xy[0]), int(xy[1])


def click_at(driver, x: int, y: int) -> None:
    """A real mouse click at a point of the map container."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    container = driver.find_element(By.CSS_SELECTOR, ".leaflet-container")
    rect = container.rect
    ActionChains(driver).move_to_element_with_offset(
        container, int(x - rect["width"] / 2), int(y - rect["height"] / 2)
    ).click().perform()


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Rough ground distance between two (lon, lat) points."""
    dx = (a[0] - b[0]) * 111_320 * math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot(dx, (a[1] - b[1]) * 110_540)


# --- tests ----------------------------------------------------------------------------------


def test_map_opens_offline_without_errors(browser, maps, page):
    name = page
    assert page_errors(browser) == []
    state = js(
        browser,
        """const r = window.coverageMap, m = r.map;
        return {lang: r.lang, datum: r.datum, version: window.L && L.version,
                zoom: m.getZoom(),
                fits: m.getBounds().pad(0.01).contains(r.layers.subdistricts.getBounds()),
                canvas: document.querySelectorAll('.leaflet-overlay-pane canvas').length};""",
    )
    assert state["version"] == "1.9.3"
    assert state["lang"] == ("en" if name == "en" else "zh")
    assert state["datum"] == ("wgs84" if name == "en" else "gcj02")
    # Zoomed to the data (a 2.9 × 2.2 km box), not left at the opening zoom of 12.
    assert state["zoom"] >= 14 and state["fits"], state
    assert state["canvas"] == 1  # points and polygons share one canvas
    # The tiles failed: a line over the map says the basemap needs the internet.
    note = wait_for(
        lambda: js(
            browser,
            "const e = document.getElementById('cov-offline');"
            "return !!e && e.getClientRects().length > 0 && e.textContent;",
        ),
        what="the offline note",
    )
    assert note == (
        "Basemap needs internet; data shows offline"
        if name == "en"
        else "底图需联网；离线时仍显示数据"
    )
    shot = screenshot(browser, name)
    assert shot.stat().st_size > 20_000  # a drawn map, not a blank page


def test_layers_markers_and_counts(browser, maps, page):
    name = page
    reg = js(
        browser,
        """const r = window.coverageMap, out = {keys: Object.keys(r.layers), counts: r.counts,
          drawn: {}, shown: {}, facilities: Object.keys(r.facilities),
          catchments: Object.keys(r.catchments),
          svg: Array.from(document.querySelectorAll('svg.cov-fac')).map(
                 s => [s.dataset.fid, s.dataset.tier]),
          proposed: Array.from(document.querySelectorAll('svg.cov-proposed')).map(
                 s => s.dataset.rank),
          labels: Array.from(document.querySelectorAll('span.cov-layer')).map(
                 s => s.dataset.layer), bands: r.bands, choices: {}, chosen: {}};
        for (const s of document.querySelectorAll('select.cov-band')) {
          out.choices[s.dataset.layer] = Array.from(s.options).map(o => o.value);
          out.chosen[s.dataset.layer] = s.value;
        }
        for (const [k, l] of Object.entries(r.layers)) {
          out.shown[k] = r.map.hasLayer(l);
          if (k.startsWith('demand') || k.startsWith('facilities_') || k.startsWith('proposed')) {
            out.drawn[k] = l.getLayers().length;
          }
        }
        return out;""",
    )
    keys = set(reg["keys"])
    expected = {f"facilities_{t}" for t in TIERS}
    expected |= {f"catchment_{t}" for t in TIERS}  # one per tier, its band a choice
    expected |= {"demand_uncovered", "demand_covered", "demand_cross"}
    expected |= {"subdistricts", "area", "streets", "basemap_osm", "basemap_amap", "basemap_none"}
    if name == "plan":  # the sites, their catchments and the points only they cover
        expected |= {"proposed", "proposed_catchments", "demand_added"}
    assert keys == expected
    # Every layer, the basemaps too, is listed in the layer control under its key; the street
    # background is always on, not a toggle.
    assert sorted(reg["labels"]) == sorted(keys - {"streets"})
    opening = "basemap_osm" if name == "en" else "basemap_amap"
    assert [k for k, v in reg["shown"].items() if k.startswith("basemap_") and v] == [opening]
    # Every overlay on, each tier's catchment on its threshold band.
    assert all(v for k, v in reg["shown"].items() if not k.startswith("basemap_"))
    assert reg["bands"] == {f"catchment_{t}": SHOWN_BAND[t] for t in TIERS}
    # One band choice per tier beside its checkbox, listing the scenario's bands.
    assert reg["choices"] == {f"catchment_{t}": [str(b) for b in BANDS] for t in TIERS}
    assert reg["chosen"] == {f"catchment_{t}": str(SHOWN_BAND[t]) for t in TIERS}

    # One marker per valid facility row, in the DOM, in the registry and in the layers.
    assert maps.n_facilities == 12 - len({p.row for p in maps.skipped if "facilities" in p.path})
    svg = reg["svg"]
    assert len(svg) == maps.n_facilities == len(reg["facilities"])
    assert {fid for fid, _ in svg} == set(reg["facilities"]) == set(maps.lonlat)
    assert all(maps.tier[fid] == tier for fid, tier in svg)
    for t in TIERS:
        n = sum(1 for _, tier in svg if tier == t)
        assert reg["counts"][f"facilities_{t}"] == reg["drawn"][f"facilities_{t}"] == n > 0
    assert set(reg["catchments"]) == set(maps.lonlat)

    # Every valid worker row is drawn once, in exactly one of the three classes (four on the
    # plan map: those the plan newly covers, as many as the plan's own coverage after it says).
    demand = {k: v for k, v in reg["counts"].items() if k.startswith("demand")}
    assert sum(demand.values()) == maps.n_demand == 300
    assert {k: reg["drawn"][k] for k in demand} == demand
    assert all(v > 0 for v in demand.values())

    if name == "plan":
        assert reg["counts"]["demand_added"] == maps.n_added > 0
        assert reg["counts"]["proposed_catchments"] == 1  # one tier of proposed sites
        assert sorted(reg["proposed"]) == [str(i) for i in range(1, N_PROPOSED + 1)]
        assert reg["counts"]["proposed"] == reg["drawn"]["proposed"] == N_PROPOSED
    else:
        assert reg["proposed"] == []


def test_no_script_or_stylesheet_from_the_network(browser, maps, page):
    name = page
    # Resource timing: whatever was fetched from http(s) is a basemap tile image (which fails
    # here); Leaflet, jQuery, CSS and the marker images are all inline.
    entries = js(
        browser,
        "return performance.getEntriesByType('resource').map(e => [e.initiatorType, e.name]);",
    )
    remote = [(kind, url) for kind, url in entries if re.match(r"https?:", url)]
    assert remote, "expected the basemap to at least try to load tiles"
    tile = re.compile(rf"^https://{TILE_HOSTS[name]}/")
    assert [(k, u) for k, u in remote if k != "img" or not tile.match(u)] == []
    # The same from Chromium's own network log, which also sees what resource timing hides.
    sent = requests_sent(browser)
    off_disk = [(t, u) for t, u in sent if not re.match(r"(file|data|blob|about):", u)]
    assert [(t, u) for t, u in off_disk if t != "Image" or not tile.match(u)] == []
    dom = js(
        browser,
        """return [Array.from(document.scripts).map(s => s.src).filter(Boolean),
                   Array.from(document.querySelectorAll('link[href]')).map(l => l.href)];""",
    )
    assert dom == [[], []]
    assert page_errors(browser) == []


def test_view_is_centred_on_the_data(browser, page, request):
    box = js(
        browser,
        """const r = window.coverageMap, m = r.map, b = L.latLngBounds([]);
        for (const [k, l] of Object.entries(r.layers)) {
          if (/^(demand|facilities_|proposed$|subdistricts$|area$)/.test(k)) b.extend(l.getBounds());
        }
        const nw = m.latLngToContainerPoint(b.getNorthWest());
        const se = m.latLngToContainerPoint(b.getSouthEast());
        return {nw: [nw.x, nw.y], se: [se.x, se.y], size: [m.getSize().x, m.getSize().y]};""",
    )
    (x0, y0), (x1, y1), (w, h) = box["nw"], box["se"], box["size"]
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, box  # all the data in view
    if abs((x0 + x1) / 2 - w / 2) <= 2 and abs((y0 + y1) / 2 - h / 2) <= 2:
        return  # centred on the map: the panels leave it clear
    # Or, had the panels covered some of it, centred between those on its left and right
    # (the room they leave, test_the_data_opens_clear_of_the_panels_on_narrow_laptops).
    boxes = [b["box"] for k, b in panel_boxes(browser)["boxes"].items() if k != "scale"]
    left = max(b[2] for b in boxes if b[2] < w / 2)
    right = min(b[0] for b in boxes if b[0] > w / 2)
    assert abs((x0 + x1) / 2 - (left + right) / 2) <= 2, (box, left, right)
    assert not any(overlaps([x0, y0, x1, y1], b) for b in boxes), (box, boxes)


def drawn_band(driver, key: str) -> Any:
    """The band of the catchment drawn in a tier's layer (None when the layer is off)."""
    return js(
        driver,
        """const r = window.coverageMap, g = r.layers[arguments[0]];
        if (!r.map.hasLayer(g)) return null;
        const bands = [];
        g.eachLayer(gj => bands.push(gj));
        return bands.length === 1 ? r.bands[arguments[0]] : bands.length;""",
        key,
    )


def test_one_toggle_per_tier_with_its_band_as_a_choice(browser, maps):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    open_map(browser, maps.paths["zh"])
    # The tier's checkbox switches its catchment off and on again.
    box = layer_checkbox(browser, "catchment_point")
    assert on_map(browser, "catchment_point") and box.is_selected()
    box.click()
    wait_for(lambda: not on_map(browser, "catchment_point"), what="catchment_point off")
    assert not layer_checkbox(browser, "catchment_point").is_selected()
    layer_checkbox(browser, "catchment_point").click()
    wait_for(lambda: on_map(browser, "catchment_point"), what="catchment_point on")
    assert drawn_band(browser, "catchment_point") == 10

    # The band choice beside it (rebuilt with the list) swaps the drawn band: the 5-minute
    # outline is the smaller one.
    def area(key: str) -> float:
        return js(
            browser,
            """const g = window.coverageMap.layers[arguments[0]], b = g.getBounds();
            return (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());""",
            key,
        )

    wide = area("catchment_point")
    select = browser.find_element(By.CSS_SELECTOR, "select.cov-band[data-layer='catchment_point']")
    Select(select).select_by_value("5")
    wait_for(lambda: drawn_band(browser, "catchment_point") == 5, what="the 5-minute band")
    assert 0 < area("catchment_point") < wide
    # The checkbox is unaffected by the choice, and choosing a band for a tier switched off
    # brings it back on that band.
    assert layer_checkbox(browser, "catchment_point").is_selected()
    layer_checkbox(browser, "catchment_centre").click()
    wait_for(lambda: not on_map(browser, "catchment_centre"), what="catchment_centre off")
    select = browser.find_element(By.CSS_SELECTOR, "select.cov-band[data-layer='catchment_centre']")
    Select(select).select_by_value("5")
    wait_for(lambda: drawn_band(browser, "catchment_centre") == 5, what="centre back on, 5 min")
    assert layer_checkbox(browser, "catchment_centre").is_selected()
    assert (
        browser.find_element(
            By.CSS_SELECTOR, "select.cov-band[data-layer='catchment_centre']"
        ).get_attribute("value")
        == "5"
    )
    assert page_errors(browser) == []


def test_clicking_a_facility_highlights_its_catchment(browser, maps):
    from selenium.webdriver.common.by import By

    open_map(browser, maps.paths["zh"])
    # The centre is drawn above every other tier, so nothing can take its click.
    fid = next(f for f, t in maps.tier.items() if t == "centre")
    click_marker(browser, f"svg.cov-fac[data-fid='{fid}']")
    wait_for(lambda: js(browser, "return window.coverageMap.selected;") == fid, what="selection")
    hl = js(
        browser,
        """const r = window.coverageMap;
        let bands = [];
        r.highlight.eachLayer(g => g.eachLayer(l => bands.push(l.feature.properties.band_min)));
        return {on: r.map.hasLayer(r.highlight), bands: bands.sort((a, b) => a - b),
                popup: (document.querySelector('.leaflet-popup-content') || {}).textContent};""",
    )
    assert hl["on"] and hl["bands"] == list(BANDS)
    assert maps.name[fid] in (hl["popup"] or "")
    screenshot(browser, "zh-selected")

    # Clicking bare map clears the highlight again.
    browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-close-button").click()
    click_at(browser, *background_point(browser))
    wait_for(lambda: js(browser, "return window.coverageMap.selected;") is None, what="clearing")
    assert js(browser, "return window.coverageMap.highlight.getLayers().length;") == 0

    # Another facility, through the registry call integrators use.
    other = next(f for f, t in maps.tier.items() if t == "point")
    n = js(
        browser,
        "const l = window.coverageMap.showCatchment(arguments[0]); return l && l.getLayers().length;",
        other,
    )
    assert n == len(BANDS) and js(browser, "return window.coverageMap.selected;") == other
    assert page_errors(browser) == []


HOSTILE = "<img src=x onerror=alert(1)>"


def search_map(tmp: Path) -> Path:
    """A small map of four named facilities, one named with markup, and their catchments."""
    from coverage import maps

    names = ["江汉区职工服务中心", HOSTILE, "民族街站点", "民意街站点"]
    fac = gpd.GeoDataFrame(
        {"fid": [0, 1, 2, 3], "name": names, "tier": ["centre", "point", "point", "point"],
         "capacity": [100, 150, 20, np.nan], "workers_reached": [250.0, 13511.0, 10.0, 99.0]},
        geometry=gpd.points_from_xy([114.26, 114.27, 114.28, 114.265], [30.58, 30.59, 30.585, 30.57]),
        crs=4326,
    )  # fmt: skip
    catch = gpd.GeoDataFrame(
        {"fid": fac["fid"], "tier": fac["tier"], "band_min": 15.0},
        geometry=fac.to_crs(32650).buffer(400).to_crs(4326).to_numpy(),
        crs=4326,
    )
    m = maps.coverage_map(fac, catchments=catch, lang="en", basemap="none")
    return maps.save_map(m, tmp / "search.html", self_contained=True)


def test_facility_search_zooms_highlights_and_shows_names_as_text(browser, tmp_path):
    from selenium.webdriver.common.by import By

    open_map(browser, search_map(tmp_path))
    js(browser, "window.alert = () => { window.__covAlert = true; };")  # markup run would call it
    box = browser.find_element(By.CSS_SELECTOR, ".cov-search input")
    assert box.get_attribute("placeholder") == "Find a facility by name"

    def results() -> list[list[str]]:
        return js(
            browser,
            """return Array.from(document.querySelectorAll('.cov-results li')).map(
              li => [li.dataset.fid || '', li.querySelector('.cov-result-name')
                     ? li.querySelector('.cov-result-name').textContent : li.textContent]);""",
        )

    # Matching is on the names as text: "街站点" finds two, "img" finds the hostile name,
    # shown as written (no image element, no alert).
    box.send_keys("街站点")
    wait_for(lambda: len(results()) == 2, what="two results")
    assert sorted(results()) == [["2", "民族街站点"], ["3", "民意街站点"]]
    box.clear()
    box.send_keys("IMG SRC")  # case does not matter
    wait_for(lambda: results() == [["1", HOSTILE]], what="the hostile name as a result")
    assert js(browser, "return document.querySelectorAll('img[src=\"x\"]').length;") == 0

    # Choosing it zooms to it, opens its popup (the name as text, its reach flagged against
    # its capacity: 13,511 for 150) and marks it.
    browser.find_element(By.CSS_SELECTOR, ".cov-results li[data-fid='1']").click()
    wait_for(lambda: js(browser, "return window.coverageMap.chosen;") == "1", what="choice")
    state = wait_for(
        lambda: js(
            browser,
            """const r = window.coverageMap, p = document.querySelector('.leaflet-popup-content');
            if (!p) return null;
            const c = r.map.getCenter(), f = r.facilities['1'].getLatLng();
            return {title: p.querySelector('h4').textContent,
                    warn: (p.querySelector('.cov-warn') || {}).textContent,
                    zoom: r.map.getZoom(), dist: r.map.distance(c, f),
                    visible: r.map.getBounds().contains(f),
                    marked: Array.from(document.querySelectorAll('svg.cov-chosen')).map(
                      s => s.dataset.fid),
                    selected: r.selected};""",
        ),
        what="the chosen facility's popup",
    )
    assert state["title"] == HOSTILE
    assert state["warn"] == "Reaches 13,511 people, capacity 150 (90× its capacity)"
    assert state["zoom"] >= 16 and state["visible"], state
    assert state["marked"] == ["1"] and state["selected"] == "1"
    assert js(browser, "return document.querySelectorAll('img[src=\"x\"]').length;") == 0
    # The mark has its own look (larger, ringed).
    look = js(
        browser,
        """const a = document.querySelector('svg.cov-fac[data-fid="1"]'),
                 b = document.querySelector('svg.cov-fac[data-fid="2"]');
        return [getComputedStyle(a).transform, getComputedStyle(b).transform,
                getComputedStyle(a).filter === getComputedStyle(b).filter];""",
    )
    assert look[0] != "none" and look[1] == "none" and look[2] is False
    screenshot(browser, "search-chosen")

    # It stays marked when the popup closes and the background is clicked…
    js(browser, "window.coverageMap.map.closePopup(); window.coverageMap.map.fire('click');")
    assert js(browser, "return window.coverageMap.chosen;") == "1"
    assert js(browser, "return Array.from(document.querySelectorAll('svg.cov-chosen')).map("
              "s => s.dataset.fid);") == ["1"]  # fmt: skip
    # …until another is chosen: by Enter on the first result, here the centre.
    box.clear()
    box.send_keys("服务中心\n")
    wait_for(lambda: js(browser, "return window.coverageMap.chosen;") == "0", what="new choice")
    assert js(browser, "return Array.from(document.querySelectorAll('svg.cov-chosen')).map("
              "s => s.dataset.fid);") == ["0"]  # fmt: skip
    # A name nobody has: a line saying so, as text.
    box.clear()
    box.send_keys("xyz")
    wait_for(lambda: results() == [["", "No facility of that name"]], what="no result line")
    assert js(browser, "return typeof window.__covAlert;") == "undefined"
    assert page_errors(browser) == []


def test_a_kpi_note_is_a_line_of_text_across_the_panel(browser, tmp_path):
    # What a capacitated plan's sites can serve (coverage.i18n.values.served_notes) sits under
    # the plan's figures, across the panel, as text: markup in it is shown, never parsed.
    from map_layers import sample_layers

    from coverage import maps

    note = "Service point: within their capacities " + HOSTILE
    kpis = {"share_any": 0.9, "share_after_plan": 0.975, "share_before_plan": 0.9}
    m = maps.coverage_map(**{**sample_layers(), "kpis": kpis}, kpi_notes=[note], lang="en")
    open_map(browser, maps.save_map(m, tmp_path / "note.html", self_contained=True))
    rows = js(
        browser,
        """return Array.from(document.querySelectorAll('#cov-kpi tr')).map(
          tr => Array.from(tr.cells).map(c => [c.tagName, c.colSpan, c.className, c.textContent,
                                               c.children.length]));""",
    )
    assert rows[3] == [["TD", 2, "cov-warn", note, 0]], rows
    assert rows[4][0][3] == "Before the plan (existing facilities)"
    assert page_errors(browser) == []


def test_uncovered_points_coloured_by_minutes_over(browser, maps):
    # The scenario's uncovered points carry their class (from the analysis' times); the legend
    # lists the classes present under the uncovered row, each with its colour.
    open_map(browser, maps.paths["zh"])
    state = js(
        browser,
        """const r = window.coverageMap, g = r.layers.demand_uncovered, cols = {};
        g.eachLayer(c => { cols[c.options.fillColor] = (cols[c.options.fillColor] || 0) + 1; });
        return {cols: cols,
                legend: Array.from(document.querySelectorAll('#cov-legend .cov-legend-sub')).map(
                  e => [e.dataset.class, e.querySelector('.cov-dot').style.backgroundColor,
                        e.textContent])};""",
    )
    n = sum(state["cols"].values())
    assert n == js(browser, "return window.coverageMap.counts.demand_uncovered;") > 0
    assert state["legend"], state
    assert {c for c, _, _ in state["legend"]} <= {"over_5", "over_15", "over_more", "unreachable"}
    assert all(text.startswith(("超出标准", "步行不可达")) for _, _, text in state["legend"])
    assert len(state["cols"]) == len(state["legend"])  # one colour per class drawn
    # Every popup's minutes to a tenth, as the tables write them ("30分钟" beside "33.3分钟").
    values = js(
        browser,
        """const g = window.coverageMap.layers.demand_uncovered, out = [];
        g.eachLayer(c => {
          g.fire('click', {layer: c, latlng: c.getLatLng()});
          const shown = [...document.querySelectorAll('.leaflet-popup-content')].pop();
          shown.querySelectorAll('td').forEach(td => out.push(td.textContent));
        });
        window.coverageMap.map.closePopup();
        return out;""",
    )
    minutes = [v for v in values if v.endswith("分钟")]
    assert minutes and [v for v in minutes if not re.fullmatch(r"\d+\.\d分钟", v)] == []
    assert page_errors(browser) == []


def panel_text(driver) -> dict[str, Any]:
    return js(
        driver,
        """const t = s => (document.querySelector(s) || {}).innerText || '';
        return {title: t('#cov-title'), legend: t('#cov-legend'), kpi: t('#cov-kpi'),
                layers: Array.from(document.querySelectorAll('span.cov-layer')).map(
                  s => s.innerText),
                kpiLabels: Array.from(document.querySelectorAll('#cov-kpi td:first-child')).map(
                  td => td.innerText),
                scale: t('.leaflet-control-scale-line')};""",
    )


#: The tooltips and spoken labels of the page's buttons and boxes (a facility's popup open).
LABELS = """window.coverageMap.chooseFacility(Object.keys(window.coverageMap.facilities)[0]);
const out = new Set();
document.querySelectorAll('[title], [aria-label], [placeholder]').forEach(e => {
  for (const a of ['title', 'aria-label', 'placeholder']) {
    if (e.getAttribute(a)) out.add(e.getAttribute(a));
  }
});
return [...out];"""


def test_chinese_and_english_maps(browser, maps):
    open_map(browser, maps.paths["zh"])
    zh = panel_text(browser)
    # Leaflet's own "Zoom in", "Layers", "Close popup"… were English on the Chinese maps.
    english = [s for s in js(browser, LABELS) if re.search(r"[A-Za-z]{2,}", s)]
    assert english == [], english
    # The page says its language: Chinese glyphs (not Japanese ones), no offer to translate.
    assert js(browser, "return document.documentElement.lang;") == "zh-CN"
    open_map(browser, maps.paths["en"])
    en = panel_text(browser)
    assert js(browser, "return document.documentElement.lang;") == "en"

    # The scenario's own (Chinese) title; in English its title_en, here unset: its name, readable.
    assert zh["title"] == "测试场景" and en["title"] == "Small"
    assert zh["legend"].startswith("图例") and "服务中心" in zh["legend"]
    assert "步行范围" in zh["legend"] and "未覆盖需求点" in zh["legend"]
    assert zh["kpi"].startswith("关键指标")
    assert all(CJK.search(s) for s in zh["layers"][1:])  # [0] is the basemap, "OpenStreetMap"
    assert "服务中心步行范围" in zh["layers"]
    # The scale bar in the page's words too ("1 km" on the Chinese maps before).
    assert re.fullmatch(r"\d+ (米|公里)", zh["scale"]), zh["scale"]
    assert re.fullmatch(r"\d+ (m|km)", en["scale"]), en["scale"]

    assert en["legend"].startswith("Legend") and "Service centre" in en["legend"]
    assert "Walking catchments" in en["legend"] and "Not covered: " in en["legend"]
    assert en["kpi"].startswith("Key figures")
    assert "Service centre: walking catchment" in en["layers"]
    # Nothing Chinese left in the English panels and layer names.
    leaks = [s for s in [en["legend"], en["kpi"], *en["layers"]] if CJK.search(s)]
    assert leaks == []


def test_kpi_labels_are_words_not_keys(browser, page):
    labels = panel_text(browser)["kpiLabels"]
    assert labels
    assert [s for s in labels if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", s.strip())] == []


def test_amap_map_is_drawn_in_gcj02(browser, maps):
    script = """const out = {};
        for (const [fid, mk] of Object.entries(window.coverageMap.facilities)) {
          const p = mk.getLatLng(); out[fid] = [p.lng, p.lat];
        }
        return out;"""
    open_map(browser, maps.paths["en"])  # English opens on OSM: WGS-84
    wgs = js(browser, script)
    open_map(browser, maps.paths["amap"])
    gcj = js(browser, script)
    assert set(wgs) == set(gcj) == set(maps.lonlat)
    for fid, lonlat in maps.lonlat.items():
        assert metres(tuple(wgs[fid]), lonlat) < 2
        lon, lat = from_wgs84([lonlat[0]], [lonlat[1]], "gcj02")
        assert metres(tuple(gcj[fid]), (float(lon[0]), float(lat[0]))) < 2
        # GCJ-02 in Wuhan is a few hundred metres off WGS-84.
        assert 100 < metres(tuple(gcj[fid]), lonlat) < 1000
    assert page_errors(browser) == []


def test_proposed_sites_open_their_popup(browser, maps):

    open_map(browser, maps.paths["plan"])
    click_marker(browser, "svg.cov-proposed[data-rank='1']")
    text = wait_for(
        lambda: js(
            browser,
            "const p = document.querySelector('.leaflet-popup-content');return p && p.innerText;",
        ),
        what="the proposed site's popup",
    )
    assert "建议新增站点" in text and "排序" in text and "1" in text
    assert page_errors(browser) == []


def test_plan_map_shows_what_the_plan_newly_covers(browser, maps):
    # The legend has a row for the points the plan newly covers, in the colour they are drawn
    # in; their popup says so first; the proposed sites' catchments are a toggle of their own.
    open_map(browser, maps.paths["plan"])
    state = js(
        browser,
        """const r = window.coverageMap, g = r.layers.demand_added, cols = new Set();
        g.eachLayer(c => cols.add(c.options.fillColor));
        const rows = Array.from(document.querySelectorAll('#cov-legend .cov-legend-row'));
        const row = rows.find(e => e.textContent.startsWith('规划新增覆盖'));
        const first = g.getLayers()[0];
        g.fire('click', {layer: first, latlng: first.getLatLng()});
        const p = document.querySelector('.leaflet-popup-content');
        return {cols: Array.from(cols), legend: row ? row.textContent : null,
                dot: row ? getComputedStyle(row.querySelector('.cov-dot')).backgroundColor : null,
                popup: p ? p.innerText : null, name: r.names.proposed_catchments,
                swatch: rows.some(e => e.textContent === r.names.proposed_catchments
                                       && e.querySelector('.cov-sw'))};""",
    )
    assert len(state["cols"]) == 1 and state["legend"], state
    assert state["legend"] == js(browser, "return window.coverageMap.names.demand_added;")
    assert f"{maps.n_added}个点" in state["legend"]
    hexa = state["cols"][0].lstrip("#")
    assert state["dot"] == "rgb({}, {}, {})".format(*(int(hexa[i : i + 2], 16) for i in (0, 2, 4)))
    assert state["popup"].split("\n")[1].startswith("规划") and "新增覆盖" in state["popup"]
    assert "到最近建议新增站点" in state["popup"]
    assert state["name"].startswith("建议新增站点步行范围") and state["swatch"]
    # The catchments switch off and on from the layer control.
    shown = "return window.coverageMap.map.hasLayer(window.coverageMap.layers.proposed_catchments);"
    layer_checkbox(browser, "proposed_catchments").click()
    wait_for(lambda: js(browser, shown) is False, what="catchments switched off")
    layer_checkbox(browser, "proposed_catchments").click()
    wait_for(lambda: js(browser, shown) is True, what="catchments switched on")
    assert page_errors(browser) == []


def test_plan_map_kpi_panel_heads_the_figures_before_the_plan(browser, maps):
    # The plan's shares under "规划效果", the run's figures under "规划前现状": each heading one
    # cell across the panel, not a label with an empty (or "undefined") figure.
    open_map(browser, maps.paths["plan"])
    rows = js(
        browser,
        """return Array.from(document.querySelectorAll('#cov-kpi tr')).map(
          tr => Array.from(tr.cells).map(c => [c.tagName, c.colSpan, c.textContent]));""",
    )
    assert rows[0] == [["TH", 2, "规划效果"]]
    assert rows[1][0][2].startswith("规划后覆盖率") and rows[2][0][2].startswith("规划前覆盖率")
    assert rows[3] == [["TH", 2, "规划前现状（现有设施）"]]
    assert rows[4][0][2] == "任一设施覆盖率" and all(len(r) == 2 for r in rows[4:])
    # The browser tab (or a phone's tab list) names the map as its title bar does.
    title = js(browser, "return document.getElementById('cov-title').textContent;")
    assert (
        title.endswith(f"规划后（新增 {N_PROPOSED} 处）")
        and js(browser, "return document.title;") == title
    )
    assert not any("undefined" in c[2] for r in rows for c in r)
    assert page_errors(browser) == []


# --- layouts: laptop and phone --------------------------------------------------------------

SIZES = ((1600, 1000), (1366, 768), (1000, 800), (390, 844))
PANELS = {
    "title": "#cov-title",
    "kpi": "#cov-kpi",
    "legend": "#cov-legend",
    "layers": ".leaflet-control-layers",
    "zoom": ".leaflet-control-zoom",
    "scale": ".leaflet-control-scale",
}
# The sample's own title: long enough to wrap on a phone.
LONG_TITLE = "武汉市江汉区职工服务阵地 15 分钟步行覆盖（示例）"
LONG_TITLE_EN = (
    "Jianghan District, Wuhan: 15-minute walking coverage of workers' service sites (sample)"
)


def set_viewport(driver, width: int, height: int) -> None:
    """The page's viewport exactly ``width`` × ``height`` CSS pixels.

    The window is sized first; Chromium keeps windows at least 500 px wide, so the viewport
    itself is set through the DevTools protocol (what a phone's screen would be)."""
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.set_window_size(max(width, 500), height)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def panel_boxes(driver) -> dict[str, Any]:
    """Bounding boxes ``[left, top, right, bottom]`` of the panels and controls, the viewport."""
    return js(
        driver,
        """const out = {boxes: {}, view: [innerWidth, innerHeight]};
        for (const [k, s] of Object.entries(arguments[0])) {
          const e = document.querySelector(s);
          if (!e) continue;
          const r = e.getBoundingClientRect(), st = getComputedStyle(e);
          out.boxes[k] = {box: [r.left, r.top, r.right, r.bottom],
                          shown: st.display !== 'none' && st.visibility !== 'hidden'
                                 && Number(st.opacity) > 0};
        }
        out.collapsed = !document.querySelector('.leaflet-control-layers-expanded');
        return out;""",
        PANELS,
    )


def overlaps(a: list[float], b: list[float]) -> bool:
    """Two boxes share an area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_overlaps_helper():
    assert overlaps([0, 0, 10, 10], [9, 9, 20, 20])
    assert not overlaps([0, 0, 10, 10], [10, 0, 20, 10])  # side by side
    assert not overlaps([0, 0, 10, 10], [0, 11, 10, 20])  # one above the other
    assert overlaps([0, 0, 100, 10], [40, -5, 60, 30])  # crossing, no corner inside


@pytest.mark.parametrize("name", ["zh", "en", "plan"])
def test_no_panels_overlap_on_laptops_and_phones(browser, maps, name):
    try:
        for width, height in SIZES:
            set_viewport(browser, width, height)
            open_map(browser, maps.paths[name])
            if name in ("zh", "en"):
                title = LONG_TITLE if name == "zh" else LONG_TITLE_EN
                js(browser, "document.getElementById('cov-title').textContent = arguments[0];", title)  # fmt: skip
            state = panel_boxes(browser)
            size = f"{width}x{height}"
            screenshot_dir = ARTIFACTS.parent / "layout"
            screenshot_dir.mkdir(parents=True, exist_ok=True)
            assert browser.save_screenshot(str(screenshot_dir / f"{name}_{size}.png"))
            boxes = state["boxes"]
            assert state["view"] == [width, height]
            assert set(boxes) == set(PANELS), (size, sorted(boxes))
            x0, y0, x1, y1 = boxes["title"]["box"]
            assert boxes["title"]["shown"] and 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
            for a, b in itertools.combinations(PANELS, 2):
                assert not overlaps(boxes[a]["box"], boxes[b]["box"]), (size, a, b, boxes)
            # The layer control folds into its button on a phone, and stays open on laptops.
            assert state["collapsed"] == (width < 600), size
            if width < 600:
                # The KPI panel and legend start folded to their heading, unfold from it
                # (readable, >= 11 px, still clear of the rest) and fold again.
                folded = boxes["kpi"]["box"]
                click_marker(browser, "#cov-kpi h4")
                px = js(browser, "return parseFloat(getComputedStyle(document.querySelector('#cov-kpi td')).fontSize);")  # fmt: skip
                assert px >= 11
                opened = panel_boxes(browser)["boxes"]
                assert (
                    folded[3] - folded[1] < 40 < opened["kpi"]["box"][3] - opened["kpi"]["box"][1]
                )
                for a, b in itertools.combinations(PANELS, 2):
                    assert not overlaps(opened[a]["box"], opened[b]["box"]), (size, a, b, opened)
                click_marker(browser, "#cov-kpi h4")
                assert panel_boxes(browser)["boxes"]["kpi"]["box"] == folded
            assert page_errors(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(*WINDOW)


@pytest.mark.parametrize("name", ["zh", "plan", "sample"])
def test_the_data_opens_clear_of_the_panels_on_narrow_laptops(browser, maps, name, request):
    """On a 1000-px laptop the map centred the data on the whole window: the KPI panel hid its
    west (on the sample, the weakest sub-district and half the proposed sites). When the
    panels would cover some of it, the data is fitted into the room they leave; where they
    leave it clear (1280 px and more), the view stays centred (test_view_is_centred…). Fitted
    so, it fills most of that room (a quarter zoom step: a whole one could halve it)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        for width, height in ((1000, 800), (1024, 768), (1280, 720), (390, 844)):
            set_viewport(browser, width, height)
            if name == "sample":  # the sample's plan map (data/wuhan, 10 sites)
                open_map(browser, request.getfixturevalue("sample_reports")["plan_map"])
            else:
                open_map(browser, maps.paths[name])
            browser.save_screenshot(str(ARTIFACTS / f"fit_{name}_{width}x{height}.png"))
            got = js(
                browser,
                """const r = window.coverageMap, m = r.map, b = L.latLngBounds([]);
                for (const [k, l] of Object.entries(r.layers)) {
                  if (/^(demand|facilities_|proposed$|subdistricts$|area$)/.test(k)) b.extend(l.getBounds());
                }
                const c = m.getContainer().getBoundingClientRect();
                const nw = m.latLngToContainerPoint(b.getNorthWest());
                const se = m.latLngToContainerPoint(b.getSouthEast());
                const box = e => { const q = e.getBoundingClientRect();
                                   return [q.left, q.top, q.right, q.bottom]; };
                const panels = {};
                for (const [k, s] of Object.entries(arguments[0])) {
                  const e = document.querySelector(s);
                  if (e) panels[k] = box(e);
                }
                return {data: [c.left + nw.x, c.top + nw.y, c.left + se.x, c.top + se.y],
                        panels, view: [innerWidth, innerHeight]};""",
                {k: v for k, v in PANELS.items() if k != "scale"},
            )
            x0, y0, x1, y1 = got["data"]
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (width, got)
            for key, panel in got["panels"].items():
                assert not overlaps(got["data"], panel), (width, height, key, got)
            # The room: between the panels beside, above and below the data, or the window.
            left, top, right, bottom = 0, 0, width, height
            for a0, b0, a1, b1 in got["panels"].values():
                beside, above_below = b0 < y1 and y0 < b1, a0 < x1 and x0 < a1
                left = max(left, a1) if a1 <= x0 and beside else left
                right = min(right, a0) if a0 >= x1 and beside else right
                top = max(top, b1) if b1 <= y0 and above_below else top
                bottom = min(bottom, b0) if b0 >= y1 and above_below else bottom
            fill = max((x1 - x0) / (right - left), (y1 - y0) / (bottom - top))
            assert fill >= 0.75, (width, height, fill, [left, top, right, bottom], got)
            assert page_errors(browser) == []
    finally:
        set_viewport(browser, *WINDOW)


def test_page_unpacks_geometries_like_the_reference_decoder(browser, maps):
    # The payload's polygons travel packed; the page's decoder (map.js) must give the same
    # GeoJSON as the plain decoder of tests/map_payload.py, before anything is drawn.
    open_map(browser, maps.paths["zh"])
    want = payload(maps.paths["zh"].read_text(encoding="utf-8"))
    got = js(browser, "return {catchments: window.coverageMap.catchments};")
    assert got["catchments"] == want["catchments"]
    assert all(len(fc["features"]) for fc in want["catchments"].values())
    # What Leaflet drew for the sub-districts, read back to 6 decimals.
    drawn = js(
        browser,
        """const out = [];
        window.coverageMap.layers.subdistricts.eachLayer(l => out.push(l.toGeoJSON(6)));
        return out;""",
    )
    subs = drawn[0]["features"]
    ref = next(o for o in want["overlays"] if o["key"] == "subdistricts")["data"]["features"]
    assert len(subs) == len(ref)
    for a, b in zip(subs, ref, strict=True):
        assert np.abs(_xy(a["geometry"]) - _xy(b["geometry"])).max() < 1e-6


def _xy(gj: dict[str, Any]) -> np.ndarray:
    return np.asarray(shapely.get_coordinates(shapely.geometry.shape(gj)))


# --- popups and panels on laptops and phones ------------------------------------------------

POPUP_SIZES = ((1366, 768), (375, 812))
#: What a popup must stay clear of: the title and the panels (the layer control when open).
OBSTACLES = ("#cov-kpi", "#cov-legend", ".leaflet-control-layers-expanded")


def popup_state(driver) -> Any:
    """The open popup's box, the viewport, the title's box and the shown panels' boxes, once
    the popup has stopped moving (the auto-pan is animated)."""
    look = """const p = document.querySelector('.leaflet-popup');
    if (!p) return null;
    const m = window.coverageMap.map;
    if (m._panAnim && m._panAnim._inProgress || m._animatingZoom) return null;
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const out = {popup: box(p), view: [innerWidth, innerHeight],
                 title: box(document.getElementById('cov-title')), panels: {},
                 text: p.textContent};
    for (const s of arguments[0]) {
      const e = document.querySelector(s);
      if (e && getComputedStyle(e).display !== 'none') out.panels[s] = box(e);
    }
    return out;"""
    seen: list[Any] = []

    def still() -> Any:
        seen.append(js(driver, look, list(OBSTACLES)))
        return seen[-1] is not None and len(seen) > 2 and seen[-1] == seen[-2] == seen[-3]

    wait_for(still, interval=0.15, what="the popup at rest")
    return seen[-1]


def assert_popup_in_the_clear(state: Any, what: str) -> None:
    x0, y0, x1, y1 = state["popup"]
    width, height = state["view"]
    assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (what, state)
    assert y0 >= state["title"][3], (what, "under the title", state)
    for sel, box in state["panels"].items():
        assert not overlaps(state["popup"], box), (what, sel, state)


def top_facilities(driver, maps: Maps) -> list[str]:
    """Facilities of the map, the northernmost first (their popups open into the title)."""
    return sorted(maps.lonlat, key=lambda f: -maps.lonlat[f][1])


def test_popups_open_in_the_clear_on_laptops_and_phones(browser, maps):
    from selenium.common.exceptions import ElementClickInterceptedException
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    north = top_facilities(browser, maps)
    south = north[::-1]
    try:
        for width, height in POPUP_SIZES:
            size = f"{width}x{height}"
            set_viewport(browser, width, height)
            # Search: the northernmost facility, then the southernmost (under the panels).
            for fid in (north[0], south[0]):
                open_map(browser, maps.paths["zh"])
                js(browser, "document.getElementById('cov-title').textContent = arguments[0];", LONG_TITLE)  # fmt: skip
                js(browser, "window.coverageMap.control.expand();")
                box = browser.find_element(By.CSS_SELECTOR, ".cov-search input")
                box.send_keys(maps.name[fid])
                wait_for(
                    lambda fid=fid: js(browser, "return !!document.querySelector("
                                       "`.cov-results li[data-fid='${arguments[0]}']`);", fid),
                    what="the facility among the results",
                )  # fmt: skip
                browser.find_element(By.CSS_SELECTOR, f".cov-results li[data-fid='{fid}']").click()
                state = popup_state(browser)
                assert maps.name[fid] in state["text"]
                browser.save_screenshot(str(ARTIFACTS / f"popup_search_{fid}_{size}.png"))
                assert_popup_in_the_clear(state, f"search {fid} at {size}")
            if width < 600:
                # Panels unfolded over the map fold away when a popup would find no room.
                open_map(browser, maps.paths["zh"])
                click_marker(browser, "#cov-kpi h4")
                click_marker(browser, "#cov-legend h4")
                assert js(browser, "return document.querySelectorAll('.cov-closed').length;") == 0
                js(browser, "window.coverageMap.chooseFacility(arguments[0]);", north[0])
                state = popup_state(browser)
                assert_popup_in_the_clear(state, f"search with panels open at {size}")
                assert js(browser, "return document.querySelectorAll('.cov-closed').length;") == 2
            # Click: the northernmost marker that nothing else covers.
            open_map(browser, maps.paths["zh"])
            js(browser, "document.getElementById('cov-title').textContent = arguments[0];", LONG_TITLE)  # fmt: skip
            for fid in north[:8]:
                try:
                    click_marker(browser, f"svg.cov-fac[data-fid='{fid}']", timeout=3)
                    break
                except (ElementClickInterceptedException, TimeoutError):
                    continue
            state = popup_state(browser)
            assert maps.name[fid] in state["text"]
            browser.save_screenshot(str(ARTIFACTS / f"popup_click_{size}.png"))
            assert_popup_in_the_clear(state, f"click {fid} at {size}")
            # A sub-district's popup, opened at its north-west corner (by the title).
            js(
                browser,
                """window.coverageMap.map.closePopup();
                const cells = [];
                window.coverageMap.layers.subdistricts.eachLayer(g => g.eachLayer(l => cells.push(l)));
                const l = cells[0];
                l.fire('click', {latlng: l.getBounds().getNorthWest()});""",
            )
            state = popup_state(browser)
            assert_popup_in_the_clear(state, f"sub-district at {size}")
            assert page_errors(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(*WINDOW)


def test_panels_start_folded_on_phones_and_open_on_laptops(browser, maps):
    def folded() -> dict[str, bool]:
        return js(
            browser,
            """const out = {};
            for (const id of ['cov-kpi', 'cov-legend']) {
              const e = document.getElementById(id), h = e.querySelector('h4');
              out[id] = [e.classList.contains('cov-closed'), h.getAttribute('aria-expanded'),
                         e.getBoundingClientRect().height];
            }
            return out;""",
        )

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        set_viewport(browser, 1366, 768)
        open_map(browser, maps.paths["zh"])
        for closed, expanded, tall in folded().values():
            assert not closed and expanded == "true" and tall > 100
        set_viewport(browser, 375, 812)
        open_map(browser, maps.paths["zh"])
        state = folded()
        for closed, expanded, tall in state.values():
            assert closed and expanded == "false" and tall < 40, state
        # The study area fills the map left between the title and the folded panels.
        view = js(
            browser,
            """const m = window.coverageMap.map, b = window.coverageMap.layers.area.getBounds();
            const nw = m.latLngToContainerPoint(b.getNorthWest());
            const se = m.latLngToContainerPoint(b.getSouthEast());
            const top = document.getElementById('cov-title').getBoundingClientRect().bottom;
            const low = Math.min(...['cov-kpi', 'cov-legend'].map(
              id => document.getElementById(id).getBoundingClientRect().top));
            return {nw: [nw.x, nw.y], se: [se.x, se.y], top, low, w: innerWidth};""",
        )
        assert view["top"] <= view["nw"][1] < view["se"][1] <= view["low"], view
        assert 0 <= view["nw"][0] < view["se"][0] <= view["w"], view
        browser.save_screenshot(str(ARTIFACTS / "phone_folded.png"))
        # A tap on a heading unfolds its panel; another folds it again.
        for pid in ("cov-kpi", "cov-legend"):
            click_marker(browser, f"#{pid} h4")
            closed, expanded, tall = folded()[pid]
            assert not closed and expanded == "true" and tall > 100
            click_marker(browser, f"#{pid} h4")
            assert folded()[pid][0]
        assert page_errors(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(*WINDOW)


#: Where the open layer control ends, the top of the docked panels below it, and the boxes
#: inside it that scroll.
CONTROL_ROOM = """const c = document.querySelector('.leaflet-control-layers'), r = c.getBoundingClientRect();
const scrollers = [c, ...c.querySelectorAll('*')].filter(e => e.scrollHeight > e.clientHeight + 1
  && ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)).map(e => e.className);
const dock = Math.min(...['cov-kpi', 'cov-legend'].map(
  id => document.getElementById(id).getBoundingClientRect().top));
return {top: r.top, bottom: r.bottom, dock, scrollers};"""


def test_folded_panel_bars_are_tap_targets_on_phones(browser, maps):
    # A finger on a phone: the whole folded bar of the KPI panel and of the legend unfolds it,
    # its edges included, and the bar is at least 36 px tall (still a folded bar, < 40 px).
    try:
        set_viewport(browser, 390, 844)
        open_map(browser, maps.paths["plan"])
        for pid in ("cov-kpi", "cov-legend"):
            box = js(
                browser,
                "const r = document.getElementById(arguments[0]).getBoundingClientRect();"
                "return [r.left, r.top, r.right, r.bottom];",
                pid,
            )
            assert 36 <= box[3] - box[1] < 40, (pid, box)
            for x, y in ((box[0] + 3, box[1] + 3), (box[2] - 3, box[3] - 3)):
                hit = js(
                    browser,
                    "const e = document.elementFromPoint(arguments[0], arguments[1]);"
                    "return !!e && !!e.closest('#' + arguments[2] + ' h4');",
                    x,
                    y,
                    pid,
                )
                assert hit, (pid, x, y)
        # The layer control's rows and band choices were 21 and 16 px tall (a finger missed
        # them), and the search box's 12 px type made iOS zoom the page when it was tapped.
        js(browser, "window.coverageMap.control.expand();")
        sizes = js(
            browser,
            """const c = document.querySelector('.leaflet-control-layers');
            const h = s => [...c.querySelectorAll(s)].map(e => e.getBoundingClientRect().height);
            const box = c.querySelector('.cov-search input');
            return {rows: h('label'), bands: h('select.cov-band'),
                    type: parseFloat(getComputedStyle(box).fontSize),
                    box: box.getBoundingClientRect().height};""",
        )
        assert sizes["rows"] and min(sizes["rows"]) >= 32, sizes
        assert sizes["bands"] and min(sizes["bands"]) >= 28, sizes
        assert sizes["type"] >= 16 and sizes["box"] >= 32, sizes
        # The open layer control takes the room above the docked panels, in one scroller
        # (it stopped at 55 % of the screen, and on a phone on its side 185 px tall with a
        # second scroll bar inside the first).
        room = js(browser, CONTROL_ROOM)
        assert len(room["scrollers"]) <= 1, room
        assert room["dock"] - 60 <= room["bottom"] <= room["dock"], room
        js(browser, "window.coverageMap.control.collapse();")
        fid = next(iter(maps.name))
        js(browser, "window.coverageMap.chooseFacility(arguments[0]);", fid)
        close = js(
            browser,
            "return document.querySelector('.leaflet-popup-close-button')"
            ".getBoundingClientRect().height;",
        )
        assert close >= 32, close
        assert page_errors(browser) == []
        set_viewport(browser, 844, 390)  # the phone on its side
        open_map(browser, maps.paths["plan"])
        js(browser, "window.coverageMap.control.expand();")
        room = js(browser, CONTROL_ROOM)
        assert len(room["scrollers"]) <= 1 and room["bottom"] - room["top"] >= 250, room
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(*WINDOW)


#: The title bar's lines shown (its height over its line height), whether its text runs on
#: past them (clipped), its text.
TITLE_LINES = """const e = document.getElementById('cov-title'), s = getComputedStyle(e);
const inner = e.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
return {lines: inner / parseFloat(s.lineHeight), clipped: e.scrollHeight > e.clientHeight + 1,
        text: e.textContent};"""


@pytest.mark.parametrize("name", ["en", "zh"])
def test_a_long_title_takes_two_lines_on_a_phone_and_shows_whole_on_a_tap(browser, maps, name):
    # The English plan map's title took 4 lines of a 390-px phone's map; clamped to 2 lines, a
    # tap shows it whole and another folds it; on a laptop it stays whole, as it was. (The
    # sample's Chinese plan title fits in 2 lines: a longer one, of two districts.)
    title = {
        "en": LONG_TITLE_EN + " · After the plan (+30 sites)",
        "zh": "武汉市江汉区、硚口区职工服务阵地 15 分钟步行覆盖（示例） · 规划后（新增 30 处）",
    }[name]
    put = "document.getElementById('cov-title').textContent = arguments[0];"
    try:
        set_viewport(browser, 390, 844)
        open_map(browser, maps.paths[name])
        page_title = js(browser, "return document.title;")
        js(browser, put, title)
        folded = js(browser, TITLE_LINES)
        assert round(folded["lines"], 1) <= 2 and folded["clipped"], folded
        click_marker(browser, "#cov-title")
        whole = js(browser, TITLE_LINES)
        assert round(whole["lines"], 1) >= 3 and not whole["clipped"], whole
        assert whole["text"] == title and js(browser, "return document.title;") == page_title
        click_marker(browser, "#cov-title")
        assert js(browser, TITLE_LINES) == folded
        assert page_errors(browser) == []
        set_viewport(browser, 1366, 768)
        open_map(browser, maps.paths[name])
        js(browser, put, title)
        laptop = js(browser, TITLE_LINES)
        taps = js(browser, "return getComputedStyle(document.getElementById('cov-title')).pointerEvents;")  # fmt: skip
        assert not laptop["clipped"] and taps == "none", (laptop, taps)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(*WINDOW)


def test_the_reports_sub_district_table_fits_a_phone(browser, tmp_path, wuhan_edges_path):
    """On a 390-px phone the sub-district table showed its after-plan column only when scrolled
    sideways (bars and one-line headers made it ~40 % too wide); bars go, headers wrap and
    the first column stays put for the tables that still scroll."""
    toml = copy_small_scenario(
        tmp_path, wuhan_edges_path, extra='\n[plan]\ntier = "point"\ngrid_spacing_m = 400\n'
    )
    page = pipeline.report(toml, tmp_path / "report.html", add=N_PROPOSED)
    try:
        set_viewport(browser, 390, 844)
        browser.get(page.as_uri())
        got = js(
            browser,
            """const wraps = [...document.querySelectorAll('.tablewrap')];
            const sub = wraps.find(w => w.querySelector('th') &&
                [...w.querySelectorAll('th')].some(h => h.textContent.includes('规划后')));
            const track = document.querySelector('.track');
            const first = sub.querySelector('td');
            return {wide: sub.scrollWidth, room: sub.clientWidth,
                    bars: track ? getComputedStyle(track).display : 'none',
                    sticky: getComputedStyle(first).position};""",
        )
    finally:
        set_viewport(browser, *SIZES[0])
    assert got["wide"] <= got["room"] + 1, got
    assert got["bars"] == "none" and got["sticky"] == "sticky"


# --- the report on a phone and on laptops -----------------------------------------------------

SAMPLE = REPO_ROOT / "data" / "wuhan" / "scenario.toml"

#: For every table of the page, whether it fits its box, and for every cell with a figure
#: whether it is shown, inside the viewport, not under another element, and (on a phone's
#: blocks) under the label of its column. ``arguments[0]``: the phone's layout expected.
REPORT_TABLES = """
const out = {doc: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
             tables: []};
for (const wrap of document.querySelectorAll('.tablewrap')) {
  const heads = [...wrap.querySelectorAll('thead th')].map(h => h.textContent);
  const t = {stack: wrap.classList.contains('stack'), fits: wrap.scrollWidth <= wrap.clientWidth + 1,
             display: getComputedStyle(wrap.querySelector('table')).display,
             thead: getComputedStyle(wrap.querySelector('thead')).display, cells: 0, bad: []};
  for (const tr of wrap.querySelectorAll('tbody tr')) {
    [...tr.cells].forEach((td, i) => {
      const text = td.textContent.trim();
      if (!text) return;
      t.cells += 1;
      td.scrollIntoView({block: 'center'});
      const range = document.createRange();
      range.selectNodeContents(td);
      const r = range.getBoundingClientRect();
      const hit = document.elementFromPoint(r.right - 2, (r.top + r.bottom) / 2);
      const label = getComputedStyle(td, '::before').content;
      const why = [];
      if (getComputedStyle(td).display === 'none' || r.width <= 0) why.push('hidden');
      if (r.left < 0 || r.right > innerWidth + 0.5) why.push('outside ' + r.left + '-' + r.right);
      if (!hit || !td.contains(hit)) why.push('covered by ' + (hit ? hit.outerHTML.slice(0, 60) : null));
      if (td.hasAttribute('data-label') && td.getAttribute('data-label') !== heads[i]) why.push('label');
      if (arguments[0] && td.hasAttribute('data-label') && label !== JSON.stringify(heads[i]))
        why.push('label shown ' + label);
      if (why.length) t.bad.push([text, why.join('; ')]);
    });
  }
  out.tables.push(t);
}
return out;
"""


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory) -> dict[str, Path]:
    """The sample (data/wuhan) run once with a 10-site plan: its report in both languages and
    its plan map."""
    from coverage.report import write_report

    tmp = tmp_path_factory.mktemp("sample_report")
    s = pipeline.load_scenario(SAMPLE)
    s.set_output("dir", tmp / "out")
    s.set_output("map", tmp / "map.html")
    plan = pipeline.plan(s, tier="point", add=10, write=False)
    out = {
        lang: write_report(plan.before, plan, tmp / f"report_{lang}.html", lang=lang)
        for lang in ("zh", "en")
    }
    out["plan_map"] = pipeline.write_plan_map(plan, tmp / "plan.html")
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_reports_tables_are_read_without_sideways_scrolling(browser, sample_reports, lang):
    """On a 390-px phone the tier/service table scrolled sideways, its figures off screen: the
    wide tables become a block per row (label and figure side by side), the sub-district table
    stays a table that fits; on laptops every table is the table it was."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        for width, height in ((390, 844), (1000, 800), (1280, 900)):
            set_viewport(browser, width, height)
            browser.get(sample_reports[lang].as_uri())
            phone = width < 600
            got = js(browser, REPORT_TABLES, phone)
            browser.execute_script("window.scrollTo(0, 0)")
            browser.save_screenshot(str(ARTIFACTS / f"report_{lang}_{width}.png"))
            doc_width, room = got["doc"]
            assert doc_width <= room, (width, got["doc"])
            tables = got["tables"]
            # sub-districts, tiers and services, proposed sites, input problems
            assert [t["stack"] for t in tables] == [False, True, True, True], width
            for t in tables:
                assert t["fits"] and t["cells"] > 0 and t["bad"] == [], (width, t)
                stacked = phone and t["stack"]
                assert (t["display"], t["thead"]) == (
                    ("block", "none") if stacked else ("table", "table-header-group")
                ), (width, t)
    finally:
        set_viewport(browser, *SIZES[0])


def test_a_report_map_opens_full_size_and_closes(browser, sample_reports):
    """Side by side (or on a phone) the static maps' legends are a few pixels tall: a click
    shows a map full size over the page (no script: the figure is the link's target), its ×
    puts it back in its place."""
    from selenium.webdriver.common.by import By

    look = """const f = document.getElementById('map-2'), r = f.getBoundingClientRect();
    const img = f.querySelector('img'), x = f.querySelector('.close');
    return {hash: location.hash, box: [r.left, r.top, r.right, r.bottom],
            img: [img.getBoundingClientRect().width, img.naturalWidth],
            view: [document.documentElement.clientWidth, innerHeight],
            close: getComputedStyle(x).display, position: getComputedStyle(f).position};"""
    try:
        for width, height in ((1280, 900), (390, 844)):
            set_viewport(browser, width, height)
            browser.get(sample_reports["en"].as_uri())
            assert "Click a map to see it full size." in browser.page_source
            shown = js(browser, look)
            assert shown["close"] == "none" and shown["position"] == "static", shown
            assert shown["img"][0] < shown["img"][1]  # drawn smaller than it is
            link = browser.find_element(By.CSS_SELECTOR, "#map-2 a.zoom")
            js(browser, "arguments[0].scrollIntoView({block: 'center'});", link)
            link.click()
            wait_for(lambda: js(browser, look)["hash"] == "#map-2", what="the map opened")
            full = js(browser, look)
            w, h = full["view"]
            assert full["position"] == "fixed" and full["box"] == [0, 0, w, h], full
            assert full["img"][0] == full["img"][1] and full["close"] == "block", full
            browser.save_screenshot(str(ARTIFACTS / f"report_map_full_{width}.png"))
            browser.find_element(By.CSS_SELECTOR, "#map-2 .close").click()
            wait_for(lambda: js(browser, look)["hash"] == "#maps", what="the map closed")
            assert js(browser, look)["position"] == "static"
    finally:
        set_viewport(browser, *SIZES[0])
