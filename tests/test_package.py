"""The package's public face: version, error hierarchy, lazy submodules, ``__all__``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from importlib.metadata import version

import pytest

import coverage
from coverage import errors


def test_version_comes_from_the_installed_metadata():
    assert coverage.__version__ == version("coverage-planner")


def test_every_error_class_is_exported_from_the_package():
    classes = {
        name
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, errors.CoverageError)
    }
    assert "CoverageError" in classes and len(classes) >= 4
    assert classes <= set(coverage.__all__)
    for name in classes:
        assert getattr(coverage, name) is getattr(errors, name)


def test_import_is_lazy():
    code = "import sys, coverage; print('geopandas' in sys.modules, 'folium' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_submodules_resolve_as_attributes():
    assert coverage.vocab is importlib.import_module("coverage.vocab")
    with pytest.raises(AttributeError):
        _ = coverage.no_such_module


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(coverage.__path__, "coverage."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _public_modules())
def test_every_public_module_declares_all(name):
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list | tuple), f"{name} has no __all__"
    for item in module.__all__:
        assert hasattr(module, item), f"{name}.__all__ names missing {item!r}"
