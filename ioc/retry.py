"""Trying again: the one back-off of every loop that retries, built on tenacity.

Delays are exponential — the first delay, doubling, capped — computed by tenacity's
``wait_exponential``. Two shapes of loop use them:

- a loop that lives with a resource that fails now and then (a camera stream, the database)
  asks its :class:`Backoff` for the next delay after each failure and resets it after a
  success (``camera.capture``, ``ioc.store.outage`` for the ingest and incidents workers);
- a job tried until it succeeds or has had its tries (one notification delivery, one batch
  of messages to store) runs through :func:`retry_call`: tenacity calls it again while it
  raises one of ``retry_on`` or its result is ``failed``.

Every wait is on the worker's stop event, so a stopping worker never waits a delay out:
:func:`retry_call` then raises :class:`StoppedError`, which says how far it got.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import tenacity

T = TypeVar("T")

_NO_RETRYING = tenacity.Retrying()  # only to give tenacity's wait strategies a call state


def exponential(first_s: float, max_s: float = math.inf) -> Callable[[int], float]:
    """The delay after failed try ``n`` (from 1): ``first_s * 2**(n-1)``, at most ``max_s``."""
    strategy = tenacity.wait_exponential(multiplier=first_s, max=max_s)

    def delay(failures: int) -> float:
        state = tenacity.RetryCallState(_NO_RETRYING, None, (), {})
        state.attempt_number = failures
        return float(strategy(state))

    return delay


@dataclass
class Backoff:
    """Delays of a long-lived loop: ``first_s``, doubling, capped at ``max_s``; reset on success."""

    first_s: float = 1.0
    max_s: float = 60.0
    failures: int = 0  # failed tries since the last success

    def next_delay(self) -> float:
        """Note one more failure; how long to wait before the next try."""
        self.failures += 1
        return exponential(self.first_s, self.max_s)(self.failures)

    def reset(self) -> None:
        """A success: the next failure waits ``first_s`` again."""
        self.failures = 0


class StoppedError(Exception):
    """The stop event was set while waiting for the next try."""

    def __init__(self, tries: int, last: object) -> None:
        super().__init__(f"stopped after {tries} tries")
        self.tries = tries  # tries made
        self.last = last  # the last failed result, or the exception it raised


def retry_call(
    fn: Callable[[int], T],
    *,
    stop: threading.Event,
    wait: Callable[[int, T | BaseException], float],
    tries: int | None = None,
    retry_on: tuple[type[BaseException], ...] = (),
    failed: Callable[[T], bool] | None = None,
) -> T:
    """``fn(n)`` for try ``n`` = 1, 2, … until it returns a result that is not ``failed`` or
    has had ``tries`` tries (``None``: no limit); the last result.

    After a try that raises one of ``retry_on`` or returns a ``failed`` result,
    ``wait(n, what_failed)`` says how long to wait before the next (the place to log or
    count a failure: it is told of the last one too, whose delay is not waited). Any other
    exception propagates at once, and so does one of ``retry_on`` on the last try. Raises
    :class:`StoppedError` when ``stop`` is set during a wait.
    """
    count = 0
    last: list[T | BaseException] = []

    def attempt() -> T:
        nonlocal count
        count += 1
        return fn(count)

    def outcome(state: tenacity.RetryCallState) -> T | BaseException:
        future = state.outcome
        if future is None:  # pragma: no cover - tenacity sets it before waiting
            raise RuntimeError("no outcome to wait after")
        error = future.exception()
        return error if error is not None else future.result()

    def wait_after(state: tenacity.RetryCallState) -> float:
        what = outcome(state)
        last[:] = [what]
        return wait(state.attempt_number, what)

    def sleep(seconds: float) -> None:
        if stop.wait(seconds):
            raise StoppedError(count, last[0])

    retry: tenacity.retry_base = tenacity.retry_if_exception_type(retry_on)
    if failed is not None:
        retry = retry | tenacity.retry_if_result(failed)
    retrying = tenacity.Retrying(
        sleep=sleep,
        stop=tenacity.stop_never if tries is None else tenacity.stop_after_attempt(tries),
        wait=wait_after,
        retry=retry,
        reraise=True,
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )
    return retrying(attempt)
