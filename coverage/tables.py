"""Reading point layers (facilities, demand, candidate sites) from tables and GIS files.

Every layer comes out the same way: a GeoDataFrame in WGS-84 with standard column names
(``name``, ``tier``, ``type``, ``services``, ``capacity``, ``weight``, ``address`` and, when the
file has them, ``id``, ``area``, ``district``, ``subdistrict``) and ``row``, the row number a
planner sees in the source (spreadsheet row with the header on its own row, as Excel numbers
it; feature number in GIS files), so every later message can point back to the file and row.

Registers in China come as Excel workbooks (``.xlsx`` and old ``.xls``), CSV files saved by
Excel in UTF-8, UTF-8 with BOM or GBK/GB18030, and GIS files; coordinates may be WGS-84, GCJ-02
(Amap/Gaode, Tencent), BD-09 (Baidu) or a projected CRS. :func:`read_points` reads them all,
recognises the usual Chinese and English column names, converts the coordinates to WGS-84 and
records how it read the file in ``gdf.attrs`` (see :func:`describe_columns`), so the planner can
check that the right columns and encoding were used.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS, Transformer

from coverage import datum as datum_mod
from coverage.errors import InputError, Problem

__all__ = [
    "TABULAR",
    "EXCEL",
    "GIS",
    "ALIASES",
    "NUMERIC_FIELDS",
    "normalize_column",
    "resolve_columns",
    "read_frame",
    "read_points",
    "describe_columns",
]

log = logging.getLogger(__name__)

TABULAR = (".csv", ".txt", ".tsv")
EXCEL = (".xlsx", ".xlsm", ".xls")
GIS = (".geojson", ".json", ".gpkg", ".shp", ".fgb", ".parquet", ".zip")

#: Recognised column names for each standard field, compared after normalising (Unicode NFKC,
#: lower case, no spaces, no bracketed units such as "面积（㎡）" and no datum tags such as
#: "WGS84_" in "WGS84_Lng" — see :func:`normalize_column`). Earlier names win when a file has
#: several candidates.
ALIASES: dict[str, tuple[str, ...]] = {
    "lon": (
        "lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标", "坐标x", "经度坐标",
        "point_x", "pointx",
    ),
    "lat": (
        "lat", "latitude", "y", "纬度", "北纬", "y坐标", "坐标y", "纬度坐标", "point_y", "pointy",
    ),
    "name": (
        "name", "名称", "站点名称", "单位名称", "设施名称", "阵地名称", "服务站名称", "企业名称",
        "名字", "facility", "site", "site_name", "站点",
    ),
    "id": ("id", "编号", "站点编号", "代码", "code"),
    "tier": ("tier", "level", "层级", "级别", "等级", "类别"),
    "type": ("type", "kind", "category", "类型", "站点类型", "设施类型"),
    "services": ("services", "service", "服务", "服务内容", "服务项目"),
    "capacity": ("capacity", "容量", "服务能力", "可容纳人数"),
    "weight": (
        "weight", "权重", "workers", "employees", "residents", "population", "人数", "职工人数",
        "职工数", "员工人数", "从业人员", "从业人员数", "从业人数", "人口",
    ),
    "area": ("area", "floor_area", "面积", "建筑面积", "使用面积", "场地面积"),
    "address": ("address", "addr", "地址", "详细地址"),
    "role": ("role", "status", "角色", "状态", "选址状态"),  # candidate / existing / excluded
    "district": ("district", "区", "区县", "所属区", "所属区县", "行政区"),
    "subdistrict": (
        "subdistrict", "township", "街道", "镇街", "街镇", "所属街道", "街道办事处", "乡镇街道",
    ),
}  # fmt: skip

#: Fields read as numbers. A non-number skips the row for capacity and weight (they change
#: results); for area (informative only) it is a warning and the value is left empty.
NUMERIC_FIELDS = ("capacity", "weight", "area")

#: Column headers are looked for in the first rows: registers often start with a title row.
_HEADER_SEARCH_ROWS = 30

_DATUM_TOKENS = {
    "wgs84": "wgs84", "wgs": "wgs84", "gcj02": "gcj02", "gcj": "gcj02", "gd": "gcj02",
    "gaode": "gcj02", "amap": "gcj02", "bd09": "bd09", "bd": "bd09", "baidu": "bd09",
}  # fmt: skip
_DATUM_PREFIXES = {"高德": "gcj02", "火星": "gcj02", "百度": "bd09"}


# --- column names -------------------------------------------------------------------------------


def _split_name(name: object) -> tuple[str, str | None]:
    """Normalised column name and the datum it names, if any ("WGS84_Lng" → ("lng", "wgs84"))."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower().lstrip("\ufeff")
    tag = None
    inside = re.findall(r"[\(\[【](.*?)[\)\]】]", text)
    text = re.sub(r"[\(\[【].*?[\)\]】]", "", text)
    for part in inside:
        key = re.sub(r"[\s_\-]", "", part)
        tag = tag or _DATUM_TOKENS.get(key) or _DATUM_PREFIXES.get(key)
    tokens = [t for t in re.split(r"[\s_\-.:]+", text) if t]
    kept = []
    for t in tokens:
        if t in _DATUM_TOKENS and len(tokens) > 1:
            tag = tag or _DATUM_TOKENS[t]
        else:
            kept.append(t)
    base = "_".join(kept)
    for prefix, d in _DATUM_PREFIXES.items():
        if base.startswith(prefix) and len(base) > len(prefix):
            base, tag = base[len(prefix) :].lstrip("_"), tag or d
    return base, tag


def normalize_column(name: object) -> str:
    """The form in which column names are compared with :data:`ALIASES`.

    Unicode NFKC (full-width letters and brackets become ASCII), lower case, bracketed units and
    datum tags removed, separators unified: ``"经度（WGS84）"`` → ``"经度"``, ``"WGS84_Lng"`` →
    ``"lng"``, ``"Point X"`` → ``"point_x"``.
    """
    return _split_name(name)[0]


_ALIAS_RANK = {
    f: {normalize_column(a): i for i, a in enumerate(aliases)} for f, aliases in ALIASES.items()
}


def _candidates(columns: Sequence[Any], field: str, datum: str | None) -> list[Any]:
    """Columns that could hold ``field``, best first.

    A column whose name carries the declared datum (``WGS84_Lng`` for a WGS-84 layer) beats an
    untagged one, which beats one tagged with another datum; then the alias order decides.
    """
    ranks = _ALIAS_RANK.get(field, {})
    found = []
    for pos, col in enumerate(columns):
        base, tag = _split_name(col)
        if base in ranks:
            agree = 0 if (datum is not None and tag == datum) else (1 if tag is None else 2)
            found.append((agree, ranks[base], pos, col))
    return [c for *_, c in sorted(found, key=lambda t: t[:3])]


@dataclass
class _Resolved:
    columns: dict[str, Any] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


def _resolve(
    frame: pd.DataFrame, mapping: Mapping[str, str] | None, path: Path, datum: str | None
) -> _Resolved:
    cols = [c for c in frame.columns if c != "geometry"]
    out = _Resolved()
    for fld, col in (mapping or {}).items():
        if col not in frame.columns:
            # Forgive spacing/case/width differences between the scenario and the header.
            same = [c for c in cols if normalize_column(c) == normalize_column(col)]
            if len(same) != 1:
                raise InputError(
                    f"column '{col}' (mapped to {fld}) not found; columns are {cols}",
                    path,
                    field=str(col),
                )
            col = same[0]
        out.columns[fld] = col
        out.source[fld] = "scenario"
    taken = set(out.columns.values())
    for fld in ALIASES:
        if fld in out.columns:
            continue
        found = [c for c in _candidates(cols, fld, datum) if c not in taken]
        if not found:
            continue
        col = found[0]
        out.columns[fld] = col
        out.source[fld] = "recognised"
        taken.add(col)
        if len(found) > 1:
            out.notes.append(
                Problem(
                    path,
                    None,
                    str(col),
                    f"several columns could be '{fld}': {[str(c) for c in found]}; used "
                    f"'{col}' (map the field in the scenario to choose another)",
                    action="kept",
                )
            )
    for fld in ("lon", "lat"):
        tag = _split_name(out.columns[fld])[1] if fld in out.columns else None
        if datum is not None and tag is not None and tag != datum:
            out.notes.append(
                Problem(
                    path,
                    None,
                    str(out.columns[fld]),
                    f"column '{out.columns[fld]}' looks like {datum_mod.DATUM_NAMES[tag]} but the "
                    f"layer is declared {datum_mod.DATUM_NAMES[datum]}; check the crs setting",
                    action="kept",
                )
            )
    return out


def resolve_columns(
    frame: pd.DataFrame, mapping: Mapping[str, str] | None, path: str | Path
) -> dict[str, str]:
    """Standard field → source column, from the scenario's mapping plus recognised names."""
    return _resolve(frame, mapping, Path(path), None).columns


# --- reading files ------------------------------------------------------------------------------


@dataclass
class _Table:
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


def _one_line(exc: BaseException, limit: int = 300) -> str:
    """A library's error message on one line, without GDAL's advice meant for programmers."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = text.split("; It might help to specify the correct driver")[0].rstrip(".")
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """Text of a CSV file and the encoding used: the given one, or UTF-8 (BOM or not), UTF-16
    (with BOM, Excel's "Unicode text"), then GB18030 (a superset of GBK and GB2312)."""
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot read the file as {encoding}: {exc}", path) from exc
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"the file is not valid UTF-16 text ({exc})", path) from exc
    try:
        text = raw.decode("utf-8-sig")
        return text, "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        if _CONTROL.search(raw[:4096]):
            raise InputError(
                "not a text (CSV) file: it holds binary data (a damaged file, or a file of "
                "another type renamed); open it in Excel and save it as CSV UTF-8 or .xlsx",
                path,
            ) from exc
        raise InputError(
            f"the file is neither UTF-8 nor GBK/GB18030 text ({exc}); save it as UTF-8 CSV", path
        ) from exc


def _delimiter(text: str, suffix: str) -> str:
    """The field separator: the one that splits the most early records into the same number of
    fields (a title row or a stray semicolon in one cell does not decide it); commas win ties."""
    if suffix == ".tsv":
        return "\t"
    head = "\n".join(text.splitlines()[: _HEADER_SEARCH_ROWS * 2])
    best, best_score = ",", (0, 0)
    for sep in (",", "\t", ";", "|"):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(head), delimiter=sep) if len(r) > 1]
        except csv.Error:
            continue
        if not counts:
            continue
        width, agree = Counter(counts).most_common(1)[0]
        if (agree, width) > best_score:
            best, best_score = sep, (agree, width)
    return best


def _csv_cells(path: Path, encoding: str | None) -> tuple[list[list[str]], dict[str, Any]]:
    raw = path.read_bytes()
    text, used = _decode(raw, path, encoding)
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
            msg = (
                f"a value is longer than {csv.field_size_limit():,} characters (line "
                f'{reader.line_num} of the file): a quote (") opened and never closed makes the '
                "rest of the file one value; close the quote or remove it"
            )
        else:
            msg = f"cannot parse the CSV file (line {reader.line_num}): {_one_line(exc)}"
        raise InputError(msg, path, row=len(cells) + 1) from exc
    return cells, {"format": "csv", "encoding": used, "delimiter": sep}


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a planner sees (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if np.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _pick_sheet(names: list[str], sheet: str | None, path: Path) -> None:
    if sheet is not None and sheet not in names:
        raise InputError(f"no sheet '{sheet}' in the workbook; sheets are {names}", path)


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


def _uncalculated(fh: Any, title: str, values: list[tuple[Any, ...]]) -> dict[tuple[int, int], str]:
    """Formula cells of sheet ``title`` without a saved value: (row index, column index) →
    formula. Programs that write workbooks (openpyxl, some exports) store formulas but not
    their results; Excel and WPS store both when they save."""
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
            raise InputError(
                "not a readable Excel workbook (xlsx): the file is damaged, truncated or not a "
                f"workbook ({type(exc).__name__}: {_one_line(exc)}); open it in Excel and save it "
                "again",
                path,
            ) from exc
        try:
            names = wb.sheetnames
            _pick_sheet(names, sheet, path)
            if sheet is not None:
                ws = wb[sheet]
            else:
                visible = [s for s in wb.worksheets if s.sheet_state == "visible"]
                ws = (visible or wb.worksheets)[0]
            # Some writers store wrong sheet dimensions; without them openpyxl reads every row.
            ws.reset_dimensions()
            # iter_rows yields empty rows for gaps, so list positions are Excel row numbers - 1.
            values = list(ws.iter_rows(min_row=1, values_only=True))
            marks = _uncalculated(fh, ws.title, values)
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                "not a readable Excel workbook (xlsx): a sheet is damaged "
                f"({type(exc).__name__}: {_one_line(exc)}); open it in Excel and save it again",
                path,
            ) from exc
        finally:
            wb.close()
    cells = [[_cell_text(v) for v in r] for r in values]
    return cells, {"format": "xlsx", "sheet": ws.title, "sheets": names, "formulas": marks}


def _xls_cells(path: Path, sheet: str | None) -> tuple[list[list[str]], dict[str, Any]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors: a damaged file
        hint = (
            " (a password-protected workbook? remove the password)"
            if "encrypt" in str(exc).lower() or "find workbook" in str(exc).lower()
            else ""
        )
        raise InputError(
            f"not a readable Excel 97-2003 workbook (xls): {_one_line(exc)}{hint}; open it in "
            "Excel and save it as .xlsx",
            path,
        ) from exc
    try:
        names = book.sheet_names()
        _pick_sheet(names, sheet, path)
        ws = book.sheet_by_name(sheet) if sheet is not None else book.sheet_by_index(0)
        cells = []
        for r in range(ws.nrows):
            row = []
            for c in ws.row(r):
                if c.ctype == xlrd.XL_CELL_DATE:
                    try:
                        when = xlrd.xldate.xldate_as_datetime(c.value, book.datemode)
                    except (ValueError, OverflowError):
                        when = c.value  # not a date Python can hold: keep the serial number
                    row.append(_cell_text(when))
                elif c.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(_cell_text(bool(c.value)))
                elif c.ctype == xlrd.XL_CELL_ERROR:
                    row.append(xlrd.error_text_from_code.get(c.value, "#ERROR"))
                else:
                    row.append(_cell_text(c.value))
            cells.append(row)
        return cells, {"format": "xls", "sheet": ws.name, "sheets": names}
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"not a readable Excel 97-2003 workbook (xls): a sheet is damaged ({_one_line(exc)}); "
            "open it in Excel and save it as .xlsx",
            path,
        ) from exc
    finally:
        book.release_resources()


def _workbook_cells(
    path: Path, kind: str, sheet: str | None
) -> tuple[list[list[str]], dict[str, Any]]:
    """Cells of a workbook by its content (``kind`` from :func:`_sniff`), noting a wrong name."""
    cells, info = _xlsx_cells(path, sheet) if kind == "xlsx" else _xls_cells(path, sheet)
    suffix = path.suffix.lower()
    if suffix not in ((".xlsx", ".xlsm") if kind == "xlsx" else (".xls",)):
        info["notes"] = [
            f"the file is an Excel workbook ({kind}) named {suffix or 'without a suffix'}; read "
            f"as {kind}"
        ]
        info["format"] = f"{kind} (named {suffix})"
    return cells, info


def _excel_cells(
    path: Path, sheet: str | None, encoding: str | None
) -> tuple[list[list[str]], dict[str, Any]]:
    # Go by content, not name: ".xls" downloads from web systems are often CSV, HTML or xlsx.
    kind = _sniff(path)
    if kind in ("xlsx", "xls"):
        return _workbook_cells(path, kind, sheet)
    if kind == "html":
        raise InputError(
            "this is an HTML/XML file with a spreadsheet name; open it in Excel and save it as "
            ".xlsx",
            path,
        )
    if kind == "binary":
        raise InputError(
            f"not an Excel workbook: the file is neither an xlsx (zip) nor an xls workbook nor "
            f"text, so it is damaged or of another type renamed {path.suffix}; open it in Excel "
            "and save it as .xlsx",
            path,
        )
    cells, info = _csv_cells(path, encoding)
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
    cells = [[str(c).strip() for c in r] for r in cells]
    nonblank = [i for i, r in enumerate(cells) if any(r)]
    if not nonblank:
        raise InputError("the file is empty", path)
    header_at = nonblank[0]
    for i in nonblank[:_HEADER_SEARCH_ROWS]:
        if sum(normalize_column(c) in hints for c in cells[i] if c) >= 2:
            header_at = i
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
                    f"row has {len(row)} values but the header has {width} columns "
                    "(a comma inside an unquoted value?)",
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


def _gis(path: Path, layer: str | None, encoding: str | None) -> tuple[pd.DataFrame, dict]:
    import pyogrio

    suffix = path.suffix.lower()
    info: dict[str, Any] = {"format": suffix.lstrip(".")}
    if suffix == ".parquet":
        try:
            return gpd.read_parquet(path), info
        except ValueError:  # a plain (non-geo) Parquet table
            return pd.read_parquet(path), info
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
    elif suffix == ".shp" and not any(path.with_suffix(s).exists() for s in (".cpg", ".CPG")):
        # Without a .cpg, GDAL reads the DBF as Latin-1 and Chinese names become mojibake;
        # Chinese shapefiles are GBK as often as UTF-8, so try UTF-8 and fall back to GB18030.
        for enc in ("utf-8", "gb18030"):
            try:
                frame = gpd.read_file(path, encoding=enc, **kwargs)
            except UnicodeDecodeError:
                continue
            info["encoding"] = enc
            return frame, info
    return gpd.read_file(path, **kwargs), info


def _read(path: Path, layer: str | None, encoding: str | None, hints: set[str]) -> _Table:
    if not path.exists():
        raise InputError("file not found", path)
    suffix = path.suffix.lower()
    try:
        if suffix in TABULAR or suffix in EXCEL:
            kind = _sniff(path) if suffix in TABULAR else None
            if kind in ("xlsx", "xls"):  # a workbook renamed .csv
                cells, info = _workbook_cells(path, kind, layer)
            elif suffix in TABULAR:
                cells, info = _csv_cells(path, encoding)
            else:
                cells, info = _excel_cells(path, layer, encoding)
            frame, rows, problems, more = _table(
                cells,
                path,
                hints,
                strict_width=info["format"] == "csv",
                formulas=info.pop("formulas", None),
            )
            notes = [Problem(path, None, None, n, action="kept") for n in info.pop("notes", [])]
            return _Table(frame, rows, notes + problems, {**info, **more})
        if suffix in GIS:
            frame, info = _gis(path, layer, encoding)
            info["rows_read"] = len(frame)
            # Feature numbers as in a GIS attribute table (1-based).
            return _Table(frame, np.arange(1, len(frame) + 1), [], info)
    except InputError:
        raise
    except Exception as exc:  # any reader failure is a problem of this file
        raise InputError(
            f"cannot read the file: {_one_line(exc)} (is it damaged, or not really {suffix}?)",
            path,
        ) from exc
    raise InputError(
        f"unsupported file type '{suffix}' (use CSV, Excel, GeoJSON, GeoPackage or Shapefile)", path
    )


def _all_hints(mapping: Mapping[str, str] | None) -> set[str]:
    hints = {a for ranks in _ALIAS_RANK.values() for a in ranks}
    hints |= {normalize_column(c) for c in (mapping or {}).values()}
    return hints


def read_frame(
    path: str | Path, layer: str | None = None, *, encoding: str | None = None
) -> pd.DataFrame:
    """Read a table or GIS file as it is, without interpreting columns.

    Tables come back as text cells with the header found (title rows above it are skipped);
    ``frame.attrs`` holds ``encoding``, ``sheet``, ``header_row`` and ``rows`` (the row number
    of each frame row as a spreadsheet shows it). ``layer`` is the sheet of a workbook or the
    layer of a GeoPackage.
    """
    table = _read(Path(path), layer, encoding, _all_hints(None))
    frame = table.frame
    frame.attrs.update(table.info)
    frame.attrs["rows"] = table.rows.tolist()
    return frame


# --- interpreting values ------------------------------------------------------------------------

#: Thousands separators that cannot be read otherwise: several groups (``1,234,567``) or a
#: decimal point after the group (``30,580.5``).
_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(?:(?:,\d{3}){2,}(?:\.\d+)?|,\d{3}\.\d+)$")
#: One comma followed by exactly three digits (``30,580``): a thousands separator (30580) or a
#: decimal comma (30.58); both readings are plausible, so the value is an error naming both.
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}$")
#: One comma that cannot separate thousands (``114,27``, ``0,580``, ``1234,5``): a decimal comma.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_HEMISPHERE = r"(东经|西经|北纬|南纬|[nsew东西南北])"
#: Degrees, minutes and seconds (lower-cased, NFKC): ``东经114度17分20.2秒``,
#: ``北纬30°35′42″`` (NFKC turns ″ into ′′), ``114°17'20.2"e``, ``-114°17.5'``.
_DMS = re.compile(
    rf"^{_HEMISPHERE}?\s*([+-])?\s*(\d+(?:\.\d+)?)\s*(?:°|度)\s*"
    r"(?:(\d+(?:\.\d+)?)\s*(?:'|′|’|分)\s*)?"
    r"(?:(\d+(?:\.\d+)?)\s*(?:\"|″|′′|''|’’|”|秒)\s*)?"
    rf"{_HEMISPHERE}?$"
)
_HEMISPHERE_LETTER = {
    **dict.fromkeys(("n", "北", "北纬"), "n"),
    **dict.fromkeys(("s", "南", "南纬"), "s"),
    **dict.fromkeys(("e", "东", "东经"), "e"),
    **dict.fromkeys(("w", "西", "西经"), "w"),
}


def _clean_number_text(value: Any) -> str:
    """Cell text as compared with the number patterns: NFKC, stripped, true minus as '-'."""
    return unicodedata.normalize("NFKC", str(value)).strip().replace("−", "-")


def _dms(text: str) -> float | None:
    """Decimal degrees of a degrees-minutes-seconds text, or None if it is not one."""
    m = _DMS.match(text.lower())
    if m is None:
        return None
    before, sign, deg, minutes, seconds, after = m.groups()
    hemispheres = {_HEMISPHERE_LETTER[h] for h in (before, after) if h}
    if len(hemispheres) > 1 or (sign and hemispheres):
        return None  # two hemispheres, or a sign and a hemisphere: no single reading
    minutes_f, seconds_f = float(minutes or 0), float(seconds or 0)
    if minutes_f >= 60 or seconds_f >= 60:
        return None
    value = float(deg) + minutes_f / 60 + seconds_f / 3600
    negative = sign == "-" or bool(hemispheres & {"s", "w"})
    return -value if negative else value


def _number_text(value: Any, coordinate: bool = False) -> Any:
    """Text of a numeric cell made parseable: full-width digits, thousands separators, decimal
    commas and (for coordinates) degrees-minutes-seconds. Ambiguous texts such as ``30,580``
    are returned unchanged, so they stay "not a number" (see :func:`_not_a_number`)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, int | float | np.number):
        return value
    text = _clean_number_text(value)
    if _THOUSANDS.match(text):
        return text.replace(",", "")
    if _DECIMAL_COMMA.match(text) and not _AMBIGUOUS.match(text):
        return text.replace(",", ".")
    if coordinate and (deg := _dms(text)) is not None:
        return deg
    return text


def _not_a_number(value: Any) -> str:
    """Why a cell is not a number, naming both readings of an ambiguous comma."""
    text = _clean_number_text(value)
    if _AMBIGUOUS.match(text):
        left, right = text.split(",")
        return (
            f"'{text}' is ambiguous: {left}.{right} with a decimal comma or {left}{right} with a "
            f"thousands separator; write {left}.{right} or {left}{right}"
        )
    return f"not a number: '{_shown(value)}'"


def _shown(value: Any, limit: int = 80) -> str:
    """A cell's text for a one-line message: line breaks written as \\n, long text cut."""
    text = str(value).replace("\r", "\\r").replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _numeric(series: pd.Series, coordinate: bool = False) -> pd.Series:
    """Numbers of a column; NaN where the cell is empty, not a number or not finite."""
    text = series.map(lambda v: _number_text(v, coordinate))
    num = pd.to_numeric(text.replace("", np.nan), errors="coerce").astype(float)
    return num.where(np.isfinite(num))


def _is_empty(series: pd.Series) -> np.ndarray:
    return series.map(lambda v: _number_text(v) == "").to_numpy(dtype=bool)


def _text(series: pd.Series) -> np.ndarray:
    def one(v: Any) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return ""
        return _cell_text(v).strip()

    return series.map(one).to_numpy(dtype=object)


def _split_services(value: object) -> list[str]:
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    text = str(value)
    for sep in ("；", "，", "、", "|", ";", "\n"):
        text = text.replace(sep, ",")
    return [s.strip() for s in text.split(",") if s.strip()]


# --- coordinate systems -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """A layer's declared coordinates: a datum handled by prcoords, or a pyproj CRS."""

    datum: str | None  # "wgs84", "gcj02", "bd09", or None for other CRSs
    crs: CRS
    label: str


def _target(crs: str | int | CRS, path: Path) -> _Target:
    """Translate a layer's declared coordinate system (``crs`` setting)."""
    if isinstance(crs, CRS):
        c = crs
    else:
        # Only documented names and EPSG codes: anything else would pass as "some other CRS"
        # and switch the datum check off.
        try:
            key = datum_mod.parse_crs(crs)
        except ValueError as exc:
            raise InputError(str(exc), path, field="crs") from exc
        if isinstance(key, str):
            return _Target(key, CRS.from_epsg(4326), datum_mod.DATUM_NAMES[key])
        c = CRS.from_epsg(key)
    if c.equals(CRS.from_epsg(4326)):
        return _Target("wgs84", c, "WGS-84")
    epsg = c.to_epsg()
    return _Target(None, c, f"EPSG:{epsg}" if epsg else c.name)


def _swap_note(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Rows whose values fit China only if longitude and latitude are exchanged."""
    return ~datum_mod.in_china(lon, lat) & datum_mod.in_china(lat, lon)


def _swap_valid(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Rows out of range as longitude/latitude that are valid with the two exchanged (anywhere)."""
    wrong = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    return wrong & (np.abs(lon) <= 90) & (np.abs(lat) <= 180)


def _swap_hints(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> dict[int, str]:
    """A hint for each of ``rows`` (out of range) whose values, exchanged, fit China or land
    among the layer's good points (``lon``/``lat``, within half a degree of their extent)."""
    box = None
    if len(lon):
        box = (lon.min() - 0.5, lat.min() - 0.5, lon.max() + 0.5, lat.max() + 0.5)
    hints = {}
    for i in rows:
        if not _swap_valid(x[i : i + 1], y[i : i + 1])[0]:
            continue
        if _swap_note(x[i : i + 1], y[i : i + 1])[0]:
            hints[int(i)] = "; the values fit China if longitude and latitude are swapped"
        elif box is not None and box[0] <= y[i] <= box[2] and box[1] <= x[i] <= box[3]:
            hints[int(i)] = (
                "; swapped, the values fall among the file's other points: check that "
                "longitude and latitude are not exchanged"
            )
    return hints


def _swapped_projected(
    x: np.ndarray, y: np.ndarray, lon: np.ndarray, lat: np.ndarray, target: _Target
) -> np.ndarray:
    """Rows of a projected layer outside its CRS's area of use that fit it with X and Y swapped."""
    aou = target.crs.area_of_use
    if aou is None:
        return np.zeros(len(x), dtype=bool)
    # Areas of use are conservative; a margin keeps points just beyond a zone edge.
    w, s, e, n = aou.west - 2, aou.south - 2, aou.east + 2, aou.north + 2

    def inside(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.isfinite(a) & np.isfinite(b) & (a >= w) & (a <= e) & (b >= s) & (b <= n)

    outside = ~inside(lon, lat)
    if not outside.any():
        return outside
    with np.errstate(all="ignore"):
        slon, slat, _ = _to_wgs84(
            np.where(outside, y, np.nan), np.where(outside, x, np.nan), target
        )
    return outside & inside(slon, slat)


def _to_wgs84(
    x: np.ndarray, y: np.ndarray, target: _Target
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WGS-84 longitudes/latitudes and a mask of rows whose coordinates are unusable."""
    if target.datum is not None:
        bad = (np.abs(y) > 90) | (np.abs(x) > 180)
        lon, lat = datum_mod.to_wgs84(np.where(bad, np.nan, x), np.where(bad, np.nan, y),
                                      target.datum)  # fmt: skip
        return lon, lat, bad
    if target.crs.is_geographic:
        bad = (np.abs(y) > 90) | (np.abs(x) > 180)
        x, y = np.where(bad, np.nan, x), np.where(bad, np.nan, y)
    tr = Transformer.from_crs(target.crs, 4326, always_xy=True)
    lon, lat = tr.transform(x, y)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    return lon, lat, bad


# --- the reader ---------------------------------------------------------------------------------


def read_points(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    crs: str | int = "wgs84",
    layer: str | None = None,
    require: tuple[str, ...] = (),
    encoding: str | None = None,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read a point layer into standard columns, reporting bad rows instead of dropping them silently.

    Parameters
    ----------
    path
        CSV/TSV (UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030, detected), Excel workbook
        (``.xlsx``, ``.xls``) with longitude/latitude columns, or a GIS file (GeoJSON,
        GeoPackage, Shapefile, FlatGeobuf, GeoParquet) with point (or area) geometries.
    columns
        Mapping from standard field (``lon``, ``lat``, ``name``, ``tier``, ``weight``…) to the
        file's column name; unmapped fields are recognised by common names (:data:`ALIASES`).
    crs
        Coordinate system of the coordinates: ``"wgs84"``, ``"gcj02"`` (Amap/Gaode, Tencent),
        ``"bd09"`` (Baidu), or an EPSG code. A GIS file's own CRS wins over an EPSG code; a
        declared ``gcj02``/``bd09`` is applied to its longitudes/latitudes. A GIS file without a
        CRS is read in the declared one.
    layer
        Sheet of a workbook or layer of a GeoPackage (default: the first).
    require
        Standard fields that must be present (e.g. ``("weight",)`` for demand).
    encoding
        Text encoding of a CSV or Shapefile, when detection gets it wrong.

    Returns
    -------
    (GeoDataFrame, list of Problem)
        Valid rows in EPSG:4326, and the problems found: every skipped row has at least one
        problem with ``action="skipped"``; warnings (``action="kept"``, ``row`` None for the
        whole layer) keep the row. ``gdf.attrs`` records how the file was read: ``columns``
        (field → source column), ``columns_source``, ``unused_columns``, ``encoding``, ``crs``,
        ``sheet``/``layer``, ``header_row``, ``rows_read``; see :func:`describe_columns`.
    """
    path = Path(path)
    target = _target(crs, path)
    table = _read(path, layer, encoding, _all_hints(columns))
    frame = table.frame.reset_index(drop=True)
    rows = table.rows
    problems: list[Problem] = list(table.problems)
    resolved = _resolve(frame, columns, path, target.datum)
    cols = resolved.columns
    problems += resolved.notes
    names = [str(c) for c in frame.columns if c != "geometry"]
    for fld in require:
        if fld not in cols:
            raise InputError(
                f"missing required column for '{fld}' (recognised names: "
                f"{', '.join(ALIASES.get(fld, ()))}); columns are {names}",
                path,
                field=fld,
            )
    _check_formulas(table.info, cols, path)
    is_gis = (
        isinstance(frame, gpd.GeoDataFrame)
        and frame._geometry_column_name in frame
        and not (frame.geometry.isna() | frame.geometry.is_empty).all()
    )
    n = len(frame)
    if is_gis:
        lon, lat, bad, crs_label = _gis_points(frame, rows, target, path, problems)
        coord_fields: tuple[Any, Any] = ("geometry", "geometry")
    else:
        for fld in ("lon", "lat"):
            if fld not in cols:
                raise InputError(
                    f"no {'longitude' if fld == 'lon' else 'latitude'} column found "
                    f"(recognised: {', '.join(ALIASES[fld])}); columns are {names}",
                    path,
                    field=fld,
                )
        lon, lat, bad = _table_points(frame, rows, cols, target, path, problems)
        crs_label = _crs_label(target)
        coord_fields = (cols["lon"], cols["lat"])

    # Outside China a GCJ-02/BD-09 shift is undefined and prcoords leaves points unchanged.
    if target.datum in ("gcj02", "bd09"):
        outside = ~bad & ~datum_mod.convertible(lon, lat)
        if outside.any():
            listed = [int(r) for r in rows[outside][:20]]
            problems.append(
                Problem(
                    path,
                    None,
                    str(coord_fields[0]),
                    f"{int(outside.sum())} points are outside China (rows {listed}): the "
                    f"{target.label} shift is undefined there, so their coordinates were used "
                    "unchanged; check the crs setting",
                    action="kept",
                )
            )

    out = gpd.GeoDataFrame({"row": rows}, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    for fld, col in cols.items():
        if fld in ("lon", "lat"):
            continue
        values = frame[col].reset_index(drop=True)
        if fld in NUMERIC_FIELDS:
            num = _numeric(values)
            # A bad capacity changes results: skip. A bad weight skips the row when weights are
            # required (demand); otherwise (e.g. a staff count in a facility register) it is only
            # a warning. Area is informative only.
            strict = fld == "capacity" or (fld == "weight" and "weight" in require)
            action = "skipped" if strict else "kept"
            note = "" if strict else "; value left empty"
            wrong = num.isna().to_numpy() & ~_is_empty(values) & ~bad
            for i in np.flatnonzero(wrong):
                problems.append(
                    Problem(
                        path,
                        int(rows[i]),
                        str(col),
                        f"{_not_a_number(values.iat[i])}{note}",
                        action=action,
                    )
                )
            if fld == "weight":
                nonpos = (num <= 0).to_numpy() & ~bad
                for i in np.flatnonzero(nonpos):
                    problems.append(
                        Problem(
                            path,
                            int(rows[i]),
                            str(col),
                            f"weight must be positive, got {num.iat[i]:g}",
                            action=action,
                        )
                    )
                missing = num.isna().to_numpy() & ~wrong & ~bad
                if strict:
                    for i in np.flatnonzero(missing):
                        problems.append(Problem(path, int(rows[i]), str(col), "missing weight"))
                    bad = bad | wrong | nonpos | missing
            elif strict:
                bad = bad | wrong
            out[fld] = num.to_numpy()
        elif fld == "services":
            out[fld] = values.map(_split_services).to_numpy()
        else:
            out[fld] = _text(values)
    out = out[~bad].reset_index(drop=True)
    used = set(cols.values())
    out.attrs.update(
        {
            "path": str(path),
            **{k: v for k, v in table.info.items() if k not in ("rows", "uncalculated")},
            "encoding": table.info.get("encoding"),
            "crs": crs_label,
            "columns": {f: str(c) for f, c in cols.items()},
            "columns_source": dict(resolved.source),
            "unused_columns": [c for c in names if c not in used],
            # rows the reader skipped (e.g. too many values) count as read; file notes do not
            "rows_read": n + sum(p.row is not None for p in table.problems),
        }
    )
    log.info("%s", describe_columns(out))
    return out, problems


def _check_formulas(info: Mapping[str, Any], cols: Mapping[str, Any], path: Path) -> None:
    """A used cell that holds a formula without a saved value fails the file (it would read as
    empty): the fix, for every such cell at once, is to let Excel calculate and save."""
    used = {str(c) for c in cols.values()}
    # In sheet order (row by row, left to right), as _table recorded them.
    cells = [(r, c, f) for (r, c), f in info.get("uncalculated", {}).items() if c in used]
    if not cells:
        return
    row, col, formula = cells[0]
    more = f" (and {len(cells) - 1} more such cells)" if len(cells) > 1 else ""
    raise InputError(
        f"sheet '{info.get('sheet')}': the formula {formula} has no saved value{more}; the "
        "workbook was written by a program that does not calculate formulas: open it in Excel "
        "(or WPS) and save it, so the values are stored",
        path,
        row=row,
        field=col,
    )


def _crs_label(target: _Target) -> str:
    if target.datum in ("gcj02", "bd09"):
        return f"{target.label}, converted to WGS-84 with prcoords (precise inverse)"
    return target.label


def _table_points(
    frame: pd.DataFrame,
    rows: np.ndarray,
    cols: dict[str, Any],
    target: _Target,
    path: Path,
    problems: list[Problem],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WGS-84 coordinates from longitude/latitude (or x/y) columns, reporting each bad cell."""
    raw = {f: frame[cols[f]].reset_index(drop=True) for f in ("lon", "lat")}
    num = {f: _numeric(raw[f], coordinate=True).to_numpy() for f in ("lon", "lat")}
    bad = np.zeros(len(frame), dtype=bool)
    for f in ("lon", "lat"):
        what = "longitude" if f == "lon" else "latitude"
        empty = _is_empty(raw[f])
        for i in np.flatnonzero(np.isnan(num[f])):
            msg = f"missing {what}" if empty[i] else _not_a_number(raw[f].iat[i])
            problems.append(Problem(path, int(rows[i]), str(cols[f]), msg))
        bad |= np.isnan(num[f])
    x, y = num["lon"], num["lat"]
    lon, lat, unusable = _to_wgs84(x, y, target)
    unusable &= ~bad
    geographic = target.datum is not None or target.crs.is_geographic
    if geographic:
        swapped = unusable & _swap_valid(x, y)
    else:
        # A projected CRS turns almost any pair into some point on Earth; swapped X/Y (Chinese
        # surveying writes the northing first) show as points far outside the CRS's area.
        swapped = ~bad & ~unusable & _swapped_projected(x, y, lon, lat, target)
        unusable |= swapped
    if swapped.sum() >= 2 and swapped.sum() == (~bad).sum():
        what = "latitude is out of range" if geographic else "point is outside the CRS's area"
        raise InputError(
            f"every row's {what} and the values fit with the two coordinates exchanged: column "
            f"'{cols['lon']}' holds {'latitudes' if geographic else 'northings (Y)'} and "
            f"'{cols['lat']}' {'longitudes' if geographic else 'eastings (X)'}; swap them in the "
            "scenario's column mapping or in the file",
            path,
            field=str(cols["lat"]),
        )
    ok = ~bad & ~unusable
    hints = _swap_hints(x, y, np.flatnonzero(swapped), lon[ok], lat[ok]) if geographic else {}
    for i in np.flatnonzero(unusable):
        if geographic:
            if abs(y[i]) > 90:
                fld, msg = cols["lat"], f"latitude {y[i]:g} is out of range (-90 to 90)"
            else:
                fld, msg = cols["lon"], f"longitude {x[i]:g} is out of range (-180 to 180)"
            msg += hints.get(int(i), "")
        elif swapped[i]:
            fld = cols["lon"]
            msg = (
                f"({x[i]:.2f}, {y[i]:.2f}) lies outside the area of {target.label}; the values fit "
                "it if X and Y are swapped"
            )
        else:
            fld = cols["lon"]
            msg = f"({x[i]:.2f}, {y[i]:.2f}) cannot be transformed from {target.label}"
        problems.append(Problem(path, int(rows[i]), str(fld), msg))
    bad |= unusable
    return np.where(bad, np.nan, lon), np.where(bad, np.nan, lat), bad


def _gis_points(
    frame: gpd.GeoDataFrame,
    rows: np.ndarray,
    target: _Target,
    path: Path,
    problems: list[Problem],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """WGS-84 coordinates of a GIS layer's features (areas become a point inside them)."""
    geom = frame.geometry.reset_index(drop=True)
    missing = (geom.isna() | geom.is_empty).to_numpy()
    for i in np.flatnonzero(missing):
        problems.append(Problem(path, int(rows[i]), "geometry", "missing geometry"))
    not_point = ~missing & (geom.geom_type != "Point").to_numpy()
    if not_point.any():
        # Areas (e.g. an industrial park) are represented by a point inside them.
        geom = geom.where(~not_point, geom.representative_point())
    pts = geom.where(~missing, None)
    x = np.where(missing, np.nan, pts.x.to_numpy(dtype=float, na_value=np.nan))
    y = np.where(missing, np.nan, pts.y.to_numpy(dtype=float, na_value=np.nan))
    file_crs = frame.crs
    if file_crs is None:
        file_target = target
        ok = ~missing
        if (target.datum is not None or target.crs.is_geographic) and ok.any():
            if (np.abs(y[ok]) > 90).all() or (np.abs(x[ok]) > 180).all():
                raise InputError(
                    "the file has no coordinate reference system and its coordinates (e.g. "
                    f"{x[ok][0]:g}, {y[ok][0]:g}) are not longitude/latitude; add a .prj file or "
                    "declare the layer's crs (an EPSG code)",
                    path,
                    field="crs",
                )
        label = f"{_crs_label(target)} (assumed: the file has no CRS)"
    else:
        fc = CRS(file_crs)
        epsg = fc.to_epsg()
        name = f"EPSG:{epsg}" if epsg else fc.name
        if target.datum in ("gcj02", "bd09"):
            # Declared GCJ-02/BD-09 longitudes/latitudes, stored in the file's CRS.
            if not fc.equals(CRS.from_epsg(4326)):
                tr = Transformer.from_crs(fc, 4326, always_xy=True)
                x, y = (np.asarray(v, dtype=float) for v in tr.transform(x, y))
            file_target = target
            label = f"{_crs_label(target)} (file CRS {name})"
        else:
            file_target = _Target("wgs84" if fc.equals(CRS.from_epsg(4326)) else None, fc, name)
            label = name
    lon, lat, unusable = _to_wgs84(x, y, file_target)
    unusable &= ~missing
    geographic = file_target.datum is not None or file_target.crs.is_geographic
    ok = ~missing & ~unusable
    if geographic and unusable.sum() >= 2 and not ok.any() and _swap_valid(x, y)[unusable].all():
        # Axis order mix-ups (latitude first) are common with EPSG:4326 files.
        raise InputError(
            "every feature's coordinates are out of range as longitude/latitude and valid with "
            f"the two exchanged (e.g. {x[unusable][0]:g}, {y[unusable][0]:g}): the file holds "
            "latitude before longitude; re-export it with longitude first (x = longitude)",
            path,
            field="geometry",
        )
    hints = _swap_hints(x, y, np.flatnonzero(unusable), lon[ok], lat[ok]) if geographic else {}
    for i in np.flatnonzero(unusable):
        msg = (
            f"coordinates ({x[i]:g}, {y[i]:g}) are out of range for longitude/latitude"
            if geographic
            else f"({x[i]:g}, {y[i]:g}) cannot be transformed from {file_target.label}"
        )
        msg += hints.get(int(i), "")
        problems.append(Problem(path, int(rows[i]), "geometry", msg))
    bad = missing | unusable
    return np.where(bad, np.nan, lon), np.where(bad, np.nan, lat), bad, label


# --- reporting how a file was read --------------------------------------------------------------

_FIELD_LABELS = {
    "lon": "longitude",
    "lat": "latitude",
    "name": "name",
    "id": "id",
    "tier": "tier",
    "type": "type",
    "services": "services",
    "capacity": "capacity",
    "weight": "weight",
    "area": "area",
    "address": "address",
    "role": "role",
    "district": "district",
    "subdistrict": "sub-district",
}

_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
}


def describe_columns(layer: gpd.GeoDataFrame | Mapping[str, Any]) -> str:
    """How a layer was read, for the console and the run report.

    Parameters
    ----------
    layer
        A layer returned by :func:`read_points` (its ``attrs``), or that ``attrs`` mapping.

    Returns
    -------
    str
        E.g. ``"sites.csv: CSV, GBK/GB18030, header on row 1; WGS-84; longitude ← '经度'
        (recognised), latitude ← '纬度' (recognised), name ← '名称' (recognised); not used: 备注"``.
    """
    attrs = layer.attrs if isinstance(layer, pd.DataFrame) else layer
    parts = []
    head = [str(attrs.get("format", "")).upper() or "file"]
    if attrs.get("encoding"):
        enc = attrs["encoding"]
        head.append(_ENCODING_LABELS.get(enc, enc))
    if attrs.get("sheet"):
        head.append(f"sheet '{attrs['sheet']}'")
    if attrs.get("layer"):
        head.append(f"layer '{attrs['layer']}'")
    if attrs.get("header_row"):
        head.append(f"header on row {attrs['header_row']}")
    parts.append(", ".join(head))
    if attrs.get("crs"):
        parts.append(str(attrs["crs"]))
    source = attrs.get("columns_source", {})
    mapped = [
        f"{_FIELD_LABELS.get(f, f)} ← '{c}' ({source.get(f, 'recognised')})"
        for f, c in attrs.get("columns", {}).items()
    ]
    if mapped:
        parts.append(", ".join(mapped))
    if attrs.get("unused_columns"):
        parts.append("not used: " + ", ".join(map(str, attrs["unused_columns"])))
    name = Path(str(attrs.get("path", ""))).name
    return f"{name}: " + "; ".join(parts)
