"""Polling: one source page by page from its stored cursor, and every source in a loop.

A page's records, the records' keys and the moved cursor are written in one transaction,
so a connector stopped anywhere resumes from the last page it finished, and a record seen
again (the source answers from the cursor value on, inclusive) is passed over. A source
must return its records in increasing cursor order (oldest change first).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin

import requests
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc.config.connectors import ConnectorSettings
from ioc.connectors import state
from ioc.connectors.fetch import BadResponseError, FetchError, RetryPolicy, get_json_retrying
from ioc.connectors.mapping import (
    MISSING,
    MappingError,
    dig,
    fingerprint,
    later_cursor,
    map_record,
    record_id,
    text_of,
)
from ioc.connectors.sinks import Refused, Sink, sink_for
from ioc.connectors.sources import SourceSpec
from ioc.secret_files import SecretFileError
from ioc.store import Store
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)

USER_AGENT = "lamdong-ioc-connector/1"


@dataclass
class PollResult:
    """What one poll of a source did (updated page by page)."""

    source: str
    pages: int = 0
    records: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    cursor: str | None = None
    error: str = ""

    def line(self) -> str:
        text = (
            f"{self.source}: {self.pages} page(s), {self.records} record(s): {self.stored} "
            f"stored, {self.duplicates} seen before, {self.dead_letters} dead-lettered; "
            f"cursor {self.cursor or '-'}"
        )
        return f"{text}; ERROR {self.error}" if self.error else text


Progress = Callable[[PollResult], None]


@dataclass
class PageRequest:
    url: str
    params: dict[str, str]


class SourcePoller:
    """Polls one source; :meth:`poll` reads every new page (up to ``max_pages``)."""

    def __init__(
        self,
        store: Store,
        spec: SourceSpec,
        settings: ConnectorSettings,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.store, self.spec, self.settings, self.progress = store, spec, settings, progress
        self.stop = stop or threading.Event()
        self.fields = spec.field_specs()
        self.policy = RetryPolicy(
            settings.retries, settings.backoff_s, settings.backoff_max_s, self.stop, spec.name
        )
        self.http = requests.Session()
        self.http.headers["User-Agent"] = USER_AGENT
        self.failures = 0

    def poll(self) -> PollResult:
        result = PollResult(self.spec.name, cursor=state.stored_cursor(self.store, self.spec.name))
        try:
            self._pages(result, sink_for(self.spec.target), self._headers())
        except (FetchError, SecretFileError) as exc:
            result.error = f"{type(exc).__name__}: {exc}"
        except SQLAlchemyError as exc:
            result.error = f"store refused a page: {str(getattr(exc, 'orig', exc))[:300]}"
        if result.error:
            log.error("connector %s: %s", self.spec.name, result.error)
        else:
            log.info("connector %s", result.line())
        self.failures = state.poll_done(self.store, self.spec.name, result.error, utcnow())
        return result

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", **self.spec.headers}
        auth = self.spec.auth
        if auth.kind == "bearer":
            headers["Authorization"] = f"Bearer {self.spec.secret()}"
        elif auth.kind == "api_key":
            headers[auth.header] = self.spec.secret()
        return headers

    def _pages(self, result: PollResult, sink: Sink, headers: dict[str, str]) -> None:
        sink.prepare(self.store)
        request: PageRequest | None = self._first(result.cursor)
        page = 0
        while request is not None and page < self.settings.max_pages and not self.stop.is_set():
            data = get_json_retrying(
                self.http,
                request.url,
                self.policy,
                params=request.params,
                headers=headers,
                timeout_s=self.settings.timeout_s,
            )
            records = dig(data, self.spec.records)
            if records is MISSING or not isinstance(records, list):
                raise BadResponseError(
                    f"no list of records at {self.spec.records!r}: {request.url}"
                )
            with self.store.session() as session:
                self._take_page(session, records, sink, result)
            result.pages += 1
            if self.progress:
                self.progress(result)
            request = self._next(data, request, page, len(records))
            page += 1

    def _first(self, cursor: str | None) -> PageRequest:
        params = dict(self.spec.params)
        if cursor is not None and self.spec.cursor.param:
            params[self.spec.cursor.param] = cursor
        paging = self.spec.paging
        if paging.kind == "page":
            params[paging.page_param] = str(paging.first_page)
            params[paging.size_param] = str(paging.size)
        return PageRequest(self.spec.url, params)

    def _next(
        self, data: dict[str, Any], request: PageRequest, page: int, count: int
    ) -> PageRequest | None:
        paging = self.spec.paging
        if paging.kind == "next":
            link = dig(data, paging.next_field, None)
            return PageRequest(urljoin(request.url, str(link)), {}) if link else None
        if paging.kind == "page" and count >= paging.size:
            params = {**request.params, paging.page_param: str(paging.first_page + page + 1)}
            return PageRequest(request.url, params)
        return None

    def _take_page(
        self, session: Session, records: list[Any], sink: Sink, result: PollResult
    ) -> None:
        now = utcnow()
        keyed = [(self._key(raw), raw) for raw in records]
        seen = state.seen_keys(session, self.spec.name, [k for (k, _), _ in keyed])
        outcomes: dict[state.Key, str] = {}
        items: list[Any] = []
        dead = 0
        for (key, problem), raw in keyed:
            result.records += 1
            result.cursor = later_cursor(result.cursor, key[1])
            if key in seen or key in outcomes:
                result.duplicates += 1
                continue
            item = Refused(problem) if problem else self._convert(raw, key, sink)
            if isinstance(item, Refused):
                state.dead_letter(session, self.spec.name, key[0], item.reason, record=raw, now=now)
                outcomes[key] = "dead_letter"
                dead += 1
                log.warning(
                    "connector %s: record %s dead-lettered: %s", self.spec.name, key[0], item.reason
                )
            else:
                items.append(item)
                outcomes[key] = "stored"
        sink.write(session, items, self.store.is_postgis)
        state.take(session, self.spec.name, outcomes, now)
        state.page_done(session, self.spec.name, result.cursor, stored=len(items), dead=dead)
        result.stored += len(items)
        result.dead_letters += dead

    def _key(self, raw: Any) -> tuple[state.Key, str]:
        """The record's (id, version) and a problem that dead-letters it ('' if none)."""
        if not isinstance(raw, dict):
            return (fingerprint(raw), ""), f"record is a JSON {type(raw).__name__}, not an object"
        version = dig(raw, self.spec.cursor.field, None)
        version_text = "" if version is None else text_of(version)[:200]
        try:
            return (record_id(raw, self.spec.id_field), version_text), ""
        except MappingError as exc:
            return (fingerprint(raw), version_text), str(exc)

    def _convert(self, raw: dict[str, Any], key: state.Key, sink: Sink) -> Any:
        try:
            mapped = map_record(raw, self.fields)
        except MappingError as exc:
            return Refused(str(exc))
        return sink.convert(mapped, f"{self.spec.name}:{key[0]}:{key[1]}")


def poll_all(pollers: list[SourcePoller]) -> list[PollResult]:
    """One poll of every source."""
    return [poller.poll() for poller in pollers]


def run_loop(pollers: list[SourcePoller], stop: threading.Event, interval_s: float) -> None:
    """Poll each source every interval (its own or the default) until ``stop``; a source
    that keeps failing waits longer (2, 4, 8 intervals). ``stop`` also ends a back-off
    and a poll between two pages."""
    for poller in pollers:
        poller.stop = stop
        poller.policy = replace(poller.policy, stop=stop)
    due = {id(p): 0.0 for p in pollers}
    while not stop.is_set() and pollers:
        now = time.monotonic()
        for poller in pollers:
            if due[id(poller)] <= now and not stop.is_set():
                _poll_guarded(poller)
                every = poller.spec.interval_s or interval_s
                due[id(poller)] = time.monotonic() + every * 2 ** min(poller.failures, 3)
        stop.wait(max(0.05, min(due.values()) - time.monotonic()))


def _poll_guarded(poller: SourcePoller) -> None:
    """One poll; a bug met on one source is logged and retried later, never allowed to
    stop the other sources or the IOC around them."""
    try:
        poller.poll()
    except Exception:
        log.exception("connector %s: unexpected error; next try after a back-off", poller.spec.name)
        poller.failures += 1
