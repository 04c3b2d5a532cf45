"""The batched writer on both backends: idempotent, keeps good records, dead-letters bad."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ioc.config import CameraStatusSettings
from ioc.ingest.messages import CameraDetection, CameraHeartbeat, Rejected
from ioc.ingest.writer import BatchWriter
from ioc.mqtt.inbound import InboundMessage
from ioc.store import Store
from ioc.store.cameras import CameraState, camera_states
from ioc.store.models import Camera, DeadLetter, Detection
from testkit.helpers import add_cameras

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
MSG = InboundMessage("ioc/v1/camera/c1/detection", b"{}", NOW)


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def det(msg_id: str, camera: str = "c1", at: datetime = NOW) -> CameraDetection:
    return CameraDetection(msg_id, camera, at, "smoke", 0.9, (0.1, 0.1, 0.2, 0.2))


def test_redelivered_detection_is_stored_once(store: Store) -> None:
    add_cameras(store, "c1")
    writer = BatchWriter(store)
    first = writer.write([(MSG, det("a")), (MSG, det("a")), (MSG, det("b"))], [], NOW)
    again = writer.write([(MSG, det("a"))], [], NOW)
    assert (first.stored, first.duplicates) == (2, 1)
    assert (again.stored, again.duplicates) == (0, 1)
    assert count(store, Detection) == 2


def test_camera_state_only_moves_forward(store: Store) -> None:
    add_cameras(store, "c1")
    writer = BatchWriter(store)
    newer = CameraHeartbeat("h2", "c1", NOW, "ok")
    older = CameraHeartbeat("h1", "c1", NOW - timedelta(minutes=5), "dark")
    writer.write([(MSG, newer)], [], NOW)
    writer.write([(MSG, older), (MSG, det("d1", at=NOW - timedelta(seconds=1)))], [], NOW)
    with store.session() as session:
        camera = session.get(Camera, "c1")
        assert camera is not None
        assert camera.last_heartbeat_at == NOW
        assert camera.health == "ok"
        assert camera.last_detection_at == NOW - timedelta(seconds=1)
        assert camera.updated_at == NOW


def test_camera_row_carries_the_simulated_mark_of_its_newest_detection(store: Store) -> None:
    """The overview's alarm reads the camera row, so the row says whether the newest
    detection was the simulator's; an older detection arriving late changes nothing."""
    add_cameras(store, "c1")
    writer = BatchWriter(store)
    simulated = CameraDetection("s1", "c1", NOW, "smoke", 0.9, simulated=True)
    writer.write([(MSG, simulated)], [], NOW)
    late_real = CameraDetection("r0", "c1", NOW - timedelta(minutes=1), "smoke", 0.9)
    writer.write([(MSG, late_real)], [], NOW)
    states = camera_states_now(store)
    assert states["c1"].simulated is True
    real = CameraDetection("r1", "c1", NOW + timedelta(minutes=1), "fire", 0.8)
    writer.write([(MSG, real)], [], NOW)
    assert camera_states_now(store)["c1"].simulated is False


def camera_states_now(store: Store) -> dict[str, CameraState]:
    with store.session() as session:
        states = camera_states(session, NOW, CameraStatusSettings())
    return {s.id: s for s in states}


def test_unknown_camera_and_rejects_go_to_dead_letters_with_bytes(store: Store) -> None:
    add_cameras(store, "c1")
    writer = BatchWriter(store, keep_bytes=10)
    bad = InboundMessage("ioc/v1/camera/c1/detection", b"x" * 50, NOW)
    result = writer.write(
        [(MSG, det("ok")), (MSG, det("ghost", camera="nope"))],
        [(bad, Rejected("not_json", "Expecting value"))],
        NOW,
    )
    assert result.stored == 1
    assert result.rejected == {"unknown_camera": 1, "not_json": 1}
    with store.session() as session:
        letters = session.scalars(select(DeadLetter).order_by(DeadLetter.id)).all()
        reasons = sorted(letter.reason.split(":")[0] for letter in letters)
        assert reasons == ["not_json", "unknown_camera"]
        kept = next(letter for letter in letters if letter.reason.startswith("not_json"))
        assert (kept.payload, kept.payload_size) == (b"x" * 10, 50)


def test_camera_registered_later_is_found(store: Store) -> None:
    writer = BatchWriter(store)
    writer.write([(MSG, det("early", camera="late"))], [], NOW)
    add_cameras(store, "late")
    result = writer.write([(MSG, det("after", camera="late"))], [], NOW)
    assert result.stored == 1


def test_poisoned_record_does_not_take_good_ones_down(postgis_store: Store) -> None:
    """PostgreSQL refuses NUL characters in text: that record alone is dead-lettered."""
    add_cameras(postgis_store, "c1")
    poisoned = CameraDetection("p", "c1", NOW, "smoke", 0.9, None, snapshot="a\x00b")
    result = BatchWriter(postgis_store).write(
        [(MSG, det("good-1")), (MSG, poisoned), (MSG, det("good-2"))], [], NOW
    )
    assert result.stored == 2
    assert result.rejected == {"store_refused": 1}
    assert count(postgis_store, Detection) == 2
    assert count(postgis_store, DeadLetter) == 1
