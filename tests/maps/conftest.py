"""The sample layers (see ``cases.sample_layers``), made once per test module."""

from __future__ import annotations

from typing import Any

import pytest
from map_layers import sample_layers


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return sample_layers()
