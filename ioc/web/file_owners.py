"""Whose is a snapshot file? The camera or incident a file under ``<var_dir>/snapshots`` shows.

Files are laid out by their writers:

* ``<camera folder>/<stamp>-<kind>-<id>.jpg`` (and ``-strip.jpg``): the camera worker, one
  folder per camera named by :func:`ioc.store.cameras.snapshot_folder`;
* ``field/<incident id>/<stamp>-<id>.jpg|png``: field photos (:mod:`ioc.incidents.photos`);
* anything else an incident points at with its ``snapshot`` column (a device's own path).

Report photos are not here: they live under ``uploads/`` and are public through Open311.
A file whose owner cannot be found has no unit, so only a province-wide principal gets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.auth.guard import sees_assigned
from ioc.auth.principal import Principal
from ioc.incidents.photos import FIELD_FOLDER
from ioc.store.cameras import snapshot_folder
from ioc.store.models import Camera, Incident

INCIDENT_ID = re.compile(r"^[0-9]{1,9}$")


@dataclass(frozen=True)
class Owner:
    """What a file shows: a thing of a unit (and, for an incident, its assignee)."""

    kind: str  # camera | incident
    key: str
    unit_code: str | None
    assignee: str | None = None


def snapshot_owners(session: Session, relative: str, subdir: str = "snapshots") -> list[Owner]:
    """The things the file ``relative`` (under the snapshots folder) belongs to; empty when
    nobody owns it."""
    parts = PurePosixPath(relative).parts
    if len(parts) >= 3 and parts[0] == FIELD_FOLDER:
        return _incident(session, parts[1])
    owners = _cameras(session, parts[0]) if len(parts) >= 2 else []
    if owners:
        return owners
    rows = session.scalars(
        select(Incident).where(Incident.snapshot == f"{subdir}/{relative}").limit(20)
    ).all()
    return [Owner("incident", str(r.id), r.unit_code, r.assignee) for r in rows]


def _incident(session: Session, text: str) -> list[Owner]:
    if not INCIDENT_ID.match(text):
        return []
    row = session.get(Incident, int(text))
    return [] if row is None else [Owner("incident", text, row.unit_code, row.assignee)]


def _cameras(session: Session, folder: str) -> list[Owner]:
    rows = session.execute(select(Camera.id, Camera.unit_code)).all()
    return [Owner("camera", cid, code) for cid, code in rows if snapshot_folder(cid) == folder]


def may_see_file(principal: Principal | None, owners: list[Owner]) -> bool:
    """Province-wide principals see every file; others only files all of whose owners they
    see (a file of nobody is nobody's in particular: province only)."""
    if principal is None:
        return False
    if principal.province_wide:
        return True
    return bool(owners) and all(sees_assigned(principal, o.unit_code, o.assignee) for o in owners)
