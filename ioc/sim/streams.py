"""Demo camera streams for ``python app.py``: synthetic hillside clips the real camera chain
analyses (a smoke plume that starts 15 s in; drifting clouds that must not alarm).

A camera whose ``stream_url`` is ``demo:<scene>`` in data/cameras_demo.csv gets the path of
a clip rendered once into ``<var_dir>/demo_streams/``; the camera worker loops it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ioc.sim.clips import ClipSpec, render_frames, write_video

log = logging.getLogger(__name__)

SCHEME = "demo:"
SCENES = {
    "plume": ClipSpec("plume", "smoke", 15.0, 11),
    "clouds": ClipSpec("clouds", "none", None, 12),
}
SECONDS = 40.0


def resolve_stream(url: str, var_dir: Path) -> str:
    """The real URL of a stream: ``demo:<scene>`` becomes a rendered clip's path."""
    if not url.startswith(SCHEME):
        return url
    scene = url[len(SCHEME) :]
    if scene not in SCENES:
        raise ValueError(f"unknown demo scene {scene!r}; known: {', '.join(sorted(SCENES))}")
    path = var_dir / "demo_streams" / f"{scene}.avi"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        log.info("rendering demo stream %s (%d s)", path, SECONDS)
        write_video(path, render_frames(SCENES[scene], seconds=SECONDS))
    return str(path.resolve())
