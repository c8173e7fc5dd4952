"""What an audit produced: one record per district, by code, and the files written.

The record lives apart from :mod:`coverage.audit.runner`, which makes it, so that the writers
(:mod:`coverage.audit.results`, :mod:`coverage.audit.choropleth`) read it without importing
the runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coverage.audit.config import Audit
    from coverage.audit.districts import District
    from coverage.errors import Problem

__all__ = ["AuditRun"]


@dataclass
class AuditRun:
    """What :func:`coverage.audit.run_audit` produced: one record per district (by code) and the files.

    Attributes
    ----------
    audit
        The audit that ran.
    districts
        Every district of the layer, in file order.
    records
        District code → its record: figures, status and, for a failed one, the error.
    files
        What was written (the district table, workbook, GeoPackage and choropleth), by kind.
    seconds
        Wall time of the whole audit.
    notes
        The registers' notes for the whole audit: rows near no district (in no district's
        results).
    """

    audit: Audit
    districts: list[District]
    records: dict[str, dict[str, Any]]
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """The audit's problems of no one district row.

        The district layer's (e.g. an undeclared datum in China), then :attr:`notes`.
        """
        return [*getattr(self.districts, "problems", []), *self.notes]

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The records of districts that failed or were not audited, in district order."""
        return [
            self.records[d.code]
            for d in self.districts
            if self.records.get(d.code, {}).get("status") != "done"
        ]
