"""Fixtures of the network tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def osm_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "jiangbei_small.osm"
