"""The printable map: PNG and PDF written atomically, the suffix checked, English without a CJK
font; the key figures, sub-districts, tier hatching, date and sources on A4 and A3."""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pypdf
import pytest
import shapely
from map_layers import sample_layers

from coverage import figures


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return sample_layers()


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_static_map_written(tmp_path, data, suffix, magic, caplog):
    path = tmp_path / f"map{suffix}"
    with caplog.at_level(logging.WARNING, logger="coverage.figures.static_map"):
        out = figures.save_static_map(
            data["facilities"],
            data["demand"],
            data["tier_catchments"],
            data["area"],
            path,
            lang="zh",
            dpi=60,
        )
    assert out == path and path.read_bytes()[:4] == magic
    assert path.stat().st_size > 10_000
    font_warnings = [r for r in caplog.records if "Chinese font" in r.getMessage()]
    assert bool(font_warnings) == (figures.cjk_font() is None)


def test_static_map_is_atomic_and_checks_suffix(tmp_path, monkeypatch, data):
    from matplotlib.figure import Figure

    target = tmp_path / "map.png"
    target.write_bytes(b"old")

    def broken(self: Figure, fname: Any, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"partial")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        figures.save_static_map(data["facilities"], None, None, None, target, lang="en")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]
    with pytest.raises(ValueError, match="png or .pdf"):
        figures.save_static_map(data["facilities"], None, None, None, tmp_path / "m.jpg")


# --------------------------------------------------------------------------------------------
# What a leader reads on paper: key figures, sub-districts, overlapping tiers, date and sources
# --------------------------------------------------------------------------------------------

#: Landscape page sizes in points (ISO 216: 297 × 210 mm and 420 × 297 mm at 72 pt per inch).
PAGE_PT = {"A4": (297 / 25.4 * 72, 210 / 25.4 * 72), "A3": (420 / 25.4 * 72, 297 / 25.4 * 72)}

KPIS = {
    "share_centre": 0.4,
    "share_any": 0.9,
    "uncovered_weight": 12345.4,
    "kind_share:residents": 0.925,
    "kind_uncovered:residents": 5678.0,
    "kind_share:workers": 0.81,
    "kind_uncovered:workers": 1234.0,
}
SOURCES = ["步行路网：streets.parquet", "设施名录：facilities.xlsx"]


def _landcover(data: dict[str, Any]) -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = data["area"].bounds
    return gpd.GeoDataFrame(
        {"kind": ["water", "green"]},
        geometry=[shapely.box(x0, y0, x1, y0 + 0.004), shapely.box(x1 - 0.01, y1 - 0.01, x1, y1)],
        crs=4326,
    )


def _print(data: dict[str, Any], path: Path, lang: str = "zh", **kw: Any) -> Path:
    args = {
        "subdistricts": data["subdistricts"],
        "kpis": KPIS,
        "date": "2026-12-04",
        "sources": SOURCES,
        "speed_kmh": 4.5,
        "landcover": _landcover(data),
        "thresholds": {"centre": 15, "subcentre": 15, "point": 15, "outdoor_station": 10},
    }
    args.update(kw)
    return figures.save_static_map(
        data["facilities"],
        data["demand"],
        data["tier_catchments"],
        data["area"],
        path,
        lang=lang,
        dpi=50,
        **args,
    )


def _pdf_text(path: Path) -> str:
    page = pypdf.PdfReader(path).pages[0]
    return page.extract_text()


def _flat(text: str) -> str:
    return "".join(text.split())


needs_cjk = pytest.mark.skipif(figures.cjk_font() is None, reason="no CJK font on this machine")


@needs_cjk
@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_pdf_has_key_figures_subdistricts_date_sources(tmp_path, data, paper):
    path = _print(data, tmp_path / "map.pdf", paper=paper)
    box = pypdf.PdfReader(path).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(PAGE_PT[paper], abs=1.0)
    text = _flat(_pdf_text(path))
    # Key figures: percentages with one decimal, people (not points) as whole numbers, per kind.
    for words in [
        "关键指标",
        "任一设施覆盖人口占比90.0%",
        "未覆盖人数12,345人",
        "居住地（居民）覆盖率92.5%",
        "居住地（居民）未覆盖人数5,678人",
        "工作地（就业）覆盖率81.0%",
        "工作地（就业）未覆盖人数1,234人",
        "服务中心（≤15分钟）40.0%",
    ]:
        assert words in text
    assert "观音桥街道" in text and "华新街街道" in text and "街道/乡镇边界" in text
    assert "水域" in text and "公园绿地" in text
    assert "日期：2026-12-04" in text and "步速4.5公里/小时" in text
    assert "数据来源：步行路网：streets.parquet；设施名录：facilities.xlsx" in text
    assert str(tmp_path) not in text


@needs_cjk
def test_pdf_in_english_has_no_chinese_words(tmp_path, data):
    subs = data["subdistricts"].assign(name=["Guanyinqiao", "Huaxinjie"])
    fac = data["facilities"].assign(name=[f"Site {k}" for k in range(5)])
    data = {**data, "facilities": fac, "subdistricts": subs}
    path = _print(data, tmp_path / "map.pdf", lang="en", sources=["walking network: a.parquet"])
    text = _pdf_text(path)
    for words in [
        "Key figures",
        "People covered by any facility",
        "People not covered",
        "12,345",
        "Residents (at home): covered",
        "Guanyinqiao",
        "Huaxinjie",
        "Sub-district boundaries",
        "Water",
        "Parks and green areas",
        "Date: 2026-12-04",
        "Data sources: walking network: a.parquet",
    ]:
        assert words in text
    assert not re.search(r"[\u4e00-\u9fff]", text)


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_png_size_follows_the_paper(tmp_path, data, paper):
    path = _print(data, tmp_path / "map.png", paper=paper)
    width, height = struct.unpack(">II", path.read_bytes()[16:24])  # the PNG header (IHDR)
    w_in, h_in = (PAGE_PT[paper][0] / 72, PAGE_PT[paper][1] / 72)
    assert (width, height) == pytest.approx((w_in * 50, h_in * 50), abs=1.5)


def _drawn_figure(monkeypatch: pytest.MonkeyPatch, draw: Any) -> Any:
    """The matplotlib figure ``draw()`` saves (kept when it is written)."""
    from matplotlib.figure import Figure

    kept: list[Figure] = []
    save = Figure.savefig

    def keep(self: Figure, *args: Any, **kwargs: Any) -> None:
        kept.append(self)
        save(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", keep)
    draw()
    return kept[0]


def test_tiers_hatched_and_outlined_apart(tmp_path, data, monkeypatch):
    from matplotlib.colors import to_hex

    from coverage.maps import TIER_STYLE

    fig = _drawn_figure(monkeypatch, lambda: _print(data, tmp_path / "m.png", lang="en"))
    ax = fig.axes[0]
    hatch_of: dict[str, set[str]] = {}
    for coll in ax.collections:
        hatch = coll.get_hatch()
        edges = coll.get_edgecolor()
        if hatch and len(edges):
            hatch_of.setdefault(to_hex(edges[0]), set()).add(hatch)
    colors = {to_hex(TIER_STYLE[t]["color"]) for t in ("centre", "subcentre", "point")}
    colors.add(to_hex(TIER_STYLE["outdoor_station"]["color"]))
    # One hatching per tier, each different: overlapping catchments stay apart.
    assert set(hatch_of) == colors
    hatches = [next(iter(h)) for h in hatch_of.values()]
    assert all(len(h) == 1 for h in hatch_of.values()) and len(set(hatches)) == len(hatches)
    # The fills are faint (the hatching and outline carry the colour), the outlines opaque.
    for coll in ax.collections:
        if coll.get_hatch():
            assert coll.get_facecolor()[0][3] <= 0.2 and coll.get_edgecolor()[0][3] == 1.0
    # The legend shows the same hatching as the map.
    legend = fig.legends[0]
    patches = [h for h in legend.legend_handles if getattr(h, "get_hatch", lambda: None)()]
    assert {p.get_hatch() for p in patches} == set(hatches)


def test_without_subdistricts_kpis_or_landcover(tmp_path, data, monkeypatch):
    def draw() -> Path:
        return _print(
            data, tmp_path / "m.png", lang="en", subdistricts=None, kpis=None, landcover=None
        )

    fig = _drawn_figure(monkeypatch, draw)
    words = {t.get_text() for t in fig.texts} | {t.get_text() for t in fig.axes[0].texts}
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert "Key figures" not in words and "Guanyinqiao" not in words
    assert not {"Water", "Parks and green areas", "Sub-district boundaries"} & legend


@needs_cjk
def test_scenario_print_map_counts_people_and_names_files_only(tmp_path, wuhan_edges_path):
    """The small scenario's printable map (``write_print_map``): its figures worked out again
    from the demand table, its sub-districts named, its inputs by file name only."""
    from conftest import copy_small_scenario

    from coverage import pipeline
    from coverage.export_maps import write_print_map

    toml = copy_small_scenario(tmp_path, wuhan_edges_path)
    run = pipeline.run(toml, write=False)
    demand = run.coverage.demand
    weight = demand["weight"].to_numpy(float)
    covered = demand["covered"].to_numpy(bool)
    share = f"{100 * weight[covered].sum() / weight.sum():.1f}%"
    left = f"{round(weight[~covered].sum()):,}人"
    for paper in ("A4", "A3"):
        path = write_print_map(run, tmp_path / f"print_{paper}.pdf", paper=paper)
        text = _flat(_pdf_text(path))
        assert f"任一设施覆盖人口占比{share}" in text and f"未覆盖人数{left}" in text
        assert "西街道" in text and "东街道" in text  # tests/fixtures/scenario_small
        for name in ("wuhan_streets_osm.parquet", "facilities.csv", "demand.csv"):
            assert name in text
        assert "subdistricts.geojson" in text and "OpenStreetMap" in text
        assert str(tmp_path) not in text and str(wuhan_edges_path.parent) not in text
        assert "水域" not in text  # an edge table brings no water or green areas


def test_scenario_print_map_without_a_chinese_font_says_its_sources_in_english(
    tmp_path, wuhan_edges_path, monkeypatch
):
    """Without a Chinese font a Chinese scenario's printable map is drawn in English: its data
    sources and title too (they were Chinese words, printed as empty boxes)."""
    from conftest import copy_small_scenario

    from coverage import pipeline
    from coverage.export_maps import write_print_map
    from coverage.figures import fonts, static_map

    toml = copy_small_scenario(tmp_path, wuhan_edges_path)
    run = pipeline.run(toml, write=False)
    assert run.scenario.lang == "zh"
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(static_map, "cjk_font", lambda: None)
    path = write_print_map(run, tmp_path / "print.pdf")
    text = _pdf_text(path)
    sources = text[text.index("Data sources") :]
    assert "walking network" in sources and "facilities.csv" in sources
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", sources), sources


def test_without_a_chinese_font_one_line_and_no_glyph_warnings(tmp_path, data, monkeypatch, caplog):
    """Without a CJK font, Chinese names (facilities, sub-districts) made matplotlib warn once
    per character ("Glyph 27743 … missing from font(s) DejaVu Sans") on the console, and an
    English map said nothing: now one line says why and how to install a font, in either
    language, and no glyph warning escapes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from coverage.figures import fonts, static_map

    def glyphs(caught: list[warnings.WarningMessage]) -> list[str]:
        return [str(w.message) for w in caught if "missing from" in str(w.message)]

    # matplotlib's default font has no Chinese: drawn bare, a name does warn
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, "站点")
        fig.savefig(tmp_path / "bare.png")
    assert len(glyphs(caught)) == 2

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(static_map, "cjk_font", lambda: None)
    # A register's own tier words and a source file's name are drawn as written: Chinese here.
    fac = data["facilities"].assign(tier="社区站")
    for lang, title in (("en", "Jiangbei"), ("zh", "江北区")):  # Chinese in words given; asked for
        caplog.clear()
        with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figures.save_static_map(
                fac, data["demand"], data["tier_catchments"], data["area"], tmp_path / f"{lang}.png",
                lang=lang, dpi=40, title=title, subdistricts=data["subdistricts"], sources=["设施.csv"],
            )  # fmt: skip
        assert glyphs(caught) == []
        (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert line.msg.key == "error.output.no_cjk_font"
        assert "Chinese names" in line.msg.text("en") and "fonts-wqy-zenhei" in line.msg.text("en")
        assert "中文名称" in line.msg.text("zh") and "fonts-wqy-zenhei" in line.msg.text("zh")


def test_free_form_tiers_keep_their_words_in_the_legend(tmp_path, data, monkeypatch):
    # The report draws proposed sites as the tier "Proposed service point"; a register may name
    # a tier no vocabulary knows. Their legend rows show those words, never a lower_snake key.
    fac = data["facilities"].copy()
    fac["tier"] = ["centre", "Proposed service point", "Mobile Van", "point", "Mobile Van"]
    tc = data["tier_catchments"]
    tc = tc.assign(tier=tc["tier"].replace({"subcentre": "Proposed service point"}))

    def draw() -> Path:
        return figures.save_static_map(
            fac, data["demand"], tc, data["area"], tmp_path / "m.png", lang="en", dpi=40,
            thresholds={"centre": 15, "point": 15, "Proposed service point": 10},
        )  # fmt: skip

    fig = _drawn_figure(monkeypatch, draw)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "Proposed service point (1)" in legend
    assert "Mobile Van (2)" in legend
    assert "Proposed service point: ≤10-min walk" in legend  # its own threshold, by its words
    assert not [w for w in legend if "_" in w]


def test_a_tier_drawn_in_the_style_given(tmp_path, data, monkeypatch):
    # The report's map after the plan drew the proposed sites as small brown triangles (the
    # fifth free-form colour), hard to find and unlike the plan map's purple stars: a style
    # given for a tier sets its markers, legend row and catchment outline; others keep theirs.
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    from coverage.maps import TIER_STYLE

    fac = data["facilities"].copy()
    fac["tier"] = ["centre", "Proposed service point", "point", "point", "Proposed service point"]
    tc = data["tier_catchments"]
    tc = tc.assign(tier=tc["tier"].replace({"subcentre": "Proposed service point"}))
    star = {"color": "#6c3483", "shape": "star", "size": 30}

    def draw() -> Path:
        return figures.save_static_map(
            fac, data["demand"], tc, data["area"], tmp_path / "m.png", lang="en", dpi=40,
            styles={"Proposed service point": star, "not drawn": {"color": "#000000"}},
        )  # fmt: skip

    fig = _drawn_figure(monkeypatch, draw)
    ax = fig.axes[0]
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]  # the scatters
    purple = [c for c in dots if to_hex(c.get_facecolor()[0]) == "#6c3483"]
    assert len(purple) == 1 and len(purple[0].get_offsets()) == 2  # the two sites, filled
    assert purple[0].get_sizes().tolist() == [30**2 / 4]
    hatched = {to_hex(c.get_edgecolor()[0]) for c in ax.collections if c.get_hatch()}
    assert "#6c3483" in hatched and to_hex(TIER_STYLE["point"]["color"]) in hatched
    rows = dict(zip([t.get_text() for t in fig.legends[0].get_texts()],
                    fig.legends[0].legend_handles, strict=True))  # fmt: skip
    row = rows["Proposed service point (2)"]
    assert row.get_marker() == "*" and to_hex(row.get_color()) == "#6c3483"
    assert to_hex(rows["Service point (2)"].get_color()) == to_hex(TIER_STYLE["point"]["color"])


def test_a_static_map_without_lang_is_in_the_lang_setting(tmp_path, data, monkeypatch):
    from coverage import report, settings

    layers = (data["facilities"], data["demand"], data["tier_catchments"], data["area"])

    def digest(png: bytes) -> str:  # compared as digests: a diff of two PNGs takes minutes
        return hashlib.sha256(png).hexdigest()

    english = figures.save_static_map(*layers, tmp_path / "en.png", lang="en", dpi=40)
    report_en = digest(report.static_map_png(*layers, lang="en", dpi=40))
    monkeypatch.setattr(settings, "lang", "en")  # after import: read when the map is drawn
    default = figures.save_static_map(*layers, tmp_path / "default.png", dpi=40)
    assert digest(default.read_bytes()) == digest(english.read_bytes())
    assert digest(report.static_map_png(*layers, dpi=40)) == report_en
    monkeypatch.setattr(settings, "lang", "fr")
    with pytest.raises(ValueError, match=r"coverage\.settings\.lang: .*'fr'"):
        figures.save_static_map(*layers, tmp_path / "fr.png", dpi=40)
    with pytest.raises(ValueError, match=r"coverage\.settings\.lang: .*'fr'"):
        report.static_map_png(*layers, dpi=40)


def test_printed_demand_of_unknown_coverage_is_grey_and_labelled_so() -> None:
    # Minutes to the nearest facility alone, its tier not given; centres at 20 min, points at
    # 10: 8 min is covered whichever is nearest, 25 is not, 12 only if it is a centre: grey
    # and labelled unknown, as on the interactive map. Without thresholds every tier is at the
    # default 15 min, so 12 is covered.
    import matplotlib.pyplot as plt

    from coverage.figures.static_map import _draw_demand

    demand = gpd.GeoDataFrame(
        {"weight": [1.0, 2.0, 4.0], "nearest_min": [8.0, 25.0, 12.0]},
        geometry=gpd.points_from_xy([114.300, 114.301, 114.302], [30.59] * 3),
        crs=4326,
    )
    fig, ax = plt.subplots()
    try:
        handles = _draw_demand(ax, demand, 32650, "en", {"centre": 20.0, "point": 10.0})
        assert [(h.get_label(), h.get_color()) for h in handles] == [
            ("Covered: 1 people (1 point)", "#7f8c8d"),
            ("Coverage unknown, tier of the nearest facility not given: 4 people (1 point)",
             "#566573"),
            ("Not covered: 2 people (1 point)", "#e74c3c"),
        ]  # fmt: skip
        handles = _draw_demand(ax, demand, 32650, "en")
        assert [h.get_label() for h in handles] == [
            "Covered: 5 people (2 points)",
            "Not covered: 2 people (1 point)",
        ]
    finally:
        plt.close(fig)
