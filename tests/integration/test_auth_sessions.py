"""Accounts, sessions and kiosk tokens on both real stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import shapely

from ioc.auth import sessions
from ioc.auth.accounts import AccountError, authenticate, create_user, set_active
from ioc.auth.user_roles import Role
from ioc.store import Store
from ioc.store.models import AdminUnit
from ioc.store.models_auth import WebSession

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PASSWORD = "mật-khẩu-đủ-dài"


@pytest.fixture
def unit_store(store: Store) -> Store:
    with store.session() as session:
        session.add(
            AdminUnit(
                code="672",
                name="Thành phố Đà Lạt",
                level="district",
                parent_code="68",
                valid_from=datetime(2004, 1, 1).date(),
                valid_to=None,
                center_lon=108.45,
                center_lat=11.94,
                min_lon=108.3,
                min_lat=11.8,
                max_lon=108.6,
                max_lat=12.1,
                geom=shapely.MultiPolygon([shapely.box(108.3, 11.8, 108.6, 12.1)]),
            )
        )
    return store


def test_sign_in_session_and_sign_out(unit_store: Store) -> None:
    with unit_store.session() as session:
        user = create_user(session, "Op.DaLat", PASSWORD, Role.OPERATOR, NOW, unit_code="672")
        assert user.username == "op.dalat"
    with unit_store.session() as session:
        assert authenticate(session, "op.dalat", "sai-mật-khẩu-1", NOW) is None
        user_row = authenticate(session, "OP.DALAT", PASSWORD, NOW)
        assert user_row is not None
        token, row = sessions.open_session(session, NOW, user=user_row, client="10.0.0.1")
        assert row.token_hash != token and len(row.csrf_token) >= 32
    with unit_store.session() as session:
        principal = sessions.resolve(session, token, NOW + timedelta(minutes=30))
        assert principal is not None and principal.role is Role.OPERATOR
        assert principal.units is not None and "672" in principal.units
        assert sessions.resolve(session, token + "x", NOW) is None
        assert sessions.resolve(session, token, NOW + timedelta(hours=13)) is None  # absolute
        sessions.close_session(session, token)
    with unit_store.session() as session:
        assert sessions.resolve(session, token, NOW) is None


def test_idle_session_and_disabled_account_end(unit_store: Store) -> None:
    with unit_store.session() as session:
        user = create_user(session, "leader", PASSWORD, Role.LEADER, NOW)
        token, _ = sessions.open_session(session, NOW, user=user)
    with unit_store.session() as session:
        assert sessions.resolve(session, token, NOW + timedelta(hours=3)) is None  # idle 2 h
        assert sessions.resolve(session, token, NOW + timedelta(hours=1)) is not None
        set_active(session, "leader", False)
    with unit_store.session() as session:
        assert sessions.resolve(session, token, NOW + timedelta(hours=1)) is None
        assert authenticate(session, "leader", PASSWORD, NOW) is None


def test_account_errors_are_clear(unit_store: Store) -> None:
    with unit_store.session() as session:
        create_user(session, "viewer", PASSWORD, Role.VIEWER, NOW)
        with pytest.raises(AccountError, match="already exists"):
            create_user(session, "VIEWER", PASSWORD, Role.VIEWER, NOW)
        with pytest.raises(AccountError, match="unknown unit"):
            create_user(session, "op2", PASSWORD, Role.OPERATOR, NOW, unit_code="99999")
        with pytest.raises(AccountError, match="bad user name"):
            create_user(session, "a b'; drop table x", PASSWORD, Role.VIEWER, NOW)
        with pytest.raises(AccountError, match="too short"):
            create_user(session, "op3", "short", Role.OPERATOR, NOW, unit_code="672")


def test_kiosk_token_opens_read_only_unit_session(unit_store: Store) -> None:
    with unit_store.session() as session:
        token, kiosk = sessions.issue_kiosk_token(
            session, "Màn hình tường 1", "672", NOW, timedelta(days=1)
        )
        assert sessions.find_kiosk(session, "wrong", NOW) is None
        found = sessions.find_kiosk(session, token, NOW)
        assert found is not None and found.id == kiosk.id
        cookie, _ = sessions.open_session(session, NOW, kiosk=found)
    with unit_store.session() as session:
        principal = sessions.resolve(session, cookie, NOW + timedelta(hours=5))
        assert principal is not None and principal.role is Role.KIOSK
        assert not principal.may_change and principal.sees_unit("672")
        assert sessions.find_kiosk(session, token, NOW + timedelta(days=2)) is None
        assert session.query(WebSession).count() == 1
