"""The camera worker (``ioc cameras run``): one capture thread per camera of its shard.

Cameras with a non-empty ``stream_url`` are read from the store at start, and the worker
keeps those of its shard (:mod:`camera.shards`; one shard of one: all of them) — or, in
lease mode, those it holds a lease on, re-balanced as workers come and go
(:mod:`camera.leases`). Each gets a
:class:`CameraRunner` (capture loop → chain → events) in its own thread; one more loop sends
every camera's heartbeat (its picture health, ``no_signal`` while the stream is down, and
the frames actually analysed per second) every ``heartbeat_interval_s``. Everything stops
when the shared stop event is set: :func:`camera_task` hands the worker to the orchestrator.
Every ``stats_interval_s`` the worker puts its shard, its cameras and their analysed frames
in the store (:mod:`camera.worker_stats`) for ``/metrics`` and ``/system``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from camera.capture import CaptureLoop, CaptureOptions
from camera.chain import Chain, ChainEvent
from camera.detectors import Detector, load_detectors
from camera.events import MqttPublisher, detection_payload, heartbeat_payload, write_event_files
from camera.leases import LeaseKeeper
from camera.registry import CameraSource, cameras_from_store
from camera.scene.daily import SceneCamera
from camera.scene.queue import CandidateQueue
from camera.scene.references import ReferenceBook
from camera.scene.watch import SceneWatch
from camera.shards import select_shard
from camera.types import Image
from camera.worker_stats import WorkerReport, counters, worker_id
from ioc.config import Settings
from ioc.mqtt.payloads import CameraHealth
from ioc.runtime import Task
from ioc.store.lazy import LazyStore
from ioc.timeutil import utcnow

log = logging.getLogger(__name__)


class Publisher(Protocol):
    def publish(self, camera_id: str, message_type: str, payload: dict[str, Any]) -> None: ...


@dataclass
class CameraRunner:
    """One camera: capture loop → analysis chain → snapshots and MQTT messages."""

    source: CameraSource
    settings: Settings
    publisher: Publisher
    detectors: Sequence[Detector[Any]]
    realtime: bool = True
    scene: SceneWatch | None = None  # the daily scene-change check of this view
    health: CameraHealth = CameraHealth.NO_SIGNAL
    analysed: int = 0
    events: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def camera_id(self) -> str:
        return self.source.id

    def __post_init__(self) -> None:
        cw = self.settings.camera_worker
        self.chain = Chain(self.detectors, cw, view=self.source.view)
        options = CaptureOptions(
            analysis_fps=self.source.analysis_fps or cw.analysis_fps,
            analysis_width=cw.analysis_width,
            reconnect_min_s=cw.reconnect_min_s,
            reconnect_max_s=cw.reconnect_max_s,
            loop_files=cw.loop_files,
            realtime=self.realtime,
        )
        self.capture = CaptureLoop(self.source.url, options, self.on_frame, self.on_status)

    def run(self, stop: threading.Event) -> None:
        log.info("camera %s: reading %s", self.source.id, self.capture.name)
        self.capture.run(stop)

    def current_health(self) -> CameraHealth:
        return self.health if self.capture.connected else CameraHealth.NO_SIGNAL

    def on_status(self, up: bool) -> None:
        log.info("camera %s: stream %s", self.source.id, "up" if up else "down")
        if not up:
            self.health = CameraHealth.NO_SIGNAL

    def on_frame(self, frame: Image, t: float) -> None:
        received = time.monotonic()
        result = self.chain.process(frame, t)
        self.analysed += 1
        self.health = result.health
        for event in result.events:
            self.emit(event)
            self.latencies.append(time.monotonic() - received)
        if self.scene is not None:
            self.scene.on_frame(frame)

    def emit(self, event: ChainEvent) -> None:
        ts = utcnow()
        cw = self.settings.camera_worker
        try:
            files = write_event_files(
                self.settings.var_dir,
                cw.snapshots_subdir,
                self.source.id,
                event,
                ts=ts,
                quality=cw.jpeg_quality,
            )
        except OSError:
            log.exception("camera %s: cannot write the snapshot", self.source.id)
            files = None
        self.publisher.publish(
            self.source.id, "detection", detection_payload(event.detection, ts, files)
        )
        self.events += 1
        log.info(
            "camera %s: %s (%.2f) confirmed",
            self.source.id,
            event.detection.kind,
            event.detection.score,
        )


class CameraWorker:
    """Runs each of its cameras' runners in a thread and sends their heartbeats until stopped.

    Which cameras: those of its shard (``camera_worker.shard_index`` of ``shard_count``, see
    :mod:`camera.shards`), or in lease mode those it holds a lease on (:mod:`camera.leases`),
    re-balanced every third of ``lease_s`` as workers come and go.
    """

    def __init__(
        self,
        settings: Settings,
        sources: Sequence[CameraSource] | None = None,
        publisher: Publisher | None = None,
        realtime: bool = True,
    ) -> None:
        self.settings = settings
        self.realtime = realtime
        self.sources = list(sources) if sources is not None else None
        self.own_publisher: MqttPublisher | None = None
        if publisher is None:
            client_id = f"{settings.camera_worker.client_id}-{uuid.uuid4().hex[:6]}"
            self.own_publisher = MqttPublisher(settings.mqtt, client_id)
            publisher = self.own_publisher
        self.publisher = publisher
        cw = settings.camera_worker
        self.store = LazyStore(settings.database_url)  # one pool for counters, leases, queue
        self.report = WorkerReport(self.store, worker_id(cw), utcnow())
        self.leases: LeaseKeeper | None = None
        if cw.assignment == "lease":
            self.leases = LeaseKeeper(self.store, self.report.worker_id, cw.lease_s)
        self.active: dict[str, tuple[CameraRunner, threading.Thread, threading.Event]] = {}
        self.lock = threading.Lock()
        self.detectors: Sequence[Detector[Any]] = ()
        self.queue = CandidateQueue(self.store, settings.var_dir)
        scene = cw.scene
        self.book = ReferenceBook(settings.var_dir / scene.subdir, scene) if scene.enabled else None

    @property
    def runners(self) -> list[CameraRunner]:
        """The cameras this worker analyses now, by id."""
        with self.lock:
            return [entry[0] for _id, entry in sorted(self.active.items())]

    def my_sources(self) -> list[CameraSource]:
        """This shard's cameras of the registry (or of the sources given)."""
        sources = self.sources
        if sources is None:
            sources = cameras_from_store(self.settings.database_url)
        cw = self.settings.camera_worker
        mine = select_shard(sources, cw.shard_index, cw.shard_count, key=lambda s: s.id)
        log.info(
            "camera worker %s: shard %d of %d takes %d of %d camera(s) with a stream: %s",
            self.report.worker_id,
            cw.shard_index,
            cw.shard_count,
            len(mine),
            len(sources),
            ", ".join(s.id for s in mine) or "none",
        )
        return mine

    def run(self, stop: threading.Event) -> None:
        self.detectors = load_detectors(self.settings.camera_worker)
        if self.own_publisher is not None:
            self.own_publisher.start()
        if self.leases is None:
            for source in self.my_sources():
                self.start_camera(source)
        try:
            self._loop(stop)
        finally:
            stop.set()
            self.save_stats()  # the last word on what it analysed, before letting go
            self.stop_cameras(list(self.active))
            if self.leases is not None:
                self.leases.leave()
            self.store.close()
            if self.own_publisher is not None:
                self.own_publisher.stop()

    def start_camera(self, source: CameraSource) -> None:
        runner = CameraRunner(source, self.settings, self.publisher, self.detectors, self.realtime)
        if self.book is not None:
            runner.scene = SceneWatch(
                self.book, SceneCamera(source.id, view=source.view), self.queue
            )
        halt = threading.Event()
        thread = threading.Thread(
            target=runner.run, args=(halt,), name=f"camera-{source.id}", daemon=True
        )
        with self.lock:
            self.active[source.id] = (runner, thread, halt)
        thread.start()

    def stop_cameras(self, camera_ids: Sequence[str]) -> None:
        """Stop these cameras' runners (all signalled first, then awaited)."""
        with self.lock:
            stopping = [self.active.pop(camera) for camera in camera_ids]
        for _runner, _thread, halt in stopping:
            halt.set()
        for _runner, thread, _halt in stopping:
            thread.join(timeout=10)

    def rebalance(self) -> None:
        """Lease mode: run exactly the cameras this worker holds after a lease round."""
        assert self.leases is not None
        held = self.leases.round()
        if held is None:
            return
        running = set(self.active)
        self.stop_cameras(sorted(running - set(held)))
        for camera in sorted(set(held) - running):
            self.start_camera(held[camera])
        if set(held) != running:
            log.info(
                "camera worker %s: holds %d camera(s): %s",
                self.report.worker_id,
                len(held),
                ", ".join(held) or "none",
            )

    def save_stats(self) -> bool:
        return self.report.save(counters(self.runners, self.settings.camera_worker))

    def _loop(self, stop: threading.Event) -> None:
        """Heartbeats, counters and (lease mode) lease rounds, each on its own schedule."""
        cw = self.settings.camera_worker
        every = {"heartbeats": cw.heartbeat_interval_s, "stats": cw.stats_interval_s}
        if self.leases is not None:
            every["leases"] = cw.lease_s / 3
        due = dict.fromkeys(every, 0.0)
        counts: dict[str, int] = {}
        last = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= due.get("leases", math.inf):
                self.rebalance()
            if now >= due["heartbeats"]:
                self._heartbeats(counts, max(now - last, 1e-3))
                last = now
            if now >= due["stats"]:
                self.save_stats()
            for job, interval in every.items():
                if now >= due[job]:
                    due[job] = now + interval
            if stop.wait(max(0.05, min(due.values()) - time.monotonic())):
                return

    def _heartbeats(self, counts: dict[str, int], elapsed: float) -> None:
        for runner in self.runners:
            fps = (runner.analysed - counts.get(runner.source.id, 0)) / elapsed
            counts[runner.source.id] = runner.analysed
            payload = heartbeat_payload(utcnow(), runner.current_health(), fps)
            self.publisher.publish(runner.source.id, "heartbeat", payload)


def camera_task(settings: Settings) -> Task:
    """The camera worker as an orchestrator task."""
    return CameraWorker(settings).run
