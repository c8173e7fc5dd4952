"""Candidate sites: from files, a spacing grid and OSM, plus the existing facilities.

Files come with their roles; a spacing grid over the network nodes and OSM features, plus the
existing facilities every plan counts as open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from coverage import settings, vocab
from coverage._arrays import whole_rows
from coverage._optional import import_optional
from coverage.datum import metric_xy
from coverage.errors import InputError, Msg, NetworkError, ScenarioError, first_rows
from coverage.i18n import t
from coverage.inputs.values import key_text
from coverage.network import WalkNetwork
from coverage.overpass import download_reason, http_cache, overpass_or_cache
from coverage.vocab import ROLES

if TYPE_CHECKING:
    from coverage.results import Run
    from coverage.scenario import Scenario

__all__ = ["OSM_TAGS", "ROLES", "candidate_sites", "grid_candidates", "osm_candidates",
           "planning_sites", "site_capacity", "site_roles"]  # fmt: skip

log = logging.getLogger(__name__)

#: OSM features that make plausible union service sites (shared community premises).
OSM_TAGS: dict[str, Any] = {
    "amenity": ["community_centre", "social_centre", "townhall", "library", "arts_centre"],
    "shop": ["mall"],
    "office": ["government"],
}


def _noop(_: str) -> None:
    pass


def grid_candidates(
    net: WalkNetwork, spacing_m: float, area: shapely.Geometry | None = None
) -> gpd.GeoDataFrame:
    """One candidate per grid cell: the street node nearest to the cell centre.

    Parameters
    ----------
    net
        Walking network (projected).
    spacing_m
        Cell size in metres.
    area
        WGS-84 area; only nodes inside it are used.

    Returns
    -------
    GeoDataFrame (WGS-84) with ``name``, ``role`` = ``candidate``, ``source`` = ``grid``.
    """
    if not spacing_m > 0:  # NaN too: every node would become a candidate
        raise ValueError(f"grid spacing must be positive, not {spacing_m!r}")
    x, y = net.x, net.y
    keep = np.ones(net.n_nodes, dtype=bool)
    if area is not None:
        a = gpd.GeoSeries([area], crs=4326).to_crs(net.crs).iloc[0]
        keep = shapely.contains_xy(a, x, y)
    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return _empty_sites()
    cx = np.floor(x[idx] / spacing_m)
    cy = np.floor(y[idx] / spacing_m)
    d = np.hypot(x[idx] - (cx + 0.5) * spacing_m, y[idx] - (cy + 0.5) * spacing_m)
    order = np.lexsort((d, cy, cx))
    cells = np.c_[cx, cy][order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = np.any(cells[1:] != cells[:-1], axis=1)
    pick = idx[order[first]]
    pts = gpd.GeoSeries(shapely.points(x[pick], y[pick]), crs=net.crs).to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "name": [f"grid-{i + 1:05d}" for i in range(len(pick))],
            "role": "candidate",
            "source": "grid",
        },
        geometry=pts.values,
        crs=4326,
    )


def osm_candidates(
    *,
    osm_file: str | Path | None = None,
    place: str | None = None,
    polygon: shapely.Geometry | None = None,
    tags: dict[str, Any] | None = None,
    cache_dir: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Candidate sites from OSM features (community centres, libraries, …) via osmnx.

    Give an ``.osm`` XML file (offline), or a place name / WGS-84 polygon (Overpass download,
    kept in osmnx's HTTP cache under ``cache_dir/http``, as the network's is, so a later run
    needs no internet). Areas become their representative point.

    Parameters
    ----------
    osm_file
        An ``.osm`` XML file to read offline.
    place
        A place name to download for.
    polygon
        A WGS-84 area to download for.
    tags
        OSM tags to look for (default :data:`OSM_TAGS`).
    cache_dir
        Folder of the download cache (default :data:`coverage.settings.cache_folder`, read at
        call time).

    Returns
    -------
    GeoDataFrame
        One point per feature, in WGS-84.
    """
    ox = import_optional("osmnx", Msg("error.purpose.osm_candidates"))

    tags = tags or OSM_TAGS
    if osm_file is None and place is None and polygon is None:
        raise ValueError("give osm_file, place or polygon")
    try:
        if osm_file is not None:
            feats = ox.features_from_xml(osm_file, tags=tags)
        else:
            # offline: at once, not after osmnx's minute of waiting (unless its cache answers)
            cache = settings.cache_folder if cache_dir is None else cache_dir
            with http_cache(ox, cache), overpass_or_cache(ox):
                if place is not None:
                    feats = ox.features_from_place(place, tags=tags)
                else:
                    feats = ox.features_from_polygon(polygon, tags=tags)
    except ox._errors.InsufficientResponseError:
        return _empty_sites()
    except Exception as exc:  # osmnx raises many types: a download's is one line, not a traceback
        if osm_file is not None:
            raise
        raise NetworkError(Msg("error.plan.osm_download", reason=download_reason(exc))) from exc
    feats = feats.reset_index()
    kind = pd.Series("", index=feats.index, dtype=object)
    for key in tags:  # the first tag that matched, e.g. "amenity=library"
        if key in feats:
            hit = (kind == "") & feats[key].notna()
            kind[hit] = key + "=" + feats.loc[hit, key].astype(str)
    names = feats["name"] if "name" in feats else pd.Series(None, index=feats.index)
    geom = feats.geometry.to_crs(feats.estimate_utm_crs()).representative_point().to_crs(4326)
    return gpd.GeoDataFrame(
        {
            "name": names.fillna(kind).astype(str).to_numpy(),
            "role": "candidate",
            "source": "osm",
            "osm_tag": kind.to_numpy(),
        },
        geometry=geom.values,
        crs=4326,
    )


def _empty_sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [], "role": [], "source": []}, geometry=[], crs=4326)


def candidate_sites(
    files: gpd.GeoDataFrame | None = None,
    *,
    net: WalkNetwork | None = None,
    grid_spacing_m: float = 0.0,
    area: shapely.Geometry | None = None,
    osm: gpd.GeoDataFrame | None = None,
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """All candidate sites: from files (with their roles), a node grid and OSM features.

    Roles: ``candidate`` (may be chosen), ``existing`` (already built: counted as open),
    ``excluded`` (may not be chosen, e.g. a site the landlord refused). Sites without a name
    are named ``grid-00107`` / ``site-3``, or with ``lang`` in words (``网格点 00107``,
    ``未命名候选点 3``): tables and maps show these names.

    Parameters
    ----------
    files
        Sites read from the scenario's ``[[candidates]]`` layers (with a ``role`` column), or None.
    net
        The walking network, for the node grid.
    grid_spacing_m
        Spacing of the node grid in metres; 0: no grid sites.
    area
        The study area in WGS-84: grid sites lie inside it.
    osm
        Sites from :func:`osm_candidates`, or None.
    lang
        ``"zh"`` or ``"en"``: the words of generated names; None: ``grid-00107`` / ``site-3``.

    Returns
    -------
    GeoDataFrame
        Every site with ``name``, ``role`` and ``source``, in WGS-84.
    """
    parts = []
    if files is not None and len(files):
        parts.append(_file_sites(files))
    if grid_spacing_m and net is None:
        raise ValueError("grid_spacing_m needs net, the walking network whose nodes it picks")
    if grid_spacing_m and net is not None:
        parts.append(grid_candidates(net, grid_spacing_m, area))
    if osm is not None and len(osm):
        parts.append(osm)
    if not parts:
        return _empty_sites()
    out = pd.concat(parts, ignore_index=True)
    out = whole_rows(gpd.GeoDataFrame(out, geometry="geometry", crs=4326))
    if "name" not in out:
        out["name"] = ""
    unnamed = out["name"].isna() | (out["name"].astype(str).str.strip() == "")
    out.loc[unnamed, "name"] = [_unnamed(out, int(i), lang) for i in np.flatnonzero(unnamed)]
    if lang is not None:
        grid = (out["source"] == "grid").to_numpy()
        out.loc[grid, "name"] = [
            t(lang, "excel.value.grid_site", n=str(v).removeprefix("grid-"))
            for v in out.loc[grid, "name"]
        ]
    return out


def _file_sites(files: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Candidate rows read from files, their roles normalised (one-line error for a bad one)."""
    f = files.copy()
    if "role" not in f:
        f["role"] = "candidate"
    raw = f["role"].to_numpy(dtype=object)
    roles = [vocab.role_code(v) for v in raw]
    if None in roles:
        i = roles.index(None)
        layer = str(f["layer"].iloc[i]) if "layer" in f else ""
        col = files.attrs.get("layer_columns", {}).get(layer, {}).get("role", "role")
        word = str(raw[i]).strip().lower()
        raise _site_error(f, i, Msg("error.plan.unknown_role", role=word), col)
    f["role"] = roles
    f["source"] = "file"
    return _excluded_twins(f)


#: Metres within which a candidate of an excluded site's name is that site (as a register's
#: duplicates are found).
_TWIN_M = 5.0


def _excluded_twins(f: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Candidates at an excluded site's place, of its name or with no name on one side, are excluded.

    A planner keeps the refused sites in a file of their own (or lists a site again, lower down
    another file): a candidate row of the same site in another file must not be proposed.
    Names compare as a register's duplicates do (:func:`~coverage.inputs.values.key_text`); a
    row without a name is known by its place only, so it is that site (two other names there
    are two sites). Rows without a name at one place were settled when read
    (:func:`coverage.inputs.duplicates.skip_role_twins`: the strictest role stays); an analyst's
    own table is settled here.
    """
    excluded = (f["role"] == "excluded").to_numpy()
    if not excluded.any() or excluded.all():
        return f
    from scipy.spatial import cKDTree

    lon, lat = f.geometry.x.to_numpy(dtype=float), f.geometry.y.to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    # no name column: every row is known by its place only
    names = np.array([key_text(n) for n in f.get("name", [""] * len(f))], dtype=object)
    cand = np.flatnonzero((f["role"] == "candidate").to_numpy() & ok)
    ex = np.flatnonzero(excluded & ok)
    if not len(cand) or not len(ex):
        return f
    xy = metric_xy(f)  # as a register's duplicates are measured
    role = f["role"].to_numpy(dtype=object).copy()
    hits = cKDTree(xy[ex]).query_ball_point(xy[cand], _TWIN_M)
    for i, near in zip(cand, hits, strict=True):
        if any(names[i] in ("", names[ex[k]]) or names[ex[k]] == "" for k in near):
            role[i] = "excluded"
    return f.assign(role=role)


def site_roles(sites: pd.DataFrame, n_rows: int) -> npt.NDArray[np.str_]:
    """The role of each site, one per row of the times (default: all candidates).

    A notebook's own sites table must match the times row for row, and a role such as
    ``"exist"`` must not make a built site a candidate: both are one clear ValueError.

    Parameters
    ----------
    sites
        The sites, with an optional ``role`` column (:data:`ROLES` or 候选/已建/排除…).
    n_rows
        The number of rows of the times.

    Returns
    -------
    numpy.ndarray
        :data:`ROLES` values, one per site.
    """
    if len(sites) != n_rows:
        raise ValueError(f"sites has {len(sites)} rows for {n_rows} rows of times")
    if "role" not in sites:
        return np.full(n_rows, "candidate")
    roles = [vocab.role_code(v) for v in sites["role"]]  # as in a candidates file
    bad = np.array([r is None for r in roles], dtype=bool)
    if bad.any():
        rows = first_rows(sites.index[bad])
        words = ", ".join(dict.fromkeys(map(repr, sites["role"][bad])))
        raise ValueError(f"sites, rows {rows}: unknown role {words}; use {', '.join(ROLES)}")
    return np.asarray(roles, dtype=np.str_)


def _unnamed(sites: pd.DataFrame, i: int, lang: str | None) -> str:
    """The name of unnamed site ``i``: its file and row when it has them, so it can be found."""
    if lang is None:
        return f"site-{i + 1}"
    row = sites["row"].iat[i] if "row" in sites else None
    layer = sites["layer"].iat[i] if "layer" in sites else None
    if row is None or pd.isna(row) or layer is None or pd.isna(layer):
        return t(lang, "excel.value.unnamed_site", n=i + 1)
    return t(lang, "excel.value.unnamed_site_at", file=layer, row=int(row))


def planning_sites(
    s: Scenario, result: Run, progress: Callable[[str], None] = _noop
) -> gpd.GeoDataFrame:
    """Existing facilities (role ``existing``) and every candidate the scenario names.

    Parameters
    ----------
    s
        The scenario: ``[plan] grid_spacing_m`` and ``osm_features`` add generated candidates.
    result
        Its coverage run (facilities, candidate layers, area and network).
    progress
        Receives a short message before OSM features are read.

    Returns
    -------
    GeoDataFrame (WGS-84)
        The facilities first (``facility_tier`` = their tier), then the candidates.
    """
    fac = result.coverage.facilities
    existing = gpd.GeoDataFrame(
        {
            "name": fac["name"] if "name" in fac else [f"facility-{i}" for i in range(len(fac))],
            "role": "existing",
            "source": "facility",
            "facility_tier": fac["tier"].to_numpy(),
        },
        geometry=fac.geometry.values,
        crs=4326,
    )
    osm = None
    if s.plan.osm_features:
        progress(t(s.lang, "console.step.osm_features"))
        osm = _scenario_osm(s, result.layers.area)
    cands = candidate_sites(
        result.layers.candidates,
        net=result.network,
        grid_spacing_m=s.plan.grid_spacing_m,
        area=result.layers.area,
        osm=osm,
        lang=s.lang,
    )
    if s.candidates and not (len(cands) and (cands["role"] == "candidate").any()):
        raise InputError(_none_to_choose(s, result, cands), s.source)
    out = pd.concat([existing, cands], ignore_index=True)
    return whole_rows(gpd.GeoDataFrame(out, geometry="geometry", crs=4326))


def _none_to_choose(s: Scenario, result: Run, cands: pd.DataFrame) -> Msg:
    """Why candidate files gave no site to choose: every row existing, excluded or skipped."""
    files = {f.resolve() for c in s.candidates if (f := s.input_path(c.path)) is not None}
    skipped = {
        (p.path, p.row)
        for p in result.layers.problems
        if p.action == "skipped" and p.row is not None and Path(p.path).resolve() in files
    }
    roles = cands["role"] if "role" in cands else pd.Series([], dtype=str)
    return Msg(
        "error.plan.no_candidate_rows",
        files=", ".join(sorted(f.name for f in files)),
        existing=int((roles == "existing").sum()),
        excluded=int((roles == "excluded").sum()),
        skipped=len(skipped),
    )


def site_capacity(sites: gpd.GeoDataFrame) -> npt.NDArray[np.float64] | None:
    """The ``capacity`` of each planning site (NaN: no limit), for ``[plan] capacity = true``.

    Existing facilities count as unlimited (the plan adds sites; it does not re-plan who the
    existing ones serve); None, with a warning, when no site has a capacity: nothing would be
    limited, and the plan is made without capacities rather than claim them silently.
    A negative capacity (kept, with a warning, when the file was read) is a one-line
    :class:`~coverage.errors.InputError` naming its file, row and field.

    Parameters
    ----------
    sites
        The planning sites (candidates and existing facilities), with a ``capacity`` column if any.

    Returns
    -------
    ndarray or None
        One capacity per site (NaN: no limit), or None when no site has one.
    """
    cap: npt.NDArray[np.float64] | None = None
    if "capacity" in sites:
        cap = np.asarray(pd.to_numeric(sites["capacity"], errors="coerce"), dtype=np.float64)
    if cap is None or not np.isfinite(cap).any():
        log.warning(Msg("error.plan.no_capacity"))
        return None
    negative = np.flatnonzero(cap < 0)
    if len(negative):  # kept with a warning when read; a plan cannot serve fewer than no one
        i = int(negative[0])
        raise _site_error(sites, i, Msg("problem.capacity_not_positive", v=cap[i]), "capacity")
    return cap


def _site_error(sites: pd.DataFrame, i: int, msg: Msg, field: str) -> InputError:
    """The one-line error of site ``i``'s ``field``, naming its file and row where known."""
    row = sites["row"].iloc[i] if "row" in sites else None
    return InputError(
        msg,
        sites["layer"].iloc[i] if "layer" in sites else None,
        row=int(row) if row is not None and pd.notna(row) else None,
        field=field,
    )


def _scenario_osm(s: Scenario, area: shapely.Geometry | None) -> gpd.GeoDataFrame:
    """OSM candidate features from the scenario's .osm network file, place or area."""
    nw = s.network
    path = s.input_path(nw.path) if nw.path is not None else None
    if path is not None and path.suffix.lower() == ".osm":
        osm = osm_candidates(osm_file=path)
    elif nw.place is not None:
        osm = osm_candidates(place=nw.place, cache_dir=s.cache_dir)
    elif area is not None:
        osm = osm_candidates(polygon=area, cache_dir=s.cache_dir)
    else:
        raise ScenarioError(Msg("error.plan.osm_features"), s.source)
    if area is not None and len(osm):
        osm = osm[shapely.covers(area, osm.geometry.values)]
    return osm
