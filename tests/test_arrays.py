"""The shared array helpers, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coverage._arrays import fastest_arcs, ranges, whole_rows


def test_ranges_flatten_each_start_and_count():
    pos, owner = ranges(np.array([5, 0, 9]), np.array([2, 0, 3]))
    assert pos.tolist() == [5, 6, 9, 10, 11]
    assert owner.tolist() == [0, 0, 2, 2, 2]
    pos, owner = ranges(np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert len(pos) == len(owner) == 0


def test_ranges_equal_a_loop_of_aranges():
    rng = np.random.default_rng(1)
    starts, counts = rng.integers(-5, 1000, 500), rng.integers(0, 6, 500)
    pos, owner = ranges(starts, counts)
    ref = [
        (s + j, i) for i, (s, c) in enumerate(zip(starts, counts, strict=True)) for j in range(c)
    ]
    assert list(zip(pos.tolist(), owner.tolist(), strict=True)) == ref
    assert pos.dtype == np.int64


def test_fastest_arcs_by_hand():
    tail = np.array([2, 0, 2, 2, 0, 3])
    head = np.array([7, 5, 4, 7, 5, 1])
    t = np.array([9.0, 3.0, 1.0, 6.0, 2.0, 0.0])
    indptr, h, best = fastest_arcs(tail, head, t, 5)
    assert indptr.tolist() == [0, 1, 1, 3, 4, 4]  # tails 1 and 4: no arc
    assert h.tolist() == [5, 4, 7, 1]
    assert best.tolist() == [2.0, 1.0, 6.0, 0.0]
    indptr, h, best = fastest_arcs(*(np.zeros(0, np.int64),) * 2, np.zeros(0), 2)
    assert indptr.tolist() == [0, 0, 0] and len(h) == len(best) == 0


def test_fastest_arcs_equal_a_dictionary_of_minima():
    rng = np.random.default_rng(4)
    tail, head = rng.integers(0, 30, 2000), rng.integers(0, 40, 2000)
    t = rng.integers(0, 50, 2000).astype(float)  # ties of equal times too
    best: dict[tuple[int, int], float] = {}
    for a, b, x in zip(tail.tolist(), head.tolist(), t.tolist(), strict=True):
        best[(a, b)] = min(best.get((a, b), np.inf), x)
    indptr, h, v = fastest_arcs(tail, head, t, 32)
    owner = np.repeat(np.arange(32), np.diff(indptr))
    got = list(zip(owner.tolist(), h.tolist(), v.tolist(), strict=True))
    assert got == sorted((a, b, x) for (a, b), x in best.items())


def test_whole_rows_are_nullable_integers_empty_where_missing():
    # A file layer (rows 2 and 12) concatenated with a raster one (cells, no rows): floats.
    f = pd.DataFrame(
        {
            "row": [2.0, 12.0, np.nan],
            "cell_row": [np.nan, np.nan, 7.0],
            "cell_col": [np.nan, np.nan, 30.0],
            "weight": [1.0, 2.0, 3.0],
        }
    )
    assert whole_rows(f) is f
    for col, expected in [
        ("row", [2, 12, -1]),
        ("cell_row", [-1, -1, 7]),
        ("cell_col", [-1, -1, 30]),
    ]:
        assert str(f[col].dtype) == "Int64"
        assert f[col].fillna(-1).tolist() == expected
    assert f["weight"].dtype == float  # not a row number
    assert f.to_csv(index=False).splitlines()[1:] == ["2,,,1.0", "12,,,2.0", ",7,30,3.0"]


def test_whole_rows_leave_a_column_that_holds_no_row_numbers():
    f = pd.DataFrame({"row": [1.5, 2.0], "cell_row": ["a", None], "cell_col": [np.inf, 1.0]})
    before = f.dtypes.to_dict()
    assert whole_rows(f).dtypes.to_dict() == before
    assert f["row"].tolist() == [1.5, 2.0]
