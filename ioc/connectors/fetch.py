"""HTTP of the connectors: one GET with a timeout, its failures sorted, retries with back-off.

Every request has a timeout (connect and read). A timeout, a refused connection, a 5xx or a
429 is :class:`TransientError` and retried with exponential back-off (tenacity); a 401 or 403 is
:class:`AuthError` and a 4xx or a body that is not a JSON object is :class:`BadResponseError`,
neither retried: trying again would only get the same answer.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

import requests
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

log = logging.getLogger(__name__)


class FetchError(Exception):
    """A page could not be read; the message says what happened, for the log and the state."""


class TransientError(FetchError):
    """Worth trying again later (timeout, connection refused, 5xx, 429)."""


class AuthError(FetchError):
    """The source refused our credentials (401/403)."""


class BadResponseError(FetchError):
    """The source answered something we cannot use (4xx, not JSON)."""


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries of one request, the back-off between them, and how to wait (a stop
    event's ``wait`` ends the back-off early when the process is asked to stop)."""

    tries: int = 4
    backoff_s: float = 1.0
    backoff_max_s: float = 60.0
    stop: threading.Event | None = None
    source: str = ""

    def sleep(self, seconds: float) -> None:
        if self.stop is None:
            time.sleep(seconds)
        elif self.stop.wait(seconds):
            raise TransientError("stopped while waiting to try again")


def get_json(
    http: requests.Session,
    url: str,
    *,
    params: dict[str, str],
    headers: dict[str, str],
    timeout_s: float,
) -> dict[str, Any]:
    """One GET of a JSON object, or a :class:`FetchError` saying why not."""
    try:
        response = http.get(url, params=params, headers=headers, timeout=timeout_s)
    except requests.Timeout as exc:
        raise TransientError(f"timeout after {timeout_s:g} s: {url}") from exc
    except requests.ConnectionError as exc:
        raise TransientError(f"cannot connect: {url}: {_short(exc)}") from exc
    except (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
    ) as exc:
        raise TransientError(f"broken answer: {url}: {_short(exc)}") from exc
    except requests.RequestException as exc:  # an invalid URL, too many redirects...
        raise BadResponseError(f"{type(exc).__name__}: {url}: {_short(exc)}") from exc
    status = response.status_code
    if status in (401, 403):
        raise AuthError(f"HTTP {status} (check the source's secret file): {response.url}")
    if status == 429 or status >= 500:
        raise TransientError(f"HTTP {status}: {response.url}")
    if status >= 400:
        raise BadResponseError(f"HTTP {status}: {response.url}: {response.text[:200]}")
    try:
        data = response.json()
    except ValueError as exc:
        raise BadResponseError(f"not JSON: {response.url}: {response.text[:120]!r}") from exc
    if not isinstance(data, dict):
        raise BadResponseError(f"a JSON {type(data).__name__}, not an object: {response.url}")
    return data


def get_json_retrying(
    http: requests.Session,
    url: str,
    policy: RetryPolicy,
    *,
    params: dict[str, str],
    headers: dict[str, str],
    timeout_s: float,
) -> dict[str, Any]:
    """:func:`get_json`, tried again on :class:`TransientError` failures with back-off."""
    retrying = Retrying(
        stop=stop_after_attempt(policy.tries),
        wait=wait_exponential(multiplier=policy.backoff_s, max=policy.backoff_max_s),
        retry=retry_if_exception_type(TransientError),
        before_sleep=partial(_log_retry, policy.source),
        sleep=policy.sleep,
        reraise=True,
    )
    result: dict[str, Any] = retrying(
        get_json, http, url, params=params, headers=headers, timeout_s=timeout_s
    )
    return result


def _log_retry(source: str, state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0
    log.warning(
        "connector %s: try %d failed (%s); next try in %.1f s",
        source,
        state.attempt_number,
        error,
        wait,
    )


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
