"""Scene change over days (camera.scene): made-up scenes, real tower pictures, the book.

The made-up scenes (:mod:`camera.scene.synth`) always run; the real ones use HPWREN frames
from ``../shared/data/fire_sequences`` and skip without them. Real OpenCV throughout.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from camera.scene import synth
from camera.scene.compare import compare
from camera.scene.daily import SceneCamera, crop_pair, daily_check, overlaps
from camera.scene.references import ReferenceBook, ViewKey, frame_quality, local_day
from camera.stills import read_picture
from camera.types import Box, CameraView, iou, pixel_box_to_fraction
from ioc.config.scene_change import SceneCameraSettings, SceneChangeSettings

ROOT = Path(__file__).resolve().parents[2]
VIEWS = ROOT / "camera" / "eval" / "hpwren"
SETTINGS = SceneChangeSettings()
SEEDS = (11, 12, 13)


def _fraction(box: tuple[int, int, int, int], frame: np.ndarray) -> Box:
    return pixel_box_to_fraction(box, frame.shape[1], frame.shape[0])


def _hit(regions_boxes: list[Box], truth: Box) -> bool:
    return any(overlaps(b, truth, 0.1) for b in regions_boxes)


# -- made-up scenes: what must be found ---------------------------------------------------


@pytest.mark.parametrize("kind", ["structure", "clearing"])
def test_a_new_house_or_a_cleared_patch_is_found_with_its_box(kind: str) -> None:
    hints: list[str] = []
    for seed in SEEDS:
        before, after, truth = synth.day_pair(kind, np.random.default_rng(seed))
        assert truth is not None
        result = compare(before, after, SETTINGS)
        assert result.ok, result.alignment.reason
        target = _fraction(truth, before)
        found = [r for r in result.regions if overlaps(r.box, target, 0.1)]
        assert found, f"seed {seed}: {kind} at {truth} not found ({result.regions})"
        assert iou(found[0].box, target) > 0.3
        assert [r for r in result.regions if r not in found] == []
        hints.append(found[0].hint)
    assert hints.count(kind) >= 2, hints


# -- made-up scenes: what must not be --------------------------------------------------------


@pytest.mark.parametrize("kind", ["light", "shadow", "fog", "rain", "shift", "season"])
def test_light_shadows_fog_rain_a_small_move_and_the_season_are_not_changes(kind: str) -> None:
    for seed in SEEDS:
        before, after, truth = synth.day_pair(kind, np.random.default_rng(seed))
        assert truth is None
        result = compare(before, after, SETTINGS)
        assert result.ok, f"seed {seed}: {result.alignment.reason}"
        assert result.regions == [], f"seed {seed}: {kind} gave {result.regions}"


def test_a_small_camera_move_is_measured_and_a_large_one_refused() -> None:
    rng = np.random.default_rng(5)
    before = synth.landscape(rng)
    matrix = cv2.getRotationMatrix2D((320, 240), 1.0, 1.0)
    matrix[:, 2] += (6, -3)
    moved = np.asarray(
        cv2.warpAffine(before, matrix, (640, 480), borderMode=cv2.BORDER_REFLECT), np.uint8
    )
    small = compare(before, moved, SETTINGS)
    assert small.ok and small.regions == []
    assert abs(abs(small.alignment.rotation_deg) - 1.0) < 0.3
    far = np.roll(before, 160, axis=1)
    refused = compare(before, far, SETTINGS)
    assert not refused.ok and refused.regions == []
    assert "moved" in refused.alignment.reason or "comparable" in refused.alignment.reason


def test_another_view_is_refused_as_not_comparable() -> None:
    one = synth.landscape(np.random.default_rng(1))
    other = synth.landscape(np.random.default_rng(2))
    result = compare(one, np.asarray(cv2.GaussianBlur(other, (0, 0), 8), np.uint8), SETTINGS)
    assert not result.ok
    assert result.alignment.reason


def test_ignore_regions_and_the_sky_above_the_skyline_are_not_looked_at() -> None:
    before, after, truth = synth.day_pair("structure", np.random.default_rng(21))
    assert truth is not None
    x, y, w, h = _fraction(truth, before)
    assert compare(before, after, SETTINGS).regions
    mask = (
        (x - 0.02, y - 0.02),
        (x + w + 0.02, y - 0.02),
        (x + w + 0.02, y + h + 0.02),
        (x - 0.02, y + h + 0.02),
    )
    assert compare(before, after, SETTINGS, CameraView(masks=(mask,))).regions == []
    skyline = CameraView(horizon=((0.0, y + h + 0.02), (1.0, y + h + 0.02)))
    assert compare(before, after, SETTINGS, skyline).regions == []
    whole = SceneChangeSettings(land_only=False)
    assert compare(before, after, whole, skyline).regions


def test_minimum_size_per_camera() -> None:
    before, after, truth = synth.day_pair("structure", np.random.default_rng(22))
    assert truth is not None
    found = compare(before, after, SETTINGS).regions
    assert found
    area = found[0].rect[2] * found[0].rect[3]
    assert compare(before, after, SETTINGS, min_area_px=area * 2).regions == []
    own = SceneChangeSettings(per_camera={"cam-far": SceneCameraSettings(min_area_px=area * 2)})
    assert own.min_area("cam-far", 640, 480) == area * 2
    assert own.min_area("cam-near", 640, 480) == round(0.002 * 640 * 480)
    frac = SceneChangeSettings(per_camera={"c": SceneCameraSettings(min_area_frac=0.05)})
    assert frac.min_area("c", 640, 480) == round(0.05 * 640 * 480)


def test_crop_pair_is_the_same_rectangle_of_both_pictures_with_the_box() -> None:
    rng = np.random.default_rng(3)
    before = synth.landscape(rng)
    after = synth.relight(before, rng)
    one, two = crop_pair(before, after, (600, 10, 30, 20), margin=0.75)
    a = np.asarray(cv2.imdecode(np.frombuffer(one, np.uint8), cv2.IMREAD_COLOR))
    b = np.asarray(cv2.imdecode(np.frombuffer(two, np.uint8), cv2.IMREAD_COLOR))
    assert a.shape == b.shape == (160, 160, 3)  # slid inside the picture, not cut
    assert not np.array_equal(a, b)


# -- the reference book ------------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """UTC moment of a local (UTC+7) clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


def test_the_book_keeps_the_best_frame_of_the_window_per_view(tmp_path: Path) -> None:
    book = ReferenceBook(tmp_path, SceneChangeSettings(reference_hour=10, window_minutes=60))
    view = ViewKey("cam/1", "preset 2")
    day = date(2026, 11, 3)
    sharp = synth.landscape(np.random.default_rng(4))
    soft = np.asarray(cv2.GaussianBlur(sharp, (0, 0), 1.5), np.uint8)
    dark = (sharp // 8).astype(np.uint8)
    good, worse = frame_quality(sharp), frame_quality(soft)
    assert good is not None and worse is not None and frame_quality(dark) is None
    assert good > worse
    assert not book.offer(view, sharp, _at(day, 9, 0))  # before the window
    assert book.offer(view, soft, _at(day, 9, 40))
    assert not book.offer(view, dark, _at(day, 9, 50))
    assert book.offer(view, sharp, _at(day, 10, 20))
    assert not book.offer(view, soft, _at(day, 10, 25))
    assert not book.offer(view, sharp, _at(day, 10, 31))  # after it
    assert book.window_over(_at(day, 10, 31)) and not book.window_over(_at(day, 10, 30))
    ref = book.get(view, day)
    assert ref is not None and ref.t == _at(day, 10, 20)
    assert ref.path.parent == tmp_path / "cam-1" / "p-preset-2"
    assert json.loads(ref.path.with_suffix(".json").read_text())["width"] == 640
    assert local_day(_at(day, 0, 30)) == day  # 00:30 local is 17:30 UTC the day before


def test_nearest_reference_within_tolerance_and_pruning(tmp_path: Path) -> None:
    book = ReferenceBook(tmp_path)
    view = ViewKey("cam-2")
    frame = synth.landscape(np.random.default_rng(6))
    today = date(2026, 12, 6)
    for back in (1, 6, 9, 27, 33, 45):
        assert book.keep(view, frame, _at(today - timedelta(days=back), 10))
    week = book.nearest(view, today, 7, 2)
    month = book.nearest(view, today, 30, 5)
    assert week is not None and week.day == today - timedelta(days=6)
    assert month is not None and month.day == today - timedelta(days=33)  # 27, 33: the older
    assert book.nearest(view, today, 7, 0) is None
    assert book.prune(view, today) == 1
    assert today - timedelta(days=45) not in book.days(view)


# -- the daily check -----------------------------------------------------------------------


def _days_of(
    book: ReferenceBook, view: ViewKey, frames: dict[int, np.ndarray], today: date
) -> None:
    for back, frame in frames.items():
        assert book.keep(view, frame, _at(today - timedelta(days=back), 10))


def test_daily_check_reports_a_change_seen_against_both_references_once(tmp_path: Path) -> None:
    rng = np.random.default_rng(31)
    scene = synth.landscape(rng)
    built, truth = synth.add_structure(scene, rng)
    book = ReferenceBook(tmp_path)
    camera = SceneCamera("cam-3")
    today = date(2026, 12, 6)
    _days_of(book, camera.key, {30: scene, 7: synth.relight(scene, rng)}, today)
    found = daily_check(book, camera, built, _at(today, 10, 5))
    assert len(found) == 1
    cand = found[0]
    assert cand.reference_days == 7 and cand.camera_id == "cam-3" and cand.preset is None
    assert cand.before_t == _at(today - timedelta(days=7), 10)
    assert cand.after_t == _at(today, 10, 5)
    assert overlaps(cand.box, _fraction(truth, scene), 0.3)
    assert cand.hint in ("structure", "clearing", "other")
    for jpeg in (cand.before_jpeg, cand.after_jpeg):
        assert cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR) is not None
    # the next day the same new house is not reported again
    tomorrow = today + timedelta(days=1)
    assert daily_check(book, camera, synth.relight(built, rng), _at(tomorrow, 10)) == []


def test_daily_check_needs_two_days_when_only_one_reference_exists(tmp_path: Path) -> None:
    rng = np.random.default_rng(32)
    scene = synth.landscape(rng)
    cleared, truth = synth.add_clearing(scene, rng)
    book = ReferenceBook(tmp_path)
    camera = SceneCamera("cam-4", preset="2")
    today = date(2026, 12, 6)
    _days_of(book, camera.key, {8: scene, 7: synth.relight(scene, rng)}, today)
    assert daily_check(book, camera, cleared, _at(today, 10)) == []
    later = daily_check(
        book, camera, synth.relight(cleared, rng), _at(today + timedelta(days=1), 10)
    )
    assert len(later) == 1 and later[0].preset == "2"
    assert overlaps(later[0].box, _fraction(truth, scene), 0.3)


def test_daily_check_gives_nothing_for_a_day_of_shadows_and_haze(tmp_path: Path) -> None:
    rng = np.random.default_rng(33)
    scene = synth.landscape(rng)
    book = ReferenceBook(tmp_path)
    camera = SceneCamera("cam-5")
    today = date(2026, 12, 6)
    _days_of(book, camera.key, {30: synth.shadows(scene, rng), 7: synth.relight(scene, rng)}, today)
    assert (
        daily_check(book, camera, synth.fog(synth.shadows(scene, rng), rng), _at(today, 10)) == []
    )


# -- real tower pictures -----------------------------------------------------------------


def _sequences(shared_data: Path) -> list[tuple[list[Path], CameraView]]:
    folder = shared_data / "fire_sequences"
    if not folder.is_dir():
        pytest.skip("fire_sequences not in the shared data")
    out = []
    for seq in sorted(p for p in folder.iterdir() if p.is_dir()):
        geometry = json.loads((VIEWS / f"view_{seq.name}.json").read_text())
        view = CameraView.from_data(geometry["masks"], geometry["horizon"])
        negatives = sorted(p for p in seq.glob("*.jpg") if "_-" in p.name)  # before ignition
        out.append((negatives, view))
    return out


def _picture(path: Path) -> np.ndarray:
    picture = read_picture(path)
    assert picture is not None, path
    return picture


def test_real_frames_minutes_apart_give_no_change(shared_data: Path) -> None:
    pairs = 0
    for frames, view in _sequences(shared_data):
        first = _picture(frames[0])
        for later in frames[1:][::12][:3]:
            result = compare(first, _picture(later), SETTINGS, view)
            assert result.ok, result.alignment.reason
            assert result.regions == [], f"{later.name}: {result.regions}"
            pairs += 1
    assert pairs >= 3


def test_a_house_added_to_a_real_hillside_is_found(shared_data: Path) -> None:
    for frames, view in _sequences(shared_data):
        before = _picture(frames[0])
        land_top = max(y for _x, y in view.horizon) + 0.05
        after, truth = synth.add_structure(
            _picture(frames[min(5, len(frames) - 1)]), np.random.default_rng(7), 1.0, land_top
        )
        result = compare(before, after, SETTINGS, view)
        assert result.ok, result.alignment.reason
        assert _hit([r.box for r in result.regions], _fraction(truth, before)), frames[0].parent


# -- the command ---------------------------------------------------------------------------


def test_ioc_cameras_changes_prints_candidates_and_writes_the_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ioc.cli import main

    monkeypatch.setenv("IOC_VAR_DIR", str(tmp_path / "var"))
    before, after, truth = synth.day_pair("structure", np.random.default_rng(41))
    assert truth is not None
    cv2.imwrite(str(tmp_path / "before.jpg"), before)
    cv2.imwrite(str(tmp_path / "after.jpg"), after)
    out = tmp_path / "pairs"
    args = ["cameras", "changes", str(tmp_path / "before.jpg"), str(tmp_path / "after.jpg")]
    assert main([*args, "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["comparable"] is True and len(report["candidates"]) == 1
    found = report["candidates"][0]
    box = found["box"]
    assert overlaps((box[0], box[1], box[2], box[3]), _fraction(truth, before), 0.3)
    assert Path(found["before_jpeg"]).is_file() and Path(found["after_jpeg"]).is_file()
    x, y, w, h = _fraction(truth, before)
    ignore = f"{x - 0.02},{y - 0.02},{x + w + 0.02},{y + h + 0.02}"
    assert main([*args, "--out", str(out), "--ignore", ignore]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["candidates"] == []
    assert main([*args, "--ignore", "0.5,0.5,0.2"]) == 1
