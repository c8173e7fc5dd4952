"""Values of a scenario that are valid but unusual: each is used as given, with a warning.

A walking speed of 45 km/h or a threshold of 150 minutes is allowed, but it is probably a slip
(a unit mix-up, an extra zero), and so is a demand kind one letter away from a usual one;
:func:`unusual` words each such value with its file line.
"""

from __future__ import annotations

from typing import Any

from coverage import vocab
from coverage.errors import Msg
from coverage.scenario.checks import line_of, location
from coverage.scenario.model import Scenario

__all__ = ["USUAL_RANGES", "unusual"]


#: Bounds outside which a valid value is probably a slip (a unit mix-up, an extra zero); such
#: values are used as given, with a warning. Keys are (section, key); bounds are inclusive.
USUAL_RANGES: dict[tuple[str, str], tuple[float | None, float | None, str, str]] = {
    ("walk", "speed_kmh"): (1.0, 10.0, "km/h", "walking is 3–6 km/h"),
    ("walk", "threshold_min"): (None, 120.0, "min", "a walking threshold is minutes, not hours"),
    ("walk", "max_snap_m"): (None, 2000.0, "m", "points this far from a street are not on it"),
    ("walk", "walk_off_m"): (None, 500.0, "m", "it widens every catchment by that much"),
    ("walk", "steps_penalty"): (None, 10.0, "x", "steps take a few times longer, not more"),
    ("walk", "circle_radius_m"): (None, 10_000.0, "m", "the straight-line circle is usually 1 km"),
    ("network", "margin_m"): (None, 20_000.0, "m", "the network clip margin is a walking range"),
}


#: The units of :data:`USUAL_RANGES` as catalogue keys (the messages speak the scenario's lang).
_UNITS = {"km/h": "problem.unit.km_h", "min": "problem.unit.min", "m": "problem.unit.m",
          "x": "problem.unit.times"}  # fmt: skip


def _unusual(value: float, low: float | None, high: float, unit: str, why: str) -> Msg:
    """``12 km/h is unusual (usually 1 to 10 km/h: walking is 3–6 km/h); used as given``."""
    usual = (
        Msg("problem.usual_range", low=low, high=high)
        if low is not None
        else Msg("problem.usual_max", high=high)
    )
    return Msg("problem.unusual", value=value, unit=Msg(_UNITS[unit]), usual=usual, why=Msg(why))


def unusual(s: Scenario, raw: dict[str, Any], text: str) -> list[tuple[int | None, str, Msg]]:
    """(line, key, message) for each valid but unusual value (see :data:`USUAL_RANGES`).

    The messages are :class:`~coverage.errors.Msg` s: ``str()`` of one is English.
    """
    out: list[tuple[int | None, str, Msg]] = []

    def warn(loc: tuple[Any, ...], message: Msg) -> None:
        out.append((line_of(text, loc), location(text, loc), message))

    # The reasons in USUAL_RANGES are worded by the catalogue (problem.why.<section>_<key>).
    for (section, key), (low, high, unit, _why) in USUAL_RANGES.items():
        value = getattr(getattr(s, section), key)
        if value is None:
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            assert high is not None  # every range has an upper bound
            warn((section, key), _unusual(value, low, high, unit, f"problem.why.{section}_{key}"))
    high = USUAL_RANGES[("walk", "threshold_min")][1]
    for tier, value in s.walk.tier_threshold_min.items():
        if high is not None and value > high:
            why = "problem.why.walk_threshold_min"
            warn(("walk", "tier_threshold_min", tier), _unusual(value, None, high, "min", why))
    limit = max([s.walk.threshold_min, *s.walk.tier_threshold_min.values()])
    above = [b for b in s.walk.bands_min if b > limit]
    if above:
        given = "bands_min" in raw.get("walk", {})
        warn(
            ("walk", "bands_min") if given else ("walk",),
            Msg(
                "problem.bands_above" if given else "problem.default_bands_above",
                bands=", ".join(f"{b:g}" for b in above),
                limit=limit,
            ),
        )
    for i, layer in enumerate(s.demand):  # "wokers" would be a kind of its own, shown apart
        close = vocab.close_kind(layer.kind) if layer.kind else None
        if close is not None:
            label = {lang: vocab.kind_label(close, lang) for lang in vocab.LANGS}
            msg = Msg("problem.kind_close", kind=layer.kind, code=close, label=label)
            warn(("demand", i, "kind"), msg)
    return out
