"""The public docstrings tell the truth: their examples run, their parameters are the signature's."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import coverage

ROOT = Path(__file__).resolve().parent.parent

#: Modules with an Examples section; their examples read data/wuhan/ from the repository root.
MODULES = [
    "coverage.counts",
    "coverage.datum",
    "coverage.errors",
    "coverage.export_maps",
    "coverage.i18n.values",
    "coverage.inputs.boundaries",
    "coverage.inputs.file_crs",
    "coverage.inputs.raster",
    "coverage.inputs.cells",
    "coverage.planning.plan",
    "coverage.results",
    "coverage.vocab",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name the sample's files from the repository root
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.attempted > 0, f"{name} has no examples left"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_every_module_with_examples_is_listed():
    # A new Examples section is run here too, or this fails.
    with_examples = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "coverage").rglob("*.py")
        if re.search(r"^\s*>>> ", p.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert with_examples == sorted(MODULES)


def _documented(doc: str) -> list[str] | None:
    """The names a numpydoc ``Parameters`` section lists (``a, b`` counts both), or None."""
    lines = [*inspect.cleandoc(doc).splitlines(), ""]
    heading = [i for i in range(len(lines) - 1) if re.fullmatch(r"-{3,}", lines[i + 1])]
    if not any(lines[i] == "Parameters" for i in heading):
        return None
    start = next(i for i in heading if lines[i] == "Parameters") + 2
    end = min([i for i in heading if i >= start] + [len(lines)])
    names = []
    for entry in lines[start:end]:
        if entry and not entry.startswith(" "):  # a parameter's line; its words are indented
            names += [n.strip().lstrip("*") for n in entry.split(" : ")[0].split(",")]
    return names


def _public():
    """Every function and class in a module's ``__all__``, and their public methods."""
    seen: set[int] = set()
    names = [m.name for m in pkgutil.walk_packages(coverage.__path__, "coverage.")]
    for modname in ["coverage", *names]:
        if modname.endswith("__main__"):
            continue
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{obj.__module__}.{obj.__qualname__}", obj
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    func = getattr(member, "__func__", member)
                    if not attr.startswith("_") and inspect.isfunction(func):
                        yield f"{obj.__module__}.{func.__qualname__}", func


def test_documented_parameters_are_the_signature():
    # A Parameters section that names a parameter the function does not have (or leaves one
    # out, or lists them out of order) misleads whoever calls it.
    wrong = []
    for where, obj in _public():
        documented = _documented(obj.__doc__ or "")
        if documented is None:
            continue
        try:
            signature = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        actual = [p for p in signature.parameters if p not in ("self", "cls")]
        if documented != actual:
            wrong.append(f"{where}: documents {documented}, takes {actual}")
    assert not wrong, "\n".join(wrong)
