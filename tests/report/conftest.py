"""The small Wuhan scenario with a candidate grid, run and planned once for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_small_scenario

from coverage import pipeline


@pytest.fixture(scope="package")
def small(tmp_path_factory, wuhan_edges_path) -> Path:
    """Scenario file of a copy of the small scenario with a 150 m candidate grid."""
    tmp = tmp_path_factory.mktemp("report")
    return copy_small_scenario(tmp, wuhan_edges_path, extra="\n[plan]\ngrid_spacing_m = 150\n")


@pytest.fixture(scope="package")
def planned(small) -> pipeline.PlanRun:
    """Run and a 5-site plan of the small scenario (computed once for the package)."""
    return pipeline.plan(small, add=5, write=False)
