"""Cells of our ``.xlsx`` workbooks, written with XlsxWriter: text stays text, numbers numbers.

Every workbook we write (``coverage.xlsx``, ``plan.xlsx`` through :mod:`coverage.excel`, the
audit's ``districts.xlsx``) writes its cells here. XlsxWriter streams rows to disk
(``constant_memory``), like openpyxl's write-only mode, but formats each cell's XML as one string
instead of serialising an element tree: ``coverage.xlsx`` of the sample is written in half
the time (``benchmarks/RESULTS.md``, 2026-12-05). openpyxl still reads workbooks.

Text is data, never a formula: text is written with ``write_string`` only (never ``write``,
which would turn ``=…`` into a formula), and text a spreadsheet would parse as a formula when
edited (:func:`coverage.neutralize.formula_like`) gets Excel's quote prefix: the cell shows the
text unchanged and Excel keeps it text. ``#N/A``-like text stays text. Characters XML cannot hold
become "�" instead of aborting the workbook. Text longer than Excel's 32,767 characters is cut
when written, ending with "…", and the workbook's :meth:`Book.close` logs a warning per sheet
and column naming the rows cut: never silently.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import numbers
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd

from coverage.errors import Msg, first_rows
from coverage.neutralize import formula_like

__all__ = [
    "MAX_TEXT",
    "TIME_FORMATS",
    "Book",
    "Sheet",
    "cell_value",
    "clip",
    "column_cells",
    "pixels",
]

log = logging.getLogger(__name__)

#: Excel's limit on a cell's text, in UTF-16 units (a character above U+FFFF counts two).
MAX_TEXT = 32767

#: Number formats of dates and times: what openpyxl gave them, so a date shows as a date.
TIME_FORMATS: tuple[tuple[type, str], ...] = (
    (dt.datetime, "yyyy-mm-dd h:mm:ss"),  # before dt.date: a datetime is a date too
    (dt.date, "yyyy-mm-dd"),
    (dt.time, "h:mm:ss"),
    (dt.timedelta, "[hh]:mm:ss"),
)

#: Characters XML 1.0 cannot hold (``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``).
_ILLEGAL_CHARS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

#: Excel's column width unit is the width of a digit, 7 pixels in Calibri 11; XlsxWriter stores
#: ``pixels / 7`` as the width, so ``7 * width`` pixels keep a whole width exactly.
_DIGIT_PIXELS = 7


def pixels(width: int) -> int:
    """Pixels that XlsxWriter stores as a column ``width`` (in characters) unchanged."""
    return _DIGIT_PIXELS * width


def clip(text: str, units: int) -> str:
    """The start of ``text`` that fits in ``units`` UTF-16 units (Excel counts lengths in them).

    A character above U+FFFF counts two and is never cut in half.
    """
    if len(text) <= units // 2:  # two units at most per character: it fits
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    # "ignore" drops half of a pair cut in two
    return text if len(data) <= 2 * units else data[: 2 * units].decode("utf-16-le", "ignore")


def _fits(text: str) -> bool:
    """Whether ``text`` is within Excel's limit on a cell's text."""
    return len(text) <= MAX_TEXT // 2 or len(clip(text, MAX_TEXT)) == len(text)


def _text(text: str) -> str:
    """Text as a cell holds it: see :func:`cell_value`."""
    if "\r" in text:
        # Line ends as XML reads them (openpyxl wrote "\r" raw, read back as "\n"); XlsxWriter
        # would escape "\r" as "_x000D_", which only Excel decodes.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL_CHARS.sub("\ufffd", text)


def cell_value(v: Any) -> Any:
    """A value a cell can hold: NaN/NaT/None → None (an empty cell), numpy scalars plain ones.

    Text loses characters XML cannot hold (shown as "�") and has its line ends as line feeds;
    an infinite number becomes the text ``inf`` (Excel cannot store it). Text over Excel's
    limit is cut when a :class:`Sheet` writes it, where the cell is known.
    """
    kind = type(v)
    if kind is float:  # most cells: a fast path with the same answers as below
        return v if math.isfinite(v) else (None if v != v else str(v))
    if kind is str:
        return _text(v)
    if kind is int or kind is bool or v is None:
        return v
    if not isinstance(v, str) and pd.isna(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, str):
        return _text(v)
    return v


def column_cells(column: pd.Series) -> list[Any]:
    """A column's cells as :func:`cell_value` gives them, cell by cell, in one pass per column.

    A column of a clean dtype (floats without infinities, integers, booleans) needs no test per
    cell: its values come out of numpy as Python numbers at once and only its missing cells
    become None. Other columns take :func:`cell_value` per cell, text once per distinct text.

    Parameters
    ----------
    column
        A table's column.

    Returns
    -------
    list
        ``[cell_value(v) for v in column]``.
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        values = column.to_numpy()
        if dtype.kind == "f":
            missing = np.isnan(values)
            if np.isinf(values).any():  # "inf" text: not a clean column
                return [cell_value(v) for v in column]
        else:
            missing = np.zeros(len(values), dtype=bool)
        return _with_none(values.tolist(), missing)
    if pd.api.types.is_signed_integer_dtype(dtype):  # Int64 & co (int64 holds them): NA empty
        missing = column.isna().to_numpy()
        return _with_none(column.to_numpy(dtype="int64", na_value=0).tolist(), missing)
    texts: dict[str, str] = {}
    out = []
    for v in column:
        if type(v) is str:
            w = texts.get(v)
            if w is None:
                w = texts[v] = _text(v)
            out.append(w)
        else:
            out.append(cell_value(v))
    return out


def _with_none(values: list[Any], missing: np.ndarray) -> list[Any]:
    """``values`` with None where ``missing``, in place."""
    for k in np.flatnonzero(missing).tolist():
        values[k] = None
    return values


def _looks_rich(text: str) -> bool:
    """Would XlsxWriter take ``text`` for rich-text XML (``<r>…</r>``) and write it unescaped?"""
    return text.startswith("<r>") and text.endswith("</r>")


def _plain_text(text: str) -> bool:
    """Is ``text`` written as it is, without a style or a cut (see :meth:`Sheet.text`)?"""
    return bool(text) and not _looks_rich(text) and not formula_like(text) and _fits(text)


class Book:
    """A workbook being written to ``path`` (on :meth:`close`), its rows streamed to disk.

    Cell formats are made once each (XlsxWriter wants one object per style). Only typed writes
    are used (:class:`Sheet`); the options below keep even ``write()`` from turning text into
    formulas, links or numbers. Used as a context manager: the file is written on a clean exit,
    and the sheets' streamed rows (temporary files) are removed either way.

    Parameters
    ----------
    path
        The file to write (a temporary one of :func:`coverage.io.write_with`).
    name
        The workbook as its warnings name it (default: ``path``'s file name).
    """

    def __init__(self, path: Path, name: str | None = None) -> None:
        import xlsxwriter

        options = {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        # constant_memory streams each sheet's rows to a named temporary file that only close()
        # removes: kept in a folder of our own, removed even when writing stops half-way (Ctrl-C)
        self._tmp = tempfile.TemporaryDirectory(prefix="coverage-xlsx-")
        self.book = xlsxwriter.Workbook(str(path), {**options, "tmpdir": self._tmp.name})
        self._styles: dict[tuple[str | None, bool, bool], Any] = {}
        self.name = Path(path).name if name is None else name
        self._sheets: list[Sheet] = []

    def sheet(self, title: str) -> Sheet:
        """A new sheet (``title`` valid and unique: XlsxWriter refuses others)."""
        sheet = Sheet(self, self.book.add_worksheet(title))
        self._sheets.append(sheet)
        return sheet

    def style(
        self, number_format: str | None = None, *, quote: bool = False, bold: bool = False
    ) -> Any:
        """The cell format with these properties (None: Excel's default)."""
        key = (number_format, quote, bold)
        if key not in self._styles:
            props: dict[str, Any] = {}
            if number_format is not None:
                props["num_format"] = number_format
            if quote:
                props["quote_prefix"] = True
            if bold:
                props.update(bold=True, valign="vcenter")
            self._styles[key] = self.book.add_format(props) if props else None
        return self._styles[key]

    def close(self) -> None:
        """Write the file; then say which cells' text was cut at Excel's limit, if any.

        Raises
        ------
        OSError
            When it cannot be written (XlsxWriter's ``FileCreateError`` unwrapped, so that
            :func:`coverage.io.atomic_path` reports it in one line, as every other file).
        """
        from xlsxwriter.exceptions import FileCreateError

        try:
            self.book.close()
        except FileCreateError as exc:
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from exc
            raise
        finally:
            self.discard()
        from xlsxwriter.utility import xl_col_to_name

        for sheet in self._sheets:
            for col, rows in sheet.cut.items():
                column = sheet.heads.get(col) or xl_col_to_name(col)
                msg = Msg(
                    "error.output.cells_cut",
                    book=self.name,
                    sheet=sheet.ws.name,
                    column=column,
                    n=len(rows),
                    rows=first_rows(rows, count=False),
                    limit=MAX_TEXT,
                )
                log.warning(msg)

    def discard(self) -> None:
        """Remove the sheets' streamed rows (after :meth:`close`, or instead of it)."""
        for ws in self.book.worksheets():
            fh = getattr(ws, "row_data_fh", None)
            if fh is not None and not fh.closed:
                fh.close()
        self._tmp.cleanup()

    def __enter__(self) -> Book:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()


class Sheet:
    """One worksheet of a :class:`Book`, written row by row (rows in order).

    Parameters
    ----------
    book
        Its workbook.
    ws
        The XlsxWriter worksheet.
    """

    def __init__(self, book: Book, ws: Any) -> None:
        self.ws = ws
        self.style = book.style
        #: Header texts (row 0), by column: what a warning calls a column.
        self.heads: dict[int, str] = {}
        #: Rows (as Excel numbers them) whose text was cut at Excel's limit, by column.
        self.cut: dict[int, list[int]] = {}

    def text(self, row: int, col: int, text: str, *, bold: bool = False) -> None:
        """``text`` as a string cell, quote-prefixed if it looks like a formula.

        Text over Excel's limit is cut, ending with "…", and the cell recorded (:attr:`cut`).
        XlsxWriter writes a string that starts with ``<r>`` and ends with ``</r>`` as rich-text
        XML, unescaped: such text goes in as plain runs instead, which it escapes (the cell
        reads the same text).
        """
        if row == 0:
            self.heads[col] = text
        if not _fits(text):
            text = clip(text, MAX_TEXT - 1) + "…"
            self.cut.setdefault(col, []).append(row + 1)
        style = self.style(quote=formula_like(text), bold=bold)
        if not text:  # an empty cell, as openpyxl wrote "": no empty string for COUNTA to count
            if style is not None:
                self.ws.write_blank(row, col, None, style)
        elif _looks_rich(text):
            parts = [text[:1], text[1:2], text[2:]]  # XlsxWriter wants three parts at least
            self.ws.write_rich_string(row, col, *parts, *([] if style is None else [style]))
        else:
            self.ws.write_string(row, col, text, style)

    def value(self, row: int, col: int, v: Any, number_format: str | None = None) -> None:
        """One cell (``v`` through :func:`cell_value` first): a number gets ``number_format``."""
        if v is None:
            return
        if isinstance(v, str):
            self.text(row, col, v)
        elif isinstance(v, bool):
            self.ws.write_boolean(row, col, bool(v))
        elif isinstance(v, numbers.Real):
            self.ws.write_number(row, col, v, self.style(number_format))
        elif isinstance(v, dt.date | dt.time | dt.timedelta):
            fmt = next(f for kind, f in TIME_FORMATS if isinstance(v, kind))
            self.ws.write_datetime(row, col, v, self.style(fmt))
        else:
            self.text(row, col, cell_value(str(v)))

    def rows(
        self, rows: Iterable[Sequence[Any]], formats: Sequence[str | None], first: int = 1
    ) -> None:
        """Body rows from row ``first`` on (values through :func:`cell_value`), column formats.

        The common cells (plain floats, ints and booleans, plain text) are written without
        :meth:`value`'s and :meth:`text`'s dispatch: this loop is most of a workbook's time
        (:func:`column_cells` prepares them column by column). Whether a text is
        plain (not empty, no formula, no rich-text look) is decided once per distinct text: the
        tables repeat a few words over thousands of rows.
        """
        styles = [self.style(f) for f in formats]
        ws = self.ws
        # XlsxWriter's public writers: its private undecorated ones would save ~9 % of a large
        # sheet's time, but may change in any release
        write_number, write_string, write_boolean = (
            ws.write_number,
            ws.write_string,
            ws.write_boolean,
        )
        text, value = self.text, self.value
        plain: dict[str, bool] = {}
        for i, vals in enumerate(rows, start=first):
            for j, v in enumerate(vals):
                kind = type(v)
                if kind is float or kind is int:
                    write_number(i, j, v, styles[j])
                elif kind is bool:
                    write_boolean(i, j, v)
                elif kind is str:
                    ok = plain.get(v)
                    if ok is None:
                        ok = plain[v] = _plain_text(v)
                    if ok:
                        write_string(i, j, v)
                    else:
                        text(i, j, v)
                elif v is not None:
                    value(i, j, v, formats[j])

    def widths(self, widths: Iterable[int]) -> None:
        """Column widths in characters (stored exactly, see :func:`pixels`)."""
        for j, w in enumerate(widths):
            self.ws.set_column_pixels(j, j, pixels(w))
