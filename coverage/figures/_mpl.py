"""matplotlib for the static figures: imported on first use, a missing one named in one line."""

from __future__ import annotations

from types import ModuleType

from coverage._optional import import_optional
from coverage.errors import Msg

__all__ = ["PURPOSE", "require_matplotlib"]

#: What needs matplotlib, for the message when it is missing.
PURPOSE = Msg("error.purpose.figures")


def require_matplotlib() -> ModuleType:
    """The matplotlib module; :class:`~coverage.errors.MissingDependency` when not installed.

    Call it before the typed ``from matplotlib … import …`` lines, so that a missing library is
    one clear line and the imports keep their type information.
    """
    return import_optional("matplotlib", PURPOSE)
