"""The orchestrator: starts the threads a role needs with one shared stop event.

SIGINT (Ctrl-C) and SIGTERM set the stop event; every part finishes its current work and
returns, and the process exits cleanly.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

log = logging.getLogger(__name__)

Task = Callable[[threading.Event], None]


@dataclass
class Orchestrator:
    """Named tasks running in threads until the stop event is set."""

    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, name: str, task: Task) -> None:
        thread = threading.Thread(target=self._guard, args=(name, task), name=name, daemon=True)
        self.threads.append(thread)

    def _guard(self, name: str, task: Task) -> None:
        try:
            task(self.stop)
        except Exception:
            log.exception("%s stopped with an error; shutting everything down", name)
            self.failures.append(name)
            self.stop.set()

    def install_signal_handlers(self) -> None:
        def handle(signum: int, _frame: FrameType | None) -> None:
            log.info("received %s, stopping", signal.Signals(signum).name)
            self.stop.set()

        signal.signal(signal.SIGINT, handle)
        signal.signal(signal.SIGTERM, handle)

    def run(self) -> int:
        """Start every task and block until stopped; exit code 1 if a task failed."""
        for thread in self.threads:
            thread.start()
        while not self.stop.wait(0.5):
            if not any(t.is_alive() for t in self.threads):
                break
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)
            if thread.is_alive():
                log.warning("%s did not stop within 15 s", thread.name)
        return 1 if self.failures else 0
