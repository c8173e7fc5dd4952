"""The coverage curve figure: one renderer for the plan files and the report."""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import pandas as pd
import pytest

from coverage import figures, report

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CURVE = pd.DataFrame({"k": [0, 1, 2, 3], "covered_share": [0.7, 0.82, 0.89, 0.93]})


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_MAGIC) and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def test_curve_png_size_follows_the_dpi():
    # 7 × 3.4 inches: 700 × 340 pixels at 100 dpi, twice that at 200.
    assert _size(figures.curve_png(CURVE, lang="en", dpi=100)) == (700, 340)
    assert _size(figures.curve_png(CURVE, lang="en", dpi=200)) == (1400, 680)


def test_save_curve_png_writes_the_same_figure_atomically(tmp_path):
    path = figures.save_curve_png(CURVE, tmp_path / "plan" / "curve.png", lang="en", dpi=100)
    assert path == tmp_path / "plan" / "curve.png"
    assert path.read_bytes() == figures.curve_png(CURVE, lang="en", dpi=100)
    assert [p.name for p in path.parent.iterdir()] == ["curve.png"]  # no temporary file left


def test_the_report_draws_the_plan_curve_with_the_same_renderer():
    after = report.AfterPlan(
        covered=np.zeros(0, dtype=bool),
        n_reach=np.zeros(0, dtype=int),
        curve=CURVE,
        sites=pd.DataFrame({"name": ["a", "b", "c"]}),
        tier_catchments=None,
        bands_min=[],
    )
    assert report.curve_png(after, lang="en", dpi=100) == figures.curve_png(
        CURVE, lang="en", dpi=100
    )


def test_curves_drawn_without_lang_are_in_the_lang_setting(tmp_path, monkeypatch):
    from coverage import settings

    after = report.AfterPlan(
        covered=np.zeros(0, dtype=bool),
        n_reach=np.zeros(0, dtype=int),
        curve=CURVE,
        sites=pd.DataFrame({"name": ["a", "b", "c"]}),
        tier_catchments=None,
        bands_min=[],
    )
    english = hashlib.sha256(figures.curve_png(CURVE, lang="en", dpi=100)).hexdigest()
    monkeypatch.setattr(settings, "lang", "en")  # after import: read when the curve is drawn
    for png in (
        figures.curve_png(CURVE, dpi=100),
        figures.save_curve_png(CURVE, tmp_path / "c.png", dpi=100).read_bytes(),
        report.curve_png(after, dpi=100),
    ):
        assert hashlib.sha256(png).hexdigest() == english  # digests: a bytes diff is slow
    monkeypatch.setattr(settings, "lang", "fr")
    for draw in (
        lambda: figures.curve_png(CURVE),
        lambda: figures.save_curve_png(CURVE, tmp_path / "fr.png"),
        lambda: report.curve_png(after),
    ):
        with pytest.raises(ValueError, match=r"coverage\.settings\.lang: .*'fr'"):
            draw()
    assert not (tmp_path / "fr.png").exists()
