"""Demand layers' people: what each ``[[demand]]`` layer counts, and people as demand points.

A register's demand rows are read like any point layer (:mod:`coverage.inputs.layers`); a
population raster (:func:`~coverage.inputs.raster.read_raster_demand`) or OpenStreetMap
building footprints (:mod:`coverage.inputs.buildings`) give people instead, inside the study
area, with a note on what was used and how many are far from every street. The audit reads
rasters through :func:`read_raster_layer` too, so this stands apart from reading the scenario's
registers.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from coverage.errors import InputError, Msg, Problem
from coverage.inputs.buildings import (
    BuildingAssumptions,
    download_buildings,
    estimate_people,
    skip_reason,
)
from coverage.inputs.problems import joined
from coverage.inputs.raster import DEFAULT_MAX_CELL_M, RasterReport, read_raster_demand
from coverage.inputs.streets import Streets
from coverage.scenario import Layer, Scenario
from coverage.vocab import kind_label

__all__ = ["DEFAULT_KIND", "PEOPLE_KIND", "demand_kind", "read_people", "read_raster_layer"]


#: What a register's demand counts when its layer names no ``kind``.
DEFAULT_KIND = "workers"
#: What a population raster's or building footprints' people count when it names no ``kind``.
PEOPLE_KIND = "residents"


def demand_kind(layer: Layer) -> str:
    """The ``kind`` of a ``[[demand]]`` layer's points: its own, else by what the layer reads.

    Parameters
    ----------
    layer
        A ``[[demand]]`` layer of the scenario.

    Returns
    -------
    str
        ``layer.kind``, else :data:`PEOPLE_KIND` for a raster or ``osm_buildings``, else
        :data:`DEFAULT_KIND` (a register).
    """
    if layer.kind:
        return layer.kind
    return PEOPLE_KIND if layer.is_raster or layer.osm_buildings else DEFAULT_KIND


def read_raster_layer(
    s: Scenario, layer: Layer, area: shapely.Geometry, kind: str
) -> tuple[gpd.GeoDataFrame, RasterReport]:
    """A raster ``[[demand]]`` layer's people inside ``area``, as its settings ask.

    Parameters
    ----------
    s
        The scenario (the raster's path is from its folder).
    layer
        A raster ``[[demand]]`` layer: its band, scale, ``crs`` and ``max_cell_m``.
    area
        The study area (WGS-84).
    kind
        What the people count (:func:`demand_kind`).

    Returns
    -------
    (GeoDataFrame, RasterReport)
        The points and what reading the raster found
        (:func:`~coverage.inputs.raster.read_raster_demand`).
    """
    assert layer.path is not None
    return read_raster_demand(
        s.input_path(layer.path),
        area,
        band=layer.band or 1,
        scale=layer.scale,
        crs=layer.crs if layer.crs_given else None,
        kind=kind,
        max_cell_m=layer.max_cell_m or DEFAULT_MAX_CELL_M,
    )


def read_people(
    s: Scenario,
    layer: Layer,
    net: Streets,
    area: shapely.Geometry | None,
    problems: list[Problem],
    notes: list[Msg],
) -> gpd.GeoDataFrame:
    """Demand from a population raster or from OSM building footprints, inside the area.

    Unlike a register's rows, people far from every street are kept: they count in the totals
    as not reachable on foot (the coverage step leaves them unsnapped), and a note says how
    many there are.

    Parameters
    ----------
    s
        The scenario (its folder, cache and ``[walk] max_snap_m``).
    layer
        A raster or ``osm_buildings`` ``[[demand]]`` layer.
    net
        The streets, for the distance from each point to the nearest one.
    area
        The study area (WGS-84); None is an error naming the setting.
    problems
        Receives the raster's problems.
    notes
        Receives what was read and how many people are far from every street.

    Returns
    -------
    GeoDataFrame
        The demand points (WGS-84) with ``weight``, ``kind`` and ``layer``.
    """
    if area is None:
        msg = Msg("error.input.area_needed", what="osm_buildings", setting="[area] path")
        raise InputError(msg, s.source)
    kind = demand_kind(layer)
    if layer.osm_buildings:
        assumptions = BuildingAssumptions(**layer.buildings)
        found = download_buildings(area, cache_dir=s.cache_dir)
        estimate = estimate_people(found, assumptions, kind=kind)
        gdf, name = estimate.points, "osm_buildings"
        notes.append(Msg("problem.note.file", file=name, text=_buildings_note(estimate.report)))
        notes.append(Msg("problem.note.assumptions", name=name, values=str(assumptions.as_dict())))
    else:
        assert layer.path is not None
        gdf, report = read_raster_layer(s, layer, area, kind)
        problems += report.problems()
        name = s.input_path(layer.path).name
        notes.append(report.note())
    gdf = gdf.reset_index(drop=True)
    gdf["kind"] = kind
    gdf["layer"] = name
    if len(gdf):
        far = ~np.isfinite(net.street_distance(gdf.geometry.to_crs(net.crs), s.walk.max_snap_m))
        if far.any():
            w = gdf["weight"].to_numpy(dtype=float)
            share = w[far].sum() / w.sum()
            notes.append(
                Msg(
                    "problem.note.far",
                    name=name,
                    people=w[far].sum(),
                    kind=_kind_words(kind),
                    share=share,
                    m=s.walk.max_snap_m,
                )
            )
    return gdf


def _buildings_note(report: dict[str, Any]) -> Msg:
    """One line on what the building estimate used and skipped."""
    skipped: dict[str, int] = report.get("skipped") or {}
    msg = Msg(
        "problem.note.buildings",
        people=report.get("people", 0),
        kind=_kind_words(str(report.get("kind"))),
        used=report.get("buildings_used", 0),
        total=report.get("buildings_in", 0),
    )
    if skipped:
        msg += Msg(
            "problem.note.skipped", items=joined(skip_reason(w, n) for w, n in skipped.items())
        )
    return msg


def _kind_words(kind: str) -> dict[str, str]:
    """A demand kind in a note: as the scenario names it in English, its label in Chinese."""
    return {"en": kind, "zh": kind_label(kind, "zh")}
