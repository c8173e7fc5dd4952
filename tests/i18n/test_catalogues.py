"""The word catalogues: the same keys and fields in both languages, each language on its own,
every key the code asks for present and every key asked for somewhere."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from coverage import i18n
from coverage.i18n import en, zh

PACKAGE = Path(i18n.__file__).resolve().parent.parent
NAMESPACES = ("map", "print", "curve", "report", "excel", "console", "problem", "error")

#: ASCII words allowed in Chinese text (3+ letters; shorter ones such as km and m pass anyway).
ZH_ALLOWED = {
    # units, abbreviations and datums
    "km", "min", "KPI", "OSM", "WGS-84", "GCJ-02",
    # the attribution OpenStreetMap's licence asks for, as written
    "OpenStreetMap", "contributors",
    # a product name Chinese writes as is
    "Excel",
    # the program, its commands and scenario settings, as the user types them
    "coverage", "run", "plan", "add", "target", "candidates", "grid_spacing_m", "crs",
    # scenario keys, sections and options named in errors, as typed
    "area", "band", "layer", "bbox", "buildings", "catchment_cell_m", "code", "demand", "dir",
    "facilities", "label_zh", "map", "max_cell_m", "osm_buildings", "out", "output", "path",
    "place", "polygon", "print", "select", "stage_add", "threshold_min", "tier_threshold_min",
    "tiers", "types", "walk_off_m", "weight", "network", "cache_dir", "osm_features", "districts",
    "code_field", "geometry", "stage", "tier", "candidate", "existing", "excluded", "grid", "exact",
    "subdistricts",
    "capacity", "basemap", "tianditu", "tianditu_key", "TIANDITU_KEY", "columns",
    # libraries, packages and formats named in errors
    "osmnx", "dask", "HiGHS", "matplotlib", "fonts", "noto", "cjk", "bzip2", "osm", "XML", "CRS",
    "GraphML", "Python", "pip", "install", "pbf", "GeoParquet", "parquet",
    # a font package and the command that installs it, as typed
    "sudo", "apt", "get", "wqy", "zenhei", "Debian", "Ubuntu",
    # Python calls named in errors, as an analyst types them
    "scenario", "set_output", "print_map", "run_audit",
    "html",
    # coordinate systems and file kinds named in errors
    "EPSG", "cgcs", "cgcs2000", "CSV", "GIS", "pdf", "png", "tif",
    # TOML values and file formats as the planner types them
    "true", "false", "TOML", "UTF-8",
    # file types, encodings and programs an input file is named or saved with
    "xls", "xlsx", "zip", "prj", "HTML", "GeoJSON", "GeoPackage", "Shapefile", "gpkg", "geojson",
    "json",
    "GBK", "UTF-16", "BOM", "WPS", "prcoords", "Big5", "big5", "gb18030",
    # layer settings, as the planner types them
    "scale", "kind", "encoding", "services",
    # building assumptions (buildings = {...}), as the planner types them
    "building_types", "floor_area_per_person_m2", "levels_by_type",
    "floor_area_per_person_by_type_m2",
}  # fmt: skip

# CJK ideographs, CJK punctuation (、。「」…), kana and full-width forms (（）：，).
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[0-9]+)?")
FIELD = re.compile(r"\{[^{}]*\}")
# File names that look like keys (``map.css``, ``report.html``) are not words.
FILE_SUFFIXES = {"css", "js", "html", "json", "png", "pdf", "csv", "xlsx", "gpkg", "toml", "py"}


def fields(text: str) -> set[str]:
    """The ``{...}`` fields of a format string, with their format specs."""
    return {f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_hold_the_same_keys():
    assert set(zh.WORDS) - set(en.WORDS) == set()
    # English alone has singulars ("1 row"): each the twin of a key both catalogues hold
    singulars = set(en.WORDS) - set(zh.WORDS)
    assert {
        k for k in singulars if not (k.endswith("_one") and k[: -len("_one")] in zh.WORDS)
    } == set()
    assert len(singulars) > 20  # the check sees them
    assert set(i18n.LANGS) == {"zh", "en"}


@pytest.mark.parametrize("key", sorted(set(en.WORDS) - set(zh.WORDS)))
def test_a_singular_fills_only_its_plurals_fields(key):
    plural = key[: -len("_one")]
    assert fields(en.WORDS[key]) <= fields(en.WORDS[plural]) and "n:" in fields(en.WORDS[plural])
    assert en.WORDS[key] != en.WORDS[plural]


@pytest.mark.parametrize(
    ("key", "fill", "one", "two"),
    [
        ("problem.audit.near_no_district", {"rows": "3"},
         "1 row is near no audited district, so no district's results include it (row 3); "
         "check its coordinates if it should be",
         "2 rows are near no audited district, so no district's results include them (rows 3); "
         "check their coordinates if they should be"),
        ("excel.audit.note.facilities_unused", {"table": "problems.csv"},
         "1 facility of the registers standing in the district is not counted (reasons in its "
         "problems.csv)",
         "2 facilities of the registers standing in the district are not counted (reasons in "
         "its problems.csv)"),
        ("problem.raster_nodata", {}, "1 cell inside the area holds no data; skipped",
         "2 cells inside the area hold no data; skipped"),
        ("console.run.skipped", {}, "1 input row skipped", "2 input rows skipped"),
        ("console.run.warned", {"file": "a.csv"}, "a.csv: 1 row kept with a warning",
         "a.csv: 2 rows kept with warnings"),
        ("report.problems_head", {}, "First problem:", "First 2 problems:"),
        ("console.audit.workers", {}, "dask: 1 worker", "dask: 2 workers"),
        # counts once in another field, now n ("{k} of {n}" is "{n} of {total}")
        ("problem.datum.out_of_range", {"total": 5, "rows": "3"},
         "1 of 5 points has a latitude beyond ±90° or a longitude beyond ±180° (row 3)",
         "2 of 5 points have a latitude beyond ±90° or a longitude beyond ±180° (rows 3)"),
        ("problem.datum.swapped_china", {"total": 5, "rows": "3"},
         "1 of 5 points fits China only with longitude and latitude swapped (row 3): check that "
         "the longitude column holds values of about 73–135 and the latitude column 18–54",
         "2 of 5 points fit China only with longitude and latitude swapped (rows 3): check that "
         "the longitude column holds values of about 73–135 and the latitude column 18–54"),
        ("problem.datum.swapped_extent", {"total": 5, "rows": "3"},
         "1 of 5 points fits the street network's extent only with longitude and latitude "
         "swapped (row 3): the longitude column seems to hold latitudes and the latitude column "
         "longitudes",
         "2 of 5 points fit the street network's extent only with longitude and latitude "
         "swapped (rows 3): the longitude column seems to hold latitudes and the latitude column "
         "longitudes"),
        ("problem.datum.outside_china", {"total": 5, "rows": "3", "declared": "GCJ-02"},
         "1 of 5 points is outside China although the layer is declared GCJ-02 (row 3): the "
         "GCJ-02 shift is only defined in China",
         "2 of 5 points are outside China although the layer is declared GCJ-02 (rows 3): the "
         "GCJ-02 shift is only defined in China"),
        ("problem.datum.unchanged", {}, ", so 1 of them was used unchanged",
         ", so 2 of them were used unchanged"),
        ("problem.note.few_near", {"total": 40, "m": 500.0},
         "only 1 of 40 points is within 500 m of the streets: the street network may not cover "
         "this layer, so its datum was not checked",
         "only 2 of 40 points are within 500 m of the streets: the street network may not cover "
         "this layer, so its datum was not checked"),
        ("problem.note.rows_other", {"total": 45, "name": "WGS-84", "rows": "3"},
         "1 of 45 points fits the streets much better under another datum than WGS-84 (row 3); "
         "it was kept as WGS-84",
         "2 of 45 points fit the streets much better under another datum than WGS-84 (rows 3); "
         "they were kept as WGS-84"),
        ("report.curve_caption", {},
         "Share of people covered as the proposed sites are added in order of marginal gain; "
         "the line marks the 1 site chosen.",
         "Share of people covered as the proposed sites are added in order of marginal gain; "
         "the line marks the 2 sites chosen."),
        ("error.input.layer_unusable", {"file": "a.csv", "what": "facility", "table": "p.csv"},
         "a.csv: its 1 data row skipped, so no facility of this layer counts (the reason is in "
         "p.csv)",
         "a.csv: all 2 data rows skipped, so no facility of this layer counts (each reason is in "
         "p.csv)"),
        ("error.network.no_walkable", {"file": "a.osm"},
         "a.osm: its 1 way is not a walkable street",
         "a.osm: no walkable street among its 2 ways"),
        ("console.catchments.done", {"polygons": 3, "path": "c.gpkg"},
         "walking catchments of 1 facility (3 polygons) → c.gpkg",
         "walking catchments of 2 facilities (3 polygons) → c.gpkg"),
        ("report.kpi_tier_sub", {}, "1 facility", "2 facilities"),
        # the second count of a message, worded by a key of its own
        ("report.warnings", {}, "1 warning (row kept)", "2 warnings (rows kept)"),
        ("error.input.rows_skipped", {}, "1 row skipped", "2 rows skipped"),
        ("console.step.points", {}, "1 demand point", "2 demand points"),
        ("report.candidates", {}, "1 candidate", "2 candidates"),
    ],
)  # fmt: skip
def test_a_count_of_one_reads_in_the_singular(key, fill, one, two):
    import numpy as np

    assert i18n.t("en", key, n=1, **fill) == one
    assert i18n.t("en", key, n=np.int64(1), **fill) == one  # a count numpy made
    assert i18n.t("en", key, n=2, **fill) == two
    assert i18n.t("zh", key, n=1, **fill) == zh.WORDS[key].format(n=1, **fill)  # no plural
    from coverage.errors import Msg

    assert Msg(key, n=1, **fill).text("en") == one  # problems and notes worded later, too


@pytest.mark.parametrize(("a", "b"), [(1, 1), (1, 2), (2, 1), (2, 2)])
def test_a_message_counting_two_things_reads_right_for_each(a, b):
    # each count agrees with its own noun: the second is a field worded from a key of its own
    from coverage.errors import Msg

    def s(k: int) -> str:
        return "" if k == 1 else "s"

    head = Msg(
        "error.input.no_usable_rows",
        what="facility",
        names="f.csv",
        skipped=Msg("error.input.rows_skipped", n=a),
        n=b,
        listed="",
    )
    assert head.text("en") == (
        f"no usable facility rows in f.csv: {a} row{s(a)} skipped, {b} problem{s(b)}; the first:"
    )
    assert (
        head.text("zh") == f"f.csv 中没有可用的facility行：跳过 {a} 行，共 {b} 个问题；前几个如下："
    )
    warnings = i18n.t("en", "report.warnings", n=b)
    kept = f"{b} warning{s(b)} (row{s(b)} kept)"
    assert i18n.t("en", "report.skipped", n=a, warnings=warnings, path="p.csv").startswith(
        f"{a} input row{s(a)} could not be used and {'was' if a == 1 else 'were'} skipped; {kept}."
    )
    assert i18n.t("en", "report.skipped_none", warnings=warnings, path="p.csv").startswith(
        f"No input row was skipped; {kept}."
    )
    points = i18n.t("en", "console.step.points", n=b)
    assert i18n.t("en", "console.step.routing", n=a, points=points, minutes="15") == (
        f"routing {a} site{s(a)} to {b} demand point{s(b)} (15 min)"
    )
    cands = i18n.t("en", "report.candidates", n=str(b))  # the report passes it formatted
    text = i18n.t(
        "en", "report.method_plan", model="M", method="x", status="ok", gap="0%", cands=cands, n=a
    )
    assert text.endswith(f"{a} site{s(a)} chosen from {b} candidate{s(b)}.")


def test_only_english_has_singulars():
    # t picks <key>_one in whichever catalogue holds it: a Chinese one would change the words
    assert [k for k in zh.WORDS if k.endswith("_one")] == []


def test_keys_are_namespaced():
    bad = [k for k in zh.WORDS if not re.fullmatch(r"[a-z]+(\.[a-z0-9_]+)+", k)]
    assert bad == []
    assert {k.split(".")[0] for k in zh.WORDS} == set(NAMESPACES)


@pytest.mark.parametrize("key", sorted(zh.WORDS))
def test_fields_are_the_same_in_both_languages(key):
    assert fields(zh.WORDS[key]) == fields(en.WORDS[key])


def test_chinese_words_hold_no_stray_english():
    stray = {}
    for key, text in zh.WORDS.items():
        for word in ASCII_WORD.findall(FIELD.sub("", text)):
            if sum(c.isalpha() for c in word) >= 3 and word not in ZH_ALLOWED:
                stray[key] = word
    assert stray == {}


def test_english_words_hold_no_chinese():
    assert {k: v for k, v in en.WORDS.items() if CJK.search(v)} == {}


def test_the_checks_catch_what_they_look_for():
    # the patterns above find what they must (a check that finds nothing proves nothing)
    assert CJK.search("覆盖") and CJK.search("（") and CJK.search("、") and not CJK.search("≥2 ·")
    assert ASCII_WORD.findall(FIELD.sub("", "{label}覆盖 WGS-84 Share")) == ["WGS-84", "Share"]
    assert fields("{n:g} km {label}") == {"n:g", "label:"}


def test_lookup_fills_fields_and_refuses_unknown_keys_and_languages():
    assert i18n.t("zh", "map.count", label="服务站点", n=6) == "服务站点（6处）"
    assert i18n.t("en", "map.count", label="Service point", n=6) == "Service point (6)"
    assert i18n.t("en", "map.class.demand_w", w="1,234", pts="2 points") == (
        "Demand points: 1,234 people (2 points)"
    )
    with pytest.raises(KeyError, match="map.nonsense"):
        i18n.t("zh", "map.nonsense")
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.t("fr", "map.title")
    with pytest.raises(TypeError):  # read-only
        i18n.catalogue("en")["map.title"] = "x"  # type: ignore[index]


# --- every key the code asks for exists, and every key is asked for -------------------------


def _word_like(text: str) -> bool:
    head, _, rest = text.partition(".")
    return (
        head in NAMESPACES
        and bool(re.fullmatch(r"[a-z0-9_.]+", rest))
        and text.rsplit(".", 1)[-1] not in FILE_SUFFIXES
    )


def _pattern(node: ast.JoinedStr) -> str:
    """An f-string key (``f"map.kpi.{key}"``) as a regex: the fields match any text."""
    parts = []
    for v in node.values:
        if isinstance(v, ast.Constant):
            parts.append(re.escape(str(v.value)))
        else:
            parts.append(".+")
    return "".join(parts)


def _lookups() -> tuple[dict[str, str], dict[str, str]]:
    """Literal keys and f-string key patterns in the package's code, each with where it is.

    Taken: every string in the key argument of ``t(...)`` (both branches of ``a if c else b``
    too), and every other string or f-string that starts with a namespace (``"excel.sheet."``
    prefixes, keys in tuples, ``catalogue(lang).get(f"map.column.{col}")``).
    """
    literal: dict[str, str] = {}
    patterns: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "i18n" and path.stem != "values":  # the catalogues themselves
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inner = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        key_args = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and len(node.args) >= 2:
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name == "t":
                    key_args.append(node.args[1])
        in_call = {id(n) for arg in key_args for n in ast.walk(arg)}
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in inner and (id(node) in in_call or _word_like(node.value)):
                    literal[node.value] = where
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                head = first.value if isinstance(first, ast.Constant) else ""
                if id(node) in in_call or _word_like(str(head).rstrip(".") or "x"):
                    patterns[_pattern(node)] = where
    return literal, patterns


def test_every_key_the_code_asks_for_exists():
    literal, patterns = _lookups()
    assert len(literal) > 100 and len(patterns) > 5  # the scan finds the lookups
    keys = set(zh.WORDS)
    missing = {
        k: where
        for k, where in literal.items()
        if k not in keys and not (k.endswith(".") and any(w.startswith(k) for w in keys))
    }
    assert missing == {}
    unmatched = {
        p: where for p, where in patterns.items() if not any(re.fullmatch(p, k) for k in keys)
    }
    assert unmatched == {}


def test_every_key_is_asked_for():
    literal, patterns = _lookups()
    prefixes = [k for k in literal if k.endswith(".")]
    unused = [
        k
        for k in zh.WORDS
        if k not in literal
        and not any(k.startswith(p) for p in prefixes)
        and not any(re.fullmatch(p, k) for p in patterns)
    ]
    assert unused == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_popups_workbook_and_report_use_one_term_for_one_figure(lang):
    # What a leader compares between the plan map's popups, plan.xlsx and the report.
    words = i18n.catalogue(lang)
    same = [
        ("map.weight", "map.column.weight", "excel.header.weight", "report.workers"),
        ("map.column.demand_points", "excel.header.demand_points"),
        ("map.column.before_share", "excel.header.before_share"),
        ("map.column.after_share", "excel.header.after_share"),
        ("map.column.added_weight", "excel.header.added_weight"),
    ]
    for keys in same:
        assert len({words[k] for k in keys}) == 1, {k: words[k] for k in keys}
