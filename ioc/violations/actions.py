"""Review, open a case, record a step: as a signed-in principal, inside its rights.

Operators (and admins) review candidates and handle cases of the units they see; leaders,
viewers, field staff and kiosks only read. Whatever a client sends is a wish: the thing it
names is looked up and checked against the principal here, never against what the page
offered. A thing out of scope is ``unknown`` (not even admitted to exist), a thing in
scope that the principal may not change is ``forbidden``; a rule of the case's order gives
its :class:`~ioc.violations.steps.StepError` code.
"""

from __future__ import annotations

from datetime import datetime

from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.store import Store
from ioc.store.models_violations import ChangeCandidate, ViolationCase
from ioc.violations import candidates, cases
from ioc.violations.candidates import NotFoundError
from ioc.violations.steps import StepEntry, StepError

HANDLING_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})


def may_handle(principal: Principal | None, unit_code: str | None) -> bool:
    """Whether ``principal`` may review or handle a thing of ``unit_code``."""
    return (
        principal is not None
        and principal.role in HANDLING_ROLES
        and principal.changes_unit(unit_code)
    )


def _refusal(principal: Principal | None, unit_code: str | None) -> str | None:
    if principal is None or not principal.sees_unit(unit_code):
        return "unknown"
    return None if may_handle(principal, unit_code) else "forbidden"


def review_as(
    store: Store,
    principal: Principal | None,
    candidate_id: int,
    verdict: str,
    *,
    permit_no: str = "",
    note: str = "",
    now: datetime,
    client: str = "",
) -> str | None:
    """Keep ``principal``'s verdict on a candidate; None when kept, else an error code."""
    with store.session() as session:
        row = session.get(ChangeCandidate, candidate_id)
        refused = "unknown" if row is None else _refusal(principal, row.unit_code)
        if refused or principal is None:
            return refused or "unknown"
        try:
            candidates.review(
                session,
                candidate_id,
                verdict=verdict,
                permit_no=permit_no,
                note=note,
                actor=principal.name,
                at=now,
                client=client,
            )
        except StepError as exc:
            return exc.code
    return None


def open_case_as(
    store: Store,
    principal: Principal | None,
    origin: str,
    origin_id: int,
    kind: str,
    *,
    note: str = "",
    now: datetime,
    client: str = "",
) -> tuple[int | None, str | None]:
    """Open a case from an origin ``principal`` may handle: (case id, None) or (None, error)."""
    if origin not in cases.ORIGIN_COLUMNS:
        return None, "unknown"
    with store.session() as session:
        try:
            unit = cases.origin_unit(session, origin, origin_id)
        except NotFoundError:
            return None, "unknown"
        refused = _refusal(principal, unit)
        if refused or principal is None:
            return None, refused or "unknown"
        try:
            lon, lat, _own, _evidence = cases.origin_place(session, origin, origin_id)
            if not principal.sees_unit(cases.case_unit(session, lon, lat, now)[0] or unit):
                return None, "outside"  # the point lies outside the asker's units
            row = cases.open_case(
                session,
                origin=origin,
                origin_id=origin_id,
                kind=kind,
                actor=principal.name,
                at=now,
                note=note,
                client=client,
            )
        except StepError as exc:
            return None, exc.code
        return int(row.id), None


def add_step_as(
    store: Store,
    principal: Principal | None,
    case_id: int,
    entry: StepEntry,
    *,
    now: datetime,
    client: str = "",
) -> str | None:
    """Record the next step of a case ``principal`` may handle; None when done, else a code."""
    with store.session() as session:
        row = session.get(ViolationCase, case_id)
        refused = "unknown" if row is None else _refusal(principal, row.unit_code)
        if refused or principal is None:
            return refused or "unknown"
        try:
            cases.add_step(session, case_id, entry, actor=principal.name, at=now, client=client)
        except StepError as exc:
            return exc.code
    return None
