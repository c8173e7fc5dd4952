"""The datum check's findings worded again from their numbers: in English word for word what
the check itself says (two implementations of one sentence), in Chinese without English."""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from coverage.errors import Msg
from coverage.inputs.datum_check import check_datum, review
from coverage.inputs.datum_words import finding_msg, kept_msg, row_msg
from coverage.inputs.street_fit import DatumFinding, _row_check, _verdict

ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
#: Words a Chinese datum message may hold: the datums and the setting as the scenario writes it.
ZH_ALLOWED = {"WGS", "GCJ", "BD", "crs", "wgs", "gcj", "bd"}


def _english_free(text: str) -> bool:
    return all(len(w) < 3 or w in ZH_ALLOWED for w in ASCII_WORD.findall(text))


def _details(here: float, there: float, bd: float, *, conclusive: bool) -> dict:
    # WGS-84 declared, GCJ-02 fits: the numbers _layer_verdict would have found.
    return {
        "search_m": 2000.0,
        "median_m": {"WGS-84": here, "GCJ-02": there, "BD-09": bd},
        "within_m": 30.0,
        "share_within": {"WGS-84": 0.1, "GCJ-02": 0.9, "BD-09": 0.0},
        "random_shift_share_within": 0.05,
        "declared": "wgs84",
        "best": "GCJ-02",
        "best_key": "gcj02",
        "share_closer": 0.85,
        "conclusive": conclusive,
        "evidence": (
            f"median {here:.0f} m from a street as WGS-84, {there:.0f} m as GCJ-02; 90% of "
            "points within 30 m as GCJ-02 (10% as WGS-84, 5% by chance)"
        ),
    }


@pytest.mark.parametrize(
    ("conclusive", "suggestive", "medians"),
    [
        (True, True, (212.0, 9.0, 400.0)),  # looks_gcj02, firm
        (False, True, (212.0, 9.0, 400.0)),  # looks_gcj02, a hint
        (False, False, (512.0, 480.0, math.inf)),  # far from the streets under every datum
    ],
)
def test_layer_findings_say_what_the_check_says(conclusive, suggestive, medians) -> None:
    here, there, bd = medians
    d = _details(here, there, bd, conclusive=conclusive)
    f = _verdict(
        "wgs84",
        "gcj02",
        {"wgs84": here, "gcj02": there, "bd09": bd},
        0.85,
        d,
        suggestive=suggestive,
        conclusive=conclusive,
        search_m=2000.0,
        far_m=300.0,
    )
    assert f.code == ("far_from_streets" if not suggestive else "looks_gcj02")
    msg = finding_msg(f)
    assert msg.key != "problem.as_written"
    assert msg.text("en") == f.message
    zh = msg.text("zh")
    assert _english_free(zh), zh
    if not suggestive:
        assert "超过 2000 米" in zh  # BD-09: no street within the search radius
    if conclusive:
        assert kept_msg(f).text("en") == f.message + "; kept as declared"
        assert kept_msg(f).text("zh").endswith("；已按声明的坐标系保留")


def test_row_findings_say_what_the_check_says() -> None:
    # Row 7 sits 3 m from a street as BD-09 and 400 m as GCJ-02; the others fit as declared.
    dist = {
        "gcj02": np.array([5.0, 6.0, 4.0, 400.0]),
        "wgs84": np.array([300.0, 280.0, 310.0, 350.0]),
        "bd09": np.array([250.0, 260.0, 240.0, 3.0]),
    }
    near = np.ones(4, dtype=bool)
    f = _row_check(dist, near, np.array([2, 3, 5, 7]), "gcj02", 2000.0)
    assert f is not None and [r["row"] for r in f.details["rows"]] == [7]
    (r,) = f.details["rows"]
    msg = row_msg(r, "gcj02", r["message"], f.details["search_m"])
    assert msg.text("en") == r["message"]
    assert msg.text("zh") == (
        "按 BD-09 读取才与街道吻合，而不是图层声明的 GCJ-02：按 BD-09 距街道 3 米，按 GCJ-02 为 "
        "400 米（近了 397 米）；已按 GCJ-02 保留——请检查这一行的坐标（是否抄自 BD-09 地图？）"
    )
    # Without its numbers a row keeps the check's sentence.
    assert row_msg({"row": 7}, "gcj02", "as said").text("zh") == "as said"


def _layer(lonlat: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    pts = [shapely.Point(x, y) for x, y in lonlat]
    return gpd.GeoDataFrame({"row": range(2, 2 + len(pts))}, geometry=pts, crs=4326)


def test_swaps_ranges_and_points_outside_china() -> None:
    wuhan = [(114.30 + i / 100, 30.58) for i in range(4)]
    swapped = check_datum(_layer(wuhan + [(30.59, 114.31), (30.60, 114.33)]))
    (sw,) = [f for f in swapped if f.code == "latlon_swapped"]
    assert finding_msg(sw).text("en") == sw.message
    assert finding_msg(sw).text("zh").startswith("6 个点中有 2 个只有在经纬度互换后才位于中国境内")
    ranged = check_datum(_layer(wuhan + [(200.0, 95.0)]))
    (oor,) = [f for f in ranged if f.code == "out_of_range"]
    assert finding_msg(oor).text("en") == oor.message
    assert oor.message.startswith("1 of 5 points has a latitude beyond")  # one point: singular
    one = check_datum(_layer(wuhan + [(30.59, 114.31)]))
    (sw1,) = [f for f in one if f.code == "latlon_swapped"]
    assert sw1.message.startswith("1 of 5 points fits China only with longitude and latitude")
    assert finding_msg(sw1).text("en") == sw1.message  # still read as the China one
    assert finding_msg(sw1).text("zh").startswith("5 个点中有 1 个只有在经纬度互换后才位于中国境内")
    assert _english_free(finding_msg(oor).text("zh"))
    paris = check_datum(_layer(wuhan + [(2.35, 48.86)]), declared="gcj02")
    (out,) = [f for f in paris if f.code == "outside_china"]
    assert finding_msg(out, "gcj02").text("en") == out.message
    assert _english_free(finding_msg(out, "gcj02").text("zh"))
    # review: the same messages as problems, worded in the scenario's language when written
    problems, _ = review(paris, "a.csv", crs="gcj02", strict=False)
    assert [p.message for p in problems] == [out.message]
    assert isinstance(problems[0].msg, Msg) and _english_free(problems[0].text("zh"))


def test_a_finding_without_its_numbers_keeps_its_sentence() -> None:
    f = DatumFinding("looks_gcj02", "warning", "as the check said", {"conclusive": True})
    assert finding_msg(f).text("zh") == "as the check said"
    assert kept_msg(f).text("en") == "as the check said; kept as declared"
