"""One tier vocabulary: names → codes, labels, declared facility types, and the codes applied when
a layer is read (the sample register in Chinese tier words gives exactly the coverage of codes).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from conftest import REPO_ROOT, copy_small_scenario
from map_payload import overlays, payload
from typer.testing import CliRunner

from coverage import excel, maps, pipeline, table_words, vocab
from coverage.cli import app
from coverage.errors import InputError, ScenarioError
from coverage.inputs.points import read_points
from coverage.inputs.validation import validate_layer
from coverage.scenario import load_scenario

WUHAN = REPO_ROOT / "data" / "wuhan"
NURSING = vocab.Tier(
    "nursing_room", "爱心妈咪小屋", "Nursing room", ("母婴室",), {"color": "#d81b60"}
)


# --- names → codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # codes, labels and aliases as written in registers
        ("centre", "centre"),
        ("服务中心", "centre"),
        ("职工服务中心", "centre"),
        ("区级职工服务中心", "centre"),
        ("Service centre", "centre"),
        ("subcentre", "subcentre"),
        ("分中心", "subcentre"),
        ("服务分中心", "subcentre"),
        ("街镇职工服务中心", "subcentre"),
        ("point", "point"),
        ("服务站点", "point"),
        ("职工服务站", "point"),
        ("服务点", "point"),
        ("站点", "point"),  # registers listing 服务中心 / 分中心 / 站点 shorten 服务站点
        ("街道服务中心", "subcentre"),  # a street's centre, as 街镇服务中心
        ("乡镇服务中心", "subcentre"),
        ("station", "point"),
        ("outdoor_station", "outdoor_station"),
        ("户外劳动者驿站", "outdoor_station"),
        ("户外劳动者服务站", "outdoor_station"),
        ("驿站", "outdoor_station"),
        ("outdoor", "outdoor_station"),
        # case, width, spaces and separators do not matter
        ("Center", "centre"),
        ("  CENTRE ", "centre"),
        ("ｃｅｎｔｒｅ", "centre"),  # full-width letters
        ("服务中心\u3000", "centre"),  # ideographic space
        ("服务 中心", "centre"),
        ("Sub-Centre", "subcentre"),
        ("sub_center", "subcentre"),
        ("SUB CENTRE", "subcentre"),
        ("ＳＵＢ－ＣＥＮＴＥＲ", "subcentre"),  # full-width hyphen
        ("Service Point", "point"),
        ("Outdoor Station", "outdoor_station"),
        ("outdoor-station", "outdoor_station"),
        ("Outdoor Workers’ Station", "outdoor_station"),
        # names street and community offices give their own tier
        ("街道职工服务分中心", "subcentre"),
        ("街道服务分中心", "subcentre"),
        ("社区服务站点（社区）", "point"),
        ("社区职工服务站点", "point"),
        # invisible characters copied from web pages and chats
        ("服务站点\u200b", "point"),
        ("\ufeff服务中心", "centre"),
        ("驿\u200d站（街道）\u2060", "outdoor_station"),
        # a bracketed qualifier after the name, as registers write it
        ("服务中心（区级）", "centre"),
        ("户外劳动者驿站（街道）", "outdoor_station"),
        ("服务站点 (社区)", "point"),
        ("分中心【园区】", "subcentre"),
        ("服务站点（驿站）", None),  # the qualifier names another tier: ambiguous
        # a qualifier that names a street's level: the street's centre is a sub-centre
        ("服务中心（街道）", "subcentre"),
        ("职工服务中心(街道级)", "subcentre"),
        ("服务中心【乡镇】", "subcentre"),
        ("职工服务中心（区级）", "centre"),
        ("（区级）", None),
        ("妈咪小屋（街道）", None),
        # nothing to do with a tier
        ("supercentre", None),
        ("爱心妈咪小屋", None),
        ("中心", None),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        (pd.NA, None),
    ],
)
def test_names_reduce_to_codes(value, code):
    assert vocab.normalize_tier(value, vocab.BUILTIN) == code


def test_labels_order_and_styles():
    assert [vocab.tier_label(c, "zh", vocab.BUILTIN) for c in vocab.TIER_CODES] == [
        "服务中心", "分中心", "服务站点", "户外劳动者驿站",
    ]  # fmt: skip
    assert vocab.tier_label("subcentre", "en", vocab.BUILTIN) == "Sub-centre"
    assert vocab.tier_label("mobile van", "en", vocab.BUILTIN) == "mobile van"  # as it is
    with pytest.raises(ValueError, match="lang"):
        vocab.tier_label("centre", "fr", vocab.BUILTIN)
    assert vocab.tier_order(["zz", "point", "aa", "centre", "outdoor_station"], vocab.BUILTIN) == [
        "centre", "point", "outdoor_station", "aa", "zz",
    ]  # fmt: skip
    assert vocab.tier_order({"subcentre": 15, "centre": 10}, vocab.BUILTIN) == [
        "centre",
        "subcentre",
    ]
    assert vocab.tier_style("centre", vocab.BUILTIN) == {
        "color": "#c0392b", "shape": "square", "size": 24,
    }  # fmt: skip
    assert vocab.tier_style("unknown", vocab.BUILTIN) == {}


def test_declared_types_extend_the_vocabulary():
    words = vocab.BUILTIN.extend([NURSING])
    assert words.codes == (*vocab.TIER_CODES, "nursing_room")
    for name in ("nursing_room", "爱心妈咪小屋", "Nursing Room", "母婴室", "爱心 妈咪小屋"):
        assert words.normalize(name) == "nursing_room", name
    assert vocab.BUILTIN.normalize("母婴室") is None  # the built-in vocabulary is unchanged
    assert words.label("nursing_room", "zh") == "爱心妈咪小屋"
    assert words.order(["nursing_room", "aa", "point"]) == ["point", "nursing_room", "aa"]
    assert words.style("nursing_room") == {"color": "#d81b60"}


@pytest.mark.parametrize(
    ("tier", "message"),
    [
        (vocab.Tier("Nursing", "爱心妈咪小屋", "Nursing room"), "lower-case letters"),
        (vocab.Tier("1room", "爱心妈咪小屋", "Nursing room"), "lower-case letters"),
        (vocab.Tier("point", "小站", "Small station"), "declared twice"),
        (vocab.Tier("rest", "驿站", "Rest"), "'驿站' already means 'outdoor_station'"),
        (vocab.Tier("rest", "歇脚点", "Rest", ("Sub Centre",)), "already means 'subcentre'"),
        (vocab.Tier("rest", "歇脚点", "Rest", (" ",)), "blank"),
    ],
)
def test_clashing_declarations_are_refused(tier, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        vocab.BUILTIN.extend([tier])


def test_using_scopes_the_active_vocabulary():
    words = vocab.BUILTIN.extend([NURSING])
    with vocab.using(vocab.BUILTIN):
        assert maps.tier_label("nursing_room", "zh") == "nursing_room"
        with vocab.using(words):
            assert maps.tier_label("nursing_room", "zh") == "爱心妈咪小屋"
            assert maps.normalize_tier("母婴室") == "nursing_room"
            assert table_words.cell_word("tier", "nursing_room", "zh") == "爱心妈咪小屋"
        assert maps.tier_label("nursing_room", "zh") == "nursing_room"
        assert table_words.cell_word("tier", "nursing_room", "zh") == "nursing_room"


# --- scenario files -----------------------------------------------------------------------------

BASE = """\
name = "t"

[network]
place = "江北区, 重庆市, 中国"

[walk]
threshold_min = 12
{walk}
[[facilities]]
path = "fac.csv"
{layer}
[[demand]]
path = "dem.csv"
weight = "workers"
{rest}
"""


def _scenario(tmp_path: Path, walk: str = "", layer: str = "", rest: str = "") -> Path:
    for f in ("fac.csv", "dem.csv"):
        (tmp_path / f).write_text("lon,lat\n", encoding="utf-8")
    p = tmp_path / "scenario.toml"
    p.write_text(BASE.format(walk=walk, layer=layer, rest=rest), encoding="utf-8")
    return p


NURSING_TOML = """
[types.nursing_room]
label_zh = "爱心妈咪小屋"
aliases = ["母婴室"]
threshold_min = 8
color = "#d81b60"
shape = "star"
"""


def test_scenario_declares_types_and_normalises_tier_names(tmp_path):
    walk = '[walk.tier_threshold_min]\n"驿站" = 10\nCentre = 20\n'
    plan = (
        '\n[plan]\ntier = "母婴室"\ntiers = ["分中心", "服务站点"]\nstage_add = { "分中心" = 3 }\n'
    )
    s = load_scenario(_scenario(tmp_path, walk, 'tier = "服务站"', NURSING_TOML + plan))
    assert s.walk.tier_threshold_min == {"outdoor_station": 10, "centre": 20, "nursing_room": 8}
    assert s.walk.threshold_for("nursing_room") == 8 and s.walk.threshold_for("point") == 12
    assert s.walk.max_threshold_min == 20
    assert s.facilities[0].tier == "point"
    assert (s.plan.tier, s.plan.tiers, s.plan.stage_add) == (
        "nursing_room", ["subcentre", "point"], {"subcentre": 3},
    )  # fmt: skip
    words = s.vocabulary
    assert words.codes == (*vocab.TIER_CODES, "nursing_room")
    room = words.tier("nursing_room")
    assert (room.label_zh, room.label_en, room.aliases) == (
        "爱心妈咪小屋",
        "Nursing room",
        ("母婴室",),
    )
    assert room.style == {"color": "#d81b60", "shape": "star"}
    assert s.tier_code("服务站点") == "point" and s.tier_code("爱心妈咪小屋") == "nursing_room"
    with pytest.raises(ScenarioError, match=r"unknown tier 'supercentre'.*\[types\.<code>\]"):
        s.tier_code("supercentre")


@pytest.mark.parametrize(
    ("walk", "layer", "rest", "expected"),
    [
        (
            "[walk.tier_threshold_min]\nsupercentre = 20\n",
            "",
            "",
            r"scenario.toml:6: walk: tier_threshold_min: unknown tier 'supercentre' \(known: "
            r"centre, subcentre, point, outdoor_station;.*\[types\.<code>\]\)$",
        ),
        (  # declared types are known keys; others still are not
            "[walk.tier_threshold_min]\nnursing = 20\n",
            "",
            NURSING_TOML,
            r"unknown tier 'nursing' \(known: centre, subcentre, point, outdoor_station, "
            r"nursing_room;",
        ),
        (
            '[walk.tier_threshold_min]\ncentre = 20\n"服务中心" = 15\n',
            "",
            "",
            r"tier_threshold_min: '服务中心' is 'centre', which is set twice",
        ),
        (
            "[walk.tier_threshold_min]\nnursing_room = 20\n",
            "",
            NURSING_TOML,
            r"'nursing_room' has threshold_min in \[types.nursing_room\] too",
        ),
        ("", 'tier = "supercentre"', "", r"facilities: \[0\] tier: unknown tier 'supercentre'"),
        ("", "", '\n[plan]\ntier = "mobile"\n', r"plan: tier: unknown tier 'mobile'"),
        ("", "", NURSING_TOML.replace("nursing_room", "Nursing"), r"types: .*lower-case"),
        (
            "",
            "",
            NURSING_TOML.replace('["母婴室"]', '["驿站"]'),
            r"types: .*'驿站' already means 'outdoor_station'",
        ),
        ("", "", NURSING_TOML.replace('"#d81b60"', '"red"'), r"types.nursing_room.color"),
        ("", "", NURSING_TOML.replace('"star"', '"blob"'), r"types.nursing_room.shape"),
        ("", "", NURSING_TOML.replace("threshold_min = 8", "threshold_min = 0"), r"greater"),
        (
            "",
            "",
            NURSING_TOML.replace('label_zh = "爱心妈咪小屋"\n', ""),
            r"types.nursing_room.label_zh: required",
        ),
    ],
)
def test_bad_tier_names_in_scenarios_are_errors(tmp_path, walk, layer, rest, expected):
    with pytest.raises(ScenarioError, match=expected) as err:
        load_scenario(_scenario(tmp_path, walk, layer, rest))
    assert len(str(err.value).splitlines()) == 1


# --- layers: codes when read --------------------------------------------------------------------


def _register(tmp_path: Path, tiers: list[str]) -> Path:
    """A facility CSV with the given 层级 values (spreadsheet rows 2, 3, …), 30 m apart."""
    path = tmp_path / "站点.csv"
    lines = ["名称,层级,经度,纬度"]
    for i, t in enumerate(tiers):
        lines.append(f"站{i + 1},{t},{114.26 + 0.0003 * i:.6f},30.59")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_layer_tiers_become_codes(tmp_path):
    words = vocab.BUILTIN.extend([NURSING])
    path = _register(tmp_path, ["服务中心", "Sub-Centre", "", "ｐｏｉｎｔ", "驿站", "母婴室"])
    gdf, _ = read_points(path)
    kept, problems = validate_layer(gdf, path, role="facility", vocabulary=words)
    # Row 4 has no tier: skipped and reported; every other row is kept with its code.
    assert kept["row"].tolist() == [2, 3, 5, 6, 7]
    assert kept["tier"].tolist() == [
        "centre",
        "subcentre",
        "point",
        "outdoor_station",
        "nursing_room",
    ]
    assert [(p.row, p.field, p.action) for p in problems] == [(4, "层级", "skipped")]
    assert problems[0].message.startswith("missing tier (known: centre, subcentre, point")
    # Candidates may leave the tier blank; their named tiers become codes too.
    kept, problems = validate_layer(gdf, path, role="candidate", vocabulary=words)
    assert kept["tier"].tolist()[:4] == ["centre", "subcentre", "", "point"] and problems == []


def test_unknown_tier_is_one_error_naming_file_row_field_and_value(tmp_path):
    path = _register(tmp_path, ["服务中心", "爱心妈咪小屋", "point", "supercentre", "职工之家"])
    gdf, _ = read_points(path)
    with pytest.raises(InputError) as err:
        validate_layer(gdf, path, role="facility", vocabulary=vocab.BUILTIN)
    e = err.value
    assert (e.path, e.row, e.field) == (str(path), 3, "层级")
    text = str(e)
    assert len(text.splitlines()) == 1
    assert text.startswith(
        f"{path}, row 3, field '层级': unknown tier '爱心妈咪小屋' (also rows 5, 6);"
    )
    for name in ("centre (服务中心", "subcentre (分中心", "街镇职工服务中心", "point (服务站点",
                 "outdoor_station (户外劳动者驿站", "驿站"):  # fmt: skip
        assert name in text, name
    assert text.endswith(
        'declare it in the scenario: [types.<code>] label_zh = "爱心妈咪小屋" '
        "(code: lower-case letters, digits, '_')"
    )
    # Declared, the same value is a tier of its own.
    words = vocab.BUILTIN.extend([vocab.Tier("nursing_room", "爱心妈咪小屋", "Nursing room")])
    with pytest.raises(InputError, match=r"row 5, field '层级': unknown tier 'supercentre' \(also"):
        validate_layer(gdf, path, role="facility", vocabulary=words)


def test_no_tier_column_is_an_error_with_a_vocabulary(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("名称,经度,纬度\nA,114.26,30.59\n", encoding="utf-8")
    gdf, _ = read_points(path)
    with pytest.raises(InputError, match=r"field 'tier': no tier column"):
        validate_layer(gdf, path, role="facility", vocabulary=vocab.BUILTIN)
    kept, _ = validate_layer(gdf, path, role="candidate", vocabulary=vocab.BUILTIN)
    assert len(kept) == 1


# --- a declared type's own threshold, by hand -----------------------------------------------------
# One straight street x = 0 … 400 m, walked at 1 m/s. N (爱心妈咪小屋, declared nursing_room,
# threshold 2 min = 120 s) at x = 0, P (服务站点, general threshold 5 min = 300 s) at x = 400.
#
#   demand  x     w   to N    to P    covered by
#   a       50    1   50 s    350 s   N
#   b       110   2   110     290     N, P
#   c       150   4   150     250     P        (N: 150 s > 120 s, though within 5 min)
#   d       300   8   300     100     P        (N: 300 s, exactly the general threshold)


def _hand_scenario(tmp_path: Path, hand, extra: str) -> Path:
    lines = [(i, i + 1, [(100 * i, 0), (100 * (i + 1), 0)], "residential") for i in range(4)]
    hand.table(lines).to_parquet(tmp_path / "streets.parquet")

    def lonlat(xs: list[float]) -> np.ndarray:
        return np.asarray(hand.pts([(x, 0) for x in xs]).to_crs(4326).get_coordinates())

    fac = pd.DataFrame(lonlat([0, 400]), columns=["经度", "纬度"])
    fac.insert(0, "名称", ["N", "P"])
    fac.insert(1, "层级", ["爱心妈咪小屋", "服务站点"])
    fac.to_csv(tmp_path / "fac.csv", index=False, float_format="%.9f")
    dem = pd.DataFrame(lonlat([50, 110, 150, 300]), columns=["lon", "lat"])
    dem["workers"] = [1.0, 2.0, 4.0, 8.0]
    dem.to_csv(tmp_path / "dem.csv", index=False, float_format="%.9f")
    path = tmp_path / "scenario.toml"
    path.write_text(
        f"""name = "hand"
[network]
path = "streets.parquet"
[walk]
speed_kmh = 3.6
threshold_min = 5
{extra}
[[facilities]]
path = "fac.csv"
crs = 4326
[[demand]]
path = "dem.csv"
crs = 4326
weight = "workers"
""",
        encoding="utf-8",
    )
    return path


def test_declared_type_gets_its_own_threshold(tmp_path, hand):
    s = load_scenario(
        _hand_scenario(tmp_path, hand, '[types.nursing_room]\nlabel_zh = "爱心妈咪小屋"\n'
                       "threshold_min = 2\n")
    )  # fmt: skip
    net = pipeline.load_network(s)
    layers = pipeline.read_layers(s, net)
    assert layers.facilities["tier"].tolist() == ["nursing_room", "point"]
    cov = pipeline.evaluate(s, net, layers)
    assert cov.thresholds == {"point": 5.0, "nursing_room": 2.0}
    assert cov.facilities["threshold_min"].tolist() == [2.0, 5.0]
    d = cov.demand
    np.testing.assert_allclose(d["t_nursing_room"] * 60, [50, 110, 150, 300], atol=0.01)
    np.testing.assert_allclose(d["t_point"] * 60, [350, 290, 250, 100], atol=0.01)
    assert d["covered_nursing_room"].tolist() == [True, True, False, False]
    assert d["covered_point"].tolist() == [False, True, True, True]
    assert d["n_reach"].tolist() == [1, 2, 1, 1]
    summary = cov.summary.set_index(["scope", "key"])
    assert summary.loc[("tier", "nursing_room"), "covered_weight"] == 3.0  # a + b
    assert summary.loc[("tier", "nursing_room"), "share"] == pytest.approx(3 / 15)
    assert summary.loc[("tier", "point"), "covered_weight"] == 14.0  # b + c + d
    # Labels for maps and workbooks come from the scenario's vocabulary.
    assert maps.tier_label("nursing_room", "zh") == "爱心妈咪小屋"
    assert maps.tier_label("nursing_room", "en") == "Nursing room"
    assert table_words.header("t_nursing_room", "zh") == "到爱心妈咪小屋（分钟）"
    # Without the declaration the register is refused, naming the row.
    s = load_scenario(_hand_scenario(tmp_path, hand, ""))
    with pytest.raises(
        InputError, match=r"fac.csv, row 2, field '层级': unknown tier '爱心妈咪小屋'"
    ):
        pipeline.read_layers(s, net)


def test_declared_type_in_map_and_workbook(tmp_path):
    fac = gpd.GeoDataFrame(
        {"tier": ["nursing_room", "centre"], "fid": [0, 1], "name": ["妈咪屋", "中心"]},
        geometry=gpd.points_from_xy([114.26, 114.27], [30.59, 30.59]),
        crs=4326,
    )
    summary = pd.DataFrame(
        {"scope": ["overall", "tier", "tier"], "key": ["all", "nursing_room", "centre"],
         "share": [0.5, 0.2, 0.4]}
    )  # fmt: skip
    with vocab.using(vocab.BUILTIN.extend([NURSING])):
        page = maps.coverage_map(fac, lang="zh", basemap="none").get_root().render()
        meta = payload(page)
        excel.write_workbook(
            tmp_path / "t.xlsx", {"summary": summary, "facilities": fac}, lang="zh"
        )
    assert meta["names"]["facilities_nursing_room"] == "爱心妈咪小屋（1处）"
    assert meta["names"]["facilities_centre"] == "服务中心（1处）"
    icon = overlays(page)["facilities_nursing_room"]["icon"]
    assert icon["color"] == "#d81b60"  # the declared colour
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)
    rows = [list(r) for r in wb["汇总"].iter_rows(values_only=True)]
    assert rows == [["统计口径", "分组", "覆盖率"], ["全区", "全部", 0.5],
                    ["层级", "爱心妈咪小屋", 0.2], ["层级", "服务中心", 0.4]]  # fmt: skip
    tiers = [r[0] for r in wb["服务设施"].iter_rows(min_row=2, values_only=True)]
    assert tiers == ["爱心妈咪小屋", "服务中心"]


# --- the sample register in Chinese tier words ----------------------------------------------------

#: Tier words written into the sample register, cycled through the rows of each tier.
WORDS = {
    "centre": ["区级职工服务中心"],
    "subcentre": ["分中心", "街镇职工服务中心", "Sub-Centre", "服务分中心"],
    "point": ["服务站点", "职工服务站", "服务点", " 服务站点\u3000", "ｐｏｉｎｔ"],
    "outdoor_station": ["驿站", "户外劳动者驿站", "户外劳动者服务站", "Outdoor Station"],
}
#: A 2.9 × 2.2 km box in Jianghan district (as tests/fixtures/scenario_small), WGS-84.
BOX = (114.255, 30.585, 114.285, 30.605)

SAMPLE = """name = "{name}"
services = {services}
[area]
path = "area.geojson"
[network]
path = "{network}"
[walk]
threshold_min = 15
[walk.tier_threshold_min]
{thresholds}
[[facilities]]
path = "{name}.xlsx"
crs = "gcj02"
columns = {{ tier = "层级" }}
[[demand]]
path = "demand.csv"
weight = "workers"
"""


def _sample(tmp_path: Path, network: Path, name: str, thresholds: str, words: bool) -> Path:
    wb = openpyxl.load_workbook(WUHAN / "facilities.xlsx")
    ws = wb.active
    head = [c.value for c in ws[1]]
    col = head.index("层级") + 1
    seen: dict[str, int] = {}
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, col).value
        if words:
            k = seen.get(code, 0)
            ws.cell(r, col).value = WORDS[code][k % len(WORDS[code])]
            seen[code] = k + 1
    wb.save(tmp_path / f"{name}.xlsx")
    if not (tmp_path / "demand.csv").exists():
        dem = pd.read_csv(WUHAN / "workplaces.csv")
        inside = dem["lon"].between(BOX[0], BOX[2]) & dem["lat"].between(BOX[1], BOX[3])
        dem[inside].to_csv(tmp_path / "demand.csv", index=False)
        gpd.GeoDataFrame(geometry=[shapely.box(*BOX)], crs=4326).to_file(tmp_path / "area.geojson")
    services = json.dumps(load_scenario(WUHAN / "scenario.toml").services, ensure_ascii=False)
    path = tmp_path / f"{name}.toml"
    path.write_text(
        SAMPLE.format(name=name, services=services, network=network.as_posix(),
                      thresholds=thresholds),
        encoding="utf-8",
    )  # fmt: skip
    return path


@pytest.mark.realdata
def test_sample_register_in_chinese_words_gives_the_coverage_of_codes(tmp_path, wuhan_edges_path):
    codes = load_scenario(
        _sample(tmp_path, wuhan_edges_path, "codes",
                "centre = 15\nsubcentre = 15\npoint = 15\noutdoor_station = 10", words=False)
    )  # fmt: skip
    words = load_scenario(
        _sample(tmp_path, wuhan_edges_path, "words",
                '"服务中心" = 15\n"分中心" = 15\n"服务站点" = 15\n"驿站" = 10', words=True)
    )  # fmt: skip
    assert words.walk.tier_threshold_min == codes.walk.tier_threshold_min
    area, _ = pipeline.load_area(codes)
    net = pipeline.load_network(codes, area)
    runs = {}
    for s in (codes, words):
        layers = pipeline.read_layers(s, net)
        runs[s.name] = (layers, pipeline.evaluate(s, net, layers))
    (lc, cc), (lw, cw) = runs["codes"], runs["words"]
    # Every kept row has the code of its row in the original register; the same rows are kept
    # (facilities far beyond the clipped network are skipped in both, and reported).
    register = pd.read_excel(WUHAN / "facilities.xlsx")
    rows = lw.facilities["row"].to_numpy()
    assert lw.facilities["tier"].tolist() == register["层级"].to_numpy()[rows - 2].tolist()
    assert rows.tolist() == lc.facilities["row"].tolist() and len(rows) > 100
    assert set(lw.facilities["tier"]) == set(vocab.TIER_CODES)
    same = [(p.row, p.field, p.message, p.action) for p in lc.problems]
    assert [(p.row, p.field, p.message, p.action) for p in lw.problems] == same
    # The bug: Chinese words ran with {'服务中心': 15, '分中心': 15, '驿站': 15}.
    assert cw.thresholds == cc.thresholds == {
        "centre": 15.0, "subcentre": 15.0, "point": 15.0, "outdoor_station": 10.0,
    }  # fmt: skip
    pd.testing.assert_frame_equal(cw.summary, cc.summary)
    cols = [c for c in cc.demand.columns if c.startswith(("t_", "covered", "n_", "nearest"))]
    assert {"t_centre", "t_subcentre", "t_point", "t_outdoor_station"} <= set(cols)
    pd.testing.assert_frame_equal(cw.demand[cols], cc.demand[cols])
    # 驿站 rows are held to 10 minutes, not the general 15: demand 10–15 min from the nearest
    # station is not covered by stations.
    d = cw.demand
    t = d["t_outdoor_station"]
    assert ((t > 10) & (t <= 15)).sum() > 20
    assert (d["covered_outdoor_station"] == (t <= 10 + 1e-9)).all()
    stations = cw.facilities[cw.facilities["tier"] == "outdoor_station"]
    assert len(stations) > 0 and (stations["threshold_min"] == 10).all()


@pytest.mark.realdata
def test_unknown_tier_stops_the_run_with_one_line(tmp_path, wuhan_edges_path):
    scenario = copy_small_scenario(tmp_path, wuhan_edges_path)
    fac = pd.read_csv(scenario.parent / "facilities.csv", dtype=str)
    fac.loc[3, "层级"] = "爱心妈咪小屋"  # spreadsheet row 5
    fac.to_csv(scenario.parent / "facilities.csv", index=False)
    res = CliRunner().invoke(app, ["run", str(scenario)])
    assert res.exit_code == 1
    # one error line, its prefix in the scenario's language (Chinese here)
    errors = [line for line in res.output.splitlines() if line.startswith("错误：")]
    assert len(errors) == 1, res.output
    assert "facilities.csv，第 5 行，字段“层级”：" in errors[0]  # where, in Chinese
    assert "未知层级 '爱心妈咪小屋'；已知层级：" in errors[0]
    assert '请在情景中声明：[types.<code>] label_zh = "爱心妈咪小屋"' in errors[0]
    assert "Traceback" not in res.output
    res = CliRunner().invoke(app, ["run", str(scenario), "--lang", "en"])
    (error,) = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert (
        "facilities.csv, row 5, field '层级': unknown tier '爱心妈咪小屋'; known tiers: " in error
    )
    assert 'declare it in the scenario: [types.<code>] label_zh = "爱心妈咪小屋"' in error
