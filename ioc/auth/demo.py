"""Demo accounts of ``python app.py``: one per role, with a published password.

Only the embedded demo (SQLite) gets them, and only while it has no account at all, so an
installation that removed or replaced them never sees them come back; a PostGIS store
(production) never gets any. Each start also logs the kiosk URL of the Đà Lạt wall
display: the same as the last start's while its token is live (the token is kept in
``<var_dir>/demo_kiosk_token``, so a wall screen survives restarts), else a new one
(after ``ioc kiosk revoke`` or a week without a start).

**Demo only**: anyone who read the README knows these passwords. Change or remove them
(``ioc users passwd`` / ``ioc users disable``) before real use.

``python app.py`` also signs the snapshot links of its alerts without any setting: when no
link key is configured it makes a random one, once, in ``<var_dir>/link_secret`` (mode
0600) and points ``auth.link_secret_file`` at it, for the web and the incidents roles alike.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ioc.audit.log import append
from ioc.auth import sessions
from ioc.auth.accounts import create_user
from ioc.auth.user_roles import Role
from ioc.config.audit import ANCHOR_KEY_FILE, AuditSettings
from ioc.config.auth import AuthSettings
from ioc.store import Store
from ioc.store.models import AdminUnit, IocUnit
from ioc.store.models_auth import KioskToken, User
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-ioc-lamdong"
DEMO_UNIT = "672"  # Thành phố Đà Lạt (until 30/06/2025; its wards follow in scope)
DEMO_IOC = "IOC-672"  # Đà Lạt's IOC (data/iocs_lamdong.csv): the demo operator and wall work for it
KIOSK_LABEL = "Demo: màn hình tường Đà Lạt"
KIOSK_DAYS = 7
LINK_SECRET_FILE = "link_secret"
KIOSK_TOKEN_FILE = "demo_kiosk_token"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    unit: str | None
    display_name: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", Role.ADMIN, None, "Quản trị hệ thống (demo)"),
    DemoAccount("lanhdao", Role.LEADER, None, "Lãnh đạo tỉnh (demo)"),
    DemoAccount("vanhanh.dalat", Role.OPERATOR, DEMO_UNIT, "Vận hành IOC Đà Lạt (demo)"),
    DemoAccount("hientruong.dalat", Role.FIELD, DEMO_UNIT, "Cán bộ hiện trường Đà Lạt (demo)"),
    DemoAccount("xem", Role.VIEWER, None, "Người xem (demo)"),
)


def seed_demo_accounts(store: Store) -> int:
    """Create the demo accounts in an embedded store without accounts; how many were made."""
    if store.is_postgis:
        return 0
    now = utcnow()
    with store.session() as session:
        if session.scalar(select(func.count()).select_from(User)):
            return 0
        units = set(session.scalars(select(AdminUnit.code)).all())
        made = 0
        for account in DEMO_ACCOUNTS:
            if account.unit is not None and account.unit not in units:
                continue
            user = create_user(
                session,
                account.username,
                DEMO_PASSWORD,
                account.role,
                now,
                unit_code=account.unit,
                display_name=account.display_name,
            )
            if account.role is Role.OPERATOR and session.get(IocUnit, DEMO_IOC) is not None:
                user.ioc_code = DEMO_IOC
            append(
                session,
                "account.create",
                actor="demo",
                target=f"user:{account.username}",
                unit_code=account.unit,
                client="python app.py",
                detail={"role": account.role.value, "demo": True},
                at=now,
            )
            made += 1
    log.warning(
        "demo accounts created (%s), password %r: DEMO ONLY, change or remove them before "
        "real use (ioc users passwd / ioc users disable)",
        ", ".join(a.username for a in DEMO_ACCOUNTS),
        DEMO_PASSWORD,
    )
    return made


def issue_demo_kiosk(store: Store, var_dir: Path | None = None) -> str | None:
    """The Đà Lạt wall's kiosk path: the one of the last start while it is live (kept in
    ``<var_dir>/demo_kiosk_token``, mode 0600, and renewed for another week), else a new
    token (the previous demo token revoked). Without ``var_dir`` always a new one."""
    if store.is_postgis:
        return None
    now = utcnow()
    saved = var_dir / KIOSK_TOKEN_FILE if var_dir is not None else None
    with store.session() as session:
        if session.scalar(select(AdminUnit.id).where(AdminUnit.code == DEMO_UNIT).limit(1)) is None:
            return None
        token = read_token(saved)
        kiosk = sessions.find_kiosk(session, token, now) if token else None
        if token and kiosk is not None and kiosk.label == KIOSK_LABEL:
            kiosk.expires_at = now + timedelta(days=KIOSK_DAYS)
            _audit_kiosk(session, "kiosk.renew", kiosk.id, now)
            return f"/kiosk/{token}"
        old = session.scalars(
            select(KioskToken.id).where(
                KioskToken.label == KIOSK_LABEL, KioskToken.revoked_at.is_(None)
            )
        ).all()
        for kiosk_id in old:
            sessions.revoke_kiosk(session, kiosk_id, now)
        token, kiosk = sessions.issue_kiosk_token(
            session, KIOSK_LABEL, DEMO_UNIT, now, timedelta(days=KIOSK_DAYS)
        )
        if session.get(IocUnit, DEMO_IOC) is not None:
            kiosk.ioc_code = DEMO_IOC
        _audit_kiosk(session, "kiosk.issue", kiosk.id, now)
    if saved is not None:
        write_token(saved, token)
    return f"/kiosk/{token}"


def _audit_kiosk(session: Session, action: str, kiosk_id: int, now: datetime) -> None:
    append(
        session,
        action,
        actor="demo",
        target=f"kiosk:{kiosk_id}",
        unit_code=DEMO_UNIT,
        client="python app.py",
        detail={"label": KIOSK_LABEL, "days": KIOSK_DAYS, "demo": True},
        at=now,
    )


def read_token(path: Path | None) -> str:
    """The token saved at ``path`` ("" when there is none)."""
    if path is None or not path.is_file():
        return ""
    return path.read_text(encoding="utf-8").strip()


def write_token(path: Path, token: str) -> None:
    """Save ``token`` at ``path``, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(token + "\n")


def demo_link_secret(var_dir: Path) -> Path:
    """``<var_dir>/link_secret``: a random link-signing key, made on first use (mode 0600)."""
    return demo_secret(var_dir, LINK_SECRET_FILE)


def demo_secret(var_dir: Path, name: str) -> Path:
    """``<var_dir>/<name>``: a random key, made on first use (mode 0600).

    Written to a private temporary file and linked into place, so two processes starting at
    once agree on one key and nobody reads a half-written file.
    """
    path = var_dir / name
    if path.exists():
        return path
    var_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=var_dir, prefix=f".{name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process was first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path


def use_demo_anchor_key(audit: AuditSettings, var_dir: Path) -> bool:
    """Point ``audit`` at the demo's checkpoint key when it has none; whether it did. The
    key lives in ``<var_dir>``, never in the database, which is what the anchor needs."""
    if audit.anchor_secret() is not None:
        return False
    audit.anchor_key_file = str(demo_secret(var_dir, ANCHOR_KEY_FILE).resolve())
    log.info("audit checkpoints are signed with the demo key %s", audit.anchor_key_file)
    return True


def use_demo_link_secret(auth: AuthSettings, var_dir: Path) -> bool:
    """Point ``auth`` at the demo's link key when it has none; whether it did."""
    if auth.file_links() is not None:
        return False
    auth.link_secret_file = str(demo_link_secret(var_dir).resolve())
    log.info("alert snapshot links are signed with the demo key %s", auth.link_secret_file)
    return True
