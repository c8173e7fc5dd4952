"""City-wide and national audits: every district of a layer as its own scenario, on dask.

``coverage audit AUDIT.toml`` reads a district layer and the city-wide inputs
(:mod:`coverage.audit.config`), writes one scenario per district and runs each as a task on
dask.distributed (:mod:`coverage.audit.runner`, :mod:`coverage.audit.tasks`): a local cluster by
default, or an existing one. Each district's folder holds what ``coverage run`` writes; the
audit adds a table of all districts, a GeoPackage and an offline choropleth
(:mod:`coverage.audit.results`, :mod:`coverage.audit.choropleth`). Unchanged districts are
skipped on a re-run; a failing district is reported while the others finish.
"""

from coverage.audit.config import Audit, load_audit
from coverage.audit.districts import District, read_districts
from coverage.audit.outcome import AuditRun
from coverage.audit.runner import run_audit

__all__ = ["Audit", "AuditRun", "District", "load_audit", "read_districts", "run_audit"]
