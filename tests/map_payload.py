"""Reading what an HTML map draws: the one JSON payload (``var coverageMeta=...;``)."""

from __future__ import annotations

import json
import re
from typing import Any

# Nesting of GeoJSON coordinates above the position lists, by geometry type.
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2}
_DEPTH["MultiPolygon"] = 3


def _unpack(a: list[Any], depth: int, scale: int) -> Any:
    """A second, plain-loop decoder of packed positions ``[x0, y0, dx1, dy1, …]``."""
    if depth > 1:
        return [_unpack(p, depth - 1, scale) for p in a]
    out, x, y = [], 0, 0
    for i in range(0, len(a), 2):
        x, y = x + a[i], y + a[i + 1]
        out.append([x / scale, y / scale])
    return out if depth else out[0]


def _unpack_geometry(g: dict[str, Any], scale: int) -> None:
    if "geometries" in g:
        for part in g["geometries"]:
            _unpack_geometry(part, scale)
    elif "c" in g:
        g["coordinates"] = _unpack(g.pop("c"), _DEPTH[g["type"]], scale)


def unpack_collection(fc: dict[str, Any]) -> dict[str, Any]:
    """A packed FeatureCollection (``scale`` set) as plain GeoJSON, in place."""
    scale = fc.pop("scale", None)
    if scale:
        for f in fc["features"]:
            _unpack_geometry(f["geometry"], scale)
    return fc


def unpack_payload(meta: dict[str, Any]) -> dict[str, Any]:
    """The payload with every packed geometry restored, as the page does before drawing."""
    for field in ("catchments", "colors"):  # [id, value] pairs, read as the page reads them
        if field in meta:
            meta[field] = dict(meta[field])
    for fc in meta.get("catchments", {}).values():
        unpack_collection(fc)
    for spec in meta.get("overlays", []):
        if spec.get("kind") == "geojson":
            unpack_collection(spec["data"])
    return meta


def payload(page: str) -> dict[str, Any]:
    """The decoded ``coverageMeta`` of a map page (geometries unpacked)."""
    match = re.search(r"^var coverageMeta=(.*);$", page, re.M)
    assert match, "no coverageMeta payload in the page"
    return unpack_payload(dict(json.loads(match.group(1))))


def overlays(page: str) -> dict[str, dict[str, Any]]:
    """Overlay specs of a map page by layer key, in drawing order."""
    return {o["key"]: o for o in payload(page)["overlays"]}


def proposed_ranks(page: str) -> list[str]:
    """The rank shown on each proposed-site marker of a map page."""
    spec = overlays(page).get("proposed")
    return [] if spec is None else [item["data"]["rank"] for item in spec["items"]]
