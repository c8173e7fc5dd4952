"""Fixtures of the catchment tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def line_net(hand):
    # 0 (x=0) —100 m— 1 (x=100) —200 m— 2 (x=300), all on y = 0
    return hand.net(
        [
            (0, 1, [(0, 0), (100, 0)], "residential"),
            (1, 2, [(100, 0), (300, 0)], "residential"),
        ]
    )
