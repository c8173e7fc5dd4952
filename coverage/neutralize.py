"""Text that a spreadsheet will show but never evaluate: OWASP's CSV-injection rule.

CSV files are opened in spreadsheets, which evaluate a cell that starts like a formula. Text
that came from the planner's files (names, addresses, sub-districts, file names) is therefore
written through :func:`neutralize_text`: a leading ``'`` on text that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return (or their full-width forms).

A rule about cells, apart from how a file is written: :func:`coverage.io.write_csv` neutralises
a table here, the workbook cells (:mod:`coverage.xlsx`) take :func:`formula_like` to set Excel's
quote prefix instead, and the layer writers (:mod:`coverage.layer_files`) find text columns with
:func:`may_hold_text`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

__all__ = [
    "FORMULA_STARTS",
    "formula_like",
    "neutralize_text",
    "neutralize_frame",
    "may_hold_text",
]


#: First characters that make a spreadsheet read a cell as a formula (OWASP), with their
#: full-width forms, which Excel in Chinese and Japanese locales converts as it parses input.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")

# A plain decimal number ("-5", "+1.5e3") is read as that number, never as a formula.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula?

    True when its first character, or its first one after leading white space (importers may
    trim it), is one of :data:`FORMULA_STARTS`, unless the text is a plain number.

    Parameters
    ----------
    text
        A cell's text.

    Returns
    -------
    bool
        Whether it would be read as a formula.
    """
    first = text[:1]
    if first not in FORMULA_STARTS:
        first = text.lstrip()[:1]
        if first not in FORMULA_STARTS:
            return False
    return _NUMBER.fullmatch(text.strip()) is None


def neutralize_text(value: Any) -> Any:
    """``value`` as a spreadsheet will show it but never evaluate it.

    Text that :func:`formula_like` flags gets a leading ``'`` (OWASP's rule: Excel and
    LibreOffice show the rest as text and the text stays readable); anything else, numbers
    included, is returned unchanged.

    Parameters
    ----------
    value
        A cell value.

    Returns
    -------
    Any
        ``"'" + value`` for formula-like text, else ``value``.
    """
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`neutralize_text`-ed.

    Numeric, boolean and date columns are left as they are: a number is never a formula.

    Parameters
    ----------
    frame
        A table about to be written.

    Returns
    -------
    DataFrame
        The neutralised copy.
    """
    out = frame.rename(columns=neutralize_text)
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if may_hold_text(s):
            out.isetitem(i, s.map(neutralize_text))
    return out


def may_hold_text(s: pd.Series) -> bool:
    """Whether ``s`` may hold text: not a numeric, boolean, date or duration column.

    Parameters
    ----------
    s
        A column.

    Returns
    -------
    bool
        False when its type rules text out.
    """
    t = s.dtype
    return not (
        pd.api.types.is_numeric_dtype(t)
        or pd.api.types.is_bool_dtype(t)
        or pd.api.types.is_datetime64_any_dtype(t)
        or pd.api.types.is_timedelta64_dtype(t)
    )
