"""What reading a layer needs of the walking network: where the streets are.

Reading a register needs no graph. Its checks need the streets, though: a datum check compares
points with the street lines, and validation says which points lie too far from any walkable
street. The caller hands in an object with these members; :class:`coverage.network.WalkNetwork`
is one, and the inputs never import the network.
"""

from __future__ import annotations

from typing import Any, Protocol

import geopandas as gpd
import numpy as np

__all__ = ["Streets"]


class Streets(Protocol):
    """The streets a layer is checked against (:class:`coverage.network.WalkNetwork` is one)."""

    @property
    def edges(self) -> gpd.GeoDataFrame:
        """The walkable street segments (a ``geometry`` column, in :attr:`crs`)."""
        ...

    @property
    def crs(self) -> Any:
        """The streets' metric coordinate reference system."""
        ...

    def street_distance(self, points: gpd.GeoSeries, max_m: float) -> np.ndarray:
        """Metres from each point (in :attr:`crs`) to the nearest street (inf beyond ``max_m``)."""
        ...
