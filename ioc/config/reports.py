"""Settings of the citizen-report part, mounted by the lead as ``reports:`` in the tree.

Until :class:`ioc.config.Settings` has a ``reports`` field, :func:`reports_settings` falls
back to the defaults, so every caller can already ask for them.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ioc.config.section import Section


class ReportsSettings(Section):
    """Uploads, the Open311 API, the SLA calendar, duplicates and the map layer."""

    uploads_subdir: str = Field("uploads", description="Under var_dir: re-encoded report photos.")
    max_upload_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="Largest accepted photo upload (bytes)."
    )
    max_image_side: int = Field(
        2048, ge=256, le=8192, description="Photos are scaled down to this longest side (px)."
    )
    jpeg_quality: int = Field(85, ge=30, le=100, description="JPEG quality of stored photos.")
    api_keys: list[str] = Field(
        default_factory=list,
        description="Open311 api_key values allowed to POST; empty: no key is required.",
    )
    max_description_chars: int = Field(
        4000, ge=10, description="Longest accepted report description (characters)."
    )
    max_range_days: int = Field(
        90, ge=1, le=3660, description="Longest start_date..end_date range of GET requests."
    )
    working_hours: str = Field(
        "24/7",
        description="SLA calendar: '24/7' or local office hours 'HH:MM-HH:MM' (e.g. 07:00-17:00).",
    )
    working_days: list[int] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4],
        description="Weekdays (0 = Monday) the office-hours calendar counts.",
    )
    duplicate_radius_m: float = Field(
        50, gt=0, description="A same-category report this close is a likely duplicate (m)."
    )
    duplicate_window_h: float = Field(48, gt=0, description="... and this recent (hours).")
    map_max_points: int = Field(
        3000, ge=10, description="More reports than this are drawn as grid cells on the map."
    )
    map_cell_deg: float = Field(0.02, gt=0, le=1, description="Grid cell size of the map (deg).")

    @field_validator("working_hours")
    @classmethod
    def _check_hours(cls, value: str) -> str:
        from ioc.sla_clock import calendar_from

        calendar_from(value, [0])
        return value


def reports_settings(settings: Any) -> ReportsSettings:
    """The ``reports`` section of the settings tree, or the defaults while it is unmounted."""
    section = getattr(settings, "reports", None)
    return section if isinstance(section, ReportsSettings) else ReportsSettings()
