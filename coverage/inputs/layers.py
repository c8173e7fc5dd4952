"""A scenario's input layers: facilities, demand and candidate sites, read and validated.

:func:`read_layers` reads every layer a scenario lists
(:func:`~coverage.inputs.points.read_points`), fills the layer's defaults, checks its datum against
the streets (:func:`~coverage.inputs.datum_check.check_datum`) and validates it
(:func:`~coverage.inputs.validation.validate_layer`), collecting every problem for the run
report. :func:`~coverage.inputs.usable.check_usable` stops a run that has nothing left to
compute with, saying why. The study area comes from :mod:`coverage.inputs.area`, a population
raster's or the buildings' people from :mod:`coverage.inputs.demand`.
The layers are checked against the streets handed in (:class:`~coverage.inputs.streets.Streets`),
never the network itself: ``coverage.pipeline.load_area`` and ``pipeline.read_layers``, which
notebooks use, hand in the walking network and its place's geocoder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from coverage import datum
from coverage._arrays import whole_rows
from coverage.errors import InputError, Msg, Problem
from coverage.i18n import t
from coverage.inputs.area import Geocoder, load_area
from coverage.inputs.columns import column_datum, columns_note, header_hints
from coverage.inputs.coordinates import GEOMETRY
from coverage.inputs.datum_check import check_datum, review
from coverage.inputs.demand import demand_kind, read_people
from coverage.inputs.duplicates import skip_duplicates_across, skip_role_twins
from coverage.inputs.points import from_geometry, read_points
from coverage.inputs.readers import Table, read_table
from coverage.inputs.streets import Streets
from coverage.inputs.validation import validate_layer
from coverage.inputs.values import key_text
from coverage.scenario import Layer, Scenario
from coverage.vocab import activate as activate_vocabulary

__all__ = ["Layers", "read_layers"]

#: Progress callback: receives short messages (as in :mod:`coverage.pipeline`).
Progress = Callable[[str], None]


log = logging.getLogger(__name__)


def _noop(_: str) -> None:
    pass


@dataclass
class Layers:
    """Validated input layers (WGS-84) and everything found wrong with them.

    Attributes
    ----------
    facilities
        Facility points with a tier code, in WGS-84.
    demand
        Demand points with ``weight`` and ``kind``, in WGS-84.
    candidates
        Candidate sites with a ``role``, in WGS-84.
    area
        The study area, or None.
    subdistricts
        Sub-district polygons, or None.
    problems
        Every warning and skipped row.
    notes
        How each file was read and what its datum check found.
    """

    facilities: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    area: shapely.Geometry | None
    subdistricts: gpd.GeoDataFrame | None
    problems: list[Problem] = field(default_factory=list)
    #: How files were read, datum findings: worded in the console's and the report's language
    #: (``str()`` is English, as run.json records them).
    notes: list[Msg] = field(default_factory=list)


def _read_layer(
    s: Scenario,
    layer: Layer,
    role: str,
    net: Streets,
    area: shapely.Geometry | None,
    problems: list[Problem],
    notes: list[Msg],
) -> gpd.GeoDataFrame:
    if layer.is_raster or layer.osm_buildings:
        return read_people(s, layer, net, area, problems, notes)
    assert layer.path is not None  # a register of points (checked when the scenario loads)
    path = s.input_path(layer.path)
    columns = dict(layer.columns)
    if layer.weight is not None:
        columns.setdefault("weight", layer.weight)
    require = ("weight",) if role == "demand" else ()
    table = read_table(path, layer.layer, layer.encoding, header_hints(columns or None))
    gdf, found = read_points(
        path,
        columns=columns or None,
        crs=layer.crs,
        layer=layer.layer,
        require=require,
        encoding=layer.encoding,
        table=table,
    )
    problems += found
    if not layer.crs_given and not from_geometry(table.frame):
        _check_column_datum(gdf, path)
    notes.append(columns_note(gdf))
    # Tiers under a name not recognised, or in the type column: said before a default tier
    # would quietly stand for all of them (and their own thresholds be lost).
    tiers_in = _tier_names_column(table, gdf, s) if role == "facility" else None
    if "tier" not in gdf and layer.tier is not None and tiers_in is not None:
        _check_default_tier(tiers_in, layer.tier, s, path)
    gdf = _defaults(gdf, layer, role)
    if layer.datum_check != "off" and len(gdf):
        # Before validation, which would drop points read in the wrong datum as off the streets
        # or outside the area. EPSG codes are WGS-84-based.
        key = datum.parse_crs(layer.crs)
        findings = check_datum(
            gdf,
            net.edges[["geometry"]],
            declared=key if isinstance(key, str) else "wgs84",
            per_row=True,
        )
        # Each point outside China is already a line of its own (row and field) from
        # read_points, which finds it whether or not the datum is checked: not said twice.
        findings = [f for f in findings if f.code != "outside_china"]
        found, said = review(
            findings,
            path,
            crs=layer.crs,
            strict=layer.datum_check == "error",
            crs_set="crs" in layer.model_fields_set,
            field=gdf.attrs.get("columns", {}).get("lon", GEOMETRY),
        )
        problems += found
        notes += [Msg("problem.note.file", file=path.name, text=line) for line in said]
    # Distance to the nearest walkable street, for the "too far from any street" check.
    pts = gdf.geometry.to_crs(net.crs)
    street_m = net.street_distance(pts, 10 * s.walk.max_snap_m)
    if role == "facility" and "tier" not in gdf:
        msg = Msg(
            "error.input.no_tier_column", tiers="centre/subcentre/point/…", setting='tier = "..."'
        )
        unused = gdf.attrs.get("unused_columns") or []
        if tiers_in is not None:  # the tier under a name not recognised ("阵地类型"), or as type
            row, value, _ = tiers_in.cells[0]
            setting = f'columns = {{ tier = "{tiers_in.column}" }}'
            msg += Msg(
                "error.input.tier_column_found",
                column=tiers_in.column,
                row=row,
                value=value,
                setting=setting,
            )
        elif unused:
            setting = f'columns = {{ tier = "{unused[0]}" }}'
            msg += Msg("error.input.tier_column_named", columns=unused, setting=setting)
        raise InputError(msg, path, field=Msg("problem.field.tier"))
    gdf, found = validate_layer(
        gdf,
        path,
        role=role,
        area=area,
        vocabulary=s.vocabulary,  # tier values become codes here, before anything uses them
        allowed_services=s.services or None,
        street_distance_m=street_m,
        max_street_m=s.walk.max_snap_m,
    )
    problems += found
    _warn_unusable(path, gdf, role, problems)
    gdf["layer"] = path.name
    if role == "demand":
        gdf["kind"] = demand_kind(layer)
    return gdf


def _warn_unusable(path: Path, gdf: gpd.GeoDataFrame, role: str, problems: list[Problem]) -> None:
    """A warning line when a register kept none of its rows while other layers carry on.

    Each row is in ``skipped_rows.csv``, but a whole register missing from the figures should
    not hide behind the count of skipped rows (:func:`~coverage.inputs.usable.check_usable`
    stops only when every layer of the kind is empty).
    """
    if len(gdf) or role not in ("facility", "demand"):
        return
    rows = {p.row for p in problems if p.path == str(path) and p.action == "skipped"}
    rows.discard(None)
    if rows:
        what = Msg(f"error.input.{role}")
        table = "skipped_rows.csv"
        msg = Msg("error.input.layer_unusable", file=path.name, n=len(rows), what=what, table=table)
        log.warning(msg)


def _check_column_datum(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Stop when the coordinate columns name a datum other than WGS-84 and no crs was set.

    ``经度（高德）`` read as the default WGS-84 is some 500 m off; the datum check against the
    streets would catch it only when the layer has enough points near streets.
    """
    columns = gdf.attrs.get("columns", {})
    for fld in ("lon", "lat"):
        tag = column_datum(columns[fld]) if fld in columns else None
        if tag is not None and tag != "wgs84":
            msg = Msg(
                "error.input.column_datum_undeclared",
                col=columns[fld],
                looks=datum.DATUM_NAMES[tag],
                setting=f'crs = "{tag}"',
                wgs84='crs = "wgs84"',
            )
            raise InputError(msg, path, field=columns[fld])


@dataclass(frozen=True)
class _TierNames:
    """A column other than the tier column whose every filled cell names a tier."""

    column: str
    cells: list[tuple[int, str, str]]  # (row, value as written, tier code), filled cells only


def _tier_names_column(table: Table, gdf: gpd.GeoDataFrame, s: Scenario) -> _TierNames | None:
    """The type column or the first unused column whose kept rows all name tiers, if any."""
    if "tier" in gdf or not len(gdf):
        return None
    mapped = gdf.attrs.get("columns", {})
    candidates = [mapped["type"]] if "type" in mapped else []
    candidates += [c for c in gdf.attrs.get("unused_columns", []) if c not in candidates]
    position = {int(r): i for i, r in enumerate(table.rows)}
    at = [position[int(r)] for r in gdf["row"]]
    for col in candidates:
        if col not in table.frame.columns:
            continue
        cells = []
        for row, value in zip(gdf["row"], table.frame[col].iloc[at], strict=True):
            if not key_text(value):
                continue
            code = s.vocabulary.normalize(value)
            if code is None:
                break
            cells.append((int(row), str(value), code))
        else:
            if cells:
                return _TierNames(str(col), cells)
    return None


def _check_default_tier(found: _TierNames, default: str, s: Scenario, path: Path) -> None:
    """Stop when a layer's default tier stands for rows whose own cells name another tier."""
    code = s.vocabulary.normalize(default)
    other = [cell for cell in found.cells if cell[2] != code]
    if not other:
        return
    row, value, tier = other[0]
    label = {lang: s.vocabulary.label(tier, lang) for lang in ("zh", "en")}
    msg = Msg(
        "error.input.tier_default_contradicted",
        value=value,
        label=label,
        default=f'tier = "{default}"',
        n=len(other),
        setting=f'columns = {{ tier = "{found.column}" }}',
    )
    raise InputError(msg, path, row, found.column)


def _defaults(gdf: gpd.GeoDataFrame, layer: Layer, role: str) -> gpd.GeoDataFrame:
    """Fill a layer's default tier/type/role where rows leave them empty."""
    gdf = gdf.copy()
    for col, default in (("tier", layer.tier), ("type", layer.type), ("role", layer.role)):
        if default is None:
            continue
        if col not in gdf:
            gdf[col] = default
        else:
            empty = gdf[col].isna() | (gdf[col].astype(str).str.strip() == "")
            gdf.loc[empty, col] = default
    if role == "candidate" and "role" not in gdf:
        gdf["role"] = "candidate"
    return gdf


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The layers of one kind as one frame; ``attrs["layer_columns"]`` keeps each file's columns.

    (pandas keeps ``attrs`` only when every frame has the same; a later error about a row, e.g.
    an unknown candidate role, names the column as its file has it.)
    """
    if not frames:
        return gpd.GeoDataFrame(geometry=[], crs=4326)
    out = pd.concat(frames, ignore_index=True)
    out = whole_rows(gpd.GeoDataFrame(out, geometry="geometry", crs=4326))
    out.attrs["layer_columns"] = {
        str(f["layer"].iat[0]): dict(f.attrs.get("columns", {}))
        for f in frames
        if len(f) and "layer" in f
    }
    return out


def read_layers(
    s: Scenario,
    net: Streets,
    progress: Progress = _noop,
    *,
    area: tuple[shapely.Geometry | None, gpd.GeoDataFrame | None] | None = None,
    geocode: Geocoder | None = None,
) -> Layers:
    """Read, validate and datum-check every facility, demand and candidate layer.

    ``area`` is what :func:`~coverage.inputs.area.load_area` returned, when the caller has read it already.

    Parameters
    ----------
    s
        The scenario: its ``[[facilities]]``, ``[[demand]]`` and ``[[candidates]]`` layers.
    net
        The streets (:class:`~coverage.inputs.streets.Streets`; a walking network is one), for
        the datum check and the distance to a street.
    progress
        Called with a line for each step (the command line's spinner); default: nothing.
    area
        What :func:`~coverage.inputs.area.load_area` returned, when the caller has read it
        already (read here otherwise).
    geocode
        When the area is read here: the place geocoder :func:`~coverage.inputs.area.load_area` takes (without it, a
        scenario with only a ``place`` has no study area; ``coverage.pipeline.read_layers``
        hands in :func:`coverage.network.geocode_area`).

    Returns
    -------
    Layers
        The layers read, the area, and every problem and note.
    """
    study = load_area(s, geocode=geocode) if area is None else area
    area, subs = study
    activate_vocabulary(s.vocabulary)  # maps, report and workbooks label these layers' tier codes
    # Unusual scenario values go to the problems report too (row: the scenario file's line).
    problems: list[Problem] = [
        Problem(s.source or "scenario", line, key, message, action="kept")
        for line, key, message in s.warning_items
    ]
    # The boundary files' own (a plain pair from a caller has none); a datum warning is also
    # printed, as the layers' datum findings are: it moves the whole area.
    problems += getattr(study, "problems", [])
    notes: list[Msg] = [
        Msg("problem.note.file", file=Path(p.path).name, text=p.msg)
        for p in getattr(study, "problems", [])
        if p.field == "crs"
    ]
    groups: dict[str, list[gpd.GeoDataFrame]] = {"facility": [], "demand": [], "candidate": []}
    for role, layers in (
        ("facility", s.facilities),
        ("demand", s.demand),
        ("candidate", s.candidates),
    ):
        for layer in layers:
            progress(t(s.lang, f"console.step.read_{role}", path=layer.path))
            groups[role].append(_read_layer(s, layer, role, net, area, problems, notes))
    for role, listed, same in (("facility", s.facilities, "tier"), ("demand", s.demand, "kind")):
        # Registers only: a raster's or the buildings' people are no rows of a file.
        paths = [None if x.path is None or x.is_raster else s.input_path(x.path) for x in listed]
        groups[role], found = skip_duplicates_across(
            list(zip(paths, groups[role], strict=True)), same=same
        )
        problems += found
    # One place listed nameless as refused (or built) and as a candidate: the strictest stands.
    paths = [s.input_path(x.path) if x.path is not None else None for x in s.candidates]
    groups["candidate"], found = skip_role_twins(list(zip(paths, groups["candidate"], strict=True)))
    problems += found
    return Layers(
        facilities=_concat(groups["facility"]),
        demand=_concat(groups["demand"]),
        candidates=_concat(groups["candidate"]),
        area=area,
        subdistricts=subs,
        problems=problems,
        notes=notes,
    )
