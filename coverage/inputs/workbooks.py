"""Excel workbooks (``.xlsx`` with openpyxl, old ``.xls`` with xlrd) read as rows of text cells.

Cells come back as the text a planner sees in Excel (:func:`~coverage.inputs.values.cell_text`):
formulas give their saved values, dates their ISO form. A workbook written by a program that
stores formulas without their results is noticed here (the cells would read as empty) so that
:func:`~coverage.inputs.points.read_points` can skip those rows and ask for the file to be
saved in Excel.

Merged cells read as Excel shows them: registers merge a column down a block of rows (one
层级 cell over fifteen 分中心 rows) or a header over several columns; the value, stored in
the range's top-left cell only, is copied into the range's cells on every row that holds
something else (see :func:`fill_merged`), and a note says how many ranges were filled.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from coverage.errors import InputError, Msg
from coverage.inputs.values import cell_text, one_line

__all__ = ["workbook_cells", "fill_merged"]

#: A merged range: first row, last row, first column, last column (0-based, inclusive).
Span = tuple[int, int, int, int]


#: How many of its first rows show whether another sheet holds a register (its header).
_HEAD_ROWS = 20


def _pick_sheet(names: list[str], sheet: str | None, path: Path) -> None:
    """Fail, listing the sheets, when the requested sheet is not in the workbook."""
    if sheet is not None and sheet not in names:
        raise InputError(Msg("error.input.no_sheet", sheet=sheet, names=names), path)


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(fh: Any) -> bool:
    """Whether any worksheet of an xlsx (an open binary file) stores a formula."""
    fh.seek(0)
    with zipfile.ZipFile(fh) as archive:
        for name in archive.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            tail = b""
            with archive.open(name) as part:
                while chunk := part.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


_MERGE_REF = re.compile(
    rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?"'
)


def _column_index(letters: bytes) -> int:
    """0-based index of a column's letters (``A`` → 0, ``AA`` → 26)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n - 1


def _xlsx_merges(fh: Any, part: str | None) -> list[Span]:
    """Merged ranges of a worksheet part (``xl/worksheets/sheet1.xml``) of an open xlsx.

    The read-only reader that keeps memory low on big sheets does not report merges; they sit
    in ``<mergeCells>`` after the cell data, so the part is scanned (streamed, not parsed) for
    them.
    """
    if not part:
        return []
    fh.seek(0)
    with zipfile.ZipFile(fh) as archive:
        if part.lstrip("/") not in archive.namelist():
            return []
        found = b""
        with archive.open(part.lstrip("/")) as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                if found or b"mergeCell" in tail + chunk:
                    found += (tail if not found else b"") + chunk
                tail = chunk[-16:]
    spans = []
    for c0, r0, c1, r1 in _MERGE_REF.findall(found):
        top, left = int(r0) - 1, _column_index(c0)
        bottom, right = (int(r1) - 1, _column_index(c1)) if c1 else (top, left)
        spans.append((min(top, bottom), max(top, bottom), min(left, right), max(left, right)))
    return sorted(set(spans))


def fill_merged(cells: list[list[str]], spans: list[Span]) -> int:
    """Copy each merged range's top-left text into its other cells; how many ranges were filled.

    A row of a range is filled only where it holds something outside the range: a merge that
    runs past the last entry (``B3:B200`` over fifteen rows of data) or a section heading
    merged across the table (``一、江岸区`` over ``A5:H5``) adds no rows that look like data.
    Only the cells that were read are filled: a range reaching beyond the last row or the
    widest row does not add rows or columns. A range whose top-left cell is empty, or that
    fills no cell, does not count.
    """
    if not cells:
        return 0
    width = max(len(r) for r in cells)
    spans = [(t, min(b, len(cells) - 1), lf, min(r, width - 1)) for t, b, lf, r in spans]
    spans = [(t, b, lf, r) for t, b, lf, r in spans if t <= b and lf <= r and (t, lf) != (b, r)]
    touched = {i for t, b, _, _ in spans for i in range(t, b + 1)}
    # What each row holds before any filling, so that the order of the ranges does not matter.
    held = {i: [j for j, c in enumerate(cells[i]) if c] for i in touched}
    filled = 0
    for top, bottom, left, right in spans:
        row = cells[top]
        value = row[left] if left < len(row) else ""
        if not value:
            continue
        changed = False
        for i in range(top, bottom + 1):
            if not any(j < left or j > right for j in held[i]):
                continue
            line = cells[i]
            if len(line) <= right:
                line.extend([""] * (right + 1 - len(line)))
            changed = changed or any(c != value for c in line[left : right + 1])
            line[left : right + 1] = [value] * (right + 1 - left)
        filled += changed
    return filled


def _uncalculated(fh: Any, title: str, values: list[tuple[Any, ...]]) -> dict[tuple[int, int], str]:
    """Formula cells of sheet ``title`` without a saved value: (row index, column index) → formula.

    Programs that write workbooks (openpyxl, some exports) store formulas but not their results;
    Excel and WPS store both when they save.
    """
    import openpyxl

    if not _has_formulas(fh):
        return {}
    fh.seek(0)
    wb = openpyxl.load_workbook(fh, read_only=True, data_only=False)
    try:
        ws = wb[title]
        ws.reset_dimensions()
        out = {}
        for i, row in enumerate(ws.iter_rows(min_row=1, values_only=True)):
            for j, v in enumerate(row):
                text = getattr(v, "text", v)  # an ArrayFormula keeps its formula in .text
                saved = values[i][j] if i < len(values) and j < len(values[i]) else None
                if isinstance(text, str) and text.startswith("=") and saved is None:
                    out[(i, j)] = text
        return out
    finally:
        wb.close()


def _xlsx_cells(path: Path, sheet: str | None) -> tuple[list[list[str]], dict[str, Any]]:
    import openpyxl

    # A file object, not the name: openpyxl refuses names that do not end in .xlsx (an .xlsx
    # named .xls would get "use xlrd"); the content was checked already.
    with path.open("rb") as fh:
        try:
            # data_only: formulas give their saved values (what Excel shows), not the formula.
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except Exception as exc:  # zipfile, XML and openpyxl errors: a damaged file
            reason = f"{type(exc).__name__}: {one_line(exc)}"
            raise InputError(Msg("error.input.bad_xlsx", reason=reason), path) from exc
        try:
            names = wb.sheetnames
            _pick_sheet(names, sheet, path)
            heads: dict[str, list[list[str]]] = {}
            if sheet is not None:
                ws = wb[sheet]
            else:
                visible = [s for s in wb.worksheets if s.sheet_state == "visible"]
                ws = (visible or wb.worksheets)[0]
                # The other visible sheets' first rows: whether they hold registers too.
                for other in visible[1:]:
                    other.reset_dimensions()
                    top = other.iter_rows(min_row=1, max_row=_HEAD_ROWS, values_only=True)
                    heads[other.title] = [[cell_text(v) for v in r] for r in top]
            # Some writers store wrong sheet dimensions; without them openpyxl reads every row.
            ws.reset_dimensions()
            # iter_rows yields empty rows for gaps, so list positions are Excel row numbers - 1.
            values = list(ws.iter_rows(min_row=1, values_only=True))
            marks = _uncalculated(fh, ws.title, values)
            merges = _xlsx_merges(fh, getattr(ws, "_worksheet_path", None))
        except InputError:
            raise
        except Exception as exc:
            reason = f"{type(exc).__name__}: {one_line(exc)}"
            raise InputError(Msg("error.input.bad_xlsx_sheet", reason=reason), path) from exc
        finally:
            wb.close()
    cells = [[cell_text(v) for v in r] for r in values]
    info = {"format": "xlsx", "sheet": ws.title, "sheets": names, "formulas": marks}
    info["heads"] = heads
    return cells, _merged_note(info, fill_merged(cells, merges))


def _merged_note(info: dict[str, Any], filled: int) -> dict[str, Any]:
    """``info`` with a note on how many merged ranges were filled, when there were any."""
    if filled:
        info.setdefault("notes", []).append(Msg("problem.merged_filled", n=filled))
    return info


def _xls_cells(path: Path, sheet: str | None) -> tuple[list[list[str]], dict[str, Any]]:
    import xlrd

    try:
        try:
            # formatting_info: the only way xlrd reports merged cells (sheet.merged_cells).
            book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=True)
        except Exception:  # formatting records xlrd cannot parse: read the cells without them
            book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors: a damaged file
        hint = (
            Msg("error.input.xls_password")
            if "encrypt" in str(exc).lower() or "find workbook" in str(exc).lower()
            else ""
        )
        msg = Msg("error.input.bad_xls", reason=one_line(exc), hint=hint)
        raise InputError(msg, path) from exc
    try:
        names = book.sheet_names()
        _pick_sheet(names, sheet, path)
        heads: dict[str, list[list[str]]] = {}
        if sheet is not None:
            ws = book.sheet_by_name(sheet)
        else:  # the first visible sheet, as Excel opens it (a hidden one may come first)
            sheets = [book.sheet_by_index(i) for i in range(len(names))]
            visible = [s for s in sheets if s.visibility == 0]
            ws = (visible or sheets)[0]
            for other in visible[1:]:  # do they hold registers too?
                top = range(min(other.nrows, _HEAD_ROWS))
                heads[other.name] = [[cell_text(c.value) for c in other.row(r)] for r in top]
        cells = []
        for r in range(ws.nrows):
            row = []
            for c in ws.row(r):
                if c.ctype == xlrd.XL_CELL_DATE:
                    try:
                        when = xlrd.xldate.xldate_as_datetime(c.value, book.datemode)
                    except (ValueError, OverflowError):
                        when = c.value  # not a date Python can hold: keep the serial number
                    row.append(cell_text(when))
                elif c.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(cell_text(bool(c.value)))
                elif c.ctype == xlrd.XL_CELL_ERROR:
                    row.append(xlrd.error_text_from_code.get(c.value, "#ERROR"))
                else:
                    row.append(cell_text(c.value))
            cells.append(row)
        # xlrd's ranges are (first row, row after last, first column, column after last).
        spans = [(r0, r1 - 1, c0, c1 - 1) for r0, r1, c0, c1 in ws.merged_cells]
        info = {"format": "xls", "sheet": ws.name, "sheets": names, "heads": heads}
        return cells, _merged_note(info, fill_merged(cells, spans))
    except InputError:
        raise
    except Exception as exc:
        raise InputError(Msg("error.input.bad_xls_sheet", reason=one_line(exc)), path) from exc
    finally:
        book.release_resources()


def workbook_cells(
    path: Path, kind: str, sheet: str | None
) -> tuple[list[list[str]], dict[str, Any]]:
    """Cells of a workbook by its content (``kind``: ``"xlsx"`` or ``"xls"``, from its first bytes).

    A wrong file name is noted.
    """
    cells, info = _xlsx_cells(path, sheet) if kind == "xlsx" else _xls_cells(path, sheet)
    suffix = path.suffix.lower()
    if suffix not in ((".xlsx", ".xlsm") if kind == "xlsx" else (".xls",)):
        info["notes"] = [
            Msg("problem.workbook_named", kind=kind, suffix=suffix)
            if suffix
            else Msg("problem.workbook_no_suffix", kind=kind),
            *info.get("notes", []),
        ]
        info["format"] = f"{kind} (named {suffix})"
    return cells, info
