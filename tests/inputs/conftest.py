"""Fixtures shared by the input tests."""

from __future__ import annotations

import geopandas as gpd
import pytest

from .helpers import REG


@pytest.fixture(scope="module")
def area() -> gpd.GeoDataFrame:
    """The study area of the fixture registers."""
    return gpd.read_file(REG / "study_area.geojson")
