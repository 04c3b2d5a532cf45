"""The connectors as a role: the declared sources checked and turned into pollers."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ioc.config import Settings
from ioc.connectors.runner import Progress, SourcePoller, run_loop
from ioc.connectors.sinks import mapping_problems
from ioc.connectors.sources import SourcesFileError, SourceSpec, load_sources
from ioc.runtime import Task
from ioc.store import Store

log = logging.getLogger(__name__)


def checked_sources(path: Path) -> list[SourceSpec]:
    """The enabled sources of the file, each mapping checked against its target kind."""
    sources = load_sources(path)
    for source in sources:
        problems = mapping_problems(source.target, set(source.fields))
        if problems:
            raise SourcesFileError(f"{path}: source {source.name}: {'; '.join(problems)}")
    return [s for s in sources if s.enabled]


def build_pollers(
    store: Store, settings: Settings, only: str | None = None, progress: Progress | None = None
) -> list[SourcePoller]:
    """A poller per enabled source (or the one named ``only``)."""
    path = settings.connectors.sources_file
    if not path:
        return []
    sources = checked_sources(Path(path))
    if only is not None:
        sources = [s for s in sources if s.name == only]
        if not sources:
            raise SourcesFileError(f"{path}: no enabled source named {only!r}")
    return [SourcePoller(store, s, settings.connectors, progress) for s in sources]


def connectors_task(settings: Settings, store: Store) -> Task:
    """The ``connectors`` role: every source polled each interval until stopped. The
    sources file is read now, so a bad file fails the start with its reason."""
    pollers = build_pollers(store, settings)
    log.info(
        "connectors: %d source(s) from %s",
        len(pollers),
        settings.connectors.sources_file or "(none)",
    )

    def run(stop: threading.Event) -> None:
        run_loop(pollers, stop, settings.connectors.interval_s)

    return run
