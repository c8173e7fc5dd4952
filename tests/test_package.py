"""The package's public face: version, error hierarchy, lazy submodules, ``__all__``."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

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


def test_every_public_module_resolves_as_an_attribute_in_a_fresh_process():
    # The README sends readers to coverage.steps, coverage.xlsx, coverage.summary …: after a
    # bare ``import coverage`` these were AttributeErrors (only a fixed list resolved).
    names = sorted(
        m.name for m in pkgutil.iter_modules(coverage.__path__) if not m.name.startswith("_")
    )
    code = (
        "import sys, coverage\n"
        f"for name in {names!r}:\n"
        "    assert getattr(coverage, name).__name__ == 'coverage.' + name, name\n"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["ok"], out.stderr[-500:]
    assert {"steps", "summary", "xlsx", "export_maps", "layer_files"} <= set(names)


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


#: What renderers (maps, figures, the report, workbooks) may never import, even for types:
#: they are handed results (coverage.results), never run the pipeline or the planner.
_RENDERERS = (
    "coverage.maps",
    "coverage.figures",
    "coverage.report",
    "coverage.excel",
    "coverage.table_words",
)
_NEVER = (
    "coverage.pipeline",
    "coverage.steps",
    "coverage.export",
    "coverage.planning",
    "coverage.siting",
    "coverage.plan_layers",
)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, type-only imports included (absolute names)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return out


@pytest.mark.parametrize("renderer", _RENDERERS)
def test_renderers_never_import_the_pipeline_or_the_planner(renderer):
    root = Path(coverage.__file__).parent
    rel = Path(*renderer.split(".")[1:])
    files = (
        sorted((root / rel).rglob("*.py"))
        if (root / rel).is_dir()
        else [(root / rel).with_suffix(".py")]
    )
    assert files
    for f in files:
        bad = {m for m in _imports(f) if m.startswith(_NEVER)}
        bad = {m for m in bad if any(m == n or m.startswith(n + ".") for n in _NEVER)}
        assert not bad, f"{f.relative_to(root)} imports {sorted(bad)}"


def test_the_import_rule_sees_type_only_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from coverage.planning import PlanRun\n"
    )
    assert "coverage.planning" in _imports(f)


def test_every_setting_is_read_by_the_package_when_it_is_used():
    # A setting nobody reads is a promise broken (settings.lang was; settings.tiers copied
    # vocab.TIER_CODES, the one place tier codes live). Read as ``settings.<name>`` so a
    # change after import is seen: ``from coverage.settings import x`` would freeze it.
    from coverage import settings

    package = Path(coverage.__file__).parent
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "settings.py"
    )
    unread = [n for n in settings.__all__ if not re.search(rf"\bsettings\.{n}\b", source)]
    assert unread == []
    assert "from coverage.settings import" not in source
    assert not hasattr(settings, "tiers")
