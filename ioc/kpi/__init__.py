"""Public-service KPIs (Decision 766/QĐ-TTg).

Modules: ``periods`` (month/quarter/year in local time, eras around the 2025 reform),
``ratio`` (the generic "ratio over records per unit and period" machinery), ``queries``
(one GROUP BY per period), ``decision766`` (pure formulas), ``ranking``, ``dossiers``
(idempotent upsert), ``importer`` (file imports), ``report``,
``simulate`` and ``commands`` (the CLI). The digital-transformation indicators live in
:mod:`ioc.digital`.
"""

import ioc.store.models_kpi  # noqa: F401  (registers the KPI tables on Base.metadata)
