"""Layers of the printable map besides catchments and points: water and green, sub-districts.

Water and green areas (from an osmnx download, see :mod:`coverage.network.landcover`) sit
under everything as a quiet background; sub-district boundaries are thin grey lines with each
name at a point inside its polygon, on a white box so it reads over catchment hatching.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from coverage.figures.fonts import no_cjk_font
from coverage.i18n import t
from coverage.maps.values import missing

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["LANDCOVER_COLORS", "TIER_HATCHES", "draw_landcover", "draw_subdistricts"]

#: Fill of each land-cover class (pale, so that the data stays the subject).
LANDCOVER_COLORS = {"water": "#b9d9f2", "green": "#d5ebc8"}

#: Hatching per tier in drawing order: lines of different directions stay apart where
#: catchments overlap, whatever the colours do (and survive a grey-scale copier).
TIER_HATCHES = ("//", "\\\\", "||", "--", "xx", "..", "++", "oo")


def draw_landcover(ax: Axes, landcover: gpd.GeoDataFrame, crs: int, lang: str) -> list[Artist]:
    """Water and green polygons (``kind`` ``water``/``green``) under everything."""
    from matplotlib.patches import Patch

    frame = landcover[landcover.geometry.notna() & ~landcover.geometry.is_empty]
    if "kind" not in frame or not len(frame):
        return []
    frame = frame.to_crs(crs)
    handles: list[Artist] = []
    for kind in ("green", "water"):  # water over green (a river through a park)
        part = frame[frame["kind"] == kind]
        if not len(part):
            continue
        color = LANDCOVER_COLORS[kind]
        part.plot(ax=ax, color=color, edgecolor="none", linewidth=0, zorder=0.5)
        handles.append(Patch(facecolor=color, edgecolor="none", label=t(lang, f"print.{kind}")))
    return handles[::-1]


def draw_subdistricts(
    ax: Axes, subdistricts: gpd.GeoDataFrame, crs: int, lang: str, font: str | None
) -> list[Artist]:
    """Sub-district boundaries and names (from a ``name`` column).

    Names other than ASCII are drawn only with ``font``, a CJK font.
    """
    from matplotlib.lines import Line2D

    frame = subdistricts[subdistricts.geometry.notna() & ~subdistricts.geometry.is_empty]
    if not len(frame):
        return []
    frame = frame.to_crs(crs)
    frame.boundary.plot(ax=ax, color="#555", linewidth=0.9, zorder=3)
    names = frame["name"] if "name" in frame else pd.Series(dtype=object)
    # A white box, not a path-effect halo: that would turn the name into outlines in a PDF,
    # and a PDF's words should stay text (searchable, copyable).
    box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}
    spots = shapely.point_on_surface(frame.geometry.to_numpy())
    for name, spot in zip(names, spots, strict=False):
        if missing(name):
            continue
        if not (font or str(name).isascii()):
            no_cjk_font()  # one line says why the names are not shown
            continue
        ax.text(
            spot.x,
            spot.y,
            str(name),
            fontsize=9,
            color="#222",
            ha="center",
            va="center",
            zorder=13,  # over the facility markers: a leader looks for the names
            bbox=box,
            clip_on=True,
        )
    return [Line2D([], [], color="#555", lw=0.9, label=t(lang, "map.subdistricts"))]
