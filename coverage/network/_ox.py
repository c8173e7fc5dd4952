"""osmnx as the network loaders use it: imported on first use.

It comes with the way tags the walk rule reads, and the caller's ``ox.settings`` restored afterwards
(analysts may use osmnx with their own settings in the same session).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from coverage._optional import import_optional
from coverage.errors import Msg
from coverage.overpass import http_cache

__all__ = ["osmnx", "osmnx_settings", "simplify"]

# Tags osmnx should keep on ways so that our walk filter can read them.
_EXTRA_WAY_TAGS = ("foot", "access", "oneway", "oneway:foot", "highway", "name")

# A node where one of these tags changes must stay a segment end when osmnx simplifies the graph:
# by default osmnx merges any two ways meeting at a plain corner into one edge whose tags become a
# list, and our filter then reads only the first value (e.g. steps + street → one edge, penalised
# wholly or not at all; a trunk road continuing as a residential street → kept walkable wholly).
_SPLIT_ON_TAGS = ("highway", "foot", "access", "oneway", "oneway:foot")


def osmnx() -> ModuleType:
    """The osmnx module (a clear error when it is not installed)."""
    return import_optional("osmnx", Msg("error.purpose.osmnx"))


@contextmanager
def osmnx_settings(cache_dir: str | Path | None = None) -> Iterator[Any]:
    """osmnx with the way tags we need (and its HTTP cache in ``cache_dir``).

    The caller's ``ox.settings`` are restored afterwards.
    """
    ox = osmnx()
    saved = ox.settings.useful_tags_way
    try:
        tags = list(saved)
        ox.settings.useful_tags_way = tags + [t for t in _EXTRA_WAY_TAGS if t not in tags]
        if cache_dir is None:
            yield ox
        else:
            with http_cache(ox, cache_dir):
                yield ox
    finally:
        ox.settings.useful_tags_way = saved


def simplify(G: Any) -> Any:
    """osmnx topology simplification that keeps a node wherever a walk-relevant tag changes."""
    with osmnx_settings() as ox:
        return ox.simplify_graph(G, edge_attrs_differ=_SPLIT_ON_TAGS)
