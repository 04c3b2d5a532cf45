"""``ioc users`` and ``ioc kiosk`` on both real stores: accounts, passwords, tokens, audit."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import shapely
from sqlalchemy import select

from ioc.auth import sessions
from ioc.auth.accounts import authenticate
from ioc.cli import main
from ioc.store import Store
from ioc.store.models import IocUnit
from ioc.store.models_audit import AuditEntry
from ioc.store.models_auth import User
from ioc.store.units import UnitRecord, insert_units
from ioc.timeutil import utcnow
from testkit.auth_support import open_user_session

PASSWORD = "mật-khẩu-mới-đủ-dài"


@pytest.fixture
def ioc(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The ``ioc`` command pointed at ``store`` (through the environment, as in production)."""
    monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("IOC_DATABASE__URL", store.engine.url.render_as_string(hide_password=False))
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
    return store


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def actions(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_accounts_from_creation_to_disabling(
    ioc: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add = ("users", "add", "vanhanh.dalat", "--role", "operator", "--unit", "672")
    assert (
        run(monkeypatch, *add, "--name", "Vận hành", "--password-stdin", stdin=PASSWORD + "\n") == 0
    )
    assert "vanhanh.dalat (operator, 672)" in capsys.readouterr().out
    assert run(monkeypatch, "users", "list") == 0
    assert re.search(r"vanhanh\.dalat\s+operator\s+672\s+hoạt động", capsys.readouterr().out)
    with ioc.session() as session:
        assert authenticate(session, "vanhanh.dalat", PASSWORD, utcnow()) is not None
    signed = open_user_session(ioc, "vanhanh.dalat")
    assert run(monkeypatch, "users", "disable", "vanhanh.dalat") == 0
    with ioc.session() as session:
        assert sessions.resolve(session, signed.token, utcnow()) is None  # signed out at once
        assert authenticate(session, "vanhanh.dalat", PASSWORD, utcnow()) is None
    assert run(monkeypatch, "users", "enable", "vanhanh.dalat") == 0
    signed = open_user_session(ioc, "vanhanh.dalat")
    assert (
        run(
            monkeypatch,
            "users",
            "passwd",
            "vanhanh.dalat",
            "--password-stdin",
            stdin="một-mật-khẩu-khác\n",
        )
        == 0
    )
    with ioc.session() as session:
        assert sessions.resolve(session, signed.token, utcnow()) is None
        assert authenticate(session, "vanhanh.dalat", "một-mật-khẩu-khác", utcnow()) is not None
    assert actions(ioc) == [
        "account.create",
        "account.disable",
        "account.enable",
        "account.password",
    ]
    with ioc.session() as session:
        entries = session.scalars(select(AuditEntry)).all()
        assert all(e.actor.startswith("cli:") and PASSWORD not in str(e.detail) for e in entries)


def test_a_field_officer_joins_and_leaves_a_team(
    ioc: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, role in (("canbo.a", "field"), ("vanhanh.b", "operator")):
        add = ("users", "add", name, "--role", role, "--unit", "672", "--password-stdin")
        assert run(monkeypatch, *add, stdin=PASSWORD + "\n") == 0
    assert run(monkeypatch, "users", "team", "canbo.a", "Kiểm lâm cơ động") == 0
    assert run(monkeypatch, "users", "list") == 0
    assert "[đội/team Kiểm lâm cơ động]" in capsys.readouterr().out
    assert run(monkeypatch, "users", "team", "vanhanh.b", "Đội 1") == 1  # not field staff
    assert "only field staff" in capsys.readouterr().err
    assert run(monkeypatch, "users", "team", "canbo.a", "bad:name") == 1
    assert run(monkeypatch, "users", "team", "canbo.a") == 0  # out of any team
    with ioc.session() as session:
        teams = dict(session.execute(select(User.username, User.team)).all())
    assert teams == {"canbo.a": None, "vanhanh.b": None}
    assert actions(ioc).count("account.team") == 2


def test_password_from_a_file(ioc: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\nignored\n", encoding="utf-8")
    assert (
        run(
            monkeypatch,
            "users",
            "add",
            "lanhdao",
            "--role",
            "leader",
            "--password-file",
            str(secret),
        )
        == 0
    )
    with ioc.session() as session:
        assert authenticate(session, "lanhdao", PASSWORD, utcnow()) is not None


@pytest.mark.parametrize(
    "case",
    [
        (("--role", "chief", "--password-stdin"), PASSWORD, "unknown role"),
        (("--role", "operator", "--password-stdin"), PASSWORD, "needs a unit"),
        (("--role", "leader", "--unit", "672", "--password-stdin"), PASSWORD, "province-wide"),
        (("--role", "field", "--unit", "999", "--password-stdin"), PASSWORD, "unknown unit"),
        (("--role", "viewer", "--password-stdin"), "short", "too short"),
        (
            (
                "--role",
                "viewer",
            ),
            "",
            "no terminal",
        ),
    ],
)
def test_account_errors_are_clear(
    ioc: Store,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: tuple[tuple[str, ...], str, str],
) -> None:
    argv, stdin, message = case
    assert run(monkeypatch, "users", "add", "someone", *argv, stdin=stdin) in (1, 2)
    assert message in capsys.readouterr().err
    assert actions(ioc) == []


def test_password_is_never_an_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit):
        run(monkeypatch, "users", "add", "x", "--role", "viewer", "--password", PASSWORD)


def test_kiosk_tokens(
    ioc: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("kiosk", "add", "--unit", "672", "--label", "Tường Đà Lạt", "--days", "3")
    assert run(monkeypatch, *argv, "--base-url", "https://ioc.lamdong.example") == 0
    printed = capsys.readouterr().out
    found = re.search(r"https://ioc\.lamdong\.example/kiosk/(\S+)", printed)
    assert found is not None
    with ioc.session() as session:
        kiosk = sessions.find_kiosk(session, found[1], utcnow())
        assert kiosk is not None and kiosk.unit_code == "672"
        cookie, _ = sessions.open_session(session, utcnow(), kiosk=kiosk)
    assert run(monkeypatch, "kiosk", "list") == 0
    assert re.search(r"#1\s+672\s+hiệu lực", capsys.readouterr().out)
    assert run(monkeypatch, "kiosk", "revoke", "1") == 0
    with ioc.session() as session:
        assert sessions.find_kiosk(session, found[1], utcnow()) is None
        assert sessions.resolve(session, cookie, utcnow()) is None
    assert run(monkeypatch, "kiosk", "revoke", "7") == 1
    assert run(monkeypatch, "kiosk", "add", "--unit", "999", "--label", "x") == 1
    assert actions(ioc) == ["kiosk.issue", "kiosk.revoke"]


@pytest.mark.parametrize("command", ["users", "kiosk"])
def test_help(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        run(monkeypatch, command, "--help")
    assert done.value.code == 0 and "/" in capsys.readouterr().out


def test_an_operator_can_be_created_for_an_ioc(
    ioc: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with ioc.session() as session:
        session.add(IocUnit(code="IOC-672", name="IOC Đà Lạt", admin_unit_code="672", kind="unit"))
    add = ("users", "add", "vanhanh.ioc", "--role", "operator", "--unit", "672")
    assert run(monkeypatch, *add, "--ioc", "IOC-9", "--password-stdin", stdin=PASSWORD) == 1
    assert "unknown IOC 'IOC-9'" in capsys.readouterr().err
    lead = ("users", "add", "lanhdao.ioc", "--role", "leader", "--ioc", "IOC-672")
    assert run(monkeypatch, *lead, "--password-stdin", stdin=PASSWORD) == 1
    assert "province-wide" in capsys.readouterr().err
    assert run(monkeypatch, *add, "--ioc", "IOC-672", "--password-stdin", stdin=PASSWORD) == 0
    assert run(monkeypatch, "users", "list") == 0
    assert "[IOC IOC-672]" in capsys.readouterr().out
    with ioc.session() as session:
        user = session.scalar(select(User).where(User.username == "vanhanh.ioc"))
        assert user is not None and user.ioc_code == "IOC-672"
