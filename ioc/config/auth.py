"""Settings of sign-in, mounted as ``auth:`` in the settings tree.

Secrets (the ``/metrics`` bearer token, the key that signs file links in alerts) come only
from the environment or a file, never from a value written in the YAML file that is checked
into a deployment repository: set ``IOC_AUTH__METRICS_TOKEN`` / ``IOC_AUTH__LINK_SECRET`` or
point ``auth.metrics_token_file`` / ``auth.link_secret_file`` at a file readable by the
service only.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from ioc.config.section import Section
from ioc.file_links import FileLinks


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lives in all, and without being used."""

    absolute: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(hours=2)
    kiosk_absolute: timedelta = timedelta(days=30)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AuthSettings(Section):
    """Cookies, session lifetimes, sign-in rate limits, single sign-on and the metrics token."""

    cookie_secure: Literal["auto", "true", "false"] = Field(
        "auto",
        description="Mark cookies Secure: true, false, or auto (when the request is HTTPS, "
        "directly or as told by a trusted proxy's X-Forwarded-Proto).",
    )
    session_hours: float = Field(
        12, gt=0, le=24 * 30, description="A signed-in session ends after this many hours."
    )
    idle_minutes: float = Field(
        120, gt=0, description="A session unused for this many minutes ends (not kiosks)."
    )
    kiosk_days: float = Field(
        30, gt=0, le=366, description="A kiosk (wall display) session lasts this many days."
    )
    principal_cache_s: float = Field(
        5,
        ge=0,
        le=60,
        description="Seconds a web process may reuse a resolved session without asking the "
        "store (a revocation elsewhere takes effect within this time). 0: always ask.",
    )
    login_window_minutes: float = Field(
        15, gt=0, description="Window in which failed sign-ins are counted."
    )
    max_failures_per_user: int = Field(
        5, ge=1, description="Failed sign-ins for one user name within the window before 429."
    )
    max_failures_per_client: int = Field(
        20, ge=1, description="Failed sign-ins from one client address within the window."
    )
    trusted_header: str = Field(
        "",
        description="Single sign-on: header carrying the signed-in user name (e.g. "
        "X-Remote-User), honoured only from trusted_proxies. Empty: off.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) of reverse proxies whose trusted_header "
        "and X-Forwarded-For/-Proto are believed.",
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token that may read /metrics (set from the environment: "
        "IOC_AUTH__METRICS_TOKEN). Empty: admins only.",
    )
    metrics_token_file: str = Field(
        "", description="File holding the /metrics bearer token (instead of metrics_token)."
    )
    link_secret: SecretStr = Field(
        SecretStr(""),
        description="Key (16+ characters) signing the snapshot links of alerts, so they open "
        "without signing in; the same for the web and the incidents roles (set from the "
        "environment: IOC_AUTH__LINK_SECRET). Empty: plain links that need a sign-in.",
    )
    link_secret_file: str = Field(
        "", description="File holding the link-signing key (instead of link_secret)."
    )
    link_ttl_hours: float = Field(
        24, gt=0, le=24 * 7, description="A signed snapshot link in an alert works this long."
    )

    @field_validator("cookie_secure", mode="before")
    @classmethod
    def _yes_no(cls, value: object) -> object:
        """YAML's true/false arrive as booleans; the setting keeps words (one error path)."""
        if isinstance(value, bool):
            return "true" if value else "false"
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                ipaddress.ip_network(text.strip(), strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or network: {text!r}") from None
        return [text.strip() for text in value]

    @field_validator("trusted_header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        name = value.strip()
        if name and not all(c.isalnum() or c == "-" for c in name):
            raise ValueError(f"not a header name: {value!r}")
        return name

    def lifetimes(self) -> Lifetimes:
        return Lifetimes(
            absolute=timedelta(hours=self.session_hours),
            idle=timedelta(minutes=self.idle_minutes),
            kiosk_absolute=timedelta(days=self.kiosk_days),
        )

    def proxy_networks(self) -> list[Network]:
        return [ipaddress.ip_network(text, strict=False) for text in self.trusted_proxies]

    def metrics_secret(self) -> str:
        """The /metrics token from the environment or its file ('' when none is set)."""
        if self.metrics_token_file:
            return Path(self.metrics_token_file).read_text(encoding="utf-8").strip()
        return self.metrics_token.get_secret_value().strip()

    def file_links(self) -> FileLinks | None:
        """The signer of file links (key from the environment or its file); None: unsigned.

        A key file that cannot be read, or a key shorter than 16 bytes, is an error: a
        deployment that meant to sign links should not quietly send links that need a sign-in.
        """
        if self.link_secret_file:
            key = Path(self.link_secret_file).read_text(encoding="utf-8").strip()
        else:
            key = self.link_secret.get_secret_value().strip()
        if not key:
            return None
        return FileLinks(key.encode("utf-8"), round(self.link_ttl_hours * 3600))
