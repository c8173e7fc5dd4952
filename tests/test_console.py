"""The console's tables on a narrow terminal: numbers never cut, names on one line."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pandas as pd
import pytest
from rich.cells import cell_len
from rich.console import Console

from coverage import console

WEIGHT = 1_689_812.4  # a district of 1.7 million workers: "1,689,812" has 9 cells


def _summary() -> SimpleNamespace:
    summary = pd.DataFrame(
        {"scope": ["overall", "tier", "tier", "tier", "tier"],
         "key": ["all", "centre", "subcentre", "point", "outdoor_station"],
         "facilities": [190, 1, 14, 150, 25], "weight": [WEIGHT] * 5,
         "covered_weight": [1_564_321.0, 19_590.0, 245_856.0, 1_393_026.0, 208_096.0],
         "share": [0.926, 0.043, 0.54, 0.863, 0.457],
         "cross_share": [0.845, 0.0, 0.242, 0.76, 0.179],
         "circle_share": [0.988, 0.07, 0.672, 0.926, 0.775]}
    )  # fmt: skip
    thresholds = {"centre": 15, "subcentre": 15, "point": 15, "outdoor_station": 10}
    return SimpleNamespace(summary=summary, thresholds=thresholds)


def _sites(tiers: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"rank": [1, 2], "name": ["候选点-1202", "候选点-0584"], "tier": tiers,
         "gain": [1_210_639.0, 5_701.0], "subdistrict": ["江汉经济开发区", "唐家墩街道"],
         "gcj02_lon": [114.232749, 114.232641], "gcj02_lat": [30.622339, 30.595269]}
    )  # fmt: skip


def _print(table: object, width: int) -> list[str]:
    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, force_terminal=False).print(table)
    return buf.getvalue().splitlines()


def _header(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("┃"))


def test_kpi_numbers_are_never_cut_at_80_columns() -> None:
    for lang in ("zh", "en"):
        lines = _print(console.kpi_table(_summary(), lang), 80)
        text = "\n".join(lines)
        assert "…" not in text and max(cell_len(line) for line in lines) <= 80
        for number in ("1,689,812", "1,564,321", "1,393,026", "19,590", "92.6%", "98.8%"):
            assert number in text, (lang, number)
    # By hand (zh): every column whole with the scope column is 1 + Σ(width + 3) over
    # 口径 4, 分组 8 (folds from 14), 设施数 6, 权重 9, 已覆盖 9, 覆盖率 6, 交叉覆盖 8, 1公里圆 7
    # = 1 + 57 + 24 = 82 > 80: the scope column goes, the rest stays.
    head = _header(_print(console.kpi_table(_summary(), "zh"), 80))
    assert "口径" not in head and "分组" in head and "1公里圆" in head
    head = _header(_print(console.kpi_table(_summary(), "zh"), 120))
    assert "口径" in head  # a wide terminal shows every column
    # At 60: without scope 1 + 53 + 21 = 75, without the 1 km circle 65, without cross 54.
    lines = _print(console.kpi_table(_summary(), "zh"), 60)
    head = _header(lines)
    assert "1公里圆" not in head and "交叉覆盖" not in head and "覆盖率" in head
    assert "1,689,812" in "\n".join(lines) and max(cell_len(line) for line in lines) <= 60


def test_proposed_site_names_stay_on_one_line_at_80_columns() -> None:
    # By hand: 序号 4, 名称 11, 层级 8, 新增覆盖 9, 街道 14, 经纬度（GCJ-02） 20 → 1 + 66 + 18 = 85
    # > 80. One tier: the tier column goes (the stages table names it): 74 fits.
    lines = _print(console.proposed_table(_sites(["point", "point"]), "zh"), 80)
    text = "\n".join(lines)
    assert "…" not in text and max(cell_len(line) for line in lines) <= 80
    for whole in ("候选点-1202", "候选点-0584", "1,210,639", "江汉经济开发区"):
        assert whole in text
    assert "114.232749,30.622339" in text
    head = _header(lines)
    assert "层级" not in head and "街道" in head
    # Two tiers: the tier stays and the sub-district goes instead (85 - 17 = 68).
    lines = _print(console.proposed_table(_sites(["point", "subcentre"]), "zh"), 80)
    head, text = _header(lines), "\n".join(lines)
    assert "层级" in head and "街道" not in head and "候选点-1202" in text and "分中心" in text


def test_proposed_sites_show_the_pair_of_output_datum() -> None:
    # [output] datum = "wgs84" puts the GPS pair first in the tables: the console shows it too,
    # and its header says so; GCJ-02 (Amap) stays the default.
    sites = _sites(["point", "point"]).assign(
        wgs84_lon=[114.227301, 114.227193], wgs84_lat=[30.624773, 30.597703]
    )
    for lang, head in (("en", "WGS-84 lon,lat"), ("zh", "经纬度（WGS-84）")):
        lines = _print(console.proposed_table(sites, lang, "wgs84"), 120)
        text = "\n".join(lines)
        assert head in _header(lines) and "GCJ-02" not in text and "高德" not in text
        assert "114.227301,30.624773" in text and "114.232749" not in text
    lines = _print(console.proposed_table(sites, "en"), 120)
    assert "GCJ-02 lon,lat" in _header(lines) and "114.232749,30.622339" in "\n".join(lines)
    with pytest.raises(ValueError, match="gcj02 or wgs84"):
        console.proposed_table(sites, "en", "bd09")


def test_stage_numbers_are_never_cut() -> None:
    stages = pd.DataFrame(
        {"tier": ["point"], "model": ["mclp"], "n_selected": [1250], "before_share": [0.926],
         "after_share": [0.987], "status": ["optimal"], "gap": [0.0001], "solve_time_s": [12.5]}
    )  # fmt: skip
    for width in (80, 60):
        lines = _print(console.stages_table(stages, "zh"), width)
        text = "\n".join(lines)
        assert max(cell_len(line) for line in lines) <= width
        for number in ("1250", "92.6%", "98.7%"):
            assert number in text, (width, number)
        assert "…" not in text


def test_input_text_in_a_table_prints_as_written_and_sends_no_escape() -> None:
    sites = _sites(["point", "point"])
    sites.loc[0, "name"] = "A\x1b[31m[bold]B[/]"
    sites.loc[1, "subdistrict"] = "C\nD\u202eE"
    buf = io.StringIO()
    Console(file=buf, width=200, force_terminal=True).print(console.proposed_table(sites, "en"))
    text = buf.getvalue()
    # The table's own styling uses escapes; the name's own ESC is shown as "\x1b", not sent.
    assert "A\\x1b[31m[bold]B[/]" in text and "C\\nD\\u202eE" in text
    assert "\x1b[31m[bold]" not in text and "\u202e" not in text
    assert "D" not in [
        line.strip("│ ") for line in _print(console.proposed_table(sites, "en"), 200)
    ]


def test_a_plan_with_capacities_says_what_its_sites_can_serve():
    """With capacities "after" still counts everyone within reach (a review saw 100 % after
    while the sites could serve 45 %): the console says both."""
    stages = pd.DataFrame(
        [
            {"tier": "point", "model": "mclp", "served_share": 0.45, "after_share": 1.0,
             "n_selected": 3, "requested": 3},
            # no capacities: served is covered, nothing to say
            {"tier": "point", "model": "mclp", "served_share": 0.9, "after_share": 0.9,
             "n_selected": 3, "requested": 3},
            # p-median serves less when far demand is left unserved: not a capacity note
            {"tier": "subcentre", "model": "pmedian", "served_share": 0.5, "after_share": 0.9,
             "n_selected": 2, "requested": 2},
        ]
    )  # fmt: skip
    (en,) = console.stage_notes(stages, "en")
    assert "serve 45.0% of the demand" in en and "(100.0%)" in en
    (zh,) = console.stage_notes(stages, "zh")
    assert "45.0%" in zh and "100.0%" in zh


def test_a_target_the_existing_facilities_meet_is_said_to_need_no_site():
    # 0 sites for a 50 % target from 92.6 %: without a word the table looks like a failed plan
    stages = pd.DataFrame(
        [{"tier": "point", "model": "lscp", "n_selected": 0, "requested": float("nan"),
          "target_share": 0.5, "before_share": 0.926, "after_share": 0.926,
          "served_share": 0.926}]
    )  # fmt: skip
    (en,) = console.stage_notes(stages, "en")
    assert "already cover 92.6%, no less than the target of 50.0%: no new site" in en
    (zh,) = console.stage_notes(stages, "zh")
    assert "现有设施已覆盖 92.6%，不低于目标 50.0%，无需新增站点" in zh


def test_an_unproven_stage_says_its_gap_even_when_the_gap_column_is_left_out() -> None:
    stages = pd.DataFrame(
        {"tier": ["point", "subcentre"], "model": ["mclp", "pmedian"], "n_selected": [25, 3],
         "before_share": [0.926, 0.54], "after_share": [0.987, 0.61],
         "status": ["time_limit", "optimal"], "gap": [0.0021, 0.0]}
    ).assign(solve_time_s=[60.2, 1.5])  # fmt: skip
    for lang, word in (("zh", "（差距 0.21%）"), ("en", "(gap 0.21%)")):
        wide = "\n".join(_print(console.stages_table(stages, lang), 200))
        narrow = "\n".join(_print(console.stages_table(stages, lang), 60))
        gap_head = "最优性差距" if lang == "zh" else "gap"
        assert gap_head in wide and gap_head not in _header(narrow.splitlines())
        # The unproven stage carries its gap in its status (folded cells joined); a proven one
        # does not.
        flat = narrow.replace("│", "").replace(" ", "").replace("\n", "")
        assert word.replace(" ", "") in flat
        assert flat.count(word.split("0.21%")[0].replace(" ", "")) == 1


def test_a_stage_without_a_bound_shows_no_gap_figure() -> None:
    # Greedy alone, or a solver stopped before any bound: the gap is infinite or unknown.
    stages = pd.DataFrame(
        {"tier": ["point", "point"], "model": ["mclp", "mclp"], "n_selected": [5, 5],
         "before_share": [0.9, 0.9], "after_share": [0.95, 0.95],
         "status": ["time_limit", "greedy"], "gap": [float("inf"), float("nan")]}
    ).assign(solve_time_s=[60.0, 0.1])  # fmt: skip
    for lang in ("zh", "en"):
        text = "\n".join(_print(console.stages_table(stages, lang), 200))
        assert "inf" not in text and "nan" not in text and "–" in text
