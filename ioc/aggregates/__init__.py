"""Shared dashboard aggregates: what the pages read over and over, computed once for all.

Every web process (gunicorn worker, host) used to compute the same KPI counts and report
cells for itself. Now they live in one table (``dashboard_aggregates``, schema 0012):

* :mod:`ioc.aggregates.shared` — reading and writing the table, with this process's
  decoded copies in front of it;
* :mod:`ioc.aggregates.kpi` and :mod:`ioc.aggregates.reports` — the aggregates the pages
  ask for, their keys and their JSON form;
* :mod:`ioc.aggregates.feeds` — the small, indexed queries every dashboard reads (open
  incidents, report points and cells, latest readings and snapshots), below the map layers
  and the pages that draw them;
* :mod:`ioc.aggregates.lock` — the one-refresher-at-a-time lock (a PostgreSQL advisory
  lock; a lock file beside an SQLite database);
* :mod:`ioc.aggregates.refresher` — the loop that recomputes them every
  ``aggregates.refresh_s`` (role ``aggregates``: ``ioc aggregates``, part of ``ioc run``).

Live feeds (cameras, incidents) never wait for a refresh: the report aggregates are tied
to the reports' version, so the first page to see a new version computes them once.
"""
