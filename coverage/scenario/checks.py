"""Checks of a scenario beyond its schema.

Where it may write, and values that are valid but unusual; plus how a key is located in the
TOML text for one-line messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coverage.scenario.model import Scenario

__all__ = ["USUAL_RANGES", "WRITE_KEYS", "confined", "line_of", "location", "unusual"]

#: Scenario keys that name a place to write, with the section and field holding each, and what
#: to do instead when the file's value is refused.
WRITE_KEYS: dict[str, tuple[str, str, str]] = {
    "[output] dir": ("output", "dir", "pass --out on the command line instead"),
    "[output] map": ("output", "map", "pass --map on the command line instead"),
    "[output] print_map": (
        "output",
        "print_map",
        "remove it and pass --print to `coverage map` instead",
    ),
    "[network] cache_dir": (
        "network",
        "cache_dir",
        "move the cache there, or run the command from a folder that holds it",
    ),
}


def confined(path: Path, folders: list[Path]) -> bool:
    """Whether ``path``, resolved (``..`` and symlinks followed), lies inside one of ``folders``."""
    real = path.resolve()
    return any(real.is_relative_to(folder.resolve()) for folder in folders)


def location(text: str, loc: tuple[Any, ...]) -> str:
    """Dotted field path such as ``facilities[0].crs`` from a pydantic error location."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of the innermost key of ``loc`` in the TOML text."""
    keys = [p for p in loc if isinstance(p, str)]
    for key in reversed(keys):
        # [ \t]*, not \s*: a match must not start on a blank line above the key.
        m = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, flags=re.MULTILINE)
        if m is None:
            m = re.search(
                rf"^[ \t]*\[+[ \t]*[\w.]*{re.escape(key)}[ \t]*\]+", text, flags=re.MULTILINE
            )
        if m is not None:
            return text.count("\n", 0, m.start()) + 1
    return None


#: Bounds outside which a valid value is probably a slip (a unit mix-up, an extra zero); such
#: values are used as given, with a warning. Keys are (section, key); bounds are inclusive.
USUAL_RANGES: dict[tuple[str, str], tuple[float | None, float | None, str, str]] = {
    ("walk", "speed_kmh"): (1.0, 10.0, "km/h", "walking is 3-6 km/h"),
    ("walk", "threshold_min"): (None, 120.0, "min", "a walking threshold is minutes, not hours"),
    ("walk", "max_snap_m"): (None, 2000.0, "m", "points this far from a street are not on it"),
    ("walk", "walk_off_m"): (None, 500.0, "m", "it widens every catchment by that much"),
    ("walk", "steps_penalty"): (None, 10.0, "x", "steps take a few times longer, not more"),
    ("walk", "circle_radius_m"): (None, 10_000.0, "m", "the straight-line circle is usually 1 km"),
    ("network", "margin_m"): (None, 20_000.0, "m", "the network clip margin is a walking range"),
}


def unusual(s: Scenario, raw: dict[str, Any], text: str) -> list[tuple[int | None, str, str]]:
    """(line, key, message) for each valid but unusual value (see :data:`USUAL_RANGES`)."""
    out: list[tuple[int | None, str, str]] = []

    def warn(loc: tuple[Any, ...], message: str) -> None:
        out.append((line_of(text, loc), location(text, loc), message))

    for (section, key), (low, high, unit, why) in USUAL_RANGES.items():
        value = getattr(getattr(s, section), key)
        if value is None:
            continue
        if (low is not None and value < low) or (high is not None and value > high):
            usual = f"{low:g} to {high:g}" if low is not None else f"at most {high:g}"
            warn(
                (section, key),
                f"{value:g} {unit} is unusual (usually {usual} {unit}: {why}); used as given",
            )
    high = USUAL_RANGES[("walk", "threshold_min")][1]
    for tier, value in s.walk.tier_threshold_min.items():
        if high is not None and value > high:
            warn(
                ("walk", "tier_threshold_min", tier),
                f"{value:g} min is unusual (usually at most {high:g} min: a walking threshold is "
                "minutes, not hours); used as given",
            )
    limit = max([s.walk.threshold_min, *s.walk.tier_threshold_min.values()])
    above = [b for b in s.walk.bands_min if b > limit]
    if above:
        given = "bands_min" in raw.get("walk", {})
        warn(
            ("walk", "bands_min") if given else ("walk",),
            f"{'' if given else 'the default '}bands {', '.join(f'{b:g}' for b in above)} min "
            f"are above every threshold ({limit:g} min): the map draws catchments beyond what "
            "counts as covered",
        )
    return out
