"""Optional heavy libraries: imported on first use, a missing one named in one line."""

from __future__ import annotations

import pytest

from coverage._optional import MissingDependency, import_optional
from coverage.errors import CoverageError


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


def test_install_name_can_differ_from_module():
    with pytest.raises(MissingDependency, match="pip install PyNoSuch$"):
        import_optional("nosuch_yaml_xyz", "reading YAML", package="PyNoSuch")
