"""Who gets what: subscriptions per unit, category and severity, stored as rows.

A subscription matches an incident when its unit is the incident's unit, a parent of it,
or ``*``; its category is the incident's kind or ``*``; the incident is at least its
``min_severity``; and its ``level`` is the one being notified. Rows come from
``ioc notify subscribe`` or are seeded from a TOML file of ``[[subscription]]`` tables.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.store.models import AdminUnit
from ioc.store.models_incidents import NotificationSubscription
from ioc.timeutil import utcnow

ANY = "*"

SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


@dataclass(frozen=True)
class SubscriptionSpec:
    """A subscription before it is stored."""

    channel: str
    target: str = ""
    unit_code: str = ANY
    category: str = ANY
    min_severity: str = "low"
    level: int = 0
    name: str = ""


def add_subscription(session: Session, spec: SubscriptionSpec) -> NotificationSubscription:
    row = NotificationSubscription(
        name=spec.name,
        unit_code=spec.unit_code or ANY,
        category=spec.category or ANY,
        min_severity=spec.min_severity,
        level=spec.level,
        channel=spec.channel,
        target=spec.target,
        active=True,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def read_specs(path: str | Path) -> list[SubscriptionSpec]:
    """Subscriptions from a TOML file; a missing or empty path gives none."""
    if not path or not Path(path).is_file():
        return []
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return [SubscriptionSpec(**raw) for raw in data.get("subscription", [])]


def seed_subscriptions(session: Session, path: str | Path) -> int:
    """Store the file's subscriptions when the table is empty; the number added."""
    if session.scalar(select(func.count()).select_from(NotificationSubscription)):
        return 0
    specs = read_specs(path)
    for spec in specs:
        add_subscription(session, spec)
    return len(specs)


def unit_lineage(session: Session, unit_code: str | None) -> set[str]:
    """The unit and all its parents (any era), plus ``*``."""
    codes = {ANY}
    code = unit_code
    while code and code not in codes:
        codes.add(code)
        code = session.scalar(select(AdminUnit.parent_code).where(AdminUnit.code == code).limit(1))
    return codes


def matching(
    session: Session, unit_code: str | None, kind: str, severity: str, level: int
) -> Sequence[NotificationSubscription]:
    """Active subscriptions that should hear about this incident at this level."""
    rows = session.scalars(
        select(NotificationSubscription).where(
            NotificationSubscription.active.is_(True),
            NotificationSubscription.level == level,
            NotificationSubscription.unit_code.in_(unit_lineage(session, unit_code)),
            NotificationSubscription.category.in_([ANY, kind]),
        )
    ).all()
    return [row for row in rows if severity_at_least(severity, row.min_severity)]


def severity_at_least(severity: str, minimum: str) -> bool:
    return SEVERITY_RANK.get(severity, 1) >= SEVERITY_RANK.get(minimum, 0)
