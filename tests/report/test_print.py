"""coverage.report.build and report.css on paper: the small scenario's report printed to A4 PDF
by headless Chromium, read back page by page with pypdf.

Page 1 holds the conclusion and the key figures and nothing after them; no section heading is
the last line of a page; and a table pushed across a page boundary moves whole to the next page
instead of splitting (the tier/service table).
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_FLAGS, missing_browser
from pypdf import PdfReader

from coverage import maps, report

A4_PT = (595, 842)  # A4 in PostScript points, rounded


def _print(page: str, folder: Path, name: str) -> list[str]:
    """Text of each page of ``page`` printed to PDF by headless Chromium."""
    if not CHROMIUM.is_file():
        missing_browser(f"{CHROMIUM} not found (apt-get install chromium)")
    src, pdf = folder / f"{name}.html", folder / f"{name}.pdf"
    src.write_text(page, encoding="utf-8")
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--window-size")]
    subprocess.run(
        [str(CHROMIUM), *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", src.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    reader = PdfReader(pdf)
    for p in reader.pages:
        assert tuple(round(float(v)) for v in p.mediabox[2:]) == A4_PT
    return [p.extract_text() for p in reader.pages]


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _headings(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]


def _page_of(pages: list[str], text: str) -> int:
    found = [i for i, p in enumerate(pages) if text in p]
    assert len(found) == 1, (text, found)
    return found[0]


def _no_heading_ends_a_page(pages: list[str], headings: list[str]) -> None:
    for i, text in enumerate(pages[:-1]):
        assert _lines(text)[-1] not in headings, f"page {i + 1} ends with a heading"


@pytest.fixture(scope="module")
def page_zh(planned) -> str:
    return report.build_report(planned.before, planned, lang="zh")


@pytest.mark.realdata
def test_page_one_is_the_summary(planned, page_zh, tmp_path):
    pages = _print(page_zh, tmp_path, "report")
    assert len(pages) >= 3
    one = pages[0]
    s = planned.before.coverage.summary
    o = s[s["scope"] == "overall"].iloc[0]
    share, left = o["covered_weight"] / o["weight"], o["weight"] - o["covered_weight"]
    # The conclusion, then every key figure, all on page 1.
    assert "结论" in one and f"共 {o['weight']:,.0f} 人中" in one.replace("\n", "")
    assert "核心指标" in one and f"{share:.1%}" in one and f"{left:,.0f} 人" in one
    for tier in ("centre", "subcentre", "point", "outdoor_station"):
        r = s[(s["scope"] == "tier") & (s["key"] == tier)].iloc[0]
        assert f"{r['covered_weight'] / r['weight']:.1%}" in one
        assert maps.tier_label(tier, "zh") in one
    assert _lines(one)[-1] == f"{o['uncovered_points']} 个需求点"  # the last card ends page 1
    # Page 2 starts with the sub-district table, whole.
    assert _lines(pages[1])[0] == "分街道覆盖情况（覆盖率由低到高）"
    assert "东街道" in pages[1] and "西街道" in pages[1]
    _no_heading_ends_a_page(pages, _headings(page_zh))


@pytest.mark.realdata
def test_tier_table_pushed_to_a_page_end_moves_whole(planned, page_zh, tmp_path):
    # Room left on page 2 for the tier heading and a few rows only: without the print rules the
    # heading or half the table would stay behind.
    head = "<section><h2>分层级、分服务覆盖情况</h2>"
    assert page_zh.count(head) == 1
    pushed = page_zh.replace(head, '<div style="height:205mm"></div>' + head)
    pages = _print(pushed, tmp_path, "pushed")
    at = _page_of(pages, "分层级、分服务覆盖情况")
    assert at == 2  # moved to page 3
    s = planned.before.coverage.summary
    rows = [maps.tier_label(k, "zh") for k in s[s["scope"] == "tier"]["key"]]
    rows += list(s[s["scope"] == "service"]["key"])
    # Every row after the heading on that page, before the next section's heading.
    table = pages[at].split("分层级、分服务覆盖情况", 1)[1].split("新增站点数与覆盖率", 1)[0]
    for name in rows:
        assert name in table, name
    assert "类别 名称 设施数" in table  # the header row goes with it
    _no_heading_ends_a_page(pages, _headings(pushed))
