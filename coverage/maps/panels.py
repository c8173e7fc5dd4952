"""The map's panels as data: title bar, KPI panel and legend, and the page's style sheet."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd

from coverage.i18n import catalogue, t
from coverage.maps.demand import DEMAND_STYLE
from coverage.maps.layers import BAND_OPACITY
from coverage.maps.plan import PROPOSED_COLOR, catchment_legend_row
from coverage.maps.registry import Registry, static_text
from coverage.maps.tiers import Tiers, is_tier, normalize_tier, tier_label
from coverage.maps.values import band_text, count_or_value, is_share, percent
from coverage.vocab import kind_label

__all__ = ["kpi_note", "kpi_order", "kpi_panel_rows", "kpi_rows", "panel_data", "style_tag"]


def style_tag() -> str:
    """The ``<style>`` element of the panels, markers and popups (``static/map.css``)."""
    return "<style>\n" + static_text("map.css") + "</style>"


# Where a figure goes in the panel: the headline first, then per kind, per tier, the rest.
_HEADLINE = ("share_any", "uncovered_weight")


def _kpi_rank(key: str) -> tuple[int, int]:
    if key in _HEADLINE:
        return (0, _HEADLINE.index(key))
    kind_key, _, kind = key.partition(":")
    if kind and kind_key in ("kind_share", "kind_uncovered"):
        return (1, 0)
    if key.startswith("share_") and key != "share_tier" and is_tier(normalize_tier(key[6:])):
        return (2, 0)
    return (3, 0)


def kpi_order(keys: Iterable[str]) -> list[str]:
    """KPI keys as a leader reads them.

    The share within reach of any facility and the number not covered first, then per
    demand kind (``kind_share:<kind>``, ``kind_uncovered:<kind>``), then per tier
    (``share_<tier>``), then everything else; the given order within each group.
    """
    keys = [str(k) for k in keys]
    return sorted(keys, key=lambda k: _kpi_rank(k))  # stable: given order within a group


def kpi_rows(kpis: Mapping[str, float], lang: str) -> list[tuple[str, str]]:
    """KPI panel rows in :func:`kpi_order`: label and figure.

    Shares are percentages with one decimal (all alike: the panel may show the same share
    twice, e.g. the headline and the plan's "before"), counts whole numbers, unknown keys by
    their name.
    """
    words = catalogue(lang)
    values = {str(k): v for k, v in kpis.items()}
    rows = []
    for key in kpi_order(values):
        value = values[key]
        kind_key, _, kind = key.partition(":")  # kind_share:residents …
        if f"map.kpi.{key}" in words and key != "share_tier":
            label = words[f"map.kpi.{key}"]
        elif kind and kind_key in ("kind_share", "kind_uncovered"):
            label = t(lang, f"map.kpi.{kind_key}", kind=kind_label(kind, lang))
        elif key.startswith("share_") and is_tier(normalize_tier(key[6:])):
            label = t(lang, "map.kpi.share_tier", label=tier_label(normalize_tier(key[6:]), lang))
        else:
            label = key
        if is_share(key):
            text = percent(value)
        else:  # a kind's uncovered people are a count like uncovered_weight
            text = count_or_value("uncovered_weight" if kind else key, value)
        rows.append((label, text))
    return rows


#: A plan map's own figures (:func:`coverage.export_maps.write_plan_map`): the shares with the plan.
_PLAN_KPIS = ("share_after_plan", "share_before_plan")


def kpi_panel_rows(
    kpis: Mapping[str, float], lang: str, notes: Sequence[str] = ()
) -> list[list[str] | dict[str, str]]:
    """The KPI panel's rows: :func:`kpi_rows`, in two sections on a plan map.

    With the plan's shares (``share_after_plan``), they come first under a heading of their
    own, followed by ``notes`` (what a capacitated plan's sites can serve,
    :func:`coverage.i18n.values.served_notes`), and the run's figures follow under one saying
    they are the situation before the plan (existing facilities only): a leader must not read
    them as the situation with it. A heading is a row of one cell, a note ``{"warn": text}``
    across the panel.
    """
    values = {str(k): v for k, v in kpis.items()}
    warn: list[list[str] | dict[str, str]] = [{"warn": str(n)} for n in notes]
    if "share_after_plan" not in values:
        return [*(list(r) for r in kpi_rows(values, lang)), *warn]
    plan = {k: values.pop(k) for k in _PLAN_KPIS if k in values}
    out = [[t(lang, "map.kpi.plan_section")], *(list(r) for r in kpi_rows(plan, lang)), *warn]
    if values:
        out += [[t(lang, "map.kpi.before_section")], *(list(r) for r in kpi_rows(values, lang))]
    return out


def kpi_note(lang: str, speed_kmh: float | None, date: str, sources: Sequence[str]) -> str:
    """The KPI panel's footnote: method, walking speed, date and data sources."""
    speed = "–" if speed_kmh is None else f"{speed_kmh:g}"
    src = t(lang, "map.sources_sep").join(dict.fromkeys(str(s) for s in sources)) or "–"
    if date:
        return t(lang, "map.kpi_note", speed=speed, date=date, sources=src)
    return t(lang, "map.kpi_note_nodate", speed=speed, sources=src)


def panel_data(
    reg: Registry,
    tiers: Tiers,
    bands: gpd.GeoDataFrame | None,
    kpis: Mapping[str, float],
    title: str,
    lang: str,
    basemap: str,
    notes: Sequence[str] = (),
) -> dict[str, Any]:
    """Title, KPI panel and legend as data (``title``, ``kpi``, ``legend`` of the payload).

    ``notes`` go to the KPI panel under the plan's figures (:func:`kpi_panel_rows`).
    """
    kpi = None
    if kpis:
        kpi = {"head": t(lang, "map.kpi"), "rows": kpi_panel_rows(kpis, lang, notes)}

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
        rows.append({"text": t(lang, "map.catchments"), "bands": swatches})
    # A plan map's newly covered points first: what the plan changes.
    for key in ("demand_added", "demand_uncovered", "demand_covered", "demand_cross", "demand"):
        if key in reg.names:
            rows.append({"dot": DEMAND_STYLE[key]["fillColor"], "text": reg.names[key]})
            # Uncovered points by minutes beyond the standard: one indented row per class.
            rows += [{**r, "sub": True} for r in reg.legend_rows.get(key, [])]
    if "proposed" in reg.names:
        rows.append({"icon": ["star", PROPOSED_COLOR, 16], "text": t(lang, "map.proposed_head")})
    if "proposed_catchments" in reg.names:
        rows.append(catchment_legend_row(reg.names["proposed_catchments"]))
    notes = [*reg.notes]
    if reg.catchments:
        notes.append(t(lang, "map.click_hint"))
    if basemap == "amap":
        notes.append(t(lang, "map.gcj02"))
    if basemap != "none":
        notes.append(t(lang, "map.offline"))
    legend = {"head": t(lang, "map.legend"), "rows": rows, "notes": notes}
    # Shown over the map when basemap tiles fail (any basemap can be chosen in the control).
    return {"title": title, "kpi": kpi, "legend": legend, "offline": t(lang, "map.offline")}
