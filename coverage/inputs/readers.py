"""Reading files as they are: CSV in any of the encodings Excel saves, Excel by content, GIS files.

:func:`read_table` turns a file into a frame of text cells (tables) or features (GIS) with the
row number a planner sees in the source, before any column is interpreted; bidirectional
controls and zero-width spaces (:data:`~coverage.vocab.UNSEEN`) are taken out of every text,
and other control characters become a space (:mod:`coverage.inputs.cells`).
Tables: the header is looked for in the first rows (registers often start with a title row),
blank rows are skipped but keep their numbers, and a CSV row with more values than the header
is reported, not read shifted. :func:`read_frame` is the same for callers that want the raw table.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from coverage.errors import InputError, Msg, Problem
from coverage.inputs.cells import clean_cell, clean_name, without_unseen
from coverage.inputs.columns import header_hints, normalize_column
from coverage.inputs.values import one_line
from coverage.inputs.workbooks import workbook_cells

__all__ = [
    "TABULAR",
    "EXCEL",
    "GIS",
    "Table",
    "read_table",
    "read_frame",
    "read_features",
    "without_unseen",
    "clean_cell",
    "clean_name",
]

TABULAR = (".csv", ".txt", ".tsv")
EXCEL = (".xlsx", ".xlsm", ".xls")
GIS = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".parquet", ".zip")

#: Column headers are looked for in the first rows: registers often start with a title row.
_HEADER_SEARCH_ROWS = 30


@dataclass
class Table:
    """A file read as text cells (tables) or features (GIS), before interpretation."""

    frame: pd.DataFrame
    rows: np.ndarray  # row number the planner sees, per frame row
    problems: list[Problem] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive (xlsx); the second one is empty
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file (xls, encrypted xlsx)
#: Bytes that never occur in UTF-8 or GB18030 text except as whitespace: a file that has them
#: in its first few kilobytes is binary.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")


def _sniff(path: Path) -> str:
    """What a file is by its first bytes: ``xlsx``, ``xls``, ``html``, ``binary`` or ``text``."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if head.lstrip(codecs.BOM_UTF8).lstrip().startswith(b"<"):
        return "html"
    return "binary" if _CONTROL.search(head) else "text"


def _decode(raw: bytes, path: Path, encoding: str | None, hints: set[str]) -> tuple[str, str]:
    """Text of a CSV file and the encoding used.

    Tried: the given one, or UTF-8 (BOM or not), UTF-16 (with BOM, Excel's "Unicode text"), then
    GB18030 (a superset of GBK and GB2312), trusted only when the text reads as Chinese
    (:func:`_misread`): almost any bytes decode as GB18030.
    """
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            msg = Msg("error.input.wrong_encoding", encoding=encoding, reason=exc)
            raise InputError(msg, path) from exc
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(Msg("error.input.bad_utf16", reason=exc), path) from exc
    try:
        text = raw.decode("utf-8-sig")
        return text, "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        if _CONTROL.search(raw[:4096]):
            raise InputError(Msg("error.input.binary_csv"), path) from exc
        raise InputError(Msg("error.input.not_utf8_gbk", reason=exc), path) from exc
    if _misread(text, hints):
        raise InputError(Msg("error.input.not_gbk_text"), path)
    return text, "gb18030"


#: Characters a Chinese register does not hold but other encodings' bytes read as GB18030 give:
#: Big5's commonest characters (lead bytes A4-AF) become kana, Greek, Cyrillic, zhuyin, box
#: drawing and private-use characters (GBK's user-defined areas).
_MISREAD = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f\ue000-\uf8ff]")
#: Share of such characters among the non-ASCII ones above which GB18030 text is not trusted;
#: Big5 text gives about 40 %, real GBK registers none.
_MISREAD_SHARE = 0.05


def _misread(text: str, hints: set[str]) -> bool:
    """Whether GB18030 ``text`` is really another encoding's bytes (Big5, most often).

    A recognised Chinese column name in the first rows settles it as read; otherwise the text
    is misread when more than :data:`_MISREAD_SHARE` of its non-ASCII characters are ones
    Chinese registers do not hold (:data:`_MISREAD`).
    """
    head = text[:65536]
    for line in head.splitlines()[: _HEADER_SEARCH_ROWS * 2]:
        for cell in re.split(r"[,\t;|]", line):
            cell = cell.strip().strip('"')
            if not cell.isascii() and normalize_column(cell) in hints:
                return False
    wide = sum(not c.isascii() for c in head)
    return wide > 0 and len(_MISREAD.findall(head)) > _MISREAD_SHARE * wide


def _delimiter(text: str, suffix: str) -> str:
    """The field separator.

    The one that splits the largest share of early records into the same number of fields (a
    title row or a stray semicolon in one cell does not decide it); commas win ties. A share,
    not a count: a separator that also splits quoted cells (a tab, a line break in an address)
    cuts one record into several and must not win by numbers.
    """
    if suffix == ".tsv":
        return "\t"
    best, best_score = ",", (0.0, 0)
    for sep in (",", "\t", ";", "|"):
        # Records, not lines: a quoted cell may hold a line break (Alt+Enter in Excel, a CR).
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        try:
            records = list(itertools.islice(reader, _HEADER_SEARCH_ROWS * 2))
        except csv.Error:
            continue
        counts = [len(r) for r in records if len(r) > 1]
        if not counts:
            continue
        width, agree = Counter(counts).most_common(1)[0]
        score = (agree / len(records), width)
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv_cells(
    path: Path, encoding: str | None, hints: set[str]
) -> tuple[list[list[str]], dict[str, Any]]:
    """Records of a CSV file as lists of text cells, and how it was read.

    ``hints``: normalised column names that tell a CSV file read right (:func:`_decode`).
    """
    raw = path.read_bytes()
    text, used = _decode(raw, path, encoding, hints)
    sep = _delimiter(text, path.suffix.lower())
    cells: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for record in reader:
            cells.append(record)
    except csv.Error as exc:
        # The record being read is the next row (rows are records, as a spreadsheet numbers
        # them); a value over the limit almost always means a quote that is never closed.
        if "field larger than field limit" in str(exc):
            msg = Msg(
                "error.input.value_too_long", limit=csv.field_size_limit(), line=reader.line_num
            )
        else:
            msg = Msg("error.input.csv_unparsable", line=reader.line_num, reason=one_line(exc))
        raise InputError(msg, path, row=len(cells) + 1) from exc
    return cells, {"format": "csv", "encoding": used, "delimiter": sep}


def _single_table(path: Path, layer: str | None, named: str = "") -> None:
    """A CSV file has one table: a sheet or layer asked of it is an error, not ignored.

    ``named``: the spreadsheet extension a CSV file has (``".xls"``), which the planner sees.
    """
    if layer is None:
        return
    if named:  # the planner sees a workbook: say that its content is CSV text
        raise InputError(Msg("error.input.layer_of_csv_named", layer=layer, suffix=named), path)
    raise InputError(Msg("error.input.layer_of_csv", layer=layer), path)


def _excel_cells(
    path: Path, sheet: str | None, encoding: str | None, hints: set[str]
) -> tuple[list[list[str]], dict[str, Any]]:
    """Cells of a file with a spreadsheet name (``.xlsx``, ``.xls``), read by its content."""
    # Go by content, not name: ".xls" downloads from web systems are often CSV, HTML or xlsx.
    kind = _sniff(path)
    if kind in ("xlsx", "xls"):
        return workbook_cells(path, kind, sheet)
    if kind == "html":
        raise InputError(Msg("error.input.html_as_excel"), path)
    if kind == "binary":
        raise InputError(Msg("error.input.not_a_workbook", suffix=path.suffix), path)
    _single_table(path, sheet, named=path.suffix)
    cells, info = _csv_cells(path, encoding, hints)
    info["format"] = f"csv (named {path.suffix})"
    return cells, info


def _table(
    cells: list[list[str]],
    path: Path,
    hints: set[str],
    *,
    strict_width: bool,
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, list[Problem], dict[str, Any]]:
    """Frame of text cells from raw rows: find the header, number the rows, skip blank ones.

    ``strict_width``: a row with more values than the header is skipped (CSV: an unquoted comma
    has shifted the values); otherwise (Excel) extra columns are kept as unnamed columns.
    ``formulas``: cells (row and column index) that hold a formula without a saved value; they
    come back in ``info["uncalculated"]`` as (row number, column name) → formula.
    """
    # A bidirectional control would show a name reversed in every output, a zero-width space
    # make it a look-alike of another (coverage.vocab.UNSEEN); other controls: clean_cell.
    cells = [[clean_cell(str(c)) for c in r] for r in cells]
    nonblank = [i for i, r in enumerate(cells) if any(r)]
    if not nonblank:
        raise InputError(Msg("error.input.empty_file"), path)
    header_at = nonblank[0]

    def known(i: int) -> int:
        return sum(normalize_column(c) in hints for c in cells[i] if c)

    for k, i in enumerate(nonblank[:_HEADER_SEARCH_ROWS]):
        if known(i) >= 2:
            header_at = i
            # A two-row header (坐标 merged over 经度 | 纬度, 名称 merged down both rows):
            # the lower row, which names more columns, is the header.
            if k + 1 < len(nonblank) and known(nonblank[k + 1]) > known(i):
                header_at = nonblank[k + 1]
            break
    header = list(cells[header_at])
    data_at = [i for i in nonblank if i > header_at]
    problems: list[Problem] = []
    width = len(header)
    if not strict_width:
        width = max([width, *(len(cells[i]) for i in data_at)])
    # Unnamed header cells get a name a planner can find: the column's position.
    names: list[str] = []
    seen: dict[str, int] = {}
    for j in range(width):
        name = header[j] if j < len(header) and header[j] else f"column {j + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    keep_rows: list[list[str]] = []
    numbers: list[int] = []
    for i in data_at:
        row = cells[i]
        if len(row) > width and any(row[width:]):
            problems.append(
                Problem(
                    path,
                    i + 1,
                    None,
                    Msg("problem.row_too_wide", n=len(row), width=width),
                )
            )
            continue
        keep_rows.append((row + [""] * width)[:width])
        numbers.append(i + 1)
    frame = pd.DataFrame(keep_rows, columns=names, dtype=object)
    # Drop columns that are unnamed and empty (Excel's formatted but unused columns).
    empty_unnamed = [
        n for j, n in enumerate(names) if n == f"column {j + 1}" and not frame[n].astype(bool).any()
    ]
    frame = frame.drop(columns=empty_unnamed)
    kept = set(numbers)
    uncalculated = {
        (i + 1, names[j]): f
        for (i, j), f in sorted((formulas or {}).items())  # row by row, left to right
        if i + 1 in kept and j < width
    }
    info = {
        "header_row": header_at + 1,
        "rows_read": len(data_at),
        "blank_rows": sum(1 for i in range(header_at + 1, len(cells)) if not any(cells[i])),
        "uncalculated": uncalculated,
    }
    return frame, np.asarray(numbers, dtype=int), problems, info


def _gis(
    path: Path, layer: str | None, encoding: str | None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Features of a GIS file (first layer of a GeoPackage or zip unless ``layer`` is given)."""
    import pyogrio

    suffix = path.suffix.lower()
    info: dict[str, Any] = {"format": suffix.lstrip(".")}
    if suffix == ".parquet":
        try:
            return without_unseen(gpd.read_parquet(path)), info
        except ValueError:  # a plain (non-geo) Parquet table
            return without_unseen(pd.read_parquet(path)), info
    kwargs: dict[str, Any] = {}
    if layer is None and suffix in (".gpkg", ".zip"):
        layers = pyogrio.list_layers(path)
        if len(layers):
            layer = str(layers[0][0])
            info["layers"] = [str(n) for n in layers[:, 0]]
    if layer is not None:
        kwargs["layer"] = layer
        info["layer"] = layer
    if encoding:
        kwargs["encoding"] = encoding
        info["encoding"] = encoding
    frame, guessed = read_features(path, **kwargs)
    if guessed is not None:
        info["encoding"] = guessed
    return frame, info


def read_features(path: Path, **kwargs: Any) -> tuple[gpd.GeoDataFrame, str | None]:
    """``geopandas.read_file``, and the encoding guessed for a shapefile without a ``.cpg``.

    Without a ``.cpg``, GDAL reads the DBF as Latin-1 and Chinese names become mojibake;
    Chinese shapefiles are GBK as often as UTF-8, so UTF-8 is tried, then GB18030. Used for
    point layers and boundaries (areas, sub-districts, an audit's districts) alike. Text
    attributes lose their bidirectional controls and zero-width spaces, as table cells do
    (:func:`without_unseen`).
    """
    cpg = any(path.with_suffix(s).exists() for s in (".cpg", ".CPG"))
    if path.suffix.lower() == ".shp" and "encoding" not in kwargs and not cpg:
        for enc in ("utf-8", "gb18030"):
            try:
                return without_unseen(gpd.read_file(path, encoding=enc, **kwargs)), enc
            except UnicodeDecodeError:
                continue
    return without_unseen(gpd.read_file(path, **kwargs)), None


def read_table(path: Path, layer: str | None, encoding: str | None, hints: set[str]) -> Table:
    """Read any supported file as text cells or features, numbering rows as the planner sees them.

    ``hints`` are normalised column names that mark the header row
    (:func:`~coverage.inputs.columns.header_hints`).
    Every failure is an :class:`~coverage.errors.InputError` naming the file.
    """
    if not path.exists():
        raise InputError(Msg("error.input.file_not_found"), path)
    suffix = path.suffix.lower()
    try:
        if suffix in TABULAR or suffix in EXCEL:
            kind = _sniff(path) if suffix in TABULAR else None
            if kind in ("xlsx", "xls"):  # a workbook renamed .csv
                cells, info = workbook_cells(path, kind, layer)
            elif suffix in TABULAR:
                _single_table(path, layer)
                cells, info = _csv_cells(path, encoding, hints)
            else:
                cells, info = _excel_cells(path, layer, encoding, hints)
            frame, rows, problems, more = _table(
                cells,
                path,
                hints,
                strict_width=info["format"] == "csv",
                formulas=info.pop("formulas", None),
            )
            notes = [Problem(path, None, None, n, action="kept") for n in info.pop("notes", [])]
            return Table(frame, rows, notes + problems, {**info, **more})
        if suffix in GIS:
            frame, info = _gis(path, layer, encoding)
            info["rows_read"] = len(frame)
            # Feature numbers as in a GIS attribute table (1-based).
            return Table(frame, np.arange(1, len(frame) + 1), [], info)
    except InputError:
        raise
    except Exception as exc:  # any reader failure is a problem of this file
        msg = Msg("error.input.unreadable", reason=one_line(exc), suffix=suffix)
        raise InputError(msg, path) from exc
    raise InputError(Msg("error.input.unsupported_type", suffix=suffix), path)


def read_frame(
    path: str | Path, layer: str | None = None, *, encoding: str | None = None
) -> pd.DataFrame:
    """Read a table or GIS file as it is, without interpreting columns.

    Tables come back as text cells with the header found (title rows above it are skipped);
    ``frame.attrs`` holds ``encoding``, ``sheet``, ``header_row`` and ``rows`` (the row number
    of each frame row as a spreadsheet shows it). ``layer`` is the sheet of a workbook or the
    layer of a GeoPackage.

    Parameters
    ----------
    path
        A CSV, Excel or GIS file.
    layer
        Workbook sheet or GeoPackage layer (default: the first).
    encoding
        Text encoding of a CSV file (default: detected: UTF-8, UTF-16 or GBK/GB18030).

    Returns
    -------
    DataFrame
        The rows as they are (a GeoDataFrame for GIS files).
    """
    table = read_table(Path(path), layer, encoding, header_hints(None))
    frame = table.frame
    frame.attrs.update(table.info)
    frame.attrs["rows"] = table.rows.tolist()
    return frame
