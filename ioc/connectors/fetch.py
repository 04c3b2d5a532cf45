"""HTTP of the connectors: one GET with a timeout, its failures sorted, retries with back-off.

Every request has a timeout (connect and read). A timeout, a refused connection, a 5xx or a
429 is :class:`TransientError` and retried with exponential back-off (``ioc.retry``); a 401
or 403 is :class:`AuthError` and a 4xx or a body that is not a JSON object is
:class:`BadResponseError`, neither retried: trying again would only get the same answer.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import requests

from ioc.retry import StoppedError, exponential, retry_call

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
    """:func:`get_json`, tried again on :class:`TransientError` failures with back-off
    (the IOC's one retry helper, :func:`ioc.retry.retry_call`)."""
    delay = exponential(policy.backoff_s, policy.backoff_max_s)

    def attempt(_try: int) -> dict[str, Any]:
        return get_json(http, url, params=params, headers=headers, timeout_s=timeout_s)

    def wait(tries: int, error: object) -> float:
        seconds = delay(tries)
        if tries < policy.tries:
            log.warning(
                "connector %s: try %d failed (%s); next try in %.1f s",
                policy.source,
                tries,
                error,
                seconds,
            )
        return seconds

    try:
        return retry_call(
            attempt,
            stop=policy.stop or threading.Event(),
            wait=wait,
            tries=policy.tries,
            retry_on=(TransientError,),
        )
    except StoppedError as exc:
        raise TransientError("stopped while waiting to try again") from exc


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."
