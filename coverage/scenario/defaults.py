"""The walking defaults of :mod:`coverage.settings`, read at call time and checked.

An analyst sets them after import (``coverage.settings.walk_speed_kmh = 4.0``); a function or
a scenario section that falls back on one reads it through :func:`setting`, which checks it as
a scenario file's ``[walk]`` value is checked (the same field, so the same range): a zero
speed or a NaN threshold is one line naming the setting, not an empty coverage far away.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from pydantic import ConfigDict, TypeAdapter, ValidationError

from coverage import settings
from coverage.errors import ArgumentError, Msg
from coverage.scenario.checks import error_msg
from coverage.scenario.sections import Section, Walk

__all__ = ["CHECKED", "setting"]

#: Each checked setting and the ``[walk]`` field whose type and range it must fit.
CHECKED = {
    "walk_speed_kmh": "speed_kmh",
    "threshold_min": "threshold_min",
    "bands_min": "bands_min",
    "steps_penalty": "steps_penalty",
    "max_snap_m": "max_snap_m",
    "walk_off_m": "walk_off_m",
    "circle_radius_m": "circle_radius_m",
}


@functools.cache
def _adapter(name: str) -> TypeAdapter[Any]:
    info = Walk.model_fields[CHECKED[name]]
    shape: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    # as a section reads a file's value: inf and nan refused
    config = ConfigDict(allow_inf_nan=Section.model_config.get("allow_inf_nan", False))
    return TypeAdapter(shape, config=config)


def setting(name: str) -> Any:
    """The value of ``coverage.settings.<name>`` now, checked as its ``[walk]`` field is.

    Parameters
    ----------
    name
        A key of :data:`CHECKED` (``"walk_speed_kmh"``, ``"threshold_min"``, ...).

    Returns
    -------
    Any
        The value as the field reads it (a number as ``float``, bands as a list).

    Raises
    ------
    ArgumentError
        One line naming the setting, the allowed range and the value (also a ``ValueError``).
    """
    value = getattr(settings, name)
    try:
        return _adapter(name).validate_python(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "".join(f"[{p}]" for p in err["loc"])  # an item of bands_min
        raise ArgumentError(
            Msg("error.settings.value", setting=f"coverage.settings.{name}{where}") + error_msg(err)
        ) from None
