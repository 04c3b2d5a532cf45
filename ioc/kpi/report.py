"""A unit's monthly KPI report for leaders: rows, CSV, Excel and a printable HTML page.

One row per sub-indicator: group, name, formula (numerator/denominator), share, points
and maximum, then one row per group and the total with rank and change. The HTML page
carries its own print CSS (A4, no dashboard chrome) and nothing fetched from elsewhere.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html import escape

from ioc.i18n import t
from ioc.kpi.ranking import KpiTable, UnitKpi

Row = tuple[str, str, str, str, str, str]
COLUMNS = ("group", "name", "formula", "share", "points", "max")


@dataclass(frozen=True)
class UnitReport:
    """What the report shows for one unit and month."""

    table: KpiTable
    unit: UnitKpi
    area: bool = False  # an IOC's area: the aggregate of its units, not an official score

    @property
    def title(self) -> str:
        return self.unit.name or self.unit.code


def _num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def report_rows(report: UnitReport, lang: str) -> list[Row]:
    """Header then one row per sub-indicator, per group and the total."""
    head = [t(f"kpi.report.col.{c}", lang) for c in COLUMNS]
    rows: list[Row] = [(head[0], head[1], head[2], head[3], head[4], head[5])]
    for group in report.unit.score.groups:
        gname = group.definition.name(lang)
        for item in group.indicators:
            d = item.definition
            formula = (
                f"{d.numerator} / {d.denominator} = {item.ratio.numerator}/{item.ratio.denominator}"
            )
            share = None if item.share is None else 100 * item.share
            points = _num(item.points) if item.has_data else t("kpi.no_data.source", lang)
            rows.append((gname, d.name(lang), formula, _num(share, 1), points, _num(d.points, 0)))
        rows.append(
            (
                gname,
                t("kpi.report.group_total", lang),
                "",
                "",
                _num(group.points),
                _num(group.definition.points, 0),
            )
        )
    rows.append((t("kpi.total", lang), "", "", "", _num(report.unit.score.total), "100"))
    return rows


def to_csv(report: UnitReport, lang: str) -> bytes:
    """The rows as UTF-8 CSV with a BOM (so Excel shows Vietnamese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([report.title, str(report.table.period)])
    writer.writerows(report_rows(report, lang))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: UnitReport, lang: str) -> bytes:
    """The rows as an Excel workbook (needs openpyxl)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = str(report.table.period)
    sheet.append([report.title, str(report.table.period)])
    for row in report_rows(report, lang):
        sheet.append([_cell(value) for value in row])
    for column, width in zip("ABCDEF", (26, 60, 40, 10, 10, 8), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: str) -> str | float:
    try:
        return float(value)
    except ValueError:
        return value


PRINT_CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2em; }
h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; color: #333; margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; } tr.group td { font-weight: bold; }
.summary { display: flex; gap: 2em; margin: 1em 0; font-size: 1.1em; }
@page { size: A4; margin: 15mm; } @media print { body { margin: 0; } .noprint { display: none; } }
"""


def _summary(report: UnitReport, lang: str) -> str:
    unit = report.unit
    items = [
        (t("kpi.total", lang), _num(unit.score.total)),
        (t("kpi.rank", lang), f"{unit.rank}/{len(report.table.units)}" if unit.rank else "–"),
        (t("kpi.change", lang), _num(unit.change)),
    ]
    return "".join(f"<div>{escape(k)}: <b>{escape(v or '–')}</b></div>" for k, v in items)


def to_html(report: UnitReport, lang: str) -> str:
    """A self-contained page to print (A4)."""
    header, *rows = report_rows(report, lang)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        f"<tr class='{'group' if not r[2] else ''}'>"
        + "".join(f"<td{' class=num' if i >= 3 else ''}>{escape(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    title = escape(t("kpi.report.title", lang, unit=report.title, period=str(report.table.period)))
    return (
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{PRINT_CSS}</style></head><body><h1>{title}</h1>"
        f"<h2>{escape(t('kpi.report.subtitle', lang))}</h2>"
        f"<div class='summary'>{_summary(report, lang)}</div>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<p class='noprint'><button onclick='window.print()'>{escape(t('kpi.print', lang))}"
        f"</button></p></body></html>"
    )
