"""Plausible environmental readings for Lâm Đồng's demo stations (for the simulator).

Temperature follows altitude (about 27 °C mean at sea level, −6.5 °C per km, so Đà Lạt at
1,500 m sits near 18 °C) with a daily swing; humidity runs opposite to temperature; rain
falls in afternoon showers of the rainy season (May–November); PM2.5 peaks at the morning
and evening rush; gauge heights (metres above the gauge zero, about 1.2 m, well under the
3 m flood alarm of data/incident_rules.toml) drift slowly with the season.
"""

from __future__ import annotations

import csv
import math
import random
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ioc.timeutil import to_local

RAINY_SEASON = range(5, 12)


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    lon: float
    lat: float
    elevation_m: float
    quantities: tuple[str, ...]


def read_stations(path: Path) -> list[Station]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Station(
                row["id"],
                row["name"],
                float(row["lon"]),
                float(row["lat"]),
                float(row["elevation_m"]),
                tuple(row["quantities"].split(";")),
            )
            for row in csv.DictReader(handle)
        ]


def _daily(hour: float, peak_hour: float) -> float:
    """A cosine of the day, 1 at ``peak_hour`` and −1 twelve hours away."""
    return math.cos((hour - peak_hour) / 24 * 2 * math.pi)


def reading_value(quantity: str, station: Station, moment: datetime, rng: random.Random) -> float:
    """One value of ``quantity`` at the station and moment (local time drives the cycles)."""
    local = to_local(moment)
    hour = local.hour + local.minute / 60
    temp = 27 - 6.5 * station.elevation_m / 1000 + 4 * _daily(hour, 14)
    values = {
        "temperature_c": temp + rng.gauss(0, 0.3),
        "humidity_pct": min(100.0, max(30.0, 78 - 3 * (temp - 18) + rng.gauss(0, 2))),
        "pm25_ugm3": max(
            2.0, 25 + 12 * max(_daily(hour, 7.5), _daily(hour, 18.5)) + rng.gauss(0, 3)
        ),
        "rain_mm": _rain(local.month, hour, rng),
        "water_level_m": 1.2 + 0.4 * math.sin(local.timetuple().tm_yday / 58) + rng.gauss(0, 0.01),
        "wind_speed_ms": max(0.0, 3 + 2 * _daily(hour, 15) + rng.gauss(0, 0.8)),
        "wind_dir_deg": (250 + rng.gauss(0, 25)) % 360,
    }
    return round(values[quantity], 2)


def _rain(month: int, hour: float, rng: random.Random) -> float:
    if month not in RAINY_SEASON or not 13 <= hour <= 19 or rng.random() > 0.35:
        return 0.0
    return round(rng.expovariate(1 / 4.0), 1)


def sensor_payload(station: Station, moment: datetime, rng: random.Random) -> dict[str, object]:
    """A v1 sensor message with one reading per quantity the station measures."""
    return {
        "v": 1,
        "msg_id": uuid.uuid4().hex,
        "ts": moment.isoformat(),
        "lon": station.lon,
        "lat": station.lat,
        "readings": [
            {"q": q, "value": reading_value(q, station, moment, rng)} for q in station.quantities
        ],
    }
