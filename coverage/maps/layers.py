"""The map's polygon and marker layers: catchments, facilities, proposed sites, sub-districts.

Each function adds its layers to the :class:`~coverage.maps.registry.Registry` as data;
popups and tooltips are data too (:func:`~coverage.maps.registry.popup`), drawn by the page
with ``textContent``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from coverage.counts import shown_parts
from coverage.datum import COORDINATE_COLUMNS, coordinate_text
from coverage.i18n import catalogue, t
from coverage.maps.geometry import draw_geoms, feature_collection
from coverage.maps.registry import Registry, polygon_spec, popup
from coverage.maps.tiers import Tiers, is_tier, normalize_tier, tier_label
from coverage.maps.values import (
    band_text,
    clean,
    count_or_value,
    fid_key,
    is_share,
    missing,
    number,
    percent,
)
from coverage.scenario.defaults import setting

__all__ = [
    "BAND_OPACITY",
    "PROGRAM_COLUMNS",
    "REACH_FACTOR",
    "capacity_flag",
    "catchment_layers",
    "catchment_style",
    "facility_catchments",
    "facility_layers",
    "coordinate_rows",
    "facility_popup",
    "proposed_layer",
    "shown_band",
    "subdistrict_layer",
    "tier_bands",
]

# Fill opacity of catchment bands: inner bands darker, so nested bands read as rings.
BAND_OPACITY = {5.0: 0.28, 10.0: 0.2, 15.0: 0.12}

#: Columns of the analysis' tables that are bookkeeping, never shown in a popup.
PROGRAM_COLUMNS = frozenset({"scope", "key", "index", "fid", "snap_m", "snapped", "subdistrict"})

#: A facility's popup flags its reach when the workers within its threshold are more than this
#: many times its capacity (capacity known and positive): it cannot serve the people it covers.
REACH_FACTOR: float = 3.0


def capacity_flag(reach: Any, capacity: Any, lang: str) -> str:
    """The popup's warning when ``reach`` exceeds :data:`REACH_FACTOR` × ``capacity``, else ''.

    For example 13,511 workers within reach of a point with capacity 150 (90×) is flagged;
    450 workers for a capacity of 150 (exactly 3×) is not.
    """
    if missing(reach) or missing(capacity):
        return ""
    try:
        r, c = float(reach), float(capacity)
    except (TypeError, ValueError):
        return ""
    if not (np.isfinite(r) and np.isfinite(c)) or c <= 0 or r <= REACH_FACTOR * c:
        return ""
    return t(
        lang,
        "map.over_capacity",
        reach=number(r),
        capacity=number(c, digits=1),
        factor=f"{r / c:,.0f}" if r / c >= 10 else f"{r / c:.1f}",
    )


def _services_text(value: Any, lang: str) -> str:
    if isinstance(value, str):
        items = [s.strip() for s in re.split(r"[;；,，、]", value) if s.strip()]
    elif isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        items = [str(s).strip() for s in value if not missing(s) and str(s).strip()]
    else:
        items = [] if missing(value) else [str(value)]
    return t(lang, "map.sep").join(items)


def coordinate_rows(row: pd.Series, lang: str) -> list[tuple[str, str]]:
    """Popup rows ``(label, "lon,lat")`` of the row's coordinate pairs, in the row's order.

    The label names the datum; the pair is :func:`coverage.datum.coordinate_text`'s.

    The pairs are those :func:`coverage.datum.add_coordinates` wrote (ordered by
    ``[output] datum``); a row without them gets none.
    """
    pairs = {lon: (d, lat) for d, (lon, lat) in COORDINATE_COLUMNS.items()}
    rows = []
    for col in row.index:
        if col in pairs and not missing(row[col]) and not missing(row.get(pairs[col][1])):
            d, lat = pairs[col]
            rows.append((t(lang, f"map.coords_{d}"), coordinate_text(row[col], row[lat])))
    return rows


def facility_popup(row: pd.Series, tier: str, lang: str, has_catchment: bool) -> dict[str, Any]:
    """A facility's popup: name, tier, type, services, address, capacity, reach, coordinates.

    In the map's language only; no internal fields (snap distance, ids). A reach beyond
    :data:`REACH_FACTOR` × capacity is flagged (:func:`capacity_flag`).
    """
    title = row.get("name")
    if missing(title) or str(title).strip() == "":
        title = f"{tier_label(tier, lang)} #{row.get('fid', '')}"
    rows: list[tuple[str, str]] = [(t(lang, "map.tier"), tier_label(tier, lang))]
    kind = row.get("type")
    # A type that merely repeats the tier adds nothing; a tier-like type gets its label.
    if not missing(kind) and str(kind).strip() and normalize_tier(kind) != tier:
        text = str(kind)
        if is_tier(normalize_tier(kind)):
            text = tier_label(normalize_tier(kind), lang)
        rows.append((t(lang, "map.type"), text))
    services = _services_text(row.get("services"), lang)
    if services:
        rows.append((t(lang, "map.services"), services))
    address = row.get("address")
    if not missing(address) and str(address).strip():
        rows.append((t(lang, "map.address"), str(address).strip()))
    if not missing(row.get("capacity")):
        rows.append((t(lang, "map.capacity"), number(row["capacity"], digits=1)))
    if not missing(row.get("workers_reached")):
        rows.append((t(lang, "map.workers_reached"), number(row["workers_reached"])))
    rows += coordinate_rows(row, lang)
    warn = capacity_flag(row.get("workers_reached"), row.get("capacity"), lang)
    return popup(str(title), rows, t(lang, "map.click_hint") if has_catchment else "", warn)


def catchment_style(color: str, band: float, shown: float) -> dict[str, Any]:
    """Style of one tier's band: inner bands darker, the band ``shown`` on opening bolder."""
    opacity = BAND_OPACITY.get(float(band), 0.15)
    return {
        "color": color,
        "weight": 1.5 if band == shown else 1,
        "opacity": 0.8,
        "fillColor": color,
        "fillOpacity": opacity,
    }


def tier_bands(
    tier_catchments: gpd.GeoDataFrame | None, catchments: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame | None:
    """Union per tier and band; dissolved from per-facility catchments when not given."""
    if tier_catchments is not None and len(tier_catchments):
        return tier_catchments
    if catchments is None or not len(catchments) or "band_min" not in catchments:
        return None
    frame = catchments.assign(tier=catchments["tier"] if "tier" in catchments else "other")
    rows = []
    for (tier, band), part in frame.groupby(["tier", "band_min"], sort=False):
        rows.append(
            {
                "tier": tier,
                "band_min": band,
                "geometry": shapely.union_all(part.geometry.to_numpy()),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=frame.crs)


def subdistrict_layer(
    reg: Registry,
    frame: gpd.GeoDataFrame,
    lang: str,
    datum: str,
    bounds: list[np.ndarray],
) -> None:
    """Sub-district boundaries, each with its summary table as a popup.

    Summary columns show under their catalogue names (``map.column.<column>``); program keys
    (:data:`PROGRAM_COLUMNS`) are left out; the boundary file's own columns show as named.
    """
    geoms = draw_geoms(frame.geometry.to_numpy(), datum, simplify=True)
    bounds.append(np.asarray(shapely.total_bounds(geoms)))
    words = catalogue(lang)
    props = []
    columns = [
        c
        for c in frame.columns
        if c != frame.geometry.name and c != "name" and c not in PROGRAM_COLUMNS
    ]
    for i, (_, row) in enumerate(frame.iterrows()):
        rows = []
        for col in columns:
            value = row[col]
            if isinstance(value, bool | np.bool_):
                text = str(bool(value))
            elif pd.api.types.is_number(value):
                text = percent(value) if is_share(str(col)) else count_or_value(str(col), value)
            elif missing(value):
                continue
            else:
                text = str(value)
            rows.append((words.get(f"map.column.{col}", str(col)), text))
        name = row.get("name")
        title = str(name) if not missing(name) else f"{t(lang, 'map.subdistricts')} {i + 1}"
        props.append({"popup": popup(title, rows)})
    # A faint fill keeps the inside clickable for the summary popup.
    style = {
        "color": "#555",
        "weight": 1.5,
        "dashArray": "4 3",
        "fillColor": "#888",
        "fillOpacity": 0.02,
    }
    spec = polygon_spec(feature_collection(geoms, props), style, interactive=True)
    reg.add("subdistricts", t(lang, "map.subdistricts"), spec, count=len(frame))


def shown_band(bands: list[float], threshold: float) -> float:
    """The band drawn on opening: the threshold's own, else the largest below it."""
    below = [b for b in bands if b <= threshold + 1e-9]
    return max(below) if below else min(bands, default=0)


def catchment_layers(
    reg: Registry,
    bands: gpd.GeoDataFrame,
    tiers: Tiers,
    lang: str,
    datum: str,
    thresholds: Mapping[str, float],
    tolerance_m: float = 1.0,
    cache_dir: Path | None = None,
) -> None:
    """One layer per tier (``catchment_<tier>``), centre first, with its bands as a choice.

    The layer holds every band of the tier (``bands`` of the spec, smallest first); the page
    draws one at a time, chosen beside the tier's checkbox, and opens on the tier's threshold
    band (:func:`shown_band`). Outlines are simplified within ``tolerance_m`` metres (kept
    in ``cache_dir`` between runs when given).
    """
    frame = bands.assign(
        _tier=[normalize_tier(t) for t in bands["tier"]],
        _band=pd.to_numeric(bands["band_min"], errors="coerce"),
    )
    frame = frame[frame["_band"].notna()]
    limits = {normalize_tier(t): float(v) for t, v in thresholds.items()}
    for tier in tiers.order:
        of_tier = frame[frame["_tier"] == tier]
        tier_bands = sorted(set(of_tier["_band"]))
        if not tier_bands:
            continue
        limit = limits[tier] if tier in limits else setting("threshold_min")  # checked: if used
        shown = shown_band(tier_bands, limit)
        choices = []
        for band in tier_bands:
            part = of_tier[of_tier["_band"] == band]
            role = f"catchments-{tiers.slug[tier]}-{float(band):g}"
            cache = None if cache_dir is None else (cache_dir, role)
            geoms = draw_geoms(part.geometry.to_numpy(), datum, simplify=tolerance_m, cache=cache)
            choices.append(
                {
                    "band": float(band),
                    "label": t(lang, "map.band", band=band_text(band)),
                    "style": catchment_style(tiers.style[tier]["color"], band, shown),
                    "data": feature_collection(geoms, [{}] * len(geoms)),
                }
            )
        spec = {
            "kind": "bands",
            "band": float(shown),
            "bands": choices,
            "choice": t(lang, "map.band_choice"),
        }
        name = t(lang, "map.catchment_tier", label=tier_label(tier, lang))
        reg.add(f"catchment_{tiers.slug[tier]}", name, spec, count=len(of_tier))


def facility_catchments(
    reg: Registry,
    catchments: gpd.GeoDataFrame,
    datum: str,
    tolerance_m: float = 1.0,
    cache_dir: Path | None = None,
) -> None:
    """Each facility's own catchment, by fid, for the page to highlight on a click.

    Outlines are simplified within ``tolerance_m`` metres (kept in ``cache_dir`` between runs
    when given).
    """
    cache = None if cache_dir is None else (cache_dir, "facility-catchments")
    geoms = draw_geoms(catchments.geometry.to_numpy(), datum, simplify=tolerance_m, cache=cache)
    bands = (
        pd.to_numeric(catchments["band_min"], errors="coerce")
        if "band_min" in catchments
        else pd.Series(np.nan, index=catchments.index)
    )
    per: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    for i, (fid, band, geom) in enumerate(zip(catchments["fid"], bands, geoms, strict=True)):
        per.setdefault(fid_key(fid, i), []).append((geom, {"band_min": clean(band)}))
    for fid, items in per.items():
        # Largest band first so the inner bands are drawn over it.
        items.sort(key=lambda gp: -(gp[1]["band_min"] or 0))
        reg.catchments[fid] = feature_collection([g for g, _ in items], [p for _, p in items])


def facility_layers(
    reg: Registry,
    facilities: gpd.GeoDataFrame,
    fac_tiers: list[str],
    tiers: Tiers,
    lang: str,
    datum: str,
    bounds: list[np.ndarray],
) -> None:
    """One marker layer per tier: inline SVG icons with popup and tooltip."""
    if not len(facilities):
        return
    pts = draw_geoms(shapely.point_on_surface(facilities.geometry.to_numpy()), datum)
    bounds.append(np.asarray(shapely.total_bounds(pts)))
    frame = facilities.reset_index(drop=True)
    tier_arr = np.asarray(fac_tiers, dtype=object)
    for tier in tiers.order:
        rows = np.flatnonzero(tier_arr == tier)
        if not len(rows):
            continue
        slug, style = tiers.slug[tier], tiers.style[tier]
        items = []
        for i in rows:
            row = frame.iloc[i]
            fid = fid_key(row.get("fid"), int(i))
            name = row.get("name")
            name = "" if missing(name) else str(name)
            items.append(
                {
                    "fid": fid,
                    "lat": float(pts[i].y),
                    "lng": float(pts[i].x),
                    "data": {"fid": fid, "tier": tier},
                    "popup": facility_popup(row, tier, lang, fid in reg.catchments),
                    "tooltip": name or tier_label(tier, lang),
                }
            )
            reg.facility_tier[fid] = tier
            if name.strip():  # searched by name: a facility without one cannot be
                reg.search.append([fid, name, tier_label(tier, lang)])
        spec = {
            "kind": "markers",
            "icon": {
                "shape": style["shape"],
                "color": style["color"],
                "size": int(style["size"]),
                "class": f"cov-fac cov-tier-{slug}",
                "iconClass": "cov-fac-icon",
            },
            # Centres above sub-centres above points where they overlap.
            "z": 1000 * (len(tiers.order) - tiers.order.index(tier)),
            "items": items,
        }
        name = t(lang, "map.count", label=tier_label(tier, lang), n=len(rows))
        reg.add(f"facilities_{slug}", name, spec, count=len(rows))


def proposed_layer(
    reg: Registry,
    proposed: gpd.GeoDataFrame,
    lang: str,
    datum: str,
    bounds: list[np.ndarray],
) -> None:
    """Proposed sites as numbered stars, with rank, gain and tier in the popup."""
    pts = draw_geoms(shapely.point_on_surface(proposed.geometry.to_numpy()), datum)
    bounds.append(np.asarray(shapely.total_bounds(pts)))
    items = []
    # Whole people adding up to the people the plan adds, as the legend shows them.
    gains = shown_parts(proposed["gain"]) if "gain" in proposed else None
    for i, (_, row) in enumerate(proposed.reset_index(drop=True).iterrows()):
        rank = row.get("rank")
        rank_text = "" if missing(rank) else fid_key(rank, i + 1)
        rows = []
        if rank_text:
            rows.append((t(lang, "map.rank"), rank_text))
        if gains is not None and not missing(row.get("gain")):
            rows.append((t(lang, "map.gain"), number(gains[i])))
        if not missing(row.get("tier")):
            rows.append(
                (t(lang, "map.proposed_tier"), tier_label(normalize_tier(row["tier"]), lang))
            )
        rows += coordinate_rows(row, lang)
        name = row.get("name")
        title = (
            t(lang, "map.proposed_named", name=name)
            if not missing(name)
            else t(lang, "map.proposed_unnamed")
        )
        items.append(
            {
                "lat": float(pts[i].y),
                "lng": float(pts[i].x),
                "data": {"rank": rank_text},
                "text": rank_text,
                "popup": popup(title, rows),
                "tooltip": title,
            }
        )
    spec = {
        "kind": "markers",
        "icon": {
            "shape": "star",
            "color": "#6c3483",
            "size": 26,
            "class": "cov-proposed",
            "iconClass": "cov-proposed-icon",
        },
        "z": 5000,
        "items": items,
    }
    reg.add("proposed", t(lang, "map.proposed", n=len(proposed)), spec, count=len(proposed))
