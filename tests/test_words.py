"""Every word a person reads is in the scenario's language, in every output.

The small scenario is run, planned and reported through the command line in Chinese and in
English, and the real Wuhan sample is run (and planned in English) the same way. Then every
output a person opens is walked: every CSV file, every workbook's sheet names, headers and cells,
every GeoPackage's layer names, field names and text values, the report's text, the words of
the maps' payloads and the console's output. A Chinese output fails on any ASCII word not on a
short list (datums, units, the street data's source); an English output on any Chinese character
and on any ``snake_case`` program key; both on a cell that is a raw program key.

Input text is the planner's own data and may be in any language: the columns that carry it
(names, services, sub-districts, streets, file and field names, the readers' problem messages)
are known by their keys, and their values are taken out of the free text (report, maps, console)
before it is checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from conftest import small_scenario_in
from map_payload import payload
from typer.testing import CliRunner

from coverage import vocab
from coverage.cli import app
from coverage.table_words import HEADERS, cell_word, header, sheet_name

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "wuhan" / "scenario.toml"
runner = CliRunner()

#: Keys of the columns that hold the input's own text (or the readers' English diagnostics).
USER_COLUMNS = {
    "name", "services", "subdistrict", "nearest_facility", "layer", "id", "address", "street",
    "file", "field", "problem", "type", "district",
}  # fmt: skip
#: Columns of the coverage summary (the sub-district layer adds them to the boundary file's).
SUMMARY_KEYS = {"facilities", "demand_points", "weight", "covered_weight", "share",
                "cross_weight", "cross_share", "circle_share", "uncovered_points",
                "unreachable_weight"}  # fmt: skip
#: Scopes whose summary rows are keyed by input text (sub-district, service, type names).
USER_SCOPES = {"subdistrict", "service", "type"}
#: ASCII words a Chinese output may hold: datums, units, the street data's source and its
#: licence words as written, the program's name; file formats and encodings (how each layer
#: was read).
ZH_ALLOWED = {"GCJ-02", "WGS-84", "BD-09", "km", "KPI", "OSM", "OpenStreetMap", "contributors",
              "coverage", "run", "plan", "CSV", "XLSX", "UTF-8", "GBK", "BOM", "EPSG",
              "prcoords"}  # fmt: skip
#: Program keys no reader should see as a cell of a table (either language).
RAW_KEYS = {
    "overall", "tier", "subdistrict", "kind", "all", "centre", "subcentre", "point",
    "outdoor_station", "workers", "residents", "candidate", "existing", "excluded", "grid",
    "osm", "file", "facility", "mclp", "lscp", "pmedian", "backup", "milp", "greedy",
    "optimal", "time_limit", "skipped", "kept", "failed", "True", "False", "true", "false",
    "(tertiary)", "(secondary)", "(residential)",
}  # fmt: skip
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[0-9]+)?")
PY_WARNING = re.compile(r"^\S+\.py:\d+: \w*Warning: ")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
#: Paths and file names (the console and the report name files): not words.
PATHISH = re.compile(r"\S*[/\\]\S*|\S+\.(?:csv|xlsx|html|gpkg|json|png|pdf|toml|parquet|geojson)")


@dataclass
class Outputs:
    """What one language's runs wrote and said."""

    lang: str
    out: Path
    pages: list[Path]
    console: str
    #: (where, text) of every table word: headers, sheet and layer names, non-input cells
    words: list[tuple[str, str]] = field(default_factory=list)
    #: input text met in the tables (names, services…): taken out of the free text
    user: set[str] = field(default_factory=set)


def _keys(lang: str) -> dict[str, str]:
    """Header → column key, for every header the tables may carry."""
    keys = {header(k, lang): k for k in HEADERS}
    for code in vocab.active().codes:
        keys[header(f"t_{code}", lang)] = f"t_{code}"
        keys[header(f"covered_{code}", lang)] = f"covered_{code}"
    return keys


def _table_words(o: Outputs, where: str, table: pd.DataFrame, own: set[str] = frozenset()) -> None:
    """Headers and non-input cells into ``o.words``; input cells (and the columns ``own`` of
    the input file's own) into ``o.user``."""
    keys = _keys(o.lang)
    cols = {c: keys.get(str(c), str(c)) for c in table.columns}
    o.words += [(f"{where}:<header>", str(c)) for c in table.columns]
    scope_col = next((c for c, k in cols.items() if k == "scope"), None)
    user_scope = {cell_word("scope", s, o.lang) for s in USER_SCOPES} | USER_SCOPES
    for col, key in cols.items():
        values = table[col]
        if key in USER_COLUMNS or col in own or (key == "key" and scope_col is not None):
            mask = (
                pd.Series(True, index=table.index)
                if key != "key"
                else table[scope_col].astype(str).isin(user_scope)
            )
            for v in values[mask]:
                if isinstance(v, str) and v:
                    parts = [v, *(p.strip() for p in re.split(r"[;；]", v))]
                    # numbers (ids, rows) are no words: taking "84" out would break "WGS-84"
                    o.user.update(p for p in parts if re.search(r"[^\W\d_]", p))
            values = values[~mask]
        o.words += [(f"{where}:{col}", v) for v in values if isinstance(v, str) and v]


def _walk_tables(o: Outputs) -> None:
    for path in sorted(o.out.rglob("*.csv")):
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        _table_words(o, path.name, table)
    for book in sorted(o.out.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb:
            o.words.append((f"{book.name}:<sheet>", ws.title))
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            table = pd.DataFrame(rows[1:], columns=[str(h) for h in rows[0]], dtype=object)
            _table_words(o, f"{book.name}:{ws.title}", table)
    for gpkg in sorted(o.out.rglob("*.gpkg")):
        for layer, _ in pyogrio.list_layers(gpkg):
            o.words.append((f"{gpkg.name}:<layer>", str(layer)))
            frame = pd.DataFrame(gpd.read_file(gpkg, layer=layer).drop(columns="geometry"))
            own = set()
            if layer == sheet_name("subdistricts", o.lang):  # the boundary file's own columns
                ours = {header(k, o.lang) for k in SUMMARY_KEYS}
                own = {c for c in frame.columns if c not in ours}
            _table_words(o, f"{gpkg.name}:{layer}", frame, own)


class _Text(HTMLParser):
    """The text a reader sees on a page (no style or script)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")
        self.parts += [v for k, v in attrs if k in ("alt", "title") and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


#: Payload keys whose strings people read (the rest are colours, shapes, keys and URLs).
TEXT_KEYS = {"head", "rows", "text", "notes", "names", "note", "title", "tooltip", "hint",
             "beyond", "minutes", "bands", "fields"}  # fmt: skip


def _payload_text(node: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _payload_text(v, (*path, str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            if path and path[-1] == "fields" and isinstance(v, list):
                v = v[:1]  # [label, property key]: the label is read
            yield from _payload_text(v, (*path, str(i)))
    elif isinstance(node, str) and any(k in TEXT_KEYS for k in path):
        skip = {"icon", "dot", "fill", "style", "colors", "key", "kind", "color", "fid", "tier",
                "cls", "type", "geometry"}  # fmt: skip
        if not skip & set(path):
            yield node


def _free_text(o: Outputs) -> list[tuple[str, str]]:
    """(where, text) of the report, the maps' words and the console."""
    texts = []
    for page in o.pages:
        html = page.read_text(encoding="utf-8")
        if "var coverageMeta=" in html:
            texts += [(page.name, s) for s in _payload_text(payload(html))]
        else:
            parser = _Text()
            parser.feed(html)
            texts += [(page.name, s) for s in parser.parts]
    lines = o.console.splitlines()
    # Python's own warnings (e.g. matplotlib's missing CJK glyphs on a machine without the
    # font) and the source line it prints under them: the environment's, not the program's.
    warned = {i + k for i, ln in enumerate(lines) if PY_WARNING.match(ln) for k in (0, 1)}
    texts += [("console", ln) for i, ln in enumerate(lines) if ln.strip() and i not in warned]
    return texts


def _without_input(o: Outputs, text: str) -> str:
    """``text`` without input strings (longest first), paths and file names."""
    text = PATHISH.sub(" ", text)
    for u in sorted(o.user, key=len, reverse=True):
        if len(u) > 1 and u in text:
            text = text.replace(u, " ")
    return text


def _stray(o: Outputs, text: str) -> list[str]:
    """Words of the other language (or program keys) in ``text``."""
    if o.lang == "zh":
        return [w for w in ASCII_WORD.findall(text) if len(w) >= 2 and w not in ZH_ALLOWED]
    return CJK.findall(text) + SNAKE.findall(text)


def _input_text(folder: Path) -> set[str]:
    """Text of the input files in a scenario's folder that outputs may quote: the tables'
    column and sheet names, and the boundary files' property names and text values."""
    names: set[str] = set()
    for path in folder.glob("*.csv"):
        names.update(map(str, pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns))
    for path in folder.glob("*.xlsx"):
        sheets = pd.read_excel(path, sheet_name=None, nrows=0)
        names.update(sheets)
        names.update(str(c) for frame in sheets.values() for c in frame.columns)
    for path in folder.glob("*.geojson"):
        frame = pd.DataFrame(gpd.read_file(path).drop(columns="geometry"))
        names.update(map(str, frame.columns))
        names.update(v for v in frame.to_numpy().ravel() if isinstance(v, str))
    return names


def _invoke(args: list[str]) -> str:
    res = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    return res.output


@pytest.fixture(scope="module")
def small(tmp_path_factory, wuhan_edges_path) -> dict[str, Outputs]:
    """The small scenario run, planned (3 sites) and reported in each language, one demand row
    skipped so that the problem tables have rows."""
    found = {}
    for lang in ("zh", "en"):
        tmp = tmp_path_factory.mktemp(f"words_{lang}")
        toml = small_scenario_in(tmp, wuhan_edges_path, lang)
        said = _invoke(["run", str(toml)])
        said += _invoke(["plan", str(toml), "--add", "3"])
        said += _invoke(["report", str(toml), "--add", "3"])
        pages = [tmp / "map.html", tmp / "map_plan.html", tmp / "out" / "report.html"]
        o = Outputs(lang, tmp / "out", pages, said)
        _walk_tables(o)
        o.user |= _input_text(tmp)
        o.user.add("测试场景")  # the scenario's title (Chinese outputs; English: title_en)
        found[lang] = o
    return found


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict[str, Outputs]:
    """The real Wuhan sample run in each language, and planned (3 sites) in English."""
    found = {}
    for lang in ("zh", "en"):
        tmp = tmp_path_factory.mktemp(f"sample_{lang}")
        where = ["--out", str(tmp / "out"), "--lang", lang]
        said = _invoke(["run", str(SAMPLE), *where, "--map", str(tmp / "w.html")])
        pages = [tmp / "w.html"]
        if lang == "en":
            said += _invoke(
                ["plan", str(SAMPLE), *where, "--add", "3", "--map", str(tmp / "p.html")]
            )
            pages.append(tmp / "p.html")
        o = Outputs(lang, tmp / "out", pages, said)
        _walk_tables(o)
        o.user |= _input_text(SAMPLE.parent)
        o.user.add("武汉市江汉区职工服务阵地 15 分钟步行覆盖（示例）")
        found[lang] = o
    return found


def _check(o: Outputs) -> list[tuple[str, str, list[str]]]:
    bad = []
    for where, text in o.words:
        if text in RAW_KEYS:
            bad.append((where, text, [text]))
        elif stray := _stray(o, PATHISH.sub(" ", text)):
            bad.append((where, text, stray))
    for where, text in _free_text(o):
        if stray := _stray(o, _without_input(o, text)):
            bad.append((where, text[:120], stray))
    return bad


@pytest.mark.realdata
def test_the_walk_sees_every_output(small):
    for lang, o in small.items():
        names = {p.relative_to(o.out).as_posix() for p in o.out.rglob("*") if p.is_file()}
        assert {
            "summary.csv", "facilities.csv", "demand.csv", "uncovered.csv", "problems.csv",
            "skipped_rows.csv", "coverage.xlsx", "coverage.gpkg", "report.html",
            "plan/proposed_sites.csv", "plan/plan_summary.csv", "plan/coverage_curve.csv",
            "plan/plan.xlsx", "plan/proposed_sites.gpkg",
        } <= names  # fmt: skip
        wheres = {w.split(":")[0] for w, _ in o.words}
        assert {n.rsplit("/", 1)[-1] for n in names if n.endswith((".csv", ".xlsx", ".gpkg"))} <= (
            wheres
        )
        assert len(_free_text(o)) > 100 and all(p.is_file() for p in o.pages)
        # the layer names and headers are words of the language
        layers = {text for w, text in o.words if w == "coverage.gpkg:<layer>"}
        assert sheet_name("facilities", lang) in layers and "facilities" not in layers
        assert o.user and "站点01" in o.user  # a facility's name is known as input text


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_small_scenario_speaks_one_language(small, lang):
    assert _check(small[lang]) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_sample_speaks_one_language(sample, lang):
    assert _check(sample[lang]) == []


def test_the_checks_catch_the_other_language():
    """A table cell, a header and a popup in the wrong language are each caught."""
    zh = Outputs("zh", Path("."), [], "覆盖率 cross_share\n已写出：")
    zh.words = [("t:<header>", "facility_tier"), ("t:层级", "point"), ("t:层级", "服务站点")]
    zh.user = {"Riverside Hall"}
    assert [w for w, _, _ in _check(zh)] == ["t:<header>", "t:层级", "console"]
    en = Outputs("en", Path("."), [], "Coverage 覆盖\nsite_row 3\nRiverside 站点01 Hall")
    en.words = [("t:Tier", "服务站点"), ("t:Tier", "Service point")]
    en.user = {"站点01"}
    assert [(w, s) for w, _, s in _check(en)] == [
        ("t:Tier", ["服", "务", "站", "点"]), ("console", ["覆", "盖"]), ("console", ["site_row"]),
    ]  # fmt: skip


def test_input_text_is_taken_out_before_checking():
    o = Outputs("en", Path("."), [], "")
    o.user = {"法律援助", "站点01"}
    assert _without_input(o, "站点01 offers 法律援助 (see /tmp/x/站点.csv)").split() == [
        "offers", "(see",
    ]  # fmt: skip
    table = pd.DataFrame({"Name": ["站点01"], "Tier": ["Service point"], "Services": ["甲;乙"]})
    o2 = Outputs("en", Path("."), [], "")
    _table_words(o2, "t", table)
    assert o2.user == {"站点01", "甲;乙", "甲", "乙"}
    assert ("t:Tier", "Service point") in o2.words and ("t:Name", "站点01") not in o2.words


def test_sheet_names_and_headers_without_lang_are_in_the_lang_setting(monkeypatch):
    from coverage import settings

    monkeypatch.setattr(settings, "lang", "en")
    assert sheet_name("summary") == "Summary"
    assert header("share") == header("share", "en") != header("share", "zh")
    monkeypatch.setattr(settings, "lang", "fr")
    with pytest.raises(ValueError, match=r"coverage\.settings\.lang"):
        header("share")
