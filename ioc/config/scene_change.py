"""Settings of the scene-change detector, typed like the camera worker's (pydantic, with help).

The section ``camera_worker.scene`` of the settings tree (the camera worker's
:class:`camera.scene.watch.SceneWatch` reads it). The minimum size of a change can be set
per camera (``per_camera``), since a 4K camera over a near valley and a 1080p one over a
far ridge see a house at very different sizes.
"""

from __future__ import annotations

from pydantic import Field

from ioc.config.section import Section


class SceneCameraSettings(Section):
    """What one camera sets for itself; unset fields take the detector-wide value."""

    min_area_frac: float | None = Field(
        None, gt=0, le=1, description="Smallest change, as a share of the picture."
    )
    min_area_px: int | None = Field(
        None, ge=0, description="Smallest change in the reference picture's pixels."
    )


class SceneChangeSettings(Section):
    """Reference pictures per camera view and the day-to-day comparison."""

    enabled: bool = Field(
        True,
        description="Keep a picture a day of every camera view and look for changes "
        "(new buildings, cleared forest) against a week and a month before.",
    )
    sample_every_s: float = Field(
        30,
        gt=0,
        le=3600,
        description="In the day's window, offer the reference book a frame this often.",
    )
    subdir: str = Field("scene_refs", description="Under var_dir: one picture a day per view.")
    reference_hour: float = Field(
        10.0, ge=0, lt=24, description="Local hour (Asia/Ho_Chi_Minh) of the day's picture."
    )
    window_minutes: float = Field(
        60,
        gt=0,
        le=720,
        description="The day's picture is the best frame of this window, "
        "centred on reference_hour (by exposure and sharpness).",
    )
    keep_days: int = Field(40, ge=31, description="Reference pictures older than this go.")
    week_tolerance_days: int = Field(
        2, ge=0, le=3, description="The 7-day reference may be this many days nearer or older."
    )
    month_tolerance_days: int = Field(
        5, ge=0, le=10, description="The 30-day reference may be this many days nearer or older."
    )
    repeat_days: int = Field(
        30, ge=0, description="A change already reported within this many days is not repeated."
    )
    work_width: int = Field(
        512, ge=128, le=2048, description="Width (px) the pictures are compared at."
    )
    min_area_frac: float = Field(
        0.002, gt=0, le=1, description="Smallest change, as a share of the picture."
    )
    min_area_px: int = Field(
        0,
        ge=0,
        description="Smallest change in the reference picture's pixels (0: only the share).",
    )
    per_camera: dict[str, SceneCameraSettings] = Field(
        default_factory=dict, description="Per camera id: its own minimum size."
    )
    land_only: bool = Field(
        True,
        description="Ignore the sky above the camera's drawn skyline (clouds); a camera "
        "without a skyline is compared whole.",
    )
    structure_threshold: float = Field(
        0.3,
        gt=0,
        le=2,
        description="Loss of local structure (1 - the SSIM structure term, 0-2), once light "
        "and shadows are divided out, that counts as a change.",
    )
    relight_size: int = Field(
        11,
        ge=3,
        le=31,
        description="Side (px at work_width, odd) of the median that finds the light and "
        "shadow field between the two pictures.",
    )
    texture_threshold: float = Field(
        0.7,
        gt=0,
        description="Change of local contrast (|log ratio| beyond the hillside's trend; 0.7 "
        "is a texture halved or doubled) that counts.",
    )
    texture_size: int = Field(
        121, ge=12, le=1023, description="Side (px at work_width) of the contrast trend."
    )
    chroma_threshold: float = Field(
        0.1,
        gt=0,
        description="Change of chromaticity (L1 of B, G, R shares) that counts as a colour "
        "change (green pine to red soil is about 0.4).",
    )
    colour_relief: float = Field(
        0.6,
        gt=0,
        le=1,
        description="Where the colour changed, this share of structure_threshold is enough.",
    )
    max_shift_frac: float = Field(
        0.08, gt=0, le=0.5, description="A larger camera shift (share of the width) is refused."
    )
    max_rotation_deg: float = Field(
        4.0, gt=0, le=45, description="A larger camera rotation (degrees) is refused."
    )
    min_alignment: float = Field(
        0.35,
        ge=-1,
        le=1,
        description="Pictures whose aligned correlation (ECC) stays below this are refused "
        "as not comparable (fog, a covered lens, another view).",
    )
    crop_margin: float = Field(
        0.75, ge=0, le=5, description="The before/after crop adds this many box sizes around it."
    )

    def min_area(self, camera_id: str, width: int, height: int) -> int:
        """Smallest change in pixels of a ``width`` × ``height`` reference picture."""
        own = self.per_camera.get(camera_id, SceneCameraSettings())
        frac = own.min_area_frac if own.min_area_frac is not None else self.min_area_frac
        px = own.min_area_px if own.min_area_px is not None else self.min_area_px
        return max(round(frac * width * height), px, 1)
