"""The IOC's processes as tasks for the orchestrator: web, ingest, embedded broker."""

from __future__ import annotations

import logging
import threading

from werkzeug.serving import make_server

from ioc.auth.mqtt_identity import broker_plugins
from ioc.broker import EmbeddedBroker
from ioc.config import Settings
from ioc.ingest.worker import IngestWorker
from ioc.runtime import Task
from ioc.store import Store

log = logging.getLogger(__name__)


def web_task(settings: Settings, store: Store) -> Task:
    """The dashboard on a threaded WSGI server (the port is bound before returning)."""
    from ioc.web.app import create_app
    from ioc.web.warmup import warm_server

    app = create_app(settings, store)
    warm_server(app.server)
    server = make_server(settings.web.host, settings.web.port, app.server, threaded=True)

    def run(stop: threading.Event) -> None:
        thread = threading.Thread(target=server.serve_forever, name="http", daemon=True)
        thread.start()
        log.info("dashboard: http://%s:%s/", settings.web.host, settings.web.port)
        stop.wait()
        server.shutdown()

    return run


def ingest_task(settings: Settings, store: Store) -> Task:
    return IngestWorker(settings, store).run


def broker_task(settings: Settings) -> Task:
    """The embedded broker, started now so that a taken port fails at once."""
    plugins = broker_plugins(settings.database_url, settings.mqtt.topic_prefix)
    broker = EmbeddedBroker(settings.broker.host, settings.broker.port, plugins)
    broker.start()

    def run(stop: threading.Event) -> None:
        stop.wait()
        broker.stop()

    return run
