"""coverage.report.build, on the small Wuhan scenario: the page is self-contained, the right
numbers in both languages, valid embedded images, and the ``coverage report`` command end to
end."""

from __future__ import annotations

import base64
import re
import struct

import pytest
from typer.testing import CliRunner

from coverage import report
from coverage.cli import app

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
runner = CliRunner()


@pytest.fixture(scope="module")
def page_zh(planned) -> str:
    return report.build_report(planned.before, planned, lang="zh")


def _pngs(page: str) -> list[bytes]:
    found = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    return [base64.b64decode(b, validate=True) for b in found]


def _self_contained(page: str) -> None:
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert "url(http" not in page and "@import" not in page


@pytest.mark.realdata
def test_page_is_self_contained_with_valid_images(page_zh):
    _self_contained(page_zh)
    pngs = _pngs(page_zh)
    assert len(pngs) == 3  # coverage curve, map before, map after
    for png in pngs:
        assert png.startswith(PNG_MAGIC)
        assert png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        assert width > 300 and height > 200
    assert "@page" in page_zh and "A4" in page_zh  # print layout
    assert '<html lang="zh-CN">' in page_zh


@pytest.mark.realdata
def test_kpis_and_subdistricts_match_the_summary_table(planned, page_zh):
    cov = planned.before.coverage
    s = cov.summary.set_index(["scope", "key"])
    all_ = s.loc[("overall", "all")]
    # Expected strings from the weights, independently of kpis().
    expected = [
        f"{all_['covered_weight'] / all_['weight']:.1%}",
        f"{all_['cross_weight'] / all_['weight']:.1%}",
        f"{all_['circle_share']:.1%}",
        f"{all_['weight'] - all_['covered_weight']:,.0f} 人",
        f"{all_['covered_weight']:,.0f} / {all_['weight']:,.0f}",
    ]
    for tier in ("centre", "subcentre", "point", "outdoor_station"):
        r = s.loc[("tier", tier)]
        expected.append(f"{r['covered_weight'] / r['weight']:.1%}")
    for text in expected:
        assert text in page_zh, text
    # And they agree with the headline numbers the maps and CLI use.
    k = cov.kpis()
    assert f"{k['share_any']:.1%}" in page_zh and f"{k['uncovered_weight']:,.0f}" in page_zh
    assert "服务中心（≤15 分钟）" in page_zh and "户外劳动者驿站（≤5 分钟）" in page_zh
    # Sub-districts, worst first (东街道 has the lower share).
    section = page_zh.split("分街道覆盖情况", 1)[1].split("</table>", 1)[0]
    assert section.index("东街道") < section.index("西街道")
    for name in ("东街道", "西街道"):
        r = s.loc[("subdistrict", name)]
        assert f"{r['covered_weight'] / r['weight']:.1%}" in section
        assert f"{r['weight'] - r['covered_weight']:,.0f}" in section
    # Proposed sites, data and method notes.
    assert "建议新增站点（前 5 处）" in page_zh
    for site in planned.proposed["name"]:
        assert site in page_zh
    assert "数据说明" in page_zh and "方法说明" in page_zh and "4.5 公里/小时" in page_zh
    assert "所有输入行均已使用" in page_zh


@pytest.mark.realdata
def test_english_labels_and_no_plan(planned):
    run = planned.before
    page = report.build_report(run, None, lang="en", notes=["no plan for this test"])
    _self_contained(page)
    assert '<html lang="en">' in page
    for label in ("Key figures", "Coverage by sub-district (worst first)", "People not covered",
                  "Service centre (≤15 min)", "Data notes", "Method", "no plan for this test"):  # fmt: skip
        assert label in page, label
    assert "核心指标" not in page and "覆盖率" not in page
    # One service centre, six service points: "1 facility", "6 facilities".
    assert ">1 facility<" in page and ">6 facilities<" in page and "1 facilities" not in page
    assert "东街道" in page and "西街道" in page  # names are data: kept as they are
    assert f"{run.coverage.kpis()['share_any']:.1%}" in page
    pngs = _pngs(page)
    assert len(pngs) == 1 and pngs[0].startswith(PNG_MAGIC)  # the current map only
    assert "Proposed sites" not in page
    with pytest.raises(ValueError, match="lang"):
        report.build_report(run, None, lang="fr")


@pytest.mark.realdata
def test_cli_report_end_to_end(small, tmp_path):
    out = tmp_path / "r" / "report.html"
    res = runner.invoke(
        app, ["report", str(small), "--lang", "en", "--out", str(out), "--add", "2"]
    )
    assert res.exit_code == 0, res.output
    assert out.is_file() and str(out) in res.output.replace("\n", "")
    assert not list(out.parent.glob(".*part*"))  # written atomically
    page = out.read_text(encoding="utf-8")
    _self_contained(page)
    assert "Proposed sites (top 2)" in page and "After the plan (+2 sites)" in page
    assert len(_pngs(page)) == 3


def test_cli_report_errors(tmp_path):
    res = runner.invoke(app, ["report", str(tmp_path / "missing.toml")])
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "找不到情景文件" in lines[0]  # no file to say otherwise: Chinese
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["report", str(tmp_path / "missing.toml"), "--lang", "en"])
    assert res.exit_code == 1 and "scenario file not found" in res.output
    res = runner.invoke(app, ["report", "x.toml", "--add", "2", "--target", "0.9", "--lang", "en"])
    assert res.exit_code == 1 and "not both" in res.output
    res = runner.invoke(app, ["report", "x.toml", "--target", "1.5", "--lang", "en"])
    assert res.exit_code == 1 and "--target 1.5: give a share between 0 and 1" in res.output


def test_method_notes_say_what_capacities_let_the_sites_serve(planned):
    """With capacities "after" counts everyone within reach; the report says what the sites can
    serve beside it (a review saw 100 % after with 45 % servable), and only then."""
    import dataclasses

    from coverage.planning import PlanRun
    from coverage.report.sections import method_notes

    plain = method_notes(planned.before, planned, "en")
    assert "can serve" not in plain
    (p,) = planned.plans
    capped = dataclasses.replace(p, info={**p.info, "served_share": 0.45})
    run = PlanRun(planned.before, planned.sites, [capped])
    notes = method_notes(planned.before, run, "en")
    assert "can serve 45.0% of the demand" in notes
    assert f"({p.after_share:.1%})" in notes
    assert "可服务 45.0%" in method_notes(planned.before, run, "zh")


@pytest.mark.realdata
def test_the_map_after_the_plan_draws_the_proposed_sites_as_the_plan_maps_stars(
    planned, monkeypatch
):
    """They were the fifth free-form tier's small brown triangles, hard to find among the
    existing sites and unlike the plan map's purple stars (coverage.maps.plan)."""
    from coverage.report import build

    calls: list[dict] = []

    def record(facilities, *args, **kwargs) -> bytes:
        calls.append({"tiers": set(facilities["tier"]), **kwargs})
        return PNG_MAGIC

    monkeypatch.setattr(build, "static_map_png", record)
    build.build_report(planned.before, planned, lang="en")
    before, after = calls
    assert before.get("styles") is None
    (proposed,) = after["tiers"] - before["tiers"]
    assert proposed == "Proposed service point"
    assert after["styles"] == {proposed: {"color": "#6c3483", "shape": "star", "size": 30}}


@pytest.mark.realdata
def test_the_map_after_the_plan_draws_the_proposed_sites_up_to_their_own_threshold(
    planned, monkeypatch
):
    """The static map draws a tier's bands up to its threshold, the default 15 min for a tier
    it is not told of: the proposed sites' label must come with their tier's threshold, or a
    20-min tier's outer band (the one "always drawn") is left out."""
    from coverage.report import build

    calls: list[dict] = []

    def record(facilities, *args, **kwargs) -> bytes:
        calls.append({"tiers": set(facilities["tier"]), **kwargs})
        return PNG_MAGIC

    monkeypatch.setattr(build, "static_map_png", record)
    build.build_report(planned.before, planned, lang="en")
    before, after = calls
    (proposed,) = after["tiers"] - before["tiers"]
    (stage,) = planned.plans
    assert after["thresholds"][proposed] == stage.threshold_min


@pytest.mark.realdata
def test_page_one_says_what_capacities_let_the_sites_serve(planned, monkeypatch):
    """Page 1 gave the share after a capacitated plan (everyone within reach) with nothing
    beside it; what the sites can serve was only in the method notes, on the last page."""
    import dataclasses
    import html

    from coverage.planning import PlanRun
    from coverage.report import build

    monkeypatch.setattr(build, "static_map_png", lambda *a, **k: PNG_MAGIC)
    (p,) = planned.plans
    capped = dataclasses.replace(p, info={**p.info, "served_share": 0.45})
    sentence = f"can serve 45.0% of the demand; the share after the plan ({p.after_share:.1%})"

    def page_one(plan: PlanRun) -> str:
        page = build.build_report(planned.before, plan, lang="en")
        return html.unescape(page.split('<section class="conclusion">', 1)[1].split("</ul>")[0])

    assert sentence in page_one(PlanRun(planned.before, planned.sites, [capped]))
    assert "can serve" not in page_one(planned)


@pytest.mark.realdata
def test_a_report_without_lang_is_in_the_scenarios_lang(planned, tmp_path, monkeypatch):
    """Without ``lang``, the run's scenario's language, whatever the package setting says."""
    from coverage import settings

    run = planned.before
    monkeypatch.setattr(run.scenario, "lang", "en")
    monkeypatch.setattr(settings, "lang", "zh")
    path = report.write_report(run, None, tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Key figures" in page and "核心指标" not in page
    monkeypatch.setattr(run.scenario, "lang", "zh")
    monkeypatch.setattr(settings, "lang", "en")
    assert '<html lang="zh' in report.build_report(run, None)
