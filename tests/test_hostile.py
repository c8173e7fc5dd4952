"""Input text is data, never code: registers whose every text field is hostile.

Names, addresses, services, types, tiers, sub-district names, the title, column headers, sheet
and file names carry Jinja (``{{7*7}}``, ``{% for %}``, ``lipsum.__globals__.os.mkdir('X')``),
HTML and script breakers (``<script>``, ``"><img src=x onerror=…>``, ``</script>``), JavaScript
template-literal syntax (backticks, ``${}``), rich console markup and matplotlib mathtext. The
map, the printable map, the report and the console must show that text as written and run none
of it: no folder ``X`` appears, no template engine ever compiles it (so nothing turns into
``49``), and in Chromium no injected script or ``onerror`` handler runs (``window.__pwned`` stays
undefined).

The unit tests draw hostile layers with :func:`coverage.maps.coverage_map` directly; the
end-to-end tests run the small real-data scenario rewritten with hostile text everywhere.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd
import pytest
import shapely
from browser_helpers import chromium, click_marker, wait_for
from conftest import copy_small_scenario
from typer.testing import CliRunner

from coverage import figures, maps, pipeline, report
from coverage.cli import app

HOSTILE = (
    "{{7*7}}",
    "{% for x in range(3) %}x{% endfor %}",
    "{{ lipsum.__globals__.os.mkdir('X') }}",
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror=window.__pwned=1>',
    "</script>",
    "`${window.__pwned=1}`",
    "[bold red]rich[/] [/]",  # rich markup; the lone [/] makes rich raise if it is parsed
    "$\\frac{a}{$",  # broken mathtext: matplotlib raises if it is parsed
)
EVIL = " ".join(HOSTILE)

#: Substrings that only input text contains: none may reach a template or the page's markup.
MARKERS = ("7*7", "range(3)", "lipsum", "__pwned", "src=x", "\\frac")

#: What Linux allows in a file name (no "/"), well under 255 bytes.
FILE_EVIL = (
    "{{7*7}}{% for x in range(3) %}x{% endfor %}{{ lipsum.__globals__.os.mkdir('X') }}"
    '<script>"><img src=x onerror=window.__pwned=1>`${1}`[b]$\\frac{a}{$'
)
#: What a workbook allows in a sheet name (no \\ / ? * [ ] :, at most 31 characters).
SHEET_EVIL = "{{7+7}}<img src=x>\"'`${1}`$x$"

LON0, LAT0 = 114.27, 30.595


def evil(tag: str) -> str:
    """Hostile text tagged with the field it is in, so each field's text can be found."""
    return f"{tag} {EVIL}"


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """Every template source jinja2 compiles while the test runs (folium's own are fine)."""
    return _spy_on_jinja(monkeypatch)


def _spy_on_jinja(mp: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = jinja2.Environment.compile

    def spy(self: jinja2.Environment, source: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(source))
        return original(self, source, *args, **kwargs)

    mp.setattr(jinja2.Environment, "compile", spy)
    return seen


def _compiled_input(seen: list[str]) -> list[str]:
    return [s for s in seen if any(m in s for m in MARKERS)]


def _payload(page: str) -> tuple[dict[str, Any], str, str]:
    """(decoded coverageMeta, its raw JSON text, the page without that line)."""
    match = re.search(r"^var coverageMeta=(.*);$", page, re.M)
    assert match, "no payload"
    rest = page[: match.start()] + page[match.end() :]
    return json.loads(match.group(1)), match.group(1), rest


def _strings(obj: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def _check_page(page: str) -> dict[str, Any]:
    """The page carries input text only inside the escaped JSON payload; returns the payload."""
    meta, raw, rest = _payload(page)
    # Inside the payload "<", ">" and "&" are all \\u escapes: no text can end the script.
    assert not re.search(r"[<>&\u2028\u2029]", raw)
    # Outside it, no trace of input text: not in markup, not in any other script.
    assert [m for m in MARKERS if m in rest] == []
    return meta


# --- hostile layers drawn directly ----------------------------------------------------------


def _hostile_layers() -> dict[str, Any]:
    pts = gpd.points_from_xy(LON0 + np.array([0, 0.004, -0.004]), LAT0 + np.array([0, 0.003, 0]))
    facilities = gpd.GeoDataFrame(
        {
            "fid": [1, 2, evil("fid")],
            "name": [evil("name"), evil("名称"), None],
            "tier": ["centre", evil("tier"), "point"],
            "type": [evil("type"), None, None],
            "services": [evil("service"), [evil("svc1"), evil("svc2")], None],
            "address": [evil("address"), None, None],
            "capacity": [100, 20, 5],
        },
        geometry=pts,
        crs=4326,
    )
    catchments = gpd.GeoDataFrame(
        [
            {"fid": f, "tier": t, "band_min": b, "geometry": g.buffer(b * 2e-4)}
            for f, t, g in zip(facilities.fid, facilities.tier, facilities.geometry, strict=True)
            for b in (5.0, 10.0)
        ],
        crs=4326,
    )
    n = 6
    demand = gpd.GeoDataFrame(
        {
            "name": [evil(f"worker{i}") for i in range(n)],
            "weight": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            "covered": [False, True, True, False, True, True],
            "n_reach": [0, 1, 2, 0, 1, 3],
            "nearest_min": [np.inf, 3.0, 4.0, np.inf, 5.0, 6.0],
            f"t_{evil('tier')}": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        },
        geometry=gpd.points_from_xy(LON0 + np.arange(n) * 1e-3, [LAT0 + 0.001] * n),
        crs=4326,
    )
    subdistricts = gpd.GeoDataFrame(
        {
            "name": [evil("subdistrict")],
            evil("column"): [evil("value")],
            "weight": [210.0],
            "share": [0.5],
        },
        geometry=[shapely.box(LON0 - 0.01, LAT0 - 0.01, LON0 + 0.01, LAT0 + 0.01)],
        crs=4326,
    )
    proposed = gpd.GeoDataFrame(
        {"name": [evil("proposed")], "rank": [1], "gain": [12.0], "tier": [evil("ptier")]},
        geometry=[shapely.Point(LON0 + 0.006, LAT0 - 0.004)],
        crs=4326,
    )
    return {
        "facilities": facilities,
        "demand": demand,
        "catchments": catchments,
        "subdistricts": subdistricts,
        "proposed": proposed,
        "area": shapely.box(LON0 - 0.01, LAT0 - 0.01, LON0 + 0.01, LAT0 + 0.01),
        "kpis": {evil("kpi"): 1.5, "share_any": 0.5},
        "title": evil("title"),
    }


def test_hostile_text_in_every_map_field_is_shown_and_never_run(tmp_path, monkeypatch, compiled):
    monkeypatch.chdir(tmp_path)  # where os.mkdir('X') would land
    layers = _hostile_layers()
    written = []
    for lang in ("zh", "en"):
        for basemap in ("osm", "amap", "tianditu"):
            m = maps.coverage_map(**layers, lang=lang, basemap=basemap, tianditu_key=evil("key"))
            for inline in (False, True):
                name = f"{lang}-{basemap}-{inline}.html"
                written.append(maps.save_map(m, tmp_path / name, self_contained=inline).name)
    assert sorted(os.listdir(tmp_path)) == sorted(written)  # no X, nothing else either
    assert _compiled_input(compiled) == []

    meta = _check_page((tmp_path / "zh-osm-True.html").read_text(encoding="utf-8"))
    texts = set(_strings(meta))
    # Every field's text arrives whole, as written (so {{7*7}} is not 49).
    for tag in ("name", "名称", "type", "service", "address", "subdistrict", "column", "value",
                "kpi", "title", "fid"):  # fmt: skip
        assert evil(tag) in texts, tag
    assert meta["title"] == evil("title")
    markers = {
        item.get("fid"): item
        for o in meta["overlays"]
        if o["kind"] == "markers"
        for item in o["items"]
    }
    centre = markers["1"]
    assert centre["popup"]["title"] == centre["tooltip"] == evil("name")
    assert dict(centre["popup"]["rows"])["类型"] == evil("type")
    assert dict(centre["popup"]["rows"])["服务项目"] == evil("service")
    assert dict(centre["popup"]["rows"])["地址"] == evil("address")
    assert dict(markers["2"]["popup"]["rows"])["服务项目"] == f"{evil('svc1')}、{evil('svc2')}"
    assert markers[evil("fid")]["data"]["fid"] == evil("fid")
    # Free-form tiers name layers and legend rows: with their text, shown as text.
    tier = maps.normalize_tier(evil("tier"))
    assert "7*7" in tier and f"{tier}（1处）" in meta["names"].values()
    assert tier in [r["text"] for r in meta["legend"]["rows"]]
    assert [evil("kpi"), "1.50"] in meta["kpi"]["rows"]
    # Tianditu key: one URL parameter, percent-encoded, never markup.
    urls = [tile["url"] for b in _payload((tmp_path / "en-tianditu-False.html").read_text())[0][
        "basemaps"] if b["key"] == "basemap_tianditu" for tile in b["tiles"]]  # fmt: skip
    assert all("lipsum" in u and "{{" not in u and "<" not in u for u in urls)


def test_printable_map_shows_dollars_and_braces_as_written(tmp_path, monkeypatch, compiled):
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    monkeypatch.chdir(tmp_path)
    layers = _hostile_layers()
    shown: list[tuple[str, bool]] = []
    save = Figure.savefig

    def spy(self: Figure, *args: Any, **kwargs: Any) -> Any:
        shown.extend((t.get_text(), t.get_parse_math()) for t in self.findobj(Text))
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    path = figures.save_static_map(
        layers["facilities"], layers["demand"], None, layers["area"], tmp_path / "print.png",
        lang="en", dpi=40, title=evil("title"),
    )  # fmt: skip
    assert path.read_bytes()[:4] == b"\x89PNG"
    assert os.listdir(tmp_path) == ["print.png"]
    texts = dict(shown)
    assert evil("title") in texts  # the title, not a mathtext rendering of it
    assert evil("name") in texts  # the centre's label
    assert "$" in evil("title") and not any(parse for text, parse in shown if "$" in text)
    assert _compiled_input(compiled) == []


# --- the small real-data scenario, hostile everywhere ---------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, wuhan_edges_path) -> SimpleNamespace:
    """The small scenario with hostile text in every field and file name; run, planned
    (2 sites), reported and printed once, from a working folder where ``X`` would appear."""
    tmp = tmp_path_factory.mktemp("hostile")
    toml = copy_small_scenario(tmp, wuhan_edges_path, extra="\n[plan]\ngrid_spacing_m = 400\n")
    folder = toml.parent

    fac = pd.read_csv(folder / "facilities.csv")
    n = len(fac)
    fac["名称"] = [evil(f"站点{i:02d}") for i in range(1, n + 1)]
    fac["服务项目"] = evil("服务")
    fac["地址"] = [evil(f"地址{i:02d}") for i in range(1, n + 1)]
    fac["类型"] = evil("类型")
    fac[evil("备注")] = "x"  # a column nobody reads: named in the notes
    fac.loc[n] = fac.loc[0]
    fac.loc[n, ["名称", "经度"]] = [evil("no position"), None]  # skipped: listed with its file
    register = FILE_EVIL + "_reg.csv"
    fac.to_csv(folder / register, index=False)
    (folder / "facilities.csv").unlink()
    # One more facility from a workbook sheet with a hostile name.
    book = FILE_EVIL + "_book.xlsx"
    extra = fac.iloc[[1]].assign(名称=evil("sheet site"), 层级="point")
    extra = extra.drop(columns=evil("备注"))
    with pd.ExcelWriter(folder / book) as xl:
        extra.to_excel(xl, sheet_name=SHEET_EVIL, index=False)

    dem = pd.read_csv(folder / "demand.csv")
    dem.insert(1, "名称", [evil(f"企业{i}") for i in range(len(dem))])
    dem.to_csv(folder / "demand.csv", index=False)

    subs = json.loads((folder / "subdistricts.geojson").read_text(encoding="utf-8"))
    for f in subs["features"]:
        f["properties"]["name"] = evil(f["properties"]["name"])
    (folder / "subdistricts.geojson").write_text(json.dumps(subs, ensure_ascii=False), "utf-8")

    text = toml.read_text(encoding="utf-8")
    text = text.replace('title = "测试场景"', f"title = {json.dumps(evil('标题'))}")
    text = text.replace(
        'path = "facilities.csv"',
        f"path = {json.dumps(register)}\n\n[[facilities]]\npath = {json.dumps(book)}\n"
        f"layer = {json.dumps(SHEET_EVIL)}",
    )
    toml.write_text(text, encoding="utf-8")

    cwd = tmp / "cwd"
    cwd.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        seen = _spy_on_jinja(mp)
        mp.chdir(cwd)
        scenario = pipeline.load_scenario(toml)
        run = pipeline.run(scenario)  # every output, the map and the workbook too
        plan = pipeline.plan(scenario, add=2, before=run)
        plan_map = pipeline.write_plan_map(plan, tmp / "plan.html")
        printed = pipeline.write_print_map(run, tmp / "print.pdf")
        page = report.build_report(run, plan, lang="zh")
        report_path = cio_write(tmp / "report.html", page)
        # English reports list the readers' notes (sheet and column names); Chinese ones point
        # to run.json for them.
        report_en = cio_write(tmp / "report_en.html", report.build_report(run, plan, lang="en"))
    return SimpleNamespace(
        tmp=tmp,
        cwd=cwd,
        toml=toml,
        register=register,
        run=run,
        map=scenario.map_path,
        plan_map=plan_map,
        printed=printed,
        report=report_path,
        report_en=report_en,
        compiled=seen,
        n_facilities=n,
    )


def cio_write(path: Path, text: str) -> Path:
    from coverage import io as cio

    return cio.write_text(path, text)


@pytest.mark.realdata
def test_hostile_scenario_runs_without_side_effects(hostile):
    assert os.listdir(hostile.cwd) == []
    assert [p for p in hostile.tmp.rglob("X")] == []
    assert _compiled_input(hostile.compiled) == []
    assert hostile.printed.read_bytes()[:4] == b"%PDF"
    # Every hostile row was read: twelve facilities from the register and one from the sheet.
    fac = hostile.run.coverage.facilities
    names = set(fac["name"])
    assert {evil(f"站点{i:02d}") for i in range(1, hostile.n_facilities + 1)} <= names
    assert evil("sheet site") in names and len(fac) == hostile.n_facilities + 1
    skipped = [p for p in hostile.run.layers.problems if p.action == "skipped"]
    assert {Path(p.path).name for p in skipped} == {hostile.register}


@pytest.mark.realdata
def test_hostile_map_carries_the_text_as_data_only(hostile):
    for path in (hostile.map, hostile.plan_map):
        meta = _check_page(path.read_text(encoding="utf-8"))
        texts = set(_strings(meta))
        # the plan map's title says so after the scenario's own, kept as it is
        suffix = " · 规划后（新增 2 处）" if path == hostile.plan_map else ""
        assert meta["title"] == evil("标题") + suffix
        assert {evil("西街道"), evil("东街道")} <= texts
        items = [i for o in meta["overlays"] if o["kind"] == "markers" for i in o["items"]]
        popups = {i["popup"]["title"]: dict(i["popup"]["rows"]) for i in items}
        first = popups[evil("站点01")]
        assert first["地址"] == evil("地址01") and first["服务项目"] == evil("服务")
        assert first["类型"] == evil("类型")
        points = [o["data"] for o in meta["overlays"] if o["kind"] == "points"]
        assert evil("企业0") in {n for d in points for n in d["name"]}


@pytest.mark.realdata
def test_hostile_report_escapes_every_text(hostile):
    page = hostile.report.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert f"<h1>{html.escape(evil('标题'))}</h1>" in page
    for name in (evil("西街道"), evil("东街道")):
        assert f"<td>{html.escape(name)}</td>" in page  # sub-district table
    assert f"<td>{html.escape(evil('服务'))}</td>" in page  # coverage by service
    assert f"<td>{html.escape(hostile.register)}</td>" in page  # the problem's file
    english = hostile.report_en.read_text(encoding="utf-8")
    assert "<script" not in english.lower() and "<img src=x" not in english
    assert html.escape(SHEET_EVIL) in english and html.escape(evil("备注")) in english  # notes
    # Escaped input is all there is: no marker appears unescaped inside a tag.
    for tag in re.findall(r"<[^>]*>", page + english):
        assert [m for m in MARKERS if m in tag] == [], tag


@pytest.mark.realdata
def test_console_prints_markup_in_input_as_text(hostile, tmp_path):
    res = CliRunner().invoke(
        app,
        ["run", str(hostile.toml), "--out", str(tmp_path / "o"), "--map", str(tmp_path / "m.html"),
         "--lang", "en"],  # English prints the readers' notes
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    # The register's notes name its file and its unused column: brackets and all.
    assert "`${1}`[b]$\\frac{a}{$_reg.csv" in said
    assert "[bold red]rich[/] [/]" in said


# --- in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver


def _open(driver, path: Path) -> None:
    driver.get(path.as_uri())
    wait_for(
        lambda: driver.execute_script("return document.readyState === 'complete';"),
        what=f"{path.name} to load",
    )


def _pwned(driver) -> Any:
    return driver.execute_script(
        "return [typeof window.__pwned, window.__covErrors || ['error collector missing'],"
        " document.querySelectorAll('img[src=\"x\"], script:not([src])').length];"
    )


def _popup_text(driver) -> dict[str, Any]:
    return wait_for(
        lambda: driver.execute_script(
            """const p = document.querySelector('.leaflet-popup-content .cov-popup');
            if (!p) return null;
            const rows = {};
            p.querySelectorAll('tr').forEach(tr => { rows[tr.children[0].textContent] =
              tr.children[1].textContent; });
            return {title: p.querySelector('h4').textContent, rows: rows,
                    tags: p.querySelectorAll('*').length};"""
        ),
        what="a popup",
    )


def _close_popup(driver) -> None:
    """Close the open popup and wait for it to leave the page (Leaflet fades it out first)."""
    driver.execute_script("window.coverageMap.map.closePopup();")
    wait_for(
        lambda: driver.execute_script("return !document.querySelector('.leaflet-popup');"),
        what="the popup to close",
    )


def _reset_view(driver) -> None:
    """Back to the whole study area, without animation (popups pan the map)."""
    driver.execute_script(
        "const r = window.coverageMap; r.map.fitBounds(r.layers.area.getBounds(), {animate: false});"
    )


def _scripts_before(driver) -> int:
    return driver.execute_script("return document.querySelectorAll('script:not([src])').length;")


def test_hostile_map_in_chromium(browser, tmp_path, monkeypatch):
    from selenium.webdriver.common.by import By

    monkeypatch.chdir(tmp_path)
    layers = _hostile_layers()
    path = maps.save_map(maps.coverage_map(**layers), tmp_path / "map.html", self_contained=True)
    _open(browser, path)
    wait_for(lambda: browser.execute_script("return window.coverageMap && coverageMap.ready;"))
    scripts = _scripts_before(browser)
    js = browser.execute_script

    assert js("return document.getElementById('cov-title').textContent;") == evil("title")
    kpi = js("return Array.from(document.querySelectorAll('#cov-kpi td')).map(t => t.textContent);")
    assert kpi[2:4] == [evil("kpi"), "1.50"]  # after the headline share_any (kpi_order)
    tier = maps.normalize_tier(evil("tier"))
    legend = js("return document.getElementById('cov-legend').textContent;")
    assert tier in legend
    labels = js("return Array.from(document.querySelectorAll('span.cov-layer')).map("
                "s => s.textContent);")  # fmt: skip
    assert f"{tier}（1处）" in labels

    # A real click on the centre's icon: its popup shows the name and fields as written. (The
    # panels, wide with such labels, are put away first so that they do not take the clicks.)
    js("""document.querySelectorAll('.leaflet-control-layers, .cov-panel').forEach(
          e => { e.style.display = 'none'; });""")
    _reset_view(browser)
    browser.find_element(By.CSS_SELECTOR, "svg.cov-fac[data-fid='1']").click()
    popup = _popup_text(browser)
    assert popup["title"] == evil("name")
    assert popup["rows"]["地址"] == evil("address") and popup["rows"]["类型"] == evil("type")
    assert popup["rows"]["服务项目"] == evil("service")
    _close_popup(browser)
    # The facility with a hostile fid is found by it, as an attribute value.
    hit = js("return Array.from(document.querySelectorAll('svg.cov-fac')).filter("
             "s => s.getAttribute('data-fid') === arguments[0]).length;", evil("fid"))  # fmt: skip
    assert hit == 1
    js("window.coverageMap.facilities['1'].openTooltip();")
    assert wait_for(
        lambda: js(
            "const t = document.querySelector('.leaflet-tooltip'); return t && t.textContent;"
        )
    ) == evil("name")

    # Sub-district, worker point and proposed site popups.
    js("window.coverageMap.layers.subdistricts.eachLayer(g => g.eachLayer(l => l.openPopup()));")
    popup = _popup_text(browser)
    assert popup["title"] == evil("subdistrict") and popup["rows"][evil("column")] == evil("value")
    _close_popup(browser)
    js("""const g = window.coverageMap.layers.demand_uncovered, c = g.getLayers()[0];
       c.fire('click', {latlng: c.getLatLng()}, true);""")
    popup = _popup_text(browser)
    assert popup["title"] == evil("worker0") and popup["rows"]["人数"] == "10"
    _close_popup(browser)
    _reset_view(browser)
    browser.find_element(By.CSS_SELECTOR, "svg.cov-proposed[data-rank='1']").click()
    assert _popup_text(browser)["title"] == f"建议新增站点：{evil('proposed')}"

    kind, errors, injected = _pwned(browser)
    assert kind == "undefined" and errors == []
    assert injected == scripts  # no script (and no img src=x) was added by input text


#: Ids and names that are also the names of every JavaScript object's own machinery.
PROTO_WORDS = ("__proto__", "constructor", "toString")


def _proto_layers() -> dict[str, Any]:
    """Three facilities whose id and name are each one of :data:`PROTO_WORDS`."""
    n = len(PROTO_WORDS)
    facilities = gpd.GeoDataFrame(
        {"fid": list(PROTO_WORDS), "name": list(PROTO_WORDS), "tier": ["centre"] * n},
        geometry=gpd.points_from_xy(LON0 + np.arange(n) * 4e-3, [LAT0] * n),
        crs=4326,
    )
    catchments = gpd.GeoDataFrame(
        {"fid": list(PROTO_WORDS), "tier": ["centre"] * n, "band_min": [15.0] * n},
        geometry=[shapely.Point(p.x, p.y).buffer(1e-3) for p in facilities.geometry],
        crs=4326,
    )
    return {"facilities": facilities, "catchments": catchments}


def _keys(raw: str) -> set[str]:
    """Every object key in a JSON text."""
    keys: set[str] = set()

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys.update(k for k, _ in pairs)
        return dict(pairs)

    json.loads(raw, object_pairs_hook=hook)
    return keys


def test_facility_ids_are_never_object_keys_in_the_payload():
    # In the page's script the payload is an object literal, where a "__proto__" key sets the
    # object's prototype instead of adding an entry: input text must never be a key there.
    page = maps.coverage_map(**_proto_layers()).get_root().render()
    _, raw, _ = _payload(page)
    assert [w for w in PROTO_WORDS if w in _keys(raw)] == []
    assert PROTO_WORDS[0] in raw  # ... while the ids travel as values


def test_facility_named_like_object_machinery_in_chromium(browser, tmp_path):
    path = maps.save_map(
        maps.coverage_map(**_proto_layers()), tmp_path / "map.html", self_contained=True
    )
    _open(browser, path)
    wait_for(lambda: browser.execute_script("return window.coverageMap && coverageMap.ready;"))
    js = browser.execute_script
    assert sorted(js("return Object.keys(window.coverageMap.facilities);")) == sorted(PROTO_WORDS)
    for word in PROTO_WORDS:
        # The search finds it by name, choosing it zooms to it, opens its popup and shows its
        # own catchment (one 15-minute band).
        js("const i = document.querySelector('.cov-search input'); i.value = arguments[0];"
           "i.dispatchEvent(new Event('input'));", word)  # fmt: skip
        hits = js("return Array.from(document.querySelectorAll('.cov-results li.cov-result'))"
                  ".map(li => li.getAttribute('data-fid'));")  # fmt: skip
        assert hits == [word]
        assert js("return window.coverageMap.chooseFacility(arguments[0]);", word) is True
        assert _popup_text(browser)["title"] == word
        got = js(
            """const r = window.coverageMap, mk = r.facilities[arguments[0]];
            return [r.selected, r.chosen, r.highlight.getLayers().length,
                    r.map.getCenter().distanceTo(mk.getLatLng()) < 1,
                    r.catchments[arguments[0]].features.length];""",
            word,
        )
        assert got == [word, word, 1, True, 1]
        _close_popup(browser)
    # An id that no facility has is not found, whatever objects inherit.
    for other in ("hasOwnProperty", "valueOf"):
        assert js("return window.coverageMap.chooseFacility(arguments[0]);", other) is False
        assert js("return window.coverageMap.showCatchment(arguments[0]);", other) is None
    assert _pwned(browser)[1] == []


@pytest.mark.realdata
def test_hostile_scenario_map_and_report_in_chromium(browser, hostile):

    _open(browser, hostile.map)
    wait_for(lambda: browser.execute_script("return window.coverageMap && coverageMap.ready;"))
    scripts = _scripts_before(browser)
    js = browser.execute_script
    assert js("return document.getElementById('cov-title').textContent;") == evil("标题")
    fid = next(f for f, n in zip(hostile.run.coverage.facilities["fid"],
                                 hostile.run.coverage.facilities["name"], strict=True)
               if n == evil("站点01"))  # fmt: skip
    click_marker(browser, f"svg.cov-fac[data-fid='{int(fid)}']")
    popup = _popup_text(browser)
    assert popup["title"] == evil("站点01")
    assert popup["rows"]["地址"] == evil("地址01") and popup["rows"]["服务项目"] == evil("服务")
    kind, errors, injected = _pwned(browser)
    assert kind == "undefined" and errors == [] and injected == scripts

    # The report has no script at all; its text is the input, as written.
    _open(browser, hostile.report)
    assert js("return document.querySelector('h1').textContent;") == evil("标题")
    body = js("return document.body.textContent;")
    for text in (evil("西街道"), evil("东街道"), evil("服务"), hostile.register):
        assert text in body
    assert js("return document.querySelectorAll('script, img[src=\"x\"]').length;") == 0
    assert js("return typeof window.__pwned;") == "undefined"

    # On a 390-px phone the long unbroken words of hostile names ("lipsum.__globals__.os…")
    # pushed the sub-district table 50 px past the screen: every table and the page fit.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        _open(browser, hostile.report)
        wide = js(
            """const out = [...document.querySelectorAll('.tablewrap')]
              .filter(w => w.scrollWidth > w.clientWidth)
              .map(w => [w.className, w.scrollWidth, w.clientWidth]);
            const d = document.documentElement;
            if (d.scrollWidth > d.clientWidth) out.push(['page', d.scrollWidth, d.clientWidth]);
            return out;"""
        )
        assert wide == []
        # The facility's popup too: its address and services scrolled sideways, cut off.
        _open(browser, hostile.map)
        wait_for(lambda: js("return window.coverageMap && coverageMap.ready;"))
        js("window.coverageMap.chooseFacility(arguments[0]);", str(int(fid)))
        _popup_text(browser)
        box = js(
            "const p = [...document.querySelectorAll('.leaflet-popup-content')].pop();"
            "return [p.scrollWidth, p.clientWidth];"
        )
        assert box[0] <= box[1], box
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
