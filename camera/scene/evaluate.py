"""Figures of the scene-change detector: found / false per kind of day.

* **Made-up scenes** (:mod:`camera.scene.synth`): for each kind, ``n`` seeded pairs. A
  change kind (``structure``, ``clearing``) is *found* when a region overlaps the drawn box
  (IoU ≥ 0.1 or one's centre in the other); every other region is *false*. A drawn
  change whose whole box is under the minimum size is not expected to be found: it is
  counted apart (``below_min_size``), its pair not scored. A nuisance kind
  (light, shadow, fog, rain, shift, season) should give nothing: each region is *false*.
  A pair the aligner refuses is counted as ``refused`` (no candidate, a logged reason).
* **Real same-view pairs**: HPWREN tower-camera frames (``fire_sequences``, the frames
  before ignition), the first frame of a sequence against each later one, minutes apart:
  only light, haze and the camera's own noise change. Every region is a false alarm.
* **Made-up changes on real pictures**: a house or a cleared patch drawn below the
  skyline of a later real frame, against the first frame.

Seeds: the detector was tuned on the made-up seeds ``seed * 31 + 7`` for seeds 0-19 and on
every 8th real frame against the first; the figures use seeds from ``REPORT_SEED`` on,
never seen while tuning, and give the real pairs seen in tuning separately.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from camera.scene import synth
from camera.scene.compare import Comparison, compare
from camera.scene.daily import overlaps
from camera.stills import read_picture
from camera.types import CameraView, Image, pixel_box_to_fraction
from ioc.config.scene_change import SceneChangeSettings

REPORT_SEED = 1000
KINDS = ("structure", "clearing", "light", "shadow", "fog", "rain", "shift", "season")
TUNING_EVERY = 8


def _score(
    result: Comparison,
    truth: tuple[int, int, int, int] | None,
    tally: dict[str, Any],
    min_px: int = 0,
) -> None:
    if truth is not None and truth[2] * truth[3] < min_px:
        tally["below_min_size"] += 1  # not expected: the drawn change's box is too small
        return
    tally["pairs"] += 1
    if not result.ok:
        tally["refused"] += 1
        return
    if truth is None:
        tally["false"] += len(result.regions)
        tally["pairs_with_false"] += bool(result.regions)
        return
    height, width = result.before.shape[:2]
    box = pixel_box_to_fraction(truth, width, height)
    hits = [r for r in result.regions if overlaps(r.box, box, 0.1)]
    tally["found"] += bool(hits)
    tally["false"] += len(result.regions) - len(hits)
    if hits:
        tally["hints"][hits[0].hint] = tally["hints"].get(hits[0].hint, 0) + 1


def _tally(change: bool) -> dict[str, Any]:
    tally: dict[str, Any] = {"pairs": 0, "refused": 0, "false": 0}
    if change:
        tally.update(found=0, hints={}, below_min_size=0)
    else:
        tally["pairs_with_false"] = 0
    return tally


def _persistent(week: Comparison, month: Comparison) -> Comparison:
    """``week`` keeping only the regions also found against the month's reference: the
    daily check's rule when both references exist."""
    if not (week.ok and month.ok):
        return Comparison(
            week.alignment if not week.ok else month.alignment, week.before, week.after_aligned
        )
    kept = [r for r in week.regions if any(overlaps(r.box, o.box) for o in month.regions)]
    return Comparison(week.alignment, week.before, week.after_aligned, kept)


def made_up(n: int, settings: SceneChangeSettings, first_seed: int = REPORT_SEED) -> dict[str, Any]:
    """Found / false per kind on ``n`` made-up hillsides each: one pair (``pair``), and
    with the persistence rule (``persistent``): a second, older reference of the same
    hillside on another day (its own shadows, or its own light) must show it too."""
    out = {}
    for kind in KINDS:
        pair, persistent = _tally(kind in synth.CHANGES), _tally(kind in synth.CHANGES)
        for seed in range(first_seed, first_seed + n):
            rng = np.random.default_rng(seed)
            base = synth.landscape(rng)
            before, after, truth = synth.day_pair(kind, rng, background=base)
            older = synth.shadows(base, rng) if kind == "shadow" else synth.relight(base, rng)
            week = compare(before, after, settings)
            min_px = settings.min_area("", before.shape[1], before.shape[0])
            _score(week, truth, pair, min_px)
            month = compare(older, after, settings)
            _score(_persistent(week, month), truth, persistent, min_px)
        out[kind] = {"pair": pair, "persistent": persistent}
    return out


def sequences(folder: Path, views: Path) -> Iterator[tuple[str, list[Path], CameraView]]:
    """(name, frames before ignition, drawn view) of each HPWREN sequence under ``folder``."""
    for seq in sorted(p for p in folder.iterdir() if p.is_dir()):
        geometry_file = views / f"view_{seq.name}.json"
        geometry = json.loads(geometry_file.read_text()) if geometry_file.is_file() else {}
        view = CameraView.from_data(geometry.get("masks"), geometry.get("horizon"))
        frames = sorted(p for p in seq.glob("*.jpg") if "_-" in p.name)
        if len(frames) >= 2:
            yield seq.name, frames, view


def _read(path: Path) -> Image:
    picture = read_picture(path)
    if picture is None:
        raise OSError(f"{path}: not a picture")
    return picture


def real_pairs(folder: Path, views: Path, settings: SceneChangeSettings) -> dict[str, Any]:
    """False alarms on real frames of one view minutes apart, per sequence."""
    out = {}
    for name, frames, view in sequences(folder, views):
        first = _read(frames[0])
        fresh, tuned = _tally(False), _tally(False)
        minutes = []
        for i, path in enumerate(frames[1:], start=1):
            tally = tuned if i % TUNING_EVERY == 1 else fresh
            _score(compare(first, _read(path), settings, view), None, tally)
            minutes.append((int(path.stem.split("_")[0]) - int(frames[0].stem.split("_")[0])) / 60)
        out[name] = {
            "report": fresh,
            "seen_in_tuning": tuned,
            "minutes_apart": [round(min(minutes)), round(max(minutes))],
        }
    return out


def real_backgrounds(
    folder: Path, views: Path, settings: SceneChangeSettings, n: int, first_seed: int = REPORT_SEED
) -> dict[str, Any]:
    """Found / false for made-up changes drawn below the skyline of real later frames."""
    out: dict[str, Any] = {kind: _tally(True) for kind in synth.CHANGES}
    for _name, frames, view in sequences(folder, views):
        first = _read(frames[0])
        land_top = max((y for _x, y in view.horizon), default=synth.RIDGE) + 0.05
        for k, seed in enumerate(range(first_seed, first_seed + n)):
            later = _read(frames[1 + k % (len(frames) - 1)])
            for kind, change in synth.CHANGES.items():
                after, truth = change(later, np.random.default_rng(seed), 1.0, land_top)
                min_px = settings.min_area("", first.shape[1], first.shape[0])
                _score(compare(first, after, settings, view), truth, out[kind], min_px)
    return out
