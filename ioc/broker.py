"""The embedded MQTT broker (amqtt) for ``python app.py``: no server to install.

It runs in its own thread with its own asyncio loop and listens on a port of its own
(default 127.0.0.1:18830), so it never collides with a Mosquitto already on 1883.
Production uses Mosquitto (see deploy/mosquitto/).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Mapping
from typing import Any

from amqtt.broker import Broker

log = logging.getLogger(__name__)
ANONYMOUS = {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}}


class BrokerStartError(RuntimeError):
    """The embedded broker could not listen (usually: the port is taken)."""


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class EmbeddedBroker:
    """An in-process MQTT 3.1.1 broker, started and stopped from synchronous code."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 18830,
        plugins: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """``plugins``: amqtt plugins by class path with their settings (authentication,
        topic rules); none: anyone may connect and publish anything."""
        self.host, self.port = host, port
        self.plugins = dict(plugins) if plugins is not None else dict(ANONYMOUS)
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mqtt-broker", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        if port_in_use(self.host, self.port):
            raise BrokerStartError(
                f"port {self.host}:{self.port} is already in use; set IOC_BROKER__PORT "
                "(and IOC_MQTT__PORT) to a free port"
            )
        self._thread.start()
        if not self._ready.wait(timeout) or self._error is not None:
            raise BrokerStartError(f"embedded broker did not start: {self._error}")
        log.info("embedded MQTT broker listening on %s:%s", self.host, self.port)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def _config(self) -> dict[str, object]:
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {path: dict(config) for path, config in self.plugins.items()},
        }

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # report any start failure to start()
            self._error = exc
            self._ready.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        broker = Broker(self._config())
        await broker.start()
        self._ready.set()
        await self._stop.wait()
        await broker.shutdown()
