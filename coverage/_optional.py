"""One place for the heavy libraries imported only when a feature needs them.

osmnx, osmium and matplotlib take seconds to import and most runs need only some of them, so they
are imported on first use, through :func:`import_optional`: a missing one is then one clear line
naming the package, what needed it and how to install it, never a bare traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from coverage.errors import MissingDependency, Msg

# MissingDependency lives in coverage.errors with the other errors; named here for importers.
__all__ = ["MissingDependency", "import_optional"]


def import_optional(name: str, purpose: str | Msg, package: str | None = None) -> ModuleType:
    """Import a module that only some features need.

    Parameters
    ----------
    name
        The module, e.g. ``"osmnx"`` or ``"osmium.osm.mutable"``.
    purpose
        What needs it, for the message: a :class:`~coverage.errors.Msg` of an
        ``error.purpose.*`` key (``Msg("error.purpose.osm_files")``), worded in the console's
        language, or plain text.
    package
        The name to install, when it differs from the top-level module (``"osmium"`` installs
        ``osmium``; ``"PyYAML"`` would install ``yaml``).

    Returns
    -------
    ModuleType

    Raises
    ------
    MissingDependency
        When the module (or a library it needs) cannot be imported.
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        pip = package or name.split(".")[0]
        msg = Msg("error.package.missing", purpose=purpose, package=pip, reason=str(exc))
        raise MissingDependency(msg) from exc
