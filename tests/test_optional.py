"""Optional heavy libraries: imported on first use, a missing one named in one line."""

from __future__ import annotations

import sys

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point, box

import coverage
from coverage import errors
from coverage._optional import MissingDependency, import_optional
from coverage.errors import CoverageError
from coverage.figures.curve import curve_png
from coverage.figures.static_map import save_static_map
from coverage.inputs.buildings import download_buildings
from coverage.planning.candidates import osm_candidates


def test_installed_module_is_returned():
    json_module = import_optional("json", "reading settings")
    assert json_module.loads("[1, 2]") == [1, 2]


def test_missing_module_names_package_purpose_and_install():
    with pytest.raises(MissingDependency) as info:
        import_optional("no_such_package_xyz.sub", "drawing static maps")
    msg = str(info.value)
    assert msg.startswith("drawing static maps needs the Python package 'no_such_package_xyz'")
    assert msg.endswith("install it with: pip install no_such_package_xyz")
    assert "\n" not in msg
    # caught as our own error (one line in the CLI) and as a failed import
    assert isinstance(info.value, CoverageError) and isinstance(info.value, ImportError)


def test_missing_module_is_worded_in_the_console_language():
    with pytest.raises(MissingDependency) as info:
        import_optional("no_such_package_xyz", errors.Msg("error.purpose.figures"))
    reason = "No module named 'no_such_package_xyz'"
    assert info.value.text("zh") == (
        "绘制静态地图和覆盖曲线需要 Python 包“no_such_package_xyz”，但它未安装或无法导入"
        f"（{reason}）；请用以下命令安装：pip install no_such_package_xyz"
    )
    assert str(info.value) == (
        "drawing the static maps and the coverage curve needs the Python package "
        f"'no_such_package_xyz', which is not installed or does not import ({reason}); "
        "install it with: pip install no_such_package_xyz"
    )


def test_install_name_can_differ_from_module():
    with pytest.raises(MissingDependency, match="pip install PyNoSuch$"):
        import_optional("nosuch_yaml_xyz", "reading YAML", package="PyNoSuch")


def test_missing_dependency_is_one_of_the_package_errors():
    # one class, whichever module a caller imports it from
    assert MissingDependency is errors.MissingDependency is coverage.MissingDependency


# A module set to None in sys.modules fails to import, as if it were not installed.


def _without(monkeypatch, *modules):
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_curve_without_matplotlib_names_it(monkeypatch):
    _without(monkeypatch, "matplotlib")
    curve = pd.DataFrame({"k": [0, 1], "covered_share": [0.5, 0.6]})
    with pytest.raises(MissingDependency, match="^drawing the static maps .* 'matplotlib'"):
        curve_png(curve)


def test_static_map_without_matplotlib_names_it_and_writes_nothing(monkeypatch, tmp_path):
    _without(monkeypatch, "matplotlib")
    facilities = gpd.GeoDataFrame({"tier": ["centre"]}, geometry=[Point(116.4, 39.9)], crs=4326)
    target = tmp_path / "map.png"
    with pytest.raises(MissingDependency, match="pip install matplotlib$"):
        save_static_map(facilities, None, None, None, target)
    assert not target.exists()


def test_osm_candidates_without_osmnx_names_it(monkeypatch, tmp_path):
    _without(monkeypatch, "osmnx")
    with pytest.raises(MissingDependency, match="^finding candidate sites in OpenStreetMap needs"):
        osm_candidates(osm_file=tmp_path / "none.osm")


def test_building_download_without_osmnx_names_it(monkeypatch, tmp_path):
    _without(monkeypatch, "osmnx", "osmnx._errors")
    area = box(116.39, 39.90, 116.40, 39.91)
    with pytest.raises(MissingDependency, match="^downloading building footprints needs .*'osmnx'"):
        download_buildings(area, cache_dir=tmp_path)
