"""Settings of the incidents worker and of notifications (``incidents:`` in the tree)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ioc.config.section import Section

DATA = Path(__file__).resolve().parents[2] / "data"

DEFAULT_ESCALATION = {"critical": 2.0, "high": 5.0, "medium": 15.0, "low": 60.0}


class IncidentSettings(Section):
    """Grouping, escalation and delivery of incidents and field-staff alerts.

    Like every section of :mod:`ioc.config` (not imported here, which imports this):
    unknown keys are errors, values are checked on assignment.
    """

    poll_interval_s: float = Field(0.2, gt=0, le=10, description="Store polling interval.")
    cooldown_s: float = Field(
        600, ge=0, description="A detection this soon after an incident's last one joins it."
    )
    bbox_overlap: float = Field(
        0.05, ge=0, le=1, description="Box overlap (of the smaller box) that means one region."
    )
    cone_km: float = Field(5.0, gt=0, le=50, description="Reach of a camera's view cone (km).")
    report_codes: list[str] = Field(
        default_factory=lambda: ["quan_ly_bao_ve_rung"],
        description="Citizen-report service codes that can join a fire incident.",
    )
    report_window_s: float = Field(
        3600, ge=0, description="A report this close in time to a fire incident can join it."
    )
    rules_file: str = Field(
        str(DATA / "incident_rules.toml"), description="Sensor threshold rules (TOML)."
    )
    subscriptions_file: str = Field(
        str(DATA / "notify_subscriptions.toml"),
        description="Subscriptions seeded when the table is empty (TOML); empty: none.",
    )
    escalation_minutes: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_ESCALATION),
        description="Minutes without acknowledgement before the next level, per severity.",
    )
    max_level: int = Field(
        2, ge=0, le=5, description="Highest level (0 field, 1 leader, 2 province)."
    )
    reminder_minutes: float = Field(
        5, gt=0, description="Reminders at the top level until someone acknowledges."
    )
    public_url: str = Field(
        "",
        description="Older name of web.public_url, used only when that is empty; set "
        "web.public_url instead.",
    )
    channels: list[str] = Field(
        default_factory=lambda: ["mqtt", "webhook", "email"], description="Enabled channels."
    )
    delivery_threads: int = Field(8, ge=1, le=64, description="Parallel deliveries.")
    retries: int = Field(4, ge=1, le=20, description="Tries of one delivery before dead letter.")
    backoff_s: float = Field(0.5, ge=0, description="First retry delay; doubles each try.")
    webhook_url: str = Field("", description="Default webhook URL (subscriptions may override).")
    webhook_secret: str = Field("", description="HMAC-SHA256 key of X-IOC-Signature.")
    webhook_timeout_s: float = Field(5, gt=0, description="Timeout of one webhook request.")
    smtp_host: str = Field("", description="SMTP server; empty disables e-mail.")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP port.")
    smtp_from: str = Field("ioc@lamdong.gov.vn", description="Sender address of alert e-mails.")
    smtp_starttls: bool = Field(False, description="Upgrade the SMTP connection with STARTTLS.")
    smtp_username: str = Field("", description="SMTP user; empty: no login.")
    smtp_password: str = Field("", description="SMTP password.")
    smtp_timeout_s: float = Field(10, gt=0, description="Timeout of one SMTP session.")
