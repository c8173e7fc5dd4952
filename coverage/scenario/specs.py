"""Typed, frozen views of a scenario's ``[walk]`` settings for the steps that use them.

The scenario's ``[walk]`` section holds everything about walking in one pydantic model; the
steps need two parts of it: the walking model (how fast, how far from a street, which threshold
per tier: routing and coverage) and the catchment drawing (bands, walk-off, method, cell: the
polygons on the map). :meth:`coverage.scenario.Scenario.walk_model` and
:meth:`~coverage.scenario.Scenario.catchment_spec` build them afresh from the current settings
(a notebook may change ``s.walk`` between runs), so a step receives one value instead of
unpacking fields by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

from coverage import vocab
from coverage.scenario.defaults import setting

__all__ = ["CatchmentSpec", "WalkModel"]


@dataclass(frozen=True)
class WalkModel:
    """How people walk and when a facility covers them.

    Attributes
    ----------
    speed_kmh
        Walking speed.
    threshold_min
        General walking threshold in minutes.
    tier_threshold_min
        Threshold per tier code where it differs from ``threshold_min`` (read-only).
    max_snap_m
        Points farther than this from a walkable street are unreachable.
    include_access
        Whether the walk between a point and its street counts in the walking time.
    steps_penalty
        Multiplier on the walking time of steps.
    circle_radius_m
        Radius of the straight-line circle shown for comparison.
    """

    speed_kmh: float = field(default_factory=lambda: setting("walk_speed_kmh"))
    threshold_min: float = field(default_factory=lambda: setting("threshold_min"))
    tier_threshold_min: Mapping[str, float] = field(default_factory=dict)
    max_snap_m: float = field(default_factory=lambda: setting("max_snap_m"))
    include_access: bool = True
    steps_penalty: float = field(default_factory=lambda: setting("steps_penalty"))
    circle_radius_m: float = field(default_factory=lambda: setting("circle_radius_m"))

    def __post_init__(self) -> None:
        # A copy behind a read-only view: the scenario's dict may change after this is built.
        frozen = MappingProxyType(dict(self.tier_threshold_min))
        object.__setattr__(self, "tier_threshold_min", frozen)

    def threshold_for(self, tier: str) -> float:
        """Threshold (minutes) for a tier; the general threshold when none is set.

        Parameters
        ----------
        tier
            A tier code, or a name registers write (``"驿站"``), read as the command line reads
            it; a value no tier has gets the general threshold.
        """
        own = self.tier_threshold_min
        code = tier if tier in own else vocab.normalize_tier(tier) or tier
        return float(own.get(code, self.threshold_min))


@dataclass(frozen=True)
class CatchmentSpec:
    """How catchment polygons are drawn.

    Attributes
    ----------
    bands_min
        Walking-time bands in minutes, ascending.
    walk_off_m
        How far off the street a catchment reaches around each reached stretch.
    method
        ``"grid"`` (fast, within about a cell) or ``"exact"`` (buffers).
    cell_m
        Grid spacing; None: the default (0.4 × ``walk_off_m``).
    """

    bands_min: tuple[float, ...] = field(default_factory=lambda: tuple(setting("bands_min")))
    walk_off_m: float = field(default_factory=lambda: setting("walk_off_m"))
    method: Literal["grid", "exact"] = "grid"
    cell_m: float | None = None

    def with_(
        self,
        *,
        bands_min: tuple[float, ...] | list[float] | None = None,
        method: Literal["grid", "exact"] | None = None,
    ) -> CatchmentSpec:
        """The same spec with other bands or another method (None: keep this one's).

        Parameters
        ----------
        bands_min
            Other bands in minutes.
        method
            Another method.
        """
        return replace(
            self,
            bands_min=self.bands_min if bands_min is None else tuple(bands_min),
            method=self.method if method is None else method,
        )
