"""coverage.report.conclusion: the plain sentences at the top of page 1.

Sentences of a hand-made summary table written out by hand, then the small Wuhan scenario's
page checked against numbers worked out from its summary table and demand points.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest

from coverage import report
from coverage.report import pieces
from coverage.report.conclusion import conclusion_lines


def _summary() -> pd.DataFrame:
    rows = [
        # scope, key, weight, covered_weight, share, unreachable_weight
        ("overall", "all", 1000, 700, 0.7, 50),
        ("kind", "residents", 600, 450, 0.75, 20),
        ("kind", "workers", 400, 250, 0.625, 30),
        ("tier", "point", 1000, 600, 0.6, 50),
        ("subdistrict", "A街道", 300, 150, 0.5, 0),
        ("subdistrict", "B街道", 200, 180, 0.9, 0),
        ("subdistrict", "C街道", 250, 125, 0.5, 0),  # same share as A, fewer left out: after A
        ("subdistrict", "D街道", 240, 235, 235 / 240, 0),
        ("subdistrict", "(outside)", 10, 0, 0.0, 0),  # lowest, but not a sub-district
    ]
    cols = ["scope", "key", "weight", "covered_weight", "share", "unreachable_weight"]
    return pd.DataFrame(rows, columns=cols)


def test_sentences_of_a_hand_made_summary_in_chinese():
    lines = conclusion_lines(
        _summary(), "zh", snap_m=300, n_sites=3, after_weight=850,
        sub_after={"A街道": 0.8, "B街道": 0.95, "C街道": 0.6, "D街道": 1.0},
    )  # fmt: skip
    # "其中" (of those) right after the 300 not covered it counts among: after the workers'
    # line it read as 50 of the workers' 150.
    assert lines == [
        "共 1,000 人中，700 人（70.0%）在步行标准时间内可到达至少一处服务设施，300 人尚未覆盖。",
        "其中 50 人距最近道路超过 300 米，步行不可达。",
        "居住地（居民）：450 / 600 人已覆盖（75.0%），150 人未覆盖。",
        "工作地（就业）：250 / 400 人已覆盖（62.5%），150 人未覆盖。",
        "覆盖最薄弱的街道：A街道 50.0%（150 人未覆盖）、C街道 50.0%（125 人未覆盖）、"
        "B街道 90.0%（20 人未覆盖）。",
        "新增 3 处建议站点后，覆盖率将由 70.0% 提高到 85.0%（提高 15.0 个百分点），多覆盖 150 人。",
        "薄弱街道的变化：A街道 50.0% → 80.0%、C街道 50.0% → 60.0%、B街道 90.0% → 95.0%。",
    ]


def test_sentences_in_english_without_a_plan_or_unreachable_people():
    s = _summary()
    s = s[s["scope"] != "kind"].assign(unreachable_weight=0.0)  # one demand kind
    lines = conclusion_lines(s, "en", snap_m=300)
    assert lines == [
        "Of 1,000 people, 700 (70.0%) can walk to at least one facility within its walking "
        "standard; 300 are not covered.",
        "Weakest sub-districts: A街道 50.0% (150 not covered), C街道 50.0% (125 not covered), "
        "B街道 90.0% (20 not covered).",
    ]


def test_under_half_a_person_no_street_reaches_is_no_sentence():
    # 0.4 people farther than the snap limit round to 0 within the 300 not covered: the
    # conclusion read "Of those, 0 are more than 300 m from any street".
    s = _summary()
    s = s[s["scope"] != "kind"].assign(unreachable_weight=0.4)
    lines = conclusion_lines(s, "en", snap_m=300)
    assert not any("300 m from any street" in line for line in lines)
    assert len(lines) == 2
    s = s.assign(unreachable_weight=0.6)  # rounds to 1: said
    assert "Of those, 1 is more than 300 m" in conclusion_lines(s, "en", snap_m=300)[1]


def test_everyone_covered_names_no_gaps():
    s = _summary()
    s = s.assign(covered_weight=s["weight"], share=1.0, unreachable_weight=0.0)
    s = s[s["scope"] != "kind"]
    assert conclusion_lines(s, "zh", snap_m=300) == [
        "全部 1,000 人（100.0%）均在步行标准时间内可到达至少一处服务设施。"
    ]


def test_plan_difference_is_that_of_the_shown_shares():
    # 926.4 / 1000 shows as 92.6%, 996.6 / 1000 as 99.7%: a reader subtracts 7.1 points (the
    # unrounded shares differ by 7.02, which would read 7.0).
    s = _summary()
    s = s[s["scope"] == "overall"].assign(covered_weight=926.4, share=0.9264, unreachable_weight=0)
    zh = conclusion_lines(s, "zh", snap_m=300, n_sites=2, after_weight=996.6)[-1]
    en = conclusion_lines(s, "en", snap_m=300, n_sites=2, after_weight=996.6)[-1]
    assert "由 92.6% 提高到 99.7%（提高 7.1 个百分点）" in zh
    assert "from 92.6% to 99.7% (+7.1 percentage points)" in en


def test_a_share_short_of_everyone_never_reads_100_percent():
    # 999.6 of 1,000 people after the plan is 99.96 %: "99.9%", not "100.0%" (4 people are
    # still left out); D街道's 0.9996 after the plan likewise.
    s = _summary()
    zh = conclusion_lines(
        s, "zh", snap_m=300, n_sites=2, after_weight=999.6, sub_after={"A街道": 0.9996}
    )
    assert "由 70.0% 提高到 99.9%（提高 29.9 个百分点）" in zh[-2]
    assert zh[-1] == "薄弱街道的变化：A街道 50.0% → 99.9%。"


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [(0.9264, 0.9966, "7.1"), (0.12349, 0.12351, "0.1"), (0.5, 0.5, "0.0"), (0.93, 0.9249, "-0.5")],
)
def test_points_subtract_the_shown_percentages(before, after, shown):
    # 12.3% → 12.4% (12.349 / 12.351 rounded): 0.1 points, though they differ by 0.002.
    assert pieces.points(before, after) == shown


@pytest.fixture(scope="module")
def page_zh(planned) -> str:
    return report.build_report(planned.before, planned, lang="zh")


def _conclusion(page: str) -> str:
    return page.split('<section class="conclusion">', 1)[1].split("</section>", 1)[0]


@pytest.mark.realdata
def test_conclusion_of_the_small_scenario(planned, page_zh):
    run = planned.before
    s = run.coverage.summary
    o = s[s["scope"] == "overall"].iloc[0]
    total, covered = o["weight"], o["covered_weight"]
    text = html.unescape(_conclusion(page_zh))
    assert f"共 {total:,.0f} 人中，{covered:,.0f} 人（{covered / total:.1%}）" in text
    assert f"{total - covered:,.0f} 人尚未覆盖" in text
    # Sub-districts, lowest share first: worked out by hand from the table's weights.
    sub = {r["key"]: (r["covered_weight"] / r["weight"], r["weight"] - r["covered_weight"])
           for _, r in s[s["scope"] == "subdistrict"].iterrows()}  # fmt: skip
    assert set(sub) == {"东街道", "西街道"} and sub["东街道"][0] < sub["西街道"][0]
    items = [f"{n} {sub[n][0]:.1%}（{sub[n][1]:,.0f} 人未覆盖）" for n in ("东街道", "西街道")]
    assert f"覆盖最薄弱的街道：{'、'.join(items)}。" in text
    # After the plan: the demand points the plan covers, counted here.
    dem = run.coverage.demand
    w = dem["weight"].to_numpy(dtype=float)
    cov_after = report.after_plan(run, planned, catchments=False).covered
    after = w[cov_after].sum()
    n = len(planned.proposed)
    assert (
        f"新增 {n} 处建议站点后，覆盖率将由 {covered / total:.1%} 提高到 {after / total:.1%}"
        f"（提高 {_shown(after / total) - _shown(covered / total):.1f} 个百分点），"
        f"多覆盖 {after - covered:,.0f} 人。"
    ) in text
    changes = []
    for name in ("东街道", "西街道"):
        m = (dem["subdistrict"] == name).to_numpy()
        changes.append(f"{name} {sub[name][0]:.1%} → {w[m & cov_after].sum() / w[m].sum():.1%}")
    assert f"薄弱街道的变化：{'、'.join(changes)}。" in text
    assert np.isclose(s[s["scope"] == "overall"]["unreachable_weight"].iloc[0], 0)
    assert "无法步行到达" not in text  # nobody is beyond the snap limit in this scenario


def _shown(share: float) -> float:
    """A share in percent as the page rounds it (one decimal)."""
    return round(100 * share, 1)


@pytest.mark.realdata
def test_subdistrict_columns_add_up_to_the_totals_shown(planned, page_zh):
    o = planned.before.coverage.summary.set_index(["scope", "key"]).loc[("overall", "all")]
    total = round(o["weight"])
    left = total - round(o["covered_weight"])
    text = html.unescape(_conclusion(page_zh))
    assert f"共 {total:,} 人中" in text and f"{left:,} 人尚未覆盖" in text
    table = page_zh.split("<table", 2)[1:]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table[0])]
    rows = [r for r in rows if r]  # the header row has <th> cells
    assert len(rows) == 2  # 东街道, 西街道 (the "outside" row when someone is outside)
    number = lambda cell: int(re.sub(r"<[^>]+>|,", "", cell))  # noqa: E731
    assert sum(number(r[1]) for r in rows) == total
    assert sum(number(r[4]) for r in rows) == left


@pytest.mark.realdata
def test_page_one_order_and_no_local_folders(small, wuhan_edges_path, planned, page_zh):
    # The summary (header, conclusion, key figures) comes first, then a page break.
    order = ['<div class="summary">', "<h1>", '<section class="conclusion">', "核心指标",
             '</div></div></section></div><section><h2>分街道覆盖情况']  # fmt: skip
    at = [page_zh.index(x) for x in order]
    assert at == sorted(at) and page_zh.count('<div class="summary">') == 1
    # No local folder anywhere: the scenario's, the results' or the network's.
    for folder in (small.parent, small.parent / "out", wuhan_edges_path.parent):
        assert str(folder) not in page_zh and folder.as_posix() not in page_zh
    assert "情景：small（scenario.toml）" in page_zh
    # Readable on a phone: the viewport and the narrow-screen rules.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page_zh
    assert "@media screen and (max-width: 600px)" in page_zh
    # Every table in its wrapper; the wide ones stack into blocks on a phone (report.css).
    wraps = re.findall(r'<div class="tablewrap( stack)?"><table( class="t[12]")?>', page_zh)
    assert len(wraps) == page_zh.count("<table") >= 3
    assert [w[0] for w in wraps].count(" stack") == len(wraps) - 1  # not the sub-districts'


def test_local_folders_are_taken_out_of_notes(tmp_path):
    from coverage.report.pieces import local_dirs, without_dirs

    deep = tmp_path / "proj" / "data"
    dirs = local_dirs(tmp_path / "proj", deep, None)
    note = f"{deep / 'sites.csv'}: 3 rows; see {tmp_path / 'proj' / 'more' / 'x.csv'}"
    assert without_dirs(note, dirs) == "sites.csv: 3 rows; see more/x.csv"


@pytest.mark.realdata
def test_the_sites_added_people_add_up_to_the_plans_total(planned):
    # Each site's people rounded on their own summed to one more than the plan's total
    # (9,206 + 5,533 + … = 32,703 beside "32,702 more people" on the sample): largest
    # remainder, as the sub-district table.
    import dataclasses

    from coverage.report.after import after_plan
    from coverage.report.sections import sites_table

    after = after_plan(planned.before, planned, catchments=False)
    k = after.k
    sites = after.sites.assign(added=[1.6] * k)  # 1.6 k people: round(1.6 k) in all
    page = sites_table(planned.before, dataclasses.replace(after, sites=sites), "zh")
    cells = re.findall(r'data-label="新增覆盖人数" class="n">([\d,]+)<', page)
    assert len(cells) == k
    assert sum(int(c.replace(",", "")) for c in cells) == round(1.6 * k)
