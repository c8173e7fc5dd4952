"""The map's panels as data: title bar, KPI panel and legend, and the page's style sheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from coverage.i18n import catalogue, t
from coverage.maps.demand import DEMAND_STYLE
from coverage.maps.layers import BAND_OPACITY
from coverage.maps.registry import Registry, static_text
from coverage.maps.tiers import Tiers, is_tier, normalize_tier, tier_label
from coverage.maps.values import band_text, count_or_value, is_share, percent
from coverage.vocab import kind_label

__all__ = ["kpi_rows", "panel_data", "style_tag"]


def style_tag() -> str:
    """The ``<style>`` element of the panels, markers and popups (``static/map.css``)."""
    return "<style>\n" + static_text("map.css") + "</style>"


def kpi_rows(kpis: Mapping[str, float], lang: str) -> list[tuple[str, str]]:
    """KPI panel rows: label and figure; shares as percentages, unknown keys by their name."""
    words = catalogue(lang)
    rows = []
    for key, value in kpis.items():
        key = str(key)
        kind_key, _, kind = key.partition(":")  # kind_share:residents …
        if f"map.kpi.{key}" in words and key != "share_tier":
            label = words[f"map.kpi.{key}"]
        elif kind and kind_key in ("kind_share", "kind_uncovered"):
            label = t(lang, f"map.kpi.{kind_key}", kind=kind_label(kind, lang))
        elif key.startswith("share_") and is_tier(normalize_tier(key[6:])):
            label = t(lang, "map.kpi.share_tier", label=tier_label(normalize_tier(key[6:]), lang))
        else:
            label = key
        if is_share(key) or kind_key == "kind_share":
            text = percent(value)
        else:  # a kind's uncovered people are a count like uncovered_weight
            text = count_or_value("uncovered_weight" if kind else key, value)
        rows.append((label, text))
    return rows


def panel_data(
    reg: Registry,
    tiers: Tiers,
    bands: gpd.GeoDataFrame | None,
    kpis: Mapping[str, float],
    title: str,
    lang: str,
    basemap: str,
) -> dict[str, Any]:
    """Title, KPI panel and legend as data (``title``, ``kpi``, ``legend`` of the payload)."""
    kpi = None
    if kpis:
        kpi = {"head": t(lang, "map.kpi"), "rows": [list(r) for r in kpi_rows(kpis, lang)]}

    rows: list[dict[str, Any]] = []
    for tier in tiers.order:
        if f"facilities_{tiers.slug[tier]}" in reg.names:
            st = tiers.style[tier]
            rows.append({"icon": [st["shape"], st["color"], 14], "text": tier_label(tier, lang)})
    if bands is not None and len(bands):
        values = sorted(set(pd.to_numeric(bands["band_min"], errors="coerce").dropna()))
        swatches = [
            [BAND_OPACITY.get(b, 0.15), t(lang, "map.band", band=band_text(b))] for b in values
        ]
        rows.append({"text": f"{t(lang, 'map.catchments')}: ", "bands": swatches})
    for key in ("demand_uncovered", "demand_covered", "demand_cross", "demand"):
        if key in reg.names:
            rows.append({"dot": DEMAND_STYLE[key]["fillColor"], "text": reg.names[key]})
    if "proposed" in reg.names:
        rows.append({"icon": ["star", "#6c3483", 16], "text": t(lang, "map.proposed_head")})
    notes = [*reg.notes]
    if reg.catchments:
        notes.append(t(lang, "map.click_hint"))
    if basemap == "amap":
        notes.append(t(lang, "map.gcj02"))
    if basemap != "none":
        notes.append(t(lang, "map.offline"))
    legend = {"head": t(lang, "map.legend"), "rows": rows, "notes": notes}
    return {"title": title, "kpi": kpi, "legend": legend}
