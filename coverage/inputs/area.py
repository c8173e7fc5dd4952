"""The study area: a scenario's area and sub-district boundary files, read into WGS-84.

:func:`load_area` reads the ``[area]`` section's polygon files
(:func:`~coverage.inputs.boundaries.read_polygons`) into one study area and the sub-districts;
without an area file the area is the sub-districts' union or the boundary of the network's
``place``, which the caller's geocoder gives (reading files needs no OpenStreetMap). It stands
apart from the point layers (:mod:`coverage.inputs.layers`): the network is clipped to the
area before those layers are read against its streets.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from coverage.errors import InputError, Msg, Problem, first_rows
from coverage.i18n import t
from coverage.inputs.boundaries import read_polygons
from coverage.scenario import Scenario

__all__ = ["Geocoder", "StudyArea", "load_area"]

#: A place name and the cache folder to the place's boundary (WGS-84).
Geocoder = Callable[[str, Path], shapely.Geometry]


class StudyArea(tuple[shapely.Geometry | None, gpd.GeoDataFrame | None]):
    """``(area, subdistricts)`` as :func:`load_area` returns them, unpacked like a pair.

    ``problems`` holds what reading the boundary files found (polygons repaired or skipped,
    sub-districts without a name, an undeclared datum in China), for the problems report.
    """

    problems: list[Problem]

    def __new__(
        cls,
        area: shapely.Geometry | None,
        subdistricts: gpd.GeoDataFrame | None,
        problems: list[Problem] | None = None,
    ) -> StudyArea:
        """The pair, with the boundary files' ``problems`` (none when not given)."""
        self = super().__new__(cls, (area, subdistricts))
        self.problems = list(problems or [])
        return self

    def __reduce__(self) -> tuple[type[StudyArea], tuple[Any, ...]]:
        """Pickled and copied with its problems.

        A tuple's own reduction would call ``__new__`` with one argument, the pair.
        """
        return (StudyArea, (self[0], self[1], self.problems))


def _same_names(subs: gpd.GeoDataFrame, field: str, path: Path) -> list[Problem]:
    """One note for each name that several polygons share: their demand is counted as one.

    The tables key sub-districts by their name's text (:mod:`coverage.analysis` labels the
    demand in each polygon with it), so the parts of one sub-district (a DataV file may split a
    multi-part one into features of the same name) make one row, as they should; but the
    planner must hear of it. Blank names have been named by their row already (:func:`_unnamed`).
    """
    names = subs[field].astype(str)
    out = []
    for name, rows in names.groupby(names, sort=False):
        if len(rows) > 1:
            listed = first_rows([int(r) + 1 for r in rows.index], count=False)
            msg = Msg("problem.subdistrict_merged", n=len(rows), name=name, rows=listed)
            out.append(Problem(path, None, field, msg, action="kept"))
    return out


def _unnamed(subs: gpd.GeoDataFrame, field: str, path: Path, lang: str) -> list[Problem]:
    """Name each polygon without a name by its row, in place, with a note for each.

    The tables key sub-districts by their name's text: a blank name read as "" counted its
    people as outside every sub-district, and a missing one as a sub-district called "nan".
    """
    blank = subs[field].map(lambda v: not (bool(pd.notna(v)) and str(v).strip() != ""))
    out = []
    if blank.any():
        subs[field] = subs[field].astype(object)
    for r in subs.index[blank.to_numpy()]:
        label = t(lang, "excel.value.unnamed_subdistrict", row=int(r) + 1)
        subs.loc[r, field] = label
        msg = Msg("problem.subdistrict_unnamed", label=label, field=field)
        out.append(Problem(path, int(r) + 1, field, msg, action="kept"))
    return out


def load_area(s: Scenario, *, geocode: Geocoder | None = None) -> StudyArea:
    """Study area (one WGS-84 geometry) and sub-district polygons (WGS-84), if given.

    Without an area file the area is the sub-districts' union, or the boundary of the network's
    ``place`` as ``geocode`` gives it (:func:`coverage.pipeline.load_area` hands in
    :func:`coverage.network.geocode_area`: geocoded once, then cached); without ``geocode``
    such a scenario has no study area. The boundary files' problems ride along
    (:class:`StudyArea`), so that :func:`~coverage.inputs.layers.read_layers` reports them
    with the layers'.

    Parameters
    ----------
    s
        The scenario: its ``[area]`` section (or ``[network] place``).
    geocode
        Turns a place name and the cache folder into the place's boundary (WGS-84); None
        leaves a scenario without an area file or sub-districts without a study area.

    Returns
    -------
    StudyArea
        The area (None when the scenario has none), the sub-districts (or None) and the boundary
        files' problems.
    """
    area = None
    problems: list[Problem] = []
    if s.area.path is not None:
        p = s.input_path(s.area.path)
        gdf = read_polygons(p, crs=s.area.crs, layer=s.area.layer, select=s.area.select)
        problems += gdf.attrs.get("problems", [])
        area = shapely.union_all(gdf.geometry.values)
    subs = None
    if s.area.subdistricts is not None:
        p = s.input_path(s.area.subdistricts)
        crs = s.area.subdistricts_crs if s.area.subdistricts_crs is not None else s.area.crs
        subs = read_polygons(p, crs=crs)
        problems += subs.attrs.get("problems", [])
        if s.area.name_field not in subs:
            columns = [c for c in subs.columns if c != "geometry"]
            msg = Msg(
                "error.input.no_names_column",
                field=s.area.name_field,
                columns=columns,
                setting="[area] name_field",
            )
            raise InputError(msg, p, field=s.area.name_field)
        problems += _unnamed(subs, s.area.name_field, p, s.lang)
        problems += _same_names(subs, s.area.name_field, p)
        if area is None:
            area = shapely.union_all(subs.geometry.values)
    if area is None and s.network.place is not None:
        # No area file: the named place's boundary (the caller's geocoder: reading needs no OSM).
        area = None if geocode is None else geocode(s.network.place, s.cache_dir)
    return StudyArea(area, subs, problems)
