"""``ioc cameras changes BEFORE AFTER``: the scene change between two pictures of one view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from camera.scene.compare import compare
from camera.scene.daily import crop_pair
from camera.stills import read_picture
from camera.types import CameraView, Point
from ioc.config.scene_change import SceneChangeSettings


def rectangle(text: str) -> tuple[Point, ...]:
    """``"x0,y0,x1,y1"`` (fractions) as an ignore polygon; ValueError when malformed."""
    parts = [float(v) for v in text.split(",")]
    if len(parts) != 4:
        raise ValueError(f"--ignore {text!r}: expected X0,Y0,X1,Y1")
    x0, y0, x1, y1 = parts
    if not all(-0.01 <= v <= 1.01 for v in parts) or x1 <= x0 or y1 <= y0:
        raise ValueError(f"--ignore {text!r}: fractions 0-1 with X0 < X1 and Y0 < Y1")
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def changes_between(
    before_path: Path,
    after_path: Path,
    *,
    ignore: list[str],
    view_path: Path | None,
    min_area: float | None,
    out: Path,
) -> dict[str, Any]:
    """Compare two pictures; write each change's crop pair under ``out``; the report."""
    before, after = read_picture(before_path), read_picture(after_path)
    for path, picture in ((before_path, before), (after_path, after)):
        if picture is None:
            raise OSError(f"{path}: not a picture")
    assert before is not None and after is not None
    geometry: dict[str, Any] = {}
    if view_path is not None:
        geometry = json.loads(view_path.read_text(encoding="utf-8"))
    drawn = CameraView.from_data(geometry.get("masks"), geometry.get("horizon"))
    view = CameraView(
        masks=drawn.masks + tuple(rectangle(r) for r in ignore),
        horizon=drawn.horizon,
        band_above=drawn.band_above,
        band_below=drawn.band_below,
    )
    settings = SceneChangeSettings()
    if min_area is not None:
        settings = settings.model_copy(update={"min_area_frac": min_area})
    result = compare(before, after, settings, view)
    report: dict[str, Any] = {
        "comparable": result.ok,
        "reason": result.alignment.reason,
        "shift_px": round(result.alignment.shift_px, 1),
        "rotation_deg": round(result.alignment.rotation_deg, 2),
        "correlation": round(result.alignment.correlation, 3),
        "candidates": [],
    }
    if result.regions:
        out.mkdir(parents=True, exist_ok=True)
    for i, region in enumerate(result.regions, start=1):
        one, two = crop_pair(result.before, result.after_aligned, region.rect, settings.crop_margin)
        pair = (out / f"change-{i}-before.jpg", out / f"change-{i}-after.jpg")
        pair[0].write_bytes(one)
        pair[1].write_bytes(two)
        report["candidates"].append(
            {
                "box": [round(v, 4) for v in region.box],
                "box_px": list(region.rect),
                "area_frac": round(region.area_frac, 5),
                "score": round(region.score, 2),
                "hint": region.hint,
                "before_jpeg": str(pair[0]),
                "after_jpeg": str(pair[1]),
            }
        )
    return report
