"""The steps of a run, one function each: study area, network, layers, coverage.

:func:`coverage.pipeline.run` calls them in order (and re-exports them, so notebooks call
``pipeline.load_network`` and friends); each hands the next what it needs, and none writes a
file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage import analysis, network
from coverage.errors import Msg, ScenarioError, first_rows
from coverage.i18n import t
from coverage.inputs import area as _area
from coverage.inputs import layers as _layers
from coverage.inputs.area import StudyArea
from coverage.inputs.layers import Layers
from coverage.inputs.usable import check_usable
from coverage.preflight import scenario_of
from coverage.scenario import Scenario

__all__ = ["Progress", "coverage_of", "evaluate", "load_area", "load_network", "read_layers"]

#: Progress callback: receives short messages; a message ending in "done/total" (e.g.
#: "catchments 120/570") reports a count, which the CLI shows as a progress bar.
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


def _area_geometry(area: object) -> shapely.Geometry | None:
    """The area to clip to (WGS-84): a geometry, or what :func:`load_area` returned whole.

    ``area = pipeline.load_area(s)`` without unpacking is a pair; a GeoDataFrame or GeoSeries
    (in its own CRS) is its union. Anything else is one clear TypeError.
    """
    if isinstance(area, StudyArea):
        area = area[0]
    if isinstance(area, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if area.crs is None:
            raise ValueError(
                "area: no CRS; set the one its coordinates are in, e.g. .set_crs(4326)"
            )
        area = area.to_crs(4326).union_all()
    if area is not None and not isinstance(area, shapely.Geometry):
        raise TypeError(
            f"area must be a shapely geometry in WGS-84 (area, _ = pipeline.load_area(s)), "
            f"not {type(area).__name__}"
        )
    return area


def _check_net(net: object) -> None:
    """A notebook's slip (the area for the network, arguments swapped): one clear TypeError."""
    if not isinstance(net, network.WalkNetwork):
        raise TypeError(
            f"net must be the WalkNetwork load_network returned, not {type(net).__name__}"
        )


def load_area(s: Scenario | str | Path) -> StudyArea:
    """The study area and sub-districts (:func:`coverage.inputs.load_area`).

    A scenario that names a ``place`` and no area file gets the place's boundary, geocoded
    once (:func:`coverage.network.geocode_area`), then cached.

    Parameters
    ----------
    s
        The scenario, or its file.

    Returns
    -------
    StudyArea
        The area (WGS-84, or None) and the sub-districts, with the boundary files' problems.
    """
    return _area.load_area(scenario_of(s), geocode=network.geocode_area)


def read_layers(
    s: Scenario | str | Path,
    net: network.WalkNetwork,
    progress: Callable[[str], None] = _noop,
    *,
    area: tuple[shapely.Geometry | None, gpd.GeoDataFrame | None] | None = None,
) -> Layers:
    """Every layer read and checked against ``net`` (:func:`coverage.inputs.read_layers`).

    Parameters
    ----------
    s
        The scenario, or its file.
    net
        The walking network the layers are checked against (datum, distance to a street).
    progress
        Receives a short message per layer.
    area
        What :func:`load_area` returned, when the caller has read it already.

    Returns
    -------
    Layers
        Facilities, demand and candidates, with every problem found.
    """
    _check_net(net)
    s = scenario_of(s)
    return _layers.read_layers(s, net, progress, area=area, geocode=network.geocode_area)


# --- network --------------------------------------------------------------------------------


def load_network(
    s: Scenario | str | Path,
    area: shapely.Geometry | StudyArea | gpd.GeoDataFrame | None = None,
    progress: Progress = _noop,
    loaded: network.WalkNetwork | None = None,
) -> network.WalkNetwork:
    """Load (or download) the walking network and clip it to the area plus a walking margin.

    The margin defaults to the distance walked in the longest threshold or band, so that facilities
    just outside the area still reach the people inside and catchments are not cut at the edge.
    ``loaded``: the scenario's network already loaded (e.g. a city-wide one an audit worker
    keeps for all its districts); it is only clipped.

    Parameters
    ----------
    s
        The scenario (or its file): its ``[network]`` and ``[walk]`` sections.
    area
        The study area (WGS-84) to clip to, or what :func:`load_area` returned; None: no
        clipping.
    progress
        Called with a line for each step (the command line's spinner; ``"… 120/570"`` reports a
        count); default: nothing.
    loaded
        The scenario's network already loaded (see above); None: load it here.

    Returns
    -------
    WalkNetwork
        The clipped walking network.
    """
    s = scenario_of(s)
    area = _area_geometry(area)
    opts: dict[str, Any] = {
        "speed_kmh": s.walk.speed_kmh,
        "steps_penalty": s.walk.steps_penalty,
        "component": s.network.component,
    }
    margin = s.network.margin_m
    if margin is None:
        margin = s.walk.max_walk_m
    nw = s.network
    if loaded is not None:
        net = loaded
    elif nw.path is not None:
        progress(t(s.lang, "console.step.network", path=nw.path))
        net = network.load(s.input_path(nw.path), cache_dir=s.cache_dir, **opts)
    else:
        progress(t(s.lang, "console.step.download"))
        query: dict[str, Any]
        if nw.place is not None:
            query = {"place": nw.place}
        elif nw.bbox is not None:
            query = {"bbox": tuple(nw.bbox)}
        else:
            if area is None:
                raise ScenarioError(Msg("error.network.polygon_needs_area"), s.source)
            poly = area.buffer(margin / 111_000)  # degrees, generous at these latitudes
            query = {"polygon": poly}
        net = network.download(cache_dir=s.cache_dir, **query, **opts)
    if area is not None:
        area_m = gpd.GeoSeries([area], crs=4326).to_crs(net.crs).iloc[0]
        net = network.clip(net, area_m, margin)
    return net


# --- analysis -------------------------------------------------------------------------------


def evaluate(
    s: Scenario | str | Path, net: network.WalkNetwork, layers: Layers
) -> analysis.Coverage:
    """Coverage of the scenario's demand by its facilities.

    Parameters
    ----------
    s
        The scenario (or its file): its ``[walk]`` settings, services and sub-district name field.
    net
        The walking network.
    layers
        The input layers (:func:`coverage.inputs.read_layers`).

    Returns
    -------
    Coverage
        Coverage of the usable demand by the usable facilities.

    Raises
    ------
    InputError
        When no facility or no demand row is usable, with the first reasons.
    TypeError
        When ``net`` or ``layers`` is not what the steps before returned.
    ValueError
        When ``net`` was loaded at another speed or steps penalty than the scenario now says.
    ScenarioError
        When ``[walk]`` was changed in place to something invalid (an unknown tier name).
    """
    s = scenario_of(s)
    _check_net(net)
    if not isinstance(layers, Layers):
        raise TypeError(
            f"layers must be the Layers read_layers returned, not {type(layers).__name__}"
        )
    _check_times(net, s)
    check_usable(s, layers)
    return coverage_of(s, net, layers)


def _check_times(net: network.WalkNetwork, s: Scenario) -> None:
    """The network's walking times are the scenario's: same speed, same penalty on steps.

    Times are fixed when the network is loaded: a speed or steps penalty changed since needs
    the network loaded again, not coverage at the old times without a word.
    """
    walk = s.walk_model()
    speed = net.speed_mps * 3.6
    was, now = f"{speed:g} km/h", f"{walk.speed_kmh:g} km/h"
    if math.isclose(speed, walk.speed_kmh, rel_tol=1e-9):
        e = net.edges
        steps = (e["highway"].to_numpy() == "steps") & (e["length"].to_numpy() > 0)
        if not steps.any():
            return
        # the penalty the times hold: time × speed / length on the steps (the same on each)
        held = float(np.median(e["time_s"].to_numpy()[steps] * net.speed_mps
                               / e["length"].to_numpy()[steps]))  # fmt: skip
        if math.isclose(held, walk.steps_penalty, rel_tol=1e-6):
            return
        was, now = f"steps_penalty {held:g}", f"steps_penalty {walk.steps_penalty:g}"
    raise ValueError(
        f"net was loaded walking at {was} and the scenario now says {now}: "
        "load the network again (pipeline.load_network)"
    )


def coverage_of(s: Scenario, net: network.WalkNetwork, layers: Layers) -> analysis.Coverage:
    """Coverage of the scenario's demand by its facilities, whatever rows are usable.

    :func:`evaluate` without its check: an audit's district that no facility stands near is
    0 % covered, not a failure.

    Parameters
    ----------
    s
        The scenario: its ``[walk]`` settings and sub-district name field.
    net
        The walking network.
    layers
        The input layers.

    Returns
    -------
    Coverage
        Coverage of the demand by the facilities.
    """
    walk = s.walk_model()
    return analysis.evaluate(
        net,
        _tier_codes(s, layers.facilities),
        layers.demand,
        threshold_min=walk.threshold_min,
        tier_threshold_min=walk.tier_threshold_min,
        max_snap_m=walk.max_snap_m,
        include_access=walk.include_access,
        circle_radius_m=walk.circle_radius_m,
        subdistricts=layers.subdistricts,
        name_field=s.area.name_field,
    )


def _tier_codes(s: Scenario, facilities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Facilities with the scenario's tier codes; a name no tier has is named, not kept.

    A notebook's own rows may say ``"服务站点"``: that is the point tier, with its threshold.
    """
    if not isinstance(facilities, pd.DataFrame) or "tier" not in facilities:
        return facilities  # analysis.evaluate says what is wrong
    words = s.vocabulary
    tier = facilities["tier"]
    # each distinct name once: read layers hold codes already, a register repeats a few names
    code = {t: words.normalize(t) for t in pd.unique(tier) if not pd.isna(t)}
    unknown = tier.map(lambda t: not pd.isna(t) and code[t] is None).to_numpy(dtype=bool)
    if unknown.any():
        rows = facilities.index[unknown]
        names = ", ".join(dict.fromkeys(repr(str(t)) for t in tier[unknown]))
        raise ValueError(
            f"facilities, rows {first_rows(rows)}: "
            f"unknown tier {names}; known: {', '.join(words.codes)} (or their names, "
            "e.g. 服务站点)"
        )
    return facilities.assign(tier=tier.map(lambda t: t if pd.isna(t) else code[t]))
