"""Errors that name where bad input is, so a planner can fix the file."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CoverageError",
    "MissingDependency",
    "ScenarioError",
    "InputError",
    "NetworkError",
    "OutputError",
    "Problem",
]


class CoverageError(Exception):
    """Base class for errors raised by coverage."""


class MissingDependency(CoverageError, ImportError):
    """A library a feature needs is not installed.

    Also an ``ImportError``, for code that catches failed imports as such.
    """


class ScenarioError(CoverageError):
    """A scenario file is missing, unreadable or invalid."""


class InputError(CoverageError):
    """A data file has a problem; names the file, and the row and field where known.

    Parameters
    ----------
    message
        What is wrong.
    path
        The file.
    row
        1-based data row number as the planner sees it (header excluded), if known.
    field
        Column name, if known.
    """

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.field = field
        self.reason = message
        where = []
        if self.path:
            where.append(self.path)
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class NetworkError(CoverageError):
    """The street network cannot be loaded or is unusable."""


class OutputError(CoverageError, OSError):
    """A result cannot be written: the folder is a file, read-only, or the disk is full.

    Also an ``OSError``, so code that catches failed writes as such keeps working.

    Parameters
    ----------
    message
        What is wrong.
    path
        The file or folder that could not be written.
    """

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.reason = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class Problem:
    """One problem found in an input row: where, what, and what the run did about it."""

    __slots__ = ("path", "row", "field", "message", "action")

    def __init__(
        self,
        path: str | Path,
        row: int | None,
        field: str | None,
        message: str,
        action: str = "skipped",
    ) -> None:
        self.path = str(path)
        self.row = row
        self.field = field
        self.message = message
        self.action = action  # "skipped" (row not used), "kept" (warning only) or "failed"

    def as_dict(self) -> dict[str, object]:
        """The problem as a row of ``problems.csv``: file, row, field, problem, action."""
        return {
            "file": self.path,
            "row": self.row,
            "field": self.field,
            "problem": self.message,
            "action": self.action,
        }

    def to_error(self) -> InputError:
        """The problem as an :class:`InputError` (raised when it cannot be skipped)."""
        return InputError(self.message, self.path, self.row, self.field)

    def __repr__(self) -> str:
        return f"Problem({self.to_error()} [{self.action}])"
