"""Inputs: registers, boundaries and population layers in, validated WGS-84 layers out.

One module per step:

* :mod:`~coverage.inputs.readers` (with :mod:`~coverage.inputs.workbooks`): files as they are —
  CSV in UTF-8/GBK, Excel by content, GIS files;
* :mod:`~coverage.inputs.columns`: column names recognised and mapped to standard fields;
* :mod:`~coverage.inputs.values`: numbers as registers write them (full-width digits,
  thousands and decimal commas, degrees-minutes-seconds);
* :mod:`~coverage.inputs.coordinates`: declared coordinate systems, conversion to WGS-84;
* :mod:`~coverage.inputs.points`: :func:`read_points`, a point layer in standard columns;
* :mod:`~coverage.inputs.datum_check` (with :mod:`~coverage.inputs.street_fit`): is the layer
  in the datum it declares;
* :mod:`~coverage.inputs.validation` (with :mod:`~coverage.inputs.duplicates`): rows that
  would make the results wrong are skipped, doubtful ones kept with a warning;
* :mod:`~coverage.inputs.problems`: every problem as a table for the run report;
* :mod:`~coverage.inputs.area`: the study area and sub-districts (boundary files);
* :mod:`~coverage.inputs.layers`: a scenario's layers read, checked and validated, with
  :mod:`~coverage.inputs.demand` for people as demand (re-exported by :mod:`coverage.pipeline`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from coverage.inputs.columns import (
    ALIASES,
    NUMERIC_FIELDS,
    describe_columns,
    normalize_column,
    resolve_columns,
)
from coverage.inputs.datum_check import DatumFinding, check_datum, review
from coverage.inputs.points import read_points
from coverage.inputs.problems import PROBLEM_COLUMNS, problems_frame, skipped_rows
from coverage.inputs.readers import EXCEL, GIS, TABULAR, read_frame
from coverage.inputs.validation import ROLES, validate_layer

if TYPE_CHECKING:
    from coverage.inputs.area import load_area
    from coverage.inputs.layers import Layers, read_layers
    from coverage.inputs.usable import FIRST_REASONS, check_usable

__all__ = [
    "ALIASES",
    "DatumFinding",
    "EXCEL",
    "FIRST_REASONS",
    "GIS",
    "Layers",
    "NUMERIC_FIELDS",
    "PROBLEM_COLUMNS",
    "ROLES",
    "TABULAR",
    "check_datum",
    "check_usable",
    "describe_columns",
    "load_area",
    "normalize_column",
    "problems_frame",
    "read_frame",
    "read_layers",
    "read_points",
    "resolve_columns",
    "review",
    "skipped_rows",
    "validate_layer",
]

#: Names loaded on first use, by module: reading the layers needs the network and routing
#: modules, which the file readers do not.
_LAZY = {
    "Layers": "coverage.inputs.layers",
    "read_layers": "coverage.inputs.layers",
    "load_area": "coverage.inputs.area",
    "FIRST_REASONS": "coverage.inputs.usable",
    "check_usable": "coverage.inputs.usable",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'coverage.inputs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
