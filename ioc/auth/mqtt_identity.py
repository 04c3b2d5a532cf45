"""MQTT identities on the embedded broker (amqtt): who may act on incidents over MQTT.

Production runs Mosquitto, whose password file and ACL (``deploy/mosquitto/``) do this; the
in-process broker of ``python app.py`` gets the same rules from two amqtt plugins:

- :class:`AccountAuthPlugin`: a client that gives a user name must give that IOC account's
  password (checked like a sign-in, within the same rate limits, in a worker thread); a
  client without a user name connects anonymously (the demo's devices and workers do).
- :class:`FieldAckTopicPlugin`: ``<prefix>/field/<user>/ack`` may be published only by the
  authenticated client of that very user name; anonymous clients may publish no action.

The ingest worker then takes the topic's user name as the actor (``ioc.ingest.write_acks``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session

from ioc.auth import ratelimit
from ioc.auth.accounts import authenticate
from ioc.store.lazy import LazyStore
from ioc.timeutil import utcnow

ACK_STREAM, ACK_TYPE = "field", "ack"


def broker_plugins(database_url: str, prefix: str) -> dict[str, dict[str, Any]]:
    """The amqtt ``plugins`` section of an embedded broker that enforces MQTT identities."""
    here = __name__
    return {
        f"{here}.AccountAuthPlugin": {"database_url": database_url},
        f"{here}.FieldAckTopicPlugin": {"prefix": prefix},
    }


def may_publish(prefix: str, topic: str, username: str | None) -> bool:
    """Whether a client signed in as ``username`` (None: anonymous) may publish ``topic``."""
    parts = topic.removeprefix(prefix + "/").split("/")
    if not topic.startswith(prefix + "/") or len(parts) != 3:
        return True
    stream, source_id, kind = parts
    if (stream, kind) != (ACK_STREAM, ACK_TYPE):
        return True
    return username is not None and source_id == username


class AccountAuthPlugin(BaseAuthPlugin):  # type: ignore[misc]  # amqtt ships no types
    """A user name must come with its IOC account's password; none at all is anonymous."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        # opened by the first sign-in; sign-ins run in threads, so two first ones at once
        # must not open two pools
        self._store = LazyStore(self.context.config.database_url)

    def _check(self, username: str, password: str, client: str) -> bool:
        """The account's password, within the sign-in rate limits (shared with the web)."""
        now = utcnow()
        with self._store.get().session() as session:
            if ratelimit.retry_after(session, username, client, now, ratelimit.Limits()):
                return False
            ok = authenticate(session, username, password, now) is not None
            ratelimit.record(session, username, client, ok, now)
            return ok

    async def authenticate(self, *, session: Session) -> bool | None:
        if not session.username:
            session.is_anonymous = True
            return True
        password, client = session.password or "", f"mqtt {session.remote_address or '-'}"
        ok = await asyncio.to_thread(self._check, session.username, password, client)
        if not ok:
            self.context.logger.warning("MQTT sign-in refused for %r", session.username)
        return ok

    async def close(self) -> None:
        self._store.close()

    @dataclass
    class Config:
        database_url: str = ""


class FieldAckTopicPlugin(BaseTopicPlugin):  # type: ignore[misc]  # amqtt ships no types
    """Only the authenticated user ``<user>`` publishes on ``<prefix>/field/<user>/ack``."""

    async def topic_filtering(
        self,
        *,
        session: Session | None = None,
        topic: str | None = None,
        action: Action | None = None,
    ) -> bool | None:
        if action is not Action.PUBLISH or topic is None:
            return True
        anonymous = session is None or session.is_anonymous or not session.username
        username = None if anonymous or session is None else session.username
        allowed = may_publish(self.context.config.prefix, topic, username)
        if not allowed:
            self.context.logger.warning(
                "refused %s publishing on %s", username or "anonymous", topic
            )
        return allowed

    @dataclass
    class Config:
        prefix: str = field(default="ioc/v1")
