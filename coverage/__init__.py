"""coverage: street-network service-coverage planning for tiered worker service facilities.

Data flows one way: scenario → inputs → network → routing → catchments / analysis → planning
→ maps, figures, report. Submodules are imported on first use (``coverage.pipeline``,
``coverage.siting`` …), so ``import coverage`` stays cheap and ``coverage.errors`` can be used
without loading geopandas or folium.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from coverage._version import __version__
from coverage.errors import (
    ArgumentError,
    CoverageError,
    InputError,
    MissingDependency,
    NetworkError,
    OutputError,
    PlanError,
    Problem,
    ScenarioError,
)

#: Submodules reachable as attributes of the package (``coverage.pipeline``, ``coverage.steps``
#: …), loaded lazily: every public module of the package, as the README names them.
_SUBMODULES: frozenset[str] = frozenset(
    m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")
)

__all__ = [
    "ArgumentError",
    "CoverageError",
    "InputError",
    "MissingDependency",
    "NetworkError",
    "OutputError",
    "PlanError",
    "Problem",
    "ScenarioError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"coverage.{name}")
    raise AttributeError(f"module 'coverage' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_SUBMODULES})
