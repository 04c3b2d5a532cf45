"""The province's other indicators as time series per unit: ``(indicator, unit, period, value)``.

Loaded from a plain CSV (``indicator,unit,period,value[,note]``) so a province can track its
own; :data:`KNOWN` names the ones the IOC ships labels for (any other key is accepted and
shown by its key). Importing is all-or-nothing per file and idempotent: a value for the
same indicator, unit and period replaces the stored one.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.kpi.periods import Period
from ioc.store.models_kpi import IndicatorValue
from ioc.timeutil import utcnow

COLUMNS = ("indicator", "unit", "period", "value")
SAMPLE_FILE = Path(__file__).resolve().parents[2] / "data" / "indicators_lamdong_sample.csv"

# key: (Vietnamese label, English label, unit of measure)
KNOWN: dict[str, tuple[str, str, str]] = {
    "dvc_online_rate": ("Tỷ lệ hồ sơ dịch vụ công trực tuyến", "Online public-service rate", "%"),
    "cashless_payment_rate": ("Tỷ lệ thanh toán không dùng tiền mặt", "Cashless payments", "%"),
    "broadband_household_rate": ("Hộ gia đình có cáp quang", "Households with fibre", "%"),
    "mobile_4g5g_coverage": ("Phủ sóng 4G/5G", "4G/5G population coverage", "%"),
    "bts_stations": ("Số trạm phát sóng di động (BTS)", "Mobile base stations", "trạm"),
    "bts_5g_stations": ("Số trạm phát sóng 5G", "5G base stations", "trạm"),
    "digital_team_commune_members": (
        "Thành viên tổ công nghệ số cộng đồng cấp xã", "Commune digital team members", "người"),
    "digital_team_communes": ("Số xã có tổ công nghệ số", "Communes with a digital team", "xã"),
    "digital_team_village_members": (
        "Thành viên tổ công nghệ số thôn, tổ dân phố", "Village digital team members", "người"),
    "digital_team_villages": ("Số tổ công nghệ số thôn, tổ dân phố", "Village teams", "tổ"),
    "infosec_index_rank": (
        "Xếp hạng chỉ số an toàn thông tin", "Information-security rank", "hạng"),
}  # fmt: skip


class IndicatorFileError(ValueError):
    """The file is refused; ``problems`` lists every bad line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class IndicatorRow:
    """One checked line of an indicator file."""

    indicator: str
    unit: str
    period: Period
    value: float
    note: str = ""


def _row(line: int, raw: dict[str, str]) -> IndicatorRow:
    indicator, unit = raw["indicator"].strip(), raw["unit"].strip()
    if not indicator or not unit:
        raise ValueError(f"line {line}: indicator and unit are required")
    try:
        period = Period.parse(raw["period"])
        value = float(raw["value"].strip())
    except ValueError as exc:
        raise ValueError(f"line {line}: {exc}") from None
    if not math.isfinite(value):
        raise ValueError(f"line {line}: value must be a finite number")
    return IndicatorRow(indicator, unit, period, value, (raw.get("note") or "").strip())


def read_indicator_csv(path: Path) -> list[IndicatorRow]:
    """Every row of the file, or :class:`IndicatorFileError` listing all bad lines."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise IndicatorFileError([f"missing column(s): {', '.join(missing)}"])
        reader.fieldnames = header
        rows, problems, seen = [], [], set()
        for line, raw in enumerate(reader, start=2):
            try:
                row = _row(line, raw)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            key = (row.indicator, row.unit, row.period)
            if key in seen:
                problems.append(f"line {line}: repeats {row.indicator} {row.unit} {row.period}")
            seen.add(key)
            rows.append(row)
    if problems:
        raise IndicatorFileError(problems)
    return rows


def store_indicators(session: Session, rows: Sequence[IndicatorRow]) -> int:
    """Insert or replace each value; returns how many rows were written."""
    now = utcnow()
    for row in rows:
        existing = session.scalar(
            select(IndicatorValue).where(
                IndicatorValue.indicator == row.indicator,
                IndicatorValue.unit_code == row.unit,
                IndicatorValue.period == str(row.period),
            )
        )
        target = existing or IndicatorValue(
            indicator=row.indicator, unit_code=row.unit, period=str(row.period)
        )
        target.period_start, target.value = row.period.first_day, row.value
        target.note, target.updated_at = row.note, now
        session.add(target)
    session.flush()
    return len(rows)


def series(session: Session, indicator: str, unit: str) -> list[tuple[str, float]]:
    """``(period, value)`` of one indicator of one unit, oldest first."""
    rows = session.execute(
        select(IndicatorValue.period, IndicatorValue.value)
        .where(IndicatorValue.indicator == indicator, IndicatorValue.unit_code == unit)
        .order_by(IndicatorValue.period_start)
    ).all()
    return [(period, value) for period, value in rows]


def label(indicator: str, lang: str) -> str:
    known = KNOWN.get(indicator)
    return indicator if known is None else known[1 if lang == "en" else 0]
