"""Every table of the IOC in one metadata.

Parts keep their tables in their own model modules (``models_kpi``…); import this module
wherever the whole schema matters — the migration environment, test clean-up — so no table
is missed because nobody happened to import its module first.
"""

from __future__ import annotations

from ioc.store import (
    models,
    models_aggregates,
    models_audit,
    models_auth,
    models_connectors,
    models_digital,
    models_incidents,
    models_kpi,
    models_leases,
    models_reports,
    models_violations,
)

metadata = models.Base.metadata
MODEL_MODULES = (
    models,
    models_kpi,
    models_reports,
    models_incidents,
    models_leases,
    models_auth,
    models_audit,
    models_aggregates,
    models_connectors,
    models_digital,
    models_violations,
)
