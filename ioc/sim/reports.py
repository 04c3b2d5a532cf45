"""Plausible citizen reports of Lâm Đồng for demos, the simulator and benchmarks.

Real streets and places of Đà Lạt, Bảo Lộc, Phan Thiết, Đức Trọng, Di Linh and Gia Nghĩa;
a category mix like Đà Lạt's field-report app (urban order and construction first, forest
reports rare); more reports in the morning than at night; Vietnamese descriptions.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ioc.reports.intake import ReportIn
from ioc.timeutil import to_local


@dataclass(frozen=True)
class Place:
    """A street or landmark: its address and a point on it."""

    address: str
    lon: float
    lat: float


PLACES = (
    Place("Đường Trần Quốc Toản, Hồ Xuân Hương, Đà Lạt", 108.4419, 11.9404),
    Place("Chợ Đà Lạt, đường Nguyễn Thị Minh Khai, Đà Lạt", 108.4372, 11.9431),
    Place("Đường Phan Đình Phùng, Đà Lạt", 108.4330, 11.9480),
    Place("Đường Bùi Thị Xuân, Đà Lạt", 108.4450, 11.9470),
    Place("Đường 3 Tháng 2, Đà Lạt", 108.4320, 11.9410),
    Place("Đường Trần Phú, Đà Lạt", 108.4350, 11.9360),
    Place("Quảng trường Lâm Viên, Đà Lạt", 108.4470, 11.9380),
    Place("Đường Hoàng Văn Thụ, Đà Lạt", 108.4280, 11.9270),
    Place("Đường Mai Anh Đào, Đà Lạt", 108.4460, 11.9700),
    Place("Đường Yersin, Đà Lạt", 108.4470, 11.9440),
    Place("Đường Trần Phú (Quốc lộ 20), Bảo Lộc", 107.8070, 11.5480),
    Place("Chợ Bảo Lộc, đường Kim Đồng, Bảo Lộc", 107.8100, 11.5470),
    Place("Đường Lê Hồng Phong, Bảo Lộc", 107.8020, 11.5440),
    Place("Chợ Phan Thiết, đường Nguyễn Tất Thành, Phan Thiết", 108.1010, 10.9300),
    Place("Đường Tôn Đức Thắng, Phan Thiết", 108.0950, 10.9350),
    Place("Đường Thống Nhất, Liên Nghĩa, Đức Trọng", 108.3680, 11.7340),
    Place("Đường Hùng Vương, Di Linh", 108.0720, 11.5800),
    Place("Đường 23 Tháng 3, Gia Nghĩa", 107.6900, 11.9990),
)
FOREST_PLACES = (
    Place("Rừng thông Lạc Dương, gần núi Langbiang", 108.4380, 12.0470),
    Place("Rừng phòng hộ Đa Nhim, Đơn Dương", 108.5500, 11.8700),
    Place("Tiểu khu rừng Bảo Lâm", 107.7200, 11.7200),
)
DESCRIPTIONS = {
    "trat_tu_do_thi": (
        "Buôn bán lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường",
        "Đèn đường không sáng nhiều ngày",
        "Cây xanh nghiêng, có nguy cơ gãy đổ",
        "Quảng cáo rao vặt dán trên cột điện",
    ),
    "trat_tu_xay_dung": (
        "Công trình xây dựng không có giấy phép",
        "Đổ vật liệu xây dựng lấn chiếm lòng đường",
        "Cơi nới ban công sai phép",
    ),
    "moi_truong": (
        "Rác thải tồn đọng nhiều ngày, bốc mùi",
        "Nước thải chảy tràn ra đường",
        "Hát karaoke gây ồn sau 22 giờ",
    ),
    "an_toan_giao_thong_an_ninh": (
        "Xe đỗ sai quy định gây ùn tắc",
        "Đèn tín hiệu giao thông bị hỏng",
        "Nhóm thanh niên tụ tập gây mất trật tự ban đêm",
    ),
    "van_hoa_du_lich": ("Chèo kéo, đeo bám khách du lịch", "Chặt chém giá dịch vụ chụp ảnh"),
    "an_toan_ve_sinh_thuc_pham": ("Quán ăn mất vệ sinh", "Bán thực phẩm không rõ nguồn gốc"),
    "quan_ly_bao_ve_rung": ("Phát hiện chặt phá rừng thông", "Có khói, nghi cháy thực bì"),
    "gia_ca_thi_truong": ("Bán cao hơn giá niêm yết", "Không niêm yết giá bán"),
    "khac": ("Hố ga mất nắp, nguy hiểm", "Mặt đường hư hỏng, nhiều ổ gà"),
}
WEIGHTS = {
    "trat_tu_do_thi": 28,
    "trat_tu_xay_dung": 18,
    "moi_truong": 17,
    "an_toan_giao_thong_an_ninh": 14,
    "khac": 9,
    "van_hoa_du_lich": 5,
    "gia_ca_thi_truong": 4,
    "an_toan_ve_sinh_thuc_pham": 3,
    "quan_ly_bao_ve_rung": 2,
}
# Relative report rate by local hour (more in the morning, few at night).
HOURLY = (0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 1.8, 1.7, 1.5, 1.2,
          0.9, 1.1, 1.3, 1.3, 1.2, 1.0, 0.9, 0.9, 0.8, 0.6, 0.4, 0.2)  # fmt: skip
JITTER_DEG = 0.0015  # about 150 m


def reports_this_minute(rng: random.Random, now: datetime, per_day: float = 11.0) -> int:
    """How many reports arrive in the minute at ``now`` (Poisson, Đà Lạt's ~11 a day)."""
    rate = per_day / 1440 * HOURLY[to_local(now).hour] * 24 / sum(HOURLY)
    count, threshold = 0, rng.random()
    probability = 2.718281828459045**-rate
    cumulative = probability
    while threshold > cumulative and count < 50:
        count += 1
        probability *= rate / count
        cumulative += probability
    return count


def simulated_report(rng: random.Random, at: datetime, source: str = "sim") -> ReportIn:
    """One plausible report made at ``at``."""
    code = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    place = rng.choice(FOREST_PLACES if code == "quan_ly_bao_ve_rung" else PLACES)
    return ReportIn(
        service_code=code,
        lon=round(place.lon + rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
        lat=round(place.lat + rng.uniform(-JITTER_DEG, JITTER_DEG), 6),
        description=rng.choice(DESCRIPTIONS[code]),
        external_id=f"{source}-{uuid.UUID(int=rng.getrandbits(128)).hex}",
        created_at=at,
        address=place.address,
        source=source,
    )


def simulated_reports(
    rng: random.Random, now: datetime, count: int | None = None
) -> list[ReportIn]:
    """The reports of the minute before ``now`` (``count`` of them, else a Poisson draw)."""
    n = reports_this_minute(rng, now) if count is None else count
    return [simulated_report(rng, now - timedelta(seconds=rng.uniform(0, 60))) for _ in range(n)]


def as_payload(report: ReportIn) -> dict[str, Any]:
    """A JSON-ready MQTT payload of a simulated report (no contact data)."""
    return {
        "msg_id": report.external_id,
        "service_code": report.service_code,
        "lon": report.lon,
        "lat": report.lat,
        "description": report.description,
        "address": report.address,
        "created_at": report.created_at.isoformat() if report.created_at else None,
    }
