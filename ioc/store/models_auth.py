"""Tables of sign-in: accounts, server-side sessions, kiosk tokens and sign-in attempts.

Sessions live in the database, not in the cookie or in a worker's memory, so any gunicorn
worker or host can answer any request (the web role stays stateless) and a session can be
revoked at once. Only hashes of session and kiosk tokens are stored: a copy of the database
does not let anyone sign in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ioc.store.models import Base
from ioc.store.types import UtcDateTime


class User(Base):
    """A local account: its role and, for unit roles, the unit it belongs to."""

    __tablename__ = "auth_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    team: Mapped[str | None] = mapped_column(String(64), nullable=True)  # schema 0019
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ioc_code: Mapped[str | None] = mapped_column(String(32), nullable=True)  # schema 0023


class KioskToken(Base):
    """A read-only token for one wall display, limited to one unit."""

    __tablename__ = "auth_kiosk_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str | None] = mapped_column(String(16), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ioc_code: Mapped[str | None] = mapped_column(String(32), nullable=True)  # schema 0023


class WebSession(Base):
    """A signed-in browser: a user's or a kiosk's, found by the hash of its cookie."""

    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_expires", "expires_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("auth_users.id"), nullable=True)
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("auth_kiosk_tokens.id"), nullable=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    client: Mapped[str] = mapped_column(String(200), default="")


class LoginAttempt(Base):
    """One sign-in attempt, kept for rate limiting (by user name and by client address)."""

    __tablename__ = "auth_login_attempts"
    __table_args__ = (
        Index("ix_auth_login_attempts_user", "username", "at"),
        Index("ix_auth_login_attempts_client", "client", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
