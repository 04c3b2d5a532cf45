"""Report categories (Open311 service codes) as data: the shipped CSV, seeded into a table.

``data/report_categories.csv`` holds Đà Lạt's categories with Vietnamese and English
names, the SLA of each (on site within 2 h, result within 6 h unless changed there) and the
agency that answers it in a unit (its name is completed with the unit's name).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ioc.sla_clock import Sla
from ioc.store.models_reports import ReportCategory

CATEGORIES_FILE = Path(__file__).resolve().parents[2] / "data" / "report_categories.csv"
DEFAULT_CODE = "khac"


@dataclass(frozen=True)
class Category:
    """A category as the rest of the part uses it (a plain value, not a table row)."""

    code: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    sla: Sla
    agency_vi: str
    agency_en: str
    keywords: str = ""
    sort_order: int = 0

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_vi


def read_categories(path: Path = CATEGORIES_FILE) -> list[Category]:
    """The categories of a CSV file like the shipped one."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Category(
                code=row["code"].strip(),
                name_vi=row["name_vi"].strip(),
                name_en=row["name_en"].strip(),
                description_vi=row["description_vi"].strip(),
                description_en=row["description_en"].strip(),
                sla=Sla(float(row["onsite_hours"]), float(row["result_hours"])),
                agency_vi=row["agency_vi"].strip(),
                agency_en=row["agency_en"].strip(),
                keywords=row.get("keywords", "").strip(),
                sort_order=int(row.get("sort_order") or 0),
            )
            for row in csv.DictReader(handle)
        ]


def seed_categories(session: Session, categories: Sequence[Category] | None = None) -> int:
    """Insert or update the categories (the shipped ones by default); returns how many."""
    chosen = read_categories() if categories is None else categories
    for category in chosen:
        row = session.get(ReportCategory, category.code) or ReportCategory(code=category.code)
        row.name_vi, row.name_en = category.name_vi, category.name_en
        row.description_vi, row.description_en = category.description_vi, category.description_en
        row.onsite_hours, row.result_hours = category.sla.onsite_hours, category.sla.result_hours
        row.agency_vi, row.agency_en = category.agency_vi, category.agency_en
        row.keywords, row.sort_order, row.active = category.keywords, category.sort_order, True
        session.add(row)
    session.flush()
    return len(chosen)


def load_categories(session: Session) -> dict[str, Category]:
    """Active categories by code, seeding the shipped ones into an empty table first."""
    rows = session.scalars(
        select(ReportCategory).where(ReportCategory.active).order_by(ReportCategory.sort_order)
    ).all()
    if not rows and session.scalar(select(ReportCategory.code).limit(1)) is None:
        seed_categories(session)
        return load_categories(session)
    return {row.code: _from_row(row) for row in rows}


def _from_row(row: ReportCategory) -> Category:
    return Category(
        code=row.code,
        name_vi=row.name_vi,
        name_en=row.name_en,
        description_vi=row.description_vi,
        description_en=row.description_en,
        sla=Sla(row.onsite_hours, row.result_hours),
        agency_vi=row.agency_vi,
        agency_en=row.agency_en,
        keywords=row.keywords,
        sort_order=row.sort_order,
    )
