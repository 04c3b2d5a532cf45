"""Probes: ``/healthz`` (liveness: the process answers) and ``/readyz`` (readiness: the
process can serve pages, i.e. the database answers). Both are public and say nothing but
which dependency is up or down, for load balancers and compose/systemd health checks."""

from __future__ import annotations

from flask import Response, jsonify

from ioc.app_context import current_store
from ioc.store.outage import reachable


def healthz() -> Response:
    """Liveness probe for load balancers and ``ioc serve`` supervisors."""
    return jsonify({"status": "ok"})


def readyz() -> Response:
    """Readiness: 200 when every dependency answers, 503 naming the ones that do not."""
    checks = {"database": "ok" if reachable(current_store()) else "down"}
    ready = all(state == "ok" for state in checks.values())
    response = jsonify({"status": "ready" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    return response
