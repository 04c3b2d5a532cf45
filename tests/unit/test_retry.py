"""The one back-off: exponential delays (tenacity), and a call tried until it succeeds."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from ioc.retry import Backoff, StoppedError, exponential, retry_call
from ioc.store.outage import Outage


class Flaky:
    """Raises (or returns a failed result) for its first ``failures`` calls, then succeeds."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error
        self.tries: list[int] = []

    def __call__(self, attempt: int) -> str:
        self.tries.append(attempt)
        if len(self.tries) <= self.failures:
            if self.error is not None:
                raise self.error
            return f"error {attempt}"
        return ""


def test_exponential_doubles_from_the_first_delay_up_to_the_cap() -> None:
    assert [exponential(0.5, 10)(n) for n in range(1, 8)] == [0.5, 1, 2, 4, 8, 10, 10]
    assert exponential(0.05)(4) == pytest.approx(0.4)  # no cap
    assert exponential(0.0)(3) == 0.0
    assert exponential(1, 60)(10_000) == 60  # no overflow on a long outage


def test_backoff_counts_failures_and_starts_over_after_a_success() -> None:
    backoff = Backoff(1, 10)
    assert [backoff.next_delay() for _ in range(6)] == [1, 2, 4, 8, 10, 10]
    assert backoff.failures == 6
    backoff.reset()
    assert backoff.next_delay() == 1


def test_a_failed_result_is_retried_with_the_delays_and_the_success_returned() -> None:
    flaky, waits = Flaky(2), []

    def wait(attempt: int, what: object) -> float:
        waits.append((attempt, what))
        return 0.0

    result = retry_call(flaky, stop=threading.Event(), wait=wait, tries=5, failed=bool)
    assert result == ""
    assert flaky.tries == [1, 2, 3]
    assert waits == [(1, "error 1"), (2, "error 2")]


def test_after_the_last_try_the_last_failed_result_is_returned_without_a_wait() -> None:
    flaky, seen = Flaky(9), []

    def wait(attempt: int, _what: object) -> float:
        seen.append(attempt)
        return 30.0

    started = time.monotonic()
    result = retry_call(flaky, stop=threading.Event(), wait=wait, tries=1, failed=bool)
    assert result == "error 1"
    assert flaky.tries == [1]
    assert seen == [1]  # told of every failure, the last one too, but not waited after it
    assert time.monotonic() - started < 5


def test_an_exception_of_retry_on_is_retried_without_a_limit() -> None:
    flaky, seen = Flaky(4, ConnectionError("refused")), []

    def wait(_attempt: int, what: object) -> float:
        seen.append(type(what).__name__)
        return 0.0

    assert retry_call(flaky, stop=threading.Event(), wait=wait, retry_on=(ConnectionError,)) == ""
    assert seen == ["ConnectionError"] * 4


def test_other_exceptions_and_the_last_retried_one_propagate() -> None:
    with pytest.raises(ValueError, match="bad row"):
        retry_call(
            Flaky(1, ValueError("bad row")),
            stop=threading.Event(),
            wait=lambda _n, _w: 0.0,
            retry_on=(ConnectionError,),
        )
    flaky = Flaky(5, ConnectionError("refused"))
    with pytest.raises(ConnectionError):
        retry_call(
            flaky, stop=threading.Event(), wait=lambda _n, _w: 0.0, tries=2, retry_on=(OSError,)
        )
    assert flaky.tries == [1, 2]


def test_a_stop_during_a_wait_ends_it_at_once_and_says_how_far_it_got() -> None:
    stop = threading.Event()
    flaky = Flaky(9)
    threading.Timer(0.1, stop.set).start()
    started = time.monotonic()
    with pytest.raises(StoppedError) as stopped:
        retry_call(flaky, stop=stop, wait=lambda _n, _w: 30.0, tries=5, failed=bool)
    assert time.monotonic() - started < 5
    assert stopped.value.tries == 1
    assert stopped.value.last == "error 1"
    assert flaky.tries == [1]  # no try after the stop


def test_the_waits_really_pass() -> None:
    started = time.monotonic()
    result = retry_call(
        Flaky(2), stop=threading.Event(), wait=lambda n, _w: exponential(0.05)(n), failed=bool
    )
    assert result == ""
    assert time.monotonic() - started >= 0.05 + 0.1


def test_a_database_outage_waits_with_the_backoff_and_logs_only_its_start_and_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outage = Outage("worker", first_delay_s=0.5, max_delay_s=2)
    with caplog.at_level(logging.WARNING, logger="ioc.store.outage"):
        delays = [outage.failed(ConnectionError("refused")) for _ in range(4)]
        outage.recovered()
        again = outage.failed(ConnectionError("refused"))
    assert delays == [0.5, 1, 2, 2]
    assert again == 0.5 and outage.outages == 2
    assert [r.levelname for r in caplog.records] == ["ERROR", "WARNING", "ERROR"]
    assert "refused" in caplog.records[0].getMessage()
