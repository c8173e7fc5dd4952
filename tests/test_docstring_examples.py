"""The Examples sections of the public docstrings run as written, on the sample's own inputs."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Modules with an Examples section; their examples read data/wuhan/ from the repository root.
MODULES = ["coverage.datum", "coverage.inputs.boundaries", "coverage.inputs.raster"]


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
        if "\n    >>> " in p.read_text(encoding="utf-8")
    )
    assert with_examples == sorted(MODULES)
