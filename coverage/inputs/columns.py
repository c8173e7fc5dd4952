"""Column names of point layers: recognising them, mapping them to standard fields, reporting.

Registers name their columns in Chinese or English, with units in brackets and sometimes the
datum of the coordinates in the name (``WGS84_Lng``, ``经度（高德）``). :func:`normalize_column`
reduces a name to the form compared with :data:`ALIASES`; :func:`resolve_columns` maps standard
fields to a file's columns; :func:`describe_columns` says, for the console and the run report,
which column was used for what.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from coverage import datum as datum_mod
from coverage.errors import InputError, Msg, Problem
from coverage.i18n import t as word
from coverage.inputs.problems import joined
from coverage.inputs.values import key_text
from coverage.vocab import INVISIBLE

__all__ = [
    "ALIASES",
    "NUMERIC_FIELDS",
    "TOTALS",
    "Resolved",
    "normalize_column",
    "column_datum",
    "match_columns",
    "resolve_columns",
    "header_hints",
    "columns_note",
    "describe_columns",
    "source_column",
    "is_totals",
]

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
        "名字", "facility", "site", "site_name", "站点", "社区名称", "场所名称", "点位名称",
        "驿站名称", "网点名称",
    ),
    "id": ("id", "编号", "站点编号", "代码", "code"),
    "tier": ("tier", "level", "层级", "级别", "等级", "类别", "阵地层级", "设施层级", "站点层级"),
    "type": ("type", "kind", "category", "类型", "站点类型", "设施类型"),
    "services": ("services", "service", "服务", "服务内容", "服务项目"),
    "capacity": ("capacity", "容量", "服务能力", "可容纳人数", "容纳人数"),
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

#: Fields read as numbers. A non-number skips the row for a required weight (demand); for
#: capacity (coverage does not depend on it; an empty one is "no limit", as an empty cell),
#: area and an optional weight it is a warning and the value is left empty.
NUMERIC_FIELDS = ("capacity", "weight", "area")

#: The name of a register's totals row (合计 under the list, with the summed count): a row
#: whose whole name cell is one of these, compared as :func:`is_totals` does, is no place.
TOTALS: tuple[str, ...] = ("合计", "总计", "小计", "共计", "total")
_TOTALS_KEYS = frozenset(key_text(w) for w in TOTALS)


_DATUM_TOKENS = {
    "wgs84": "wgs84", "wgs": "wgs84", "gcj02": "gcj02", "gcj": "gcj02", "gd": "gcj02",
    "gaode": "gcj02", "amap": "gcj02", "bd09": "bd09", "bd": "bd09", "baidu": "bd09",
}  # fmt: skip
_DATUM_PREFIXES = {"高德": "gcj02", "火星": "gcj02", "百度": "bd09"}


# --- column names -------------------------------------------------------------------------------


def _split_name(name: object) -> tuple[str, str | None]:
    """Normalised column name and the datum it names, if any ("WGS84_Lng" → ("lng", "wgs84"))."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFKC", str(name))).strip().lower()
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

    Parameters
    ----------
    name
        A column name as the file has it (any value: a workbook header may be a number).

    Returns
    -------
    str
        The name in comparable form.
    """
    return _split_name(name)[0]


def column_datum(name: object) -> str | None:
    """The datum a column name states, if any: ``"经度（高德）"`` → ``"gcj02"``, ``"lng"`` → None.

    Parameters
    ----------
    name
        A column name as the file has it.
    """
    return _split_name(name)[1]


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
class Resolved:
    """Which column holds each standard field, where that came from, and notes for the planner."""

    columns: dict[str, Any] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    notes: list[Problem] = field(default_factory=list)


def match_columns(
    frame: pd.DataFrame,
    mapping: Mapping[str, str] | None,
    path: Path,
    datum: str | None,
    *,
    hint: Msg | Literal[""] = "",
) -> Resolved:
    """Map standard fields to ``frame``'s columns: mapping first, then known names.

    The scenario's ``mapping`` comes first, then the recognised names (:data:`ALIASES`), preferring
    columns tagged with the layer's ``datum``.

    Raises :class:`~coverage.errors.InputError` when a mapped column is not in the file (ending
    with ``hint``, e.g. which sheet of a workbook was read); notes
    (``action="kept"``) say when several columns could be one field or when a column's datum tag
    contradicts the declared datum.
    """
    cols = [c for c in frame.columns if c != "geometry"]
    out = Resolved()
    for fld, col in (mapping or {}).items():
        if col not in frame.columns:
            # Forgive spacing/case/width differences between the scenario and the header.
            same = [c for c in cols if normalize_column(c) == normalize_column(col)]
            if len(same) != 1:
                msg = Msg("error.input.mapped_column_missing", col=col, field=fld, columns=cols)
                raise InputError(
                    msg + hint,
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
                    Msg(
                        "problem.several_columns",
                        field=Msg(f"problem.field.{fld}"),
                        found=[str(c) for c in found],
                        col=col,
                    ),
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
                    Msg(
                        "problem.column_datum",
                        col=out.columns[fld],
                        looks=datum_mod.DATUM_NAMES[tag],
                        declared=datum_mod.DATUM_NAMES[datum],
                    ),
                    action="kept",
                )
            )
    return out


def resolve_columns(
    frame: pd.DataFrame, mapping: Mapping[str, str] | None, path: str | Path
) -> dict[str, str]:
    """Standard field → source column, from the scenario's mapping plus recognised names.

    Parameters
    ----------
    frame
        The table as read (:func:`read_frame`).
    mapping
        The layer's ``columns`` setting (standard field → column), or None.
    path
        The file, named in errors.

    Returns
    -------
    dict
        Standard field → column of ``frame``.
    """
    return match_columns(frame, mapping, Path(path), None).columns


def header_hints(mapping: Mapping[str, str] | None) -> set[str]:
    """Normalised names that mark a header row: every alias and every column the scenario maps."""
    hints = {a for ranks in _ALIAS_RANK.values() for a in ranks}
    hints |= {normalize_column(c) for c in (mapping or {}).values()}
    return hints


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
    "gb18030": "GBK/GB18030",
    "utf-16": "UTF-16",
}


def columns_note(layer: gpd.GeoDataFrame | Mapping[str, Any]) -> Msg:
    """How a layer was read, as a message worded in the console's or the report's language.

    Parameters
    ----------
    layer
        A layer returned by :func:`read_points` (its ``attrs``), or that ``attrs`` mapping.
    """
    attrs = layer.attrs if isinstance(layer, pd.DataFrame) else layer
    head: list[str | Msg] = [_format_words(str(attrs.get("format", "")))]
    if attrs.get("encoding"):
        enc = attrs["encoding"]
        head.append(
            Msg("problem.note.utf8_bom") if enc == "utf-8-sig" else _ENCODING_LABELS.get(enc, enc)
        )
    if attrs.get("sheet"):
        head.append(Msg("problem.note.sheet", name=attrs["sheet"]))
    if attrs.get("layer"):
        head.append(Msg("problem.note.layer", name=attrs["layer"]))
    if attrs.get("header_row"):
        head.append(Msg("problem.note.header_row", row=attrs["header_row"]))
    parts: list[str | Msg] = [joined(head)]
    if attrs.get("crs_words") is not None or attrs.get("crs"):
        parts.append(attrs.get("crs_words") or str(attrs["crs"]))
    source = attrs.get("columns_source", {})
    mapped = [
        Msg(
            "problem.note.column",
            field=_field_words(f),
            col=c,
            how=Msg(f"problem.note.{'mapped' if source.get(f) == 'scenario' else 'recognised'}"),
        )
        for f, c in attrs.get("columns", {}).items()
    ]
    if mapped:
        parts.append(joined(mapped))
    if attrs.get("unused_columns"):
        unused = ", ".join(map(str, attrs["unused_columns"]))
        parts.append(Msg("problem.note.unused", columns=unused))
    name = Path(str(attrs.get("path", ""))).name
    return Msg("problem.note.file", file=name, text=joined(parts, "problem.note.sep"))


def describe_columns(layer: gpd.GeoDataFrame | Mapping[str, Any], lang: str = "en") -> str:
    """How a layer was read, for the console and the run report, in ``lang``.

    Parameters
    ----------
    layer
        A layer returned by :func:`read_points` (its ``attrs``), or that ``attrs`` mapping.
    lang
        ``"en"`` or ``"zh"``.

    Returns
    -------
    str
        E.g. ``"sites.csv: CSV, GBK/GB18030, header on row 1; WGS-84; longitude ← '经度'
        (recognised), latitude ← '纬度' (recognised), name ← '名称' (scenario); not used: 备注"``.
    """
    return columns_note(layer).text(lang)


#: A file read as what it is, not what its suffix says: ``xlsx (named .xls)``, ``csv (named .xls)``.
_NAMED = re.compile(r"(\w+) \(named (.+)\)")


def _format_words(fmt: str) -> str | Msg:
    """The file format as the note names it (``CSV``, ``XLSX``; one named ``.xls`` says so)."""
    named = _NAMED.fullmatch(fmt)
    if named:  # the suffix as the file has it, in the note's words (was "XLSX (NAMED .XLS)")
        return Msg("problem.note.format_named", kind=named[1].upper(), suffix=named[2])
    return fmt.upper() if fmt else Msg("problem.note.file_format")


def _field_words(fld: str) -> dict[str, str] | str:
    """A standard field's name in the note: English as below, Chinese as the problems say it."""
    if fld not in _FIELD_LABELS:
        return fld
    return {"en": _FIELD_LABELS[fld], "zh": word("zh", f"problem.field.{fld}")}


def source_column(gdf: gpd.GeoDataFrame, field: str) -> str:
    """The file's column name for a standard field, as read_points recorded it."""
    return str(gdf.attrs.get("columns", {}).get(field, field))


def is_totals(value: object) -> bool:
    """Whether a name cell marks a totals row: exactly a word of :data:`TOTALS`.

    Compared as :func:`~coverage.inputs.values.key_text` compares names (NFKC, no spaces or
    invisible characters, case ignored): ``" 合　计 "`` and ``"TOTAL"`` are totals rows,
    ``"合计驿站"`` is not.
    """
    return key_text(value) in _TOTALS_KEYS
