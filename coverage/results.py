"""What a scenario run hands on: the record that planning, writers, maps and the report read.

It lives apart from :mod:`coverage.pipeline`, which makes it, so that data flows one way: the
steps after the run (planning, export, maps, report) import this record, never the pipeline.

Examples
--------
>>> from coverage.results import Run
>>> sorted(Run.__dataclass_fields__)[:3]
['catchments', 'coverage', 'files']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas as gpd

    from coverage.analysis import Coverage
    from coverage.inputs.layers import Layers
    from coverage.network import WalkNetwork
    from coverage.scenario import Scenario

__all__ = ["Run"]


@dataclass
class Run:
    """Everything a scenario run produced (returned by :func:`coverage.pipeline.run`).

    Attributes
    ----------
    scenario
        The scenario that ran.
    network
        The walking network, clipped to the area plus the walking margin.
    layers
        The input layers and every problem found in them.
    coverage
        Coverage per facility, per demand point and in summary
        (:class:`coverage.analysis.Coverage`).
    catchments
        Catchment polygons per facility and band.
    tier_catchments
        Their union per tier and band.
    files
        What was written, by kind (empty with ``write=False``).
    timings
        Seconds per step.
    """

    scenario: Scenario
    network: WalkNetwork
    layers: Layers
    coverage: Coverage
    catchments: gpd.GeoDataFrame
    tier_catchments: gpd.GeoDataFrame
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
