"""The map's report layer is read once per reports version (and day), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import shapely

from ioc.aggregates import feeds
from ioc.store import Store
from ioc.store.models import CitizenReport

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def add_report(store: Store) -> None:
    with store.session() as session:
        session.add(
            CitizenReport(
                service_code="moi_truong",
                lon=108.44,
                lat=11.94,
                geom=shapely.Point(108.44, 11.94),
                created_at=NOW,
                updated_at=NOW,
                status="received",
            )
        )


def test_same_version_is_not_read_again_a_new_one_is(store: Store) -> None:
    with store.session() as session:
        version = feeds.reports_version(session)
        assert feeds.report_layer(session, NOW, None, version) == []
    add_report(store)
    with store.session() as session:
        assert feeds.report_layer(session, NOW, None, version) == []  # kept for that version
        fresh = feeds.reports_version(session)
        assert fresh != version
        assert len(feeds.report_layer(session, NOW, None, fresh)) == 1
        assert len(feeds.report_layer(session, NOW, None)) == 1  # no version: always read
