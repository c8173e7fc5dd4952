"""The shared array helpers, by hand."""

from __future__ import annotations

import numpy as np

from coverage._arrays import ranges


def test_ranges_flatten_each_start_and_count():
    pos, owner = ranges(np.array([5, 0, 9]), np.array([2, 0, 3]))
    assert pos.tolist() == [5, 6, 9, 10, 11]
    assert owner.tolist() == [0, 0, 2, 2, 2]
    pos, owner = ranges(np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert len(pos) == len(owner) == 0
