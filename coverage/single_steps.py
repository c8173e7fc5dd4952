"""The command line's single steps: the walking network, the catchments or the map alone.

``coverage network``, ``coverage catchments`` and ``coverage map`` write their own output and
no other file, and check their arguments before loading anything, as the command line checks
its options. Apart from :mod:`coverage.pipeline`, which runs, plans and reports a whole
scenario with all its files: these are built on the same steps (:mod:`coverage.steps`) and,
for the map, on :func:`coverage.pipeline.run` without its files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import geopandas as gpd

from coverage import network
from coverage.catchment_layers import catchments_for
from coverage.errors import CoverageError, Msg, ScenarioError
from coverage.export import edges_path, write_edges, write_layers
from coverage.export_maps import write_map, write_print_map
from coverage.i18n import t
from coverage.layer_files import layer_format
from coverage.pipeline import run
from coverage.preflight import (
    check_basemap,
    check_catchment_args,
    check_file,
    check_print_args,
    check_writes,
    scenario_of,
)
from coverage.scenario import Scenario
from coverage.steps import Progress, _noop, load_area, load_network, read_layers

__all__ = ["walk_network", "draw_catchments", "draw_map"]


def walk_network(
    s: Scenario | str | Path, *, save: str | Path | None = None, progress: Progress = _noop
) -> network.WalkNetwork:
    """The scenario's walking network (loaded, or downloaded and cached); ``save``: its edges.

    Parameters
    ----------
    s
        The scenario, or its file.
    save
        Also write the walking edges here (``.parquet`` or ``.gpkg``).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.

    Returns
    -------
    WalkNetwork
        The walking network, not clipped.
    """
    s = scenario_of(s)
    check_writes(s, [])
    save = None if save is None else edges_path(save)  # a wrong extension: before loading
    if save is not None:
        check_file(save)  # a folder in its place or a read-only folder: before loading too
    area, _ = load_area(s)
    net = load_network(s, area, progress)
    if save is not None:
        write_edges(net, save)
    return net


def draw_catchments(
    s: Scenario | str | Path,
    *,
    bands: list[float] | None = None,
    method: Literal["grid", "exact"] | None = None,
    path: str | Path | None = None,
    progress: Progress = _noop,
) -> tuple[Path, gpd.GeoDataFrame, int]:
    """Catchments of every facility (``bands`` and ``method`` over the scenario's), written.

    Returns the file written (``path``: ``.gpkg`` for a GeoPackage, ``.geojson`` or ``.json``
    for GeoJSON; default ``catchments.gpkg`` in the results folder), the per-facility catchment
    polygons and the number of facilities.

    Parameters
    ----------
    s
        The scenario, or its file.
    bands
        Bands in minutes; None: ``[walk] bands_min``.
    method
        ``"grid"`` or ``"exact"``; None: ``[walk] catchment_method``.
    path
        The file to write (see above).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    """
    s = scenario_of(s)
    check_catchment_args(bands, method)  # as the command line checks --bands, before loading
    given = None if bands is None or len(bands) == 0 else [float(b) for b in bands]  # arrays too
    spec = s.catchment_spec().with_(bands_min=given, method=method)
    path = None if path is None else Path(path)
    if path is not None and layer_format(path) is None:
        raise ScenarioError(
            Msg("error.scenario.argument", name="path", value=repr(str(path)))
            + Msg("error.output.layers_suffix")
        )
    check_writes(s, [] if path is not None else ["[output] dir"])  # before loading
    path = path or s.output_dir / "catchments.gpkg"
    check_file(path)  # a folder in its place or a read-only folder: before the long work
    area = load_area(s)
    net = load_network(s, area[0], progress)
    layers = read_layers(s, net, progress, area=area)
    if len(layers.facilities) == 0:
        raise CoverageError(Msg("error.plan.no_facility_rows"))
    fac = layers.facilities
    progress(t(s.lang, "console.step.catchments"))
    catch, by_tier = catchments_for(net, fac, spec, max_snap_m=s.walk_model().max_snap_m)
    write_layers(path, {"catchments": catch, "tier_catchments": by_tier}, s)
    return path, catch, len(fac)


def draw_map(
    s: Scenario | str | Path,
    path: str | Path | None = None,
    *,
    print_path: str | Path | None = None,
    paper: str | None = None,
    progress: Progress = _noop,
) -> tuple[Path, Path | None]:
    """Only the HTML map (default: the scenario's) and, with ``print_path``, a printable one.

    Computes coverage and catchments and writes no other file; returns the two paths written.
    ``paper`` is the printable map's paper size, ``"A4"`` or ``"A3"`` (default: ``[output]
    paper``).

    Parameters
    ----------
    s
        The scenario, or its file.
    path
        The HTML map to write; None: ``[output] map``.
    print_path
        Also a printable map (``.png`` or ``.pdf``).
    paper
        Its paper size (see above).
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    """
    s = scenario_of(s)
    check_print_args(print_path, paper)  # as the command line checks them, before loading
    check_writes(s, [] if path is not None else ["[output] map"])
    check_basemap(s)  # Tianditu without a key: before the long work, not at the map
    path = Path(path) if path is not None else s.map_path
    for target in [path] if print_path is None else [path, Path(print_path)]:
        check_file(target)  # a folder in its place or a read-only folder: before the long work
    result = run(s, progress=progress, write=False)
    path = write_map(result, path)
    printed = None
    if print_path is not None:
        paper = paper or s.output.paper
        progress(t(s.lang, "console.step.print_map", paper=paper))
        printed = write_print_map(result, Path(print_path), paper=paper)
    return path, printed
