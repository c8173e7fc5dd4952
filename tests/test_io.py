"""Helpers of io, file_labels, layer_files not covered by the output tests (test_hostile.py…)."""

from __future__ import annotations

import os

import pytest

from coverage.errors import OutputError
from coverage.file_labels import file_label
from coverage.io import ensure_folder, probe_folder, remove_output


def test_probe_folder_creates_a_missing_folder_and_leaves_it_empty(tmp_path):
    folder = tmp_path / "a" / "b"
    probe_folder(folder)
    assert folder.is_dir() and list(folder.iterdir()) == []


def test_probe_folder_says_when_the_folder_is_a_file(tmp_path):
    a_file = tmp_path / "cache"
    a_file.write_text("x")
    with pytest.raises(FileExistsError):
        probe_folder(a_file)
    assert a_file.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_probe_folder_fails_in_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            probe_folder(folder)
    finally:
        folder.chmod(0o700)


def test_file_label_is_relative_inside_the_scenario_folder_absolute_outside(tmp_path):
    folder = tmp_path / "plans"
    assert file_label(folder / "candidates.csv", folder) == "candidates.csv"
    assert file_label(str(folder / "inputs" / "a.xlsx"), str(folder)) == "inputs/a.xlsx"
    assert file_label(folder / "x" / ".." / "b.csv", folder) == "b.csv"
    # Outside: the absolute path (".." taken out), or its name alone on a page handed over.
    assert file_label(folder / ".." / "other" / "c.csv", folder) == str(tmp_path / "other/c.csv")
    assert file_label(tmp_path / "plans2" / "d.csv", folder) == str(tmp_path / "plans2/d.csv")
    assert file_label(tmp_path / "plans2" / "d.csv", folder, private=True) == "d.csv"
    assert file_label(folder / "e.csv", None) == str(folder / "e.csv")
    assert file_label("scenario", folder) == "scenario"  # not a path: as given


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_file_label_sees_the_folder_through_a_link(tmp_path):
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    # The scenario's folder is resolved; the planner named the file through the link.
    assert file_label(tmp_path / "link" / "sub" / "f.csv", tmp_path / "real") == "sub/f.csv"
    # A linked file inside the folder is named where it is, not where it points.
    assert file_label(tmp_path / "real" / "g.csv", tmp_path / "link") == "g.csv"
    (tmp_path / "real" / "h.csv").symlink_to(tmp_path / "elsewhere.csv")
    assert file_label(tmp_path / "real" / "h.csv", tmp_path / "real") == "h.csv"


def _layers():
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(0)
    pts = gpd.GeoDataFrame(
        {
            "fid": np.arange(50),
            "name": [f"站点{i}" for i in range(50)],
            "services": [["饮水", "充电"] if i % 2 else "休息" for i in range(50)],
            "share": rng.uniform(0, 1, 50),
            "covered": rng.uniform(0, 1, 50) > 0.5,
        },
        geometry=shapely.points(rng.uniform(114, 115, (50, 2))),
        crs=4326,
    )
    polys = gpd.GeoDataFrame(
        {"tier": ["point", "centre"], "band_min": [15.0, 10.0]},
        geometry=[shapely.box(114, 30, 114.1, 30.1), shapely.box(114.2, 30, 114.3, 30.2)],
        crs=4326,
    )
    return {"facilities": pts, "catchments": polys}


def test_write_gpkg_equals_plain_writes_and_restores_sqlite_settings(tmp_path):
    import geopandas as gpd
    import pyogrio
    from geopandas.testing import assert_geodataframe_equal

    from coverage.layer_files import write_gpkg

    layers = _layers()
    fast = write_gpkg(tmp_path / "fast.gpkg", layers)
    slow = tmp_path / "slow.gpkg"  # the plain writes the fast path replaces
    for name, gdf in layers.items():
        gdf = gdf.rename(columns={"fid": "facility_id"})
        if "services" in gdf:
            gdf["services"] = gdf["services"].map(
                lambda v: ";".join(map(str, v)) if isinstance(v, list) else v
            )
        gdf.to_file(slow, layer=name, driver="GPKG")
    for name in layers:
        assert_geodataframe_equal(gpd.read_file(fast, layer=name), gpd.read_file(slow, layer=name))
    assert gpd.read_file(fast, layer="facilities")["services"].iloc[1] == "饮水;充电"
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
    with pytest.raises(AttributeError):  # a failed write restores the setting too
        write_gpkg(tmp_path / "bad.gpkg", {"x": "not a layer"})  # type: ignore[dict-item]
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None


def test_an_output_folder_that_is_a_file_is_said_in_both_languages(tmp_path):
    a_file = tmp_path / "out"
    a_file.write_text("x")
    with pytest.raises(OutputError) as info:
        ensure_folder(a_file)
    assert (
        info.value.text("en")
        == str(info.value)
        == (
            f"{a_file}: the output folder is a file, not a folder; remove the file or choose "
            "another output folder"
        )
    )
    assert info.value.text("zh") == (
        f"{a_file}：输出文件夹是一个文件而不是文件夹；请删除该文件或选择其他输出文件夹"
    )
    with pytest.raises(OutputError) as info:
        ensure_folder(a_file / "sub")  # a parent is the file
    assert info.value.text("en") == (
        f"{a_file}/sub: the output folder is a file, not a folder ('{a_file}' is a file); "
        "remove the file or choose another output folder"
    )
    assert info.value.text("zh") == (
        f"{a_file}/sub：输出文件夹是一个文件而不是文件夹（“{a_file}”是文件）；"
        "请删除该文件或选择其他输出文件夹"
    )
    assert info.value.reason.startswith("the output folder is a file")  # English, as before


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_a_nul_in_text_is_kept_visible_not_cut_off(tmp_path, suffix):
    # GDAL ends a string at NUL: "站点\x00 A" came back as "站点", the rest silently lost.
    # Like the workbooks, the layers show the character as "\ufffd" and keep the rest.
    import geopandas as gpd
    import shapely

    from coverage.layer_files import write_geojson, write_gpkg

    gdf = gpd.GeoDataFrame(
        {"name": ["站点\x00 A", "plain", None], "n": [1, 2, 3]},
        geometry=[shapely.Point(114, 30)] * 3,
        crs=4326,
    )
    path = tmp_path / f"out{suffix}"
    if suffix == ".gpkg":
        write_gpkg(path, {"sites": gdf})
    else:
        write_geojson(path, gdf)
    back = gpd.read_file(path)
    assert list(back["name"].iloc[:2]) == ["站点\ufffd A", "plain"] and back["name"].isna().iloc[2]
    assert list(back["n"]) == [1, 2, 3] and gdf["name"].iloc[0] == "站点\x00 A"  # input unchanged


def test_an_output_path_that_is_not_utf8_is_one_error_line(tmp_path):
    # A folder named in another encoding ("out\xff" as bytes) reaches Python as a lone surrogate;
    # GDAL then failed with a UnicodeEncodeError traceback after the whole run.
    import geopandas as gpd
    import shapely

    from coverage.io import check_writable
    from coverage.layer_files import write_geojson, write_gpkg

    bad = tmp_path / os.fsdecode(b"out\xff")
    gdf = gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(114, 30)], crs=4326)
    for call in (
        lambda: check_writable(bad),
        lambda: write_gpkg(bad / "c.gpkg", {"x": gdf}),
        lambda: write_geojson(bad / "c.geojson", gdf),
    ):
        with pytest.raises(OutputError) as err:
            call()
        for lang in ("en", "zh"):
            lines = err.value.text(lang).splitlines()
            assert len(lines) == 1 and "out\\udcff" in lines[0]
        assert "UTF-8" in err.value.text("en") and "UTF-8" in err.value.text("zh")
    assert not list(tmp_path.glob("**/*.part*"))


def test_write_json_writes_strict_json_nan_and_inf_as_null(tmp_path):
    import json

    import numpy as np

    from coverage import io as cio

    data = {
        "share": float("nan"),
        "bands": [1.5, float("inf"), -float("inf")],
        "f32": np.float32("nan"),
        "f64": np.float64(0.25),
        "pair": (np.nan, 2),
        "nested": {"x": [{"y": float("nan")}]},
        "name": "NaN",  # text stays text
    }
    path = cio.write_json(tmp_path / "a.json", data)

    def refuse(name: str) -> None:
        raise AssertionError(f"not strict JSON: {name}")

    got = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    assert got == {
        "share": None,
        "bands": [1.5, None, None],
        "f32": None,
        "f64": 0.25,
        "pair": [None, 2],
        "nested": {"x": [{"y": None}]},
        "name": "NaN",
    }


def test_remove_output_removes_an_earlier_file_and_says_when_it_cannot(tmp_path):
    """What an earlier run left and this one does not write (a format turned off) goes; a file
    that cannot go (open in Excel on Windows, a folder in its place) is one line, both languages."""
    old = tmp_path / "plan.xlsx"
    old.write_text("earlier figures")
    remove_output(old)
    assert not old.exists()
    remove_output(old)  # nothing left: nothing to say
    (tmp_path / "coverage.xlsx").mkdir()  # unlink cannot remove it, as a locked file
    with pytest.raises(OutputError) as info:
        remove_output(tmp_path / "coverage.xlsx")
    where = tmp_path / "coverage.xlsx"
    assert info.value.text("en") == (
        f"{where}: left by an earlier run (not from this run) and cannot be removed: "
        "a folder of that name is in the way; remove it or choose another name"
    )
    assert info.value.text("zh") == (
        f"{where}：上次运行留下的文件（并非本次结果），无法删除：已有同名文件夹；请删除它或换一个名称"
    )
