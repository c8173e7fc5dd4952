"""Cell values: the column readers' fast path for plain numbers against the cell-by-cell one."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.inputs import values

CELLS = [
    "114.27", "-3", "+3", ".5", "5.", "1e5", "1E-3", "0", "-0", "007", "1e", "e5", "inf", "nan",
    "1,234,567", "30,580.5", "114,27", "30,580", "１１４．２７", "−12.5", " 12 ", "12\n", "",
    "   ", "\u3000", "东经114度17分20.2秒", "北纬30°35′42″", "33°52'S", "abc", "12abc",
    None, np.nan, 3, 2.5, float("inf"), True, np.float32(1.5), np.int64(7),
]  # fmt: skip


def _slow_numeric(series: pd.Series, coordinate: bool) -> pd.Series:
    # The cell-by-cell reading the fast path replaces.
    text = series.map(lambda v: values.number_text(v, coordinate))
    num = pd.to_numeric(text.replace("", np.nan), errors="coerce").astype(float)
    return num.where(np.isfinite(num))


def _slow_is_empty(series: pd.Series) -> np.ndarray:
    return np.asarray(series.map(lambda v: values.number_text(v) == "").to_numpy(dtype=bool))


def _same(series: pd.Series) -> None:
    for coordinate in (False, True):
        fast = values.numeric(series, coordinate)
        slow = _slow_numeric(series, coordinate)
        np.testing.assert_array_equal(fast.to_numpy(), slow.to_numpy())
        assert fast.index.equals(series.index)
    np.testing.assert_array_equal(values.is_empty(series), _slow_is_empty(series))


def test_fast_path_equals_cell_by_cell_on_what_registers_contain() -> None:
    series = pd.Series(CELLS, index=range(10, 10 + len(CELLS)), dtype=object)
    _same(series)
    # By hand: a few of them.
    num = values.numeric(series).to_numpy()
    assert num[CELLS.index("1,234,567")] == 1234567 and num[CELLS.index(".5")] == 0.5
    assert np.isnan(num[CELLS.index("30,580")]) and np.isnan(num[CELLS.index("inf")])
    assert values.is_empty(series)[[CELLS.index(""), CELLS.index("114.27")]].tolist() == [
        True,
        False,
    ]


def test_fast_path_on_float_and_string_columns() -> None:
    _same(pd.Series([1.5, np.nan, 3.0, -2.25]))
    _same(pd.Series(["114.1", "30.5", "", None], dtype=object))
    _same(pd.Series([], dtype=object))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789+-.eE, °度′\"'NSEW东北１．−", max_size=8), max_size=12))
def test_fast_path_equals_cell_by_cell_on_any_text(cells: list[str]) -> None:
    _same(pd.Series(cells, dtype=object))


def test_text_column_equals_cell_by_cell() -> None:
    def slow(series: pd.Series) -> np.ndarray:  # the mapping the fast path replaces
        def one(v):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                return ""
            return values.cell_text(v).strip()

        return np.asarray(series.map(one).to_numpy(dtype=object))

    series = pd.Series(CELLS + [" 名称 ", np.str_(" x "), 12.0], dtype=object)
    assert values.text_column(series).tolist() == slow(series).tolist()
    assert values.text_column(pd.Series([1.5, np.nan])).tolist() == ["1.5", ""]
    assert values.text_column(pd.Series([], dtype=object)).tolist() == []


def test_invisible_characters_copied_with_a_value_are_ignored() -> None:
    # A zero-width space, a byte-order mark or a bidirectional mark pasted from a web page or
    # a chat: the number, the name key and the emptiness are those of the visible text.
    cells = pd.Series(["114.27\u200b", "\ufeff30.59", "1\u200e2", "\u200b", "\u202e5"])
    assert values.numeric(cells, coordinate=True).tolist()[:3] == [114.27, 30.59, 12.0]
    assert values.is_empty(cells).tolist() == [False, False, False, True, False]
    assert values.numeric(cells).tolist()[4] == 5.0
    assert values.count_text("１２\u200b人") == "12"
    assert values.key_text("民族\u200b分中心\ufeff") == values.key_text("民族分中心")
    _same(cells)
