"""The Examples of coverage.inputs' public functions run as written, from the repository root.

They read ``../shared/data`` (the house style: runnable examples, as momepy's), so the test
fails in CI when that folder is missing and skips elsewhere.
"""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest
from conftest import REPO_ROOT, shared_data

from coverage.inputs import boundaries, file_crs, raster


@pytest.mark.realdata
@pytest.mark.parametrize("module", [boundaries, file_crs, raster], ids=lambda m: m.__name__)
def test_examples_run(module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    shared_data("wuhan_districts_gcj02.geojson")
    shared_data("wuhan_worldpop_adults.tif")
    monkeypatch.chdir(REPO_ROOT)  # the examples' paths are from the repository root
    # No module globals: each example imports what it uses, so it runs pasted anywhere.
    result = doctest.testmod(module, globs={}, optionflags=doctest.ELLIPSIS, report=True)
    assert result.attempted > 0 and result.failed == 0, result
