"""Page ``/kpi``: the Decision 766 public-service index of the province and its units.

Period pickers (month, quarter, year), the era of units (old districts before 1 July
2025, communes and wards after), the province's cards (computed from records), a ranking
of units with the five group scores and the change against the previous period, a trend
chart and a drill-down to one unit with links to its printable monthly report
(``/kpi/report/<unit>/<yyyy-mm>``, also as CSV or Excel). :func:`register` adds the page
and the report route to an app.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ioc.app_context import LANG_STORE_ID, current_settings, current_store
from ioc.auth.guard import province_wide, unit_code_or_none
from ioc.i18n import language_or_default, t
from ioc.kpi.areas import load_areas
from ioc.kpi.official import to_pdf
from ioc.kpi.periods import ERAS, Era, Period, PeriodKind, default_era, era_day, period_of
from ioc.kpi.ranking import KpiTable, UnitKpi, area_kpi, compute_table, trend, unit_names
from ioc.kpi.ratio import PROVINCE
from ioc.kpi.report import UnitReport, to_csv, to_html, to_xlsx
from ioc.pages.access import province_only, viewer
from ioc.pages.kpi_views import cards, detail, ranking, trend_figure
from ioc.pages.states import failed, loading, only
from ioc.timeutil import to_local, utcnow

KINDS: tuple[PeriodKind, ...] = ("month", "quarter", "year")
CHOICES = {"month": 24, "quarter": 8, "year": 5}
TREND_STEPS = {"month": 12, "quarter": 8, "year": 5}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_choices(kind: PeriodKind) -> list[str]:
    """The current period of ``kind`` and the ones before it, newest first."""
    current = period_of(to_local(utcnow()).date(), kind)
    return [str(current.shift(-n)) for n in range(CHOICES[kind])]


def _radio(ident: str, options: list[dict[str, str]], value: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=ident,
        options=options,
        value=value,
        inline=True,
        inputStyle={"marginRight": "6px"},
        labelStyle={"marginRight": "18px"},
    )


def layout(lang: str = "vi", **_query: Any) -> Any:
    """The page skeleton; :func:`refresh` fills it (nothing is read from the store here)."""
    periods = period_choices("month")
    kinds = [{"label": t(f"kpi.kind.{k}", lang), "value": k} for k in KINDS]
    eras = [{"label": t(f"kpi.era.{e}", lang), "value": e} for e in ERAS]
    controls = html.Div(
        [
            html.Label(t("kpi.period_kind", lang)),
            _radio("kpi-kind", kinds, "month"),
            dcc.Dropdown(
                id="kpi-period",
                options=periods,
                value=periods[0],
                clearable=False,
                style={"width": "160px", "color": "#111"},
            ),
            html.Label(t("kpi.era", lang)),
            _radio("kpi-era", eras, default_era(Period.parse(periods[0]))),
        ],
        style={"display": "flex", "gap": "16px", "alignItems": "center", "flexWrap": "wrap"},
    )
    return html.Div(
        [
            html.H2(t("kpi.heading", lang)),
            controls,
            html.Div(
                loading(lang),
                id="kpi-cards",
                style={"display": "flex", "gap": "12px", "margin": "16px 0", "flexWrap": "wrap"},
            ),
            html.Div(
                [
                    html.Div(
                        [html.H3(t("kpi.ranking", lang)), html.Div(id="kpi-ranking")],
                        style={"flex": "3", "overflowX": "auto"},
                    ),
                    dcc.Graph(
                        id="kpi-trend",
                        config={"displayModeBar": False},
                        style={"flex": "2", "minWidth": "360px", "height": "380px"},
                    ),
                ],
                style={"display": "flex", "gap": "24px", "flexWrap": "wrap"},
            ),
            html.H3(t("kpi.drill", lang)),
            dcc.Dropdown(
                id="kpi-unit",
                options=[],
                value=None,
                style={"color": "#111"},
                placeholder=t("kpi.drill.placeholder", lang),
            ),
            html.Div(id="kpi-detail", style={"marginTop": "12px"}),
        ],
        className="kpi",
        style={"padding": "16px 24px", "overflowY": "auto", "height": "100%"},
    )


@callback(
    output={"options": Output("kpi-period", "options"), "value": Output("kpi-period", "value")},
    inputs=[Input("kpi-kind", "value")],
    prevent_initial_call=True,
)
def pick_kind(kind: str | None) -> dict[str, Any]:
    """Offer the periods of the chosen kind, newest selected."""
    choices = period_choices(kind if kind in KINDS else "month")  # type: ignore[arg-type,unused-ignore]
    return {"options": choices, "value": choices[0]}


def checked_period(text: object) -> Period:
    """The period asked for when it is one the page offers, else this month (forged input)."""
    if isinstance(text, str):
        for kind in KINDS:
            if text in period_choices(kind):
                return Period.parse(text)
    return Period.parse(period_choices("month")[0])


def unit_options(table: KpiTable, lang: str) -> list[dict[str, str]]:
    first = [{"label": t("kpi.province", lang), "value": PROVINCE}]
    return first + [{"label": u.name, "value": u.code} for u in table.units]


OUTPUTS = {
    "cards": Output("kpi-cards", "children"),
    "ranking": Output("kpi-ranking", "children"),
    "trend": Output("kpi-trend", "figure"),
    "units": Output("kpi-unit", "options"),
    "detail": Output("kpi-detail", "children"),
}


@callback(
    output=OUTPUTS,
    inputs=[
        Input("kpi-period", "value"),
        Input("kpi-era", "value"),
        Input("kpi-unit", "value"),
        Input(LANG_STORE_ID, "data"),
    ],
)
def refresh(
    period_text: str | None, era: str | None, unit: str | None, lang: str | None
) -> dict[str, Any]:
    """Everything on the page for the chosen period, era and unit."""
    lang = language_or_default(lang)
    if not province_wide(viewer()):
        return {
            "cards": province_only(lang),
            "ranking": None,
            "trend": {},
            "units": [],
            "detail": None,
        }
    period = checked_period(period_text)
    chosen: Era = era if era in ERAS else default_era(period)  # type: ignore[assignment,unused-ignore]
    try:
        with current_store().session() as session:
            table = compute_table(session, period, chosen)
            unit = unit if isinstance(unit, str) and table.unit(unit) is not None else None
            steps = TREND_STEPS[period.kind]
            series = [(t("kpi.province", lang), trend(session, period, steps))]
            if unit and unit != PROVINCE:
                series.append(
                    (t("kpi.trend.unit", lang), trend(session, period, steps, unit, chosen))
                )
    except SQLAlchemyError as exc:  # the page does not poll: a reload (or a new pick) retries
        return only(OUTPUTS, cards=failed(exc, lang, retries=False))
    return {
        "cards": cards(table, lang),
        "ranking": ranking(table, lang),
        "trend": trend_figure(series, lang, utcnow()),
        "units": unit_options(table, lang),
        "detail": detail(table, unit, lang),
    }


@callback(
    Output("kpi-unit", "value"),
    Input({"type": "kpi-pick", "index": ALL}, "n_clicks"),
    State("kpi-unit", "value"),
    prevent_initial_call=True,
)
def pick_unit(clicks: list[int | None], current: str | None) -> Any:
    """A click on a unit's name in the ranking drills down to it."""
    if not any(clicks) or not isinstance(ctx.triggered_id, dict):
        return dash.no_update
    return ctx.triggered_id.get("index", current)


def report_response(unit: str, period_text: str) -> Response:
    """``/kpi/report/<unit>/<period>[?format=csv|xlsx&era=...&lang=...]``: the province's
    report for a province-wide account, a unit's for an account that sees the unit."""
    lang = language_or_default(request.args.get("lang"))
    principal = viewer()
    whole = unit in ("province", PROVINCE, current_settings().province_code)
    if principal is None or not principal.sees_unit(None if whole else unit_code_or_none(unit)):
        return Response(t("access.denied", lang), status=403, mimetype="text/plain")
    try:
        period = Period.parse(period_text)
    except ValueError as exc:
        return Response(str(exc), status=404, mimetype="text/plain")
    era_arg = request.args.get("era")
    era: Era = era_arg if era_arg in ERAS else default_era(period)  # type: ignore[assignment,unused-ignore]
    with current_store().session() as session:
        table = compute_table(session, period, era)
        found = table.province if whole else table.unit(unit)
        area = None if found or whole else area_unit(session, table, unit)
    chosen = found if found is not None else area
    if chosen is None:
        return Response(f"unknown unit {unit}", status=404, mimetype="text/plain")
    report = UnitReport(table, chosen, area=area is not None)
    kind = request.args.get("format", "html")
    return report_file(report, kind, f"kpi-{'province' if whole else unit}-{period}", lang)


def area_unit(session: Session, table: KpiTable, code: str) -> UnitKpi | None:
    """An IOC's (or former district's) area as a report row: its aggregate, so named."""
    members = load_areas(session, era_day(table.era, table.period)).get(code)
    if not members:
        return None
    name = unit_names(session, table.period, "pre2025").get(code, code)
    area = area_kpi(table, code, f"{name} ({t('kpi.area.short')})", members)
    return UnitKpi(area.code, area.name, area.counts, area.score)


def report_file(report: UnitReport, kind: str, name: str, lang: str) -> Response:
    """The report as the asked format: csv, xlsx, pdf (Decree 30 layout) or printable HTML."""
    if kind == "csv":
        return _download(to_csv(report, lang), "text/csv; charset=utf-8", name + ".csv")
    if kind == "xlsx":
        return _download(to_xlsx(report, lang), XLSX, name + ".xlsx")
    if kind == "pdf":
        pdf = to_pdf(report, day=to_local(utcnow()).date())
        return _download(pdf, "application/pdf", name + ".pdf")
    return Response(to_html(report, lang), mimetype="text/html")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, mimetype=mimetype, headers=headers)


def register(app: dash.Dash) -> None:
    """Add the page and its report route to ``app`` (called once by ``create_app``)."""
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.kpi", path="/kpi", layout=layout, title=t("page.kpi"), name=t("page.kpi")
    )
    app.server.add_url_rule("/kpi/report/<unit>/<period_text>", "kpi_report", report_response)
