"""coverage.maps.values: figures as the map's popups and panels show them."""

from __future__ import annotations

import pytest

from coverage.maps.values import percent


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.9996, "99.9%"), (1.0, "100.0%"), (0.0003, "0.1%"), (0.0, "0.0%"), (0.8634, "86.3%")],
)
def test_percent_never_rounds_to_everyone_or_no_one(share, text):
    # A sub-district at 99.96 % still has people left out: its popup must not say 100.0%.
    assert percent(share) == text
