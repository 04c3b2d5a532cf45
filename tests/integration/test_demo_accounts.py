"""Demo accounts of ``python app.py``: one per role on the embedded store only, never twice."""

from __future__ import annotations

from pathlib import Path

import shapely
from sqlalchemy import func, select

from ioc.auth import sessions
from ioc.auth.accounts import authenticate
from ioc.auth.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, issue_demo_kiosk, seed_demo_accounts
from ioc.auth.routes import decide
from ioc.auth.user_roles import ACCOUNT_ROLES
from ioc.geography.defaults import seed_default_units
from ioc.store import Store
from ioc.store.models_auth import KioskToken, User
from ioc.store.units import UnitRecord, insert_units
from ioc.timeutil import utcnow
from tests.scope_support import PHUONG_1_BAO_LOC, XUAN_HUONG


def add_da_lat(store: Store) -> None:
    with store.session() as session:
        insert_units(
            session,
            [
                UnitRecord(
                    "672",
                    "Thành phố Đà Lạt",
                    "district",
                    shapely.MultiPolygon([shapely.box(108.3, 11.8, 108.6, 12.1)]),
                    utcnow().date(),
                )
            ],
        )


def test_one_account_per_role_once(sqlite_store: Store) -> None:
    add_da_lat(sqlite_store)
    assert seed_demo_accounts(sqlite_store) == len(DEMO_ACCOUNTS) == len(ACCOUNT_ROLES)
    with sqlite_store.session() as session:
        roles = set(session.scalars(select(User.role)))
        assert roles == {role.value for role in ACCOUNT_ROLES}
        for account in DEMO_ACCOUNTS:
            user = authenticate(session, account.username, DEMO_PASSWORD, utcnow())
            assert user is not None and user.unit_code == account.unit
        session.delete(session.scalars(select(User).where(User.username == "admin")).one())
    assert seed_demo_accounts(sqlite_store) == 0  # accounts exist: a removed one stays removed
    with sqlite_store.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_ACCOUNTS) - 1


def test_each_start_issues_a_new_kiosk_token(sqlite_store: Store) -> None:
    add_da_lat(sqlite_store)
    first = issue_demo_kiosk(sqlite_store)
    second = issue_demo_kiosk(sqlite_store)
    assert first and second and first != second and first.startswith("/kiosk/")
    with sqlite_store.session() as session:
        assert sessions.find_kiosk(session, first.removeprefix("/kiosk/"), utcnow()) is None
        live = sessions.find_kiosk(session, second.removeprefix("/kiosk/"), utcnow())
        assert live is not None and live.unit_code == "672"


def test_the_kiosk_token_survives_restarts_until_revoked(
    sqlite_store: Store, tmp_path: Path
) -> None:
    add_da_lat(sqlite_store)
    first = issue_demo_kiosk(sqlite_store, tmp_path)
    assert first and issue_demo_kiosk(sqlite_store, tmp_path) == first  # a restart
    saved = tmp_path / "demo_kiosk_token"
    assert saved.stat().st_mode & 0o077 == 0  # the token file is the owner's only
    with sqlite_store.session() as session:
        live = sessions.find_kiosk(session, first.removeprefix("/kiosk/"), utcnow())
        assert live is not None
        sessions.revoke_kiosk(session, live.id, utcnow())
    after = issue_demo_kiosk(sqlite_store, tmp_path)
    assert after and after != first  # revoked stays revoked: a new token
    with sqlite_store.session() as session:
        assert sessions.find_kiosk(session, first.removeprefix("/kiosk/"), utcnow()) is None


def test_no_demo_accounts_in_postgis(postgis_store: Store, tmp_path: Path) -> None:
    add_da_lat(postgis_store)
    assert seed_demo_accounts(postgis_store) == 0
    assert issue_demo_kiosk(postgis_store) is None
    with postgis_store.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(KioskToken)) == 0


def test_the_demo_operator_and_wall_work_for_da_lat_s_ioc(sqlite_store: Store) -> None:
    seed_default_units(sqlite_store)  # the default units and the seeded IOCs
    seed_demo_accounts(sqlite_store)
    path = issue_demo_kiosk(sqlite_store)
    assert path is not None
    with sqlite_store.session() as session:
        user = session.scalar(select(User).where(User.role == "operator"))
        assert user is not None and user.ioc_code == "IOC-672"
        operator = sessions.user_principal(session, user)
        kiosk = session.scalar(select(KioskToken).where(KioskToken.revoked_at.is_(None)))
        assert kiosk is not None and kiosk.ioc_code == "IOC-672"
        wall = sessions.kiosk_principal(session, kiosk)
    for principal in (operator, wall):
        assert principal.sees_unit(XUAN_HUONG) and not principal.sees_unit(PHUONG_1_BAO_LOC)
    assert decide(operator, "/").location == "/ioc/IOC-672"
