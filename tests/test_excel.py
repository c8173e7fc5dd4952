"""Excel workbooks for planners, and atomic writes surviving a SIGKILL mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from coverage import excel, io
from coverage.errors import Problem
from coverage.validation import problems_frame

REPO = Path(__file__).resolve().parents[1]


def _sheets() -> dict[str, pd.DataFrame]:
    summary = pd.DataFrame(
        {"metric": ["覆盖率", "职工总数"], "value": [0.8125, 5400], "unit": ["%", "人"]}
    )
    by_sub = pd.DataFrame(
        {
            "subdistrict": ["观音桥街道", "华新街街道"],
            "total_weight": [3000, 2400],
            "covered_weight": [2800, 1588],
            "coverage_pct": [93.3, 66.2],
            "remark": ["", "需要新增驿站"],
        }
    )
    uncovered = gpd.GeoDataFrame(
        {"row": [5, 9], "name": ["某物流公司", "某科技公司"], "weight": [80.0, np.nan]},
        geometry=[shapely.Point(106.533, 29.578), shapely.Point(106.545, 29.589)],
        crs=4326,
    ).to_crs(32648)  # any CRS: the sheet gets WGS-84 longitude/latitude
    proposed = gpd.GeoDataFrame(
        {"rank": [1], "services": [["职工书屋", "母婴室"]], "gain": [620], "covered": [True]},
        geometry=[shapely.Point(106.54, 29.585)],
        crs=4326,
    )
    skipped = problems_frame(
        [
            Problem("demand.csv", 3, "职工人数", "weight must be positive, got 0"),
            Problem("sites.csv", 11, "geometry", "outside the study area", action="kept"),
        ]
    )
    return {
        "summary": summary,
        "by_subdistrict": by_sub,
        "uncovered": uncovered,
        "proposed": proposed,
        "skipped": skipped,
    }


def _rows(ws) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_chinese_workbook(tmp_path: Path) -> None:
    path = excel.write_workbook(tmp_path / "结果.xlsx", _sheets())
    assert path == tmp_path / "结果.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "分街道", "未覆盖需求点", "建议选址", "跳过的行"]
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
    assert _rows(wb["汇总"]) == [
        ["指标", "数值", "单位"],
        ["覆盖率", 0.8125, "%"],
        ["职工总数", 5400, "人"],
    ]
    sub = _rows(wb["分街道"])
    # Unknown columns keep their names.
    assert sub[0] == ["街道", "职工总数", "已覆盖职工数", "覆盖率（%）", "remark"]
    assert sub[2] == ["华新街街道", 2400, 1588, 66.2, "需要新增驿站"]
    unc = _rows(wb["未覆盖需求点"])
    assert unc[0] == ["行号", "名称", "职工人数", "经度", "纬度"]
    assert unc[1][:3] == [5, "某物流公司", 80] and unc[2][2] is None  # NaN → empty cell
    assert unc[1][3:] == pytest.approx([106.533, 29.578], abs=1e-6)
    prop = _rows(wb["建议选址"])
    assert prop == [
        ["排序", "服务内容", "新增覆盖职工数", "是否覆盖", "经度", "纬度"],
        [1, "职工书屋、母婴室", 620, "是", 106.54, 29.585],
    ]
    skipped = _rows(wb["跳过的行"])
    assert skipped[0] == ["文件", "行号", "字段", "问题", "处理"]
    assert skipped[1] == ["demand.csv", 3, "职工人数", "weight must be positive, got 0", "跳过"]
    assert skipped[2][-1] == "保留（警告）"


def test_english_workbook(tmp_path: Path) -> None:
    path = excel.write_workbook(tmp_path / "results.xlsx", _sheets(), lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Summary",
        "By sub-district",
        "Uncovered demand",
        "Proposed sites",
        "Skipped rows",
    ]
    assert _rows(wb["Proposed sites"])[0] == [
        "Rank",
        "Services",
        "Workers newly covered",
        "Covered",
        "Longitude",
        "Latitude",
    ]
    assert _rows(wb["Proposed sites"])[1][1] == "职工书屋; 母婴室"
    assert _rows(wb["Skipped rows"])[1][-1] == "skipped"  # values untranslated in English
    # pandas reads the same table back.
    back = pd.read_excel(path, sheet_name="By sub-district")
    assert back["Sub-district"].tolist() == ["观音桥街道", "华新街街道"]


def test_column_widths_follow_content(tmp_path: Path) -> None:
    long_zh = "江北区观音桥街道建新北路职工服务中心"
    frame = pd.DataFrame({"name": [long_zh], "x": [1], "address": ["a" * 200]})
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "w.xlsx", {"facilities": frame}))
    ws = wb["服务设施"]
    widths = {c: ws.column_dimensions[c].width for c in "ABC"}
    assert widths["A"] == excel.display_width(long_zh) + 2  # CJK characters count double
    assert widths["B"] == 6  # minimum
    assert widths["C"] == 60  # capped
    assert excel.display_width("职工a") == 5


def test_sheet_titles_are_made_valid_and_unique(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    sheets = {"a/b:c?": frame, "x" * 40: frame, "x" * 31: frame, "by_subdistrict": frame,
              "subdistricts": frame}  # fmt: skip
    wb = openpyxl.load_workbook(excel.write_workbook(tmp_path / "t.xlsx", sheets))
    assert wb.sheetnames == ["a_b_c_", "x" * 31, "x" * 27 + " (2)", "分街道", "分街道 (2)"]


def test_index_and_empty_frames(tmp_path: Path) -> None:
    indexed = pd.DataFrame({"value": [3]}, index=pd.Index(["观音桥"], name="subdistrict"))
    empty = pd.DataFrame(columns=["file", "row"])
    wb = openpyxl.load_workbook(
        excel.write_workbook(tmp_path / "i.xlsx", {"by_subdistrict": indexed, "skipped": empty})
    )
    assert _rows(wb["分街道"]) == [["街道", "数值"], ["观音桥", 3]]
    assert _rows(wb["跳过的行"]) == [["文件", "行号"]]


def test_bad_arguments(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": [1]})
    with pytest.raises(ValueError, match="at least one sheet"):
        excel.write_workbook(tmp_path / "a.xlsx", {})
    with pytest.raises(ValueError, match="lang must be"):
        excel.write_workbook(tmp_path / "a.xlsx", {"s": frame}, lang="fr")
    with pytest.raises(ValueError, match=r"writes \.xlsx files, not \.xls"):
        excel.write_workbook(tmp_path / "a.xls", {"s": frame})
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_previous_workbook(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    excel.write_workbook(target, {"summary": pd.DataFrame({"value": [1]})})
    before = target.read_bytes()

    class Boom:
        def __str__(self) -> str:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        excel.write_workbook(target, {"summary": pd.DataFrame({"value": [Boom()]})})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


# --- SIGKILL mid-write ---------------------------------------------------------------------------

# The child writes through coverage.io. Its zip (xlsx) or layer writes are slowed down so that
# the parent's SIGKILL lands while the temporary file is half written, deterministically.
CHILD = textwrap.dedent(
    """
    import sys, time, zipfile
    import numpy as np, pandas as pd, geopandas as gpd
    from coverage import excel, io

    kind, target = sys.argv[1], sys.argv[2]
    n = 20_000
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"name": [f"企业{i}" for i in range(n)], "weight": rng.integers(1, 500, n)})
    if kind == "xlsx":
        real = zipfile.ZipFile.write
        def slow_write(self, *args, **kwargs):
            out = real(self, *args, **kwargs)
            time.sleep(30)  # after the first worksheet is in the partial file
            return out
        zipfile.ZipFile.write = slow_write
        excel.write_workbook(target, {"uncovered": frame, "summary": frame.head(5)})
    else:
        gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(
            rng.uniform(106.4, 106.7, n), rng.uniform(29.4, 29.7, n)), crs=4326)
        real = gpd.GeoDataFrame.to_file
        def slow_to_file(self, *args, **kwargs):
            out = real(self, *args, **kwargs)
            time.sleep(30)  # after the first layer is in the partial file
            return out
        gpd.GeoDataFrame.to_file = slow_to_file
        io.write_gpkg(target, {"demand": gdf, "again": gdf})
    """
)


def _size(path: Path) -> int:
    """Size of a file that may vanish while we look (0 then)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_mid_write(kind: str, target: Path) -> list[Path]:
    """Start the child, wait until its temporary file has content, SIGKILL it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(target)], env=env)
    try:
        deadline = time.monotonic() + 60
        parts: list[Path] = []
        while time.monotonic() < deadline:
            # (SQLite's "-journal" files come and go while the writer runs: not the file itself)
            parts = [
                p
                for p in target.parent.glob(f".{target.name}.*.part*")
                if not p.name.endswith("-journal") and _size(p)
            ]
            if parts:
                time.sleep(0.2)  # let the writer get well into the file
                break
            assert proc.poll() is None, f"the writer exited early with {proc.returncode}"
            time.sleep(0.02)
        assert parts, "no temporary file appeared"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    return parts


def test_sigkill_mid_workbook_write_leaves_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "结果.xlsx"
    excel.write_workbook(target, {"summary": pd.DataFrame({"value": [1, 2]})})
    before = target.read_bytes()
    _kill_mid_write("xlsx", target)
    # The previous workbook is untouched and opens; the half-written one is only a hidden
    # temporary file, never the target.
    assert target.read_bytes() == before
    assert _rows(openpyxl.load_workbook(target)["汇总"]) == [["数值"], [1], [2]]
    visible = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert visible == ["结果.xlsx"]
    # The next write of the same workbook removes the stale temporary file.
    excel.write_workbook(target, {"summary": pd.DataFrame({"value": [3]})})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果.xlsx"]
    assert _rows(openpyxl.load_workbook(target)["汇总"]) == [["数值"], [3]]


def test_sigkill_mid_geopackage_write_leaves_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "results.gpkg"
    old = gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.Point(106.5, 29.5)], crs=4326)
    io.write_gpkg(target, {"demand": old})
    before = target.read_bytes()
    parts = _kill_mid_write("gpkg", target)
    assert target.read_bytes() == before
    back = gpd.read_file(target, layer="demand")
    assert back["name"].tolist() == ["A"]
    visible = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert visible == ["results.gpkg"]
    # coverage.io.write_gpkg does not clean up after a killed writer: the partial file stays
    # behind as a hidden ".results.gpkg.*.part.gpkg" (documented; the workbook writer cleans its
    # own). It never takes the target's name.
    assert all(p.name.startswith(".results.gpkg.") and ".part" in p.name for p in parts)
