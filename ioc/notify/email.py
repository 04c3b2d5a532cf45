"""E-mail channel over SMTP (smtplib): a plain-text Vietnamese message per alert."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ioc.config import Settings
from ioc.notify.base import Alert, DeliveryError


def build_message(alert: Alert, sender: str, recipient: str) -> EmailMessage:
    """The e-mail of an alert: subject, body, and the incident id in a header."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = alert.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="ioc.lamdong")
    message["X-IOC-Incident"] = str(alert.incident_id)
    message.set_content(alert.text)
    return message


class EmailNotifier:
    """Sends each alert in its own SMTP session (alerts are rare; sessions stay simple)."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings.incidents

    def send(self, alert: Alert, target: str) -> None:
        cfg = self.settings
        if not cfg.smtp_host:
            raise DeliveryError("no SMTP server configured (incidents.smtp_host)")
        message = build_message(alert, cfg.smtp_from, target)
        try:
            with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.smtp_timeout_s) as smtp:
                if cfg.smtp_starttls:
                    smtp.starttls()
                if cfg.smtp_username:
                    smtp.login(cfg.smtp_username, cfg.smtp_password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        return None
