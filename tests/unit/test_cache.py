"""The one cache mechanism (ioc.cache): TTL, bounds, invalidation by name and by event, and
every cache of the web app written down in docs/architecture.md."""

from __future__ import annotations

import importlib
import time
import uuid
from pathlib import Path

import pytest

from ioc import cache

DOC = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def fresh(ttl_s: float = 60.0, limit: int = 10, events: tuple[str, ...] = ()) -> cache.Cache[str]:
    return cache.register(
        f"test.{uuid.uuid4().hex[:8]}",
        holds="test values",
        stale_when="the test says so",
        ttl_s=ttl_s,
        limit=limit,
        events=events,
    )


def test_a_value_is_kept_until_its_ttl_runs_out() -> None:
    memo = fresh()
    memo.put("a", "1")
    memo.put("b", "2", ttl_s=0.02)
    memo.put("c", "3", ttl_s=0)  # not kept at all
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == ("1", "2", None)
    time.sleep(0.05)
    assert (memo.get("a"), memo.get("b")) == ("1", None)


def test_a_full_cache_drops_its_expired_entries_then_its_oldest() -> None:
    memo = fresh(limit=3)
    memo.put("old", "x", ttl_s=0.01)
    memo.put("a", "1")
    memo.put("b", "2")
    time.sleep(0.03)
    memo.put("c", "3")  # room made by dropping the expired one only
    assert [memo.get(k) for k in ("old", "a", "b", "c")] == [None, "1", "2", "3"]
    memo.put("d", "4")  # now the oldest goes
    assert [memo.get(k) for k in ("a", "b", "c", "d")] == [None, "2", "3", "4"]
    assert len(memo) == 3


def test_get_or_put_makes_a_value_once() -> None:
    memo = fresh()
    made: list[str] = []

    def make() -> str:
        made.append("x")
        return "v"

    assert memo.get_or_put("k", make) == memo.get_or_put("k", make) == "v"
    assert made == ["x"]


def test_invalidation_by_name_by_event_and_all() -> None:
    units = fresh(events=("units",))
    other = fresh()
    for memo in (units, other):
        memo.put("k", "v")
    cache.changed("units")
    assert units.get("k") is None and other.get("k") == "v"
    units.put("k", "v")
    cache.invalidate(other.name)
    assert other.get("k") is None and units.get("k") == "v"
    other.put("k", "v")
    cache.invalidate_all()
    assert units.get("k") is None and other.get("k") is None


def test_a_cache_needs_a_unique_name_known_events_and_bounds() -> None:
    memo = fresh()
    with pytest.raises(ValueError, match="twice"):
        cache.register(memo.name, holds="", stale_when="", ttl_s=1, limit=1)
    with pytest.raises(ValueError, match="unknown events"):
        fresh(events=("reports",))
    with pytest.raises(ValueError, match="TTL and a limit"):
        fresh(ttl_s=0)
    with pytest.raises(ValueError, match="unknown event"):
        cache.changed("nothing")


def test_every_cache_of_the_app_is_in_the_architecture_doc() -> None:
    importlib.import_module("ioc.web.app")  # registers every page's caches
    section = DOC.read_text(encoding="utf-8").split("## Caches", 1)[1]
    named = [c for c in cache.caches() if not c.name.startswith("test.")]
    assert {c.name for c in named} >= {"aggregates.held", "auth.principals", "auth.unit_scopes"}
    missing = [c.name for c in named if f"`{c.name}`" not in section]
    assert not missing, f"caches not described in docs/architecture.md: {missing}"
