"""The Dash shell: ``create_app`` builds the app, its header, language switch and pages.

Importing this module only declares callbacks (global ``dash.callback``); nothing runs and
no app exists until :func:`create_app` is called. Everything is served from this server
(``serve_locally``, assets from the repository's ``assets/``): a control room may have no
internet, so no CDN, web font or map tile is ever requested.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dash
from dash import Input, Output, callback, clientside_callback, ctx, dcc, html
from dash import _callback as dash_callbacks
from flask import Response

from ioc.aggregates.refresher import start_in_background
from ioc.app_context import LANG_STORE_ID, aria_label, attach
from ioc.auth.current import principal_or_none
from ioc.auth.principal import Principal
from ioc.auth.user_roles import Role
from ioc.config import Settings
from ioc.i18n import LANGUAGES, language_or_default, t
from ioc.pages import cases as cases_page
from ioc.pages import changes as changes_page
from ioc.pages import digital_board as digital_page
from ioc.pages import field as field_page
from ioc.pages import ioc_network, ioc_page, overview
from ioc.pages import kpi as kpi_page
from ioc.pages import leader as leader_page
from ioc.pages import reports as reports_page
from ioc.pages import system as system_page
from ioc.pages import unit as unit_page
from ioc.pages import wall as wall_page
from ioc.reports.open311 import open311_blueprint
from ioc.store import Store
from ioc.web import errors, gate, headers, timing
from ioc.web.files import files
from ioc.web.health import healthz, readyz
from ioc.web.login import login
from ioc.web.metrics import metrics
from ioc.web.nav import nav
from ioc.web.page_guard import guard_pages
from ioc.web.proxy import ForwardedScheme
from ioc.web.warmup import warm_process
from layers import GLYPHS_PATH
from layers.tiles import tiles

ASSETS_DIR = Path(__file__).resolve().parents[2] / "assets"


def create_app(settings: Settings, store: Store, start_background: bool = True) -> dash.Dash:
    """A ready Dash app over ``store``; its Flask server is ``app.server``.

    ``start_background=False`` leaves background threads (the aggregates refresher) to the caller: a
    gunicorn master that forks its workers starts them in each worker (``ioc.web.serving``).
    """
    lang = settings.web.language
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS_DIR),
        serve_locally=True,
        title=t("app.title", lang),
        update_title="",
        routing_callback_inputs={"lang": Input(LANG_STORE_ID, "data")},
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    attach(app.server, settings, store)
    app.server.wsgi_app = ForwardedScheme(app.server.wsgi_app, settings.web.forwarded_networks())
    timing.install(app.server)  # first: it times the gate and every other hook
    if settings.aggregates.in_web and start_background:
        start_in_background(settings, store)  # takes turns with other processes (a DB lock)
    kpi_page.register(app)  # /kpi and its printable reports; before adopting callbacks
    field_page.register(lang)  # /field (before adopting callbacks)
    system_page.register(lang)  # /system
    unit_page.register(lang)  # /unit/<code>
    wall_page.register(lang)  # /wall
    leader_page.register(lang)  # /leader
    digital_page.register(lang)  # /chuyen-doi-so
    changes_page.register(lang)  # /thay-doi: the review queue of scene changes
    cases_page.register(lang)  # /vu-viec: violation cases and their steps
    ioc_page.register(lang)  # /ioc/<code>
    ioc_network.register(lang)  # /ioc
    adopt_page_callbacks(app)
    app.server.add_url_rule("/healthz", "healthz", healthz)
    app.server.add_url_rule("/readyz", "readyz", readyz)
    app.server.register_blueprint(open311_blueprint())
    app.server.register_blueprint(metrics)
    app.server.register_blueprint(tiles)
    app.server.register_blueprint(files)
    app.server.add_url_rule(f"{GLYPHS_PATH}/<path:_glyphs>", "map_glyphs", empty_glyphs)
    dash.register_page(  # type: ignore[no-untyped-call]
        "ioc.pages.overview",
        path="/",
        layout=overview.layout,
        title=t("app.title", lang),
        name=t("page.overview", lang),
    )
    reports_page.register(lang)
    guard_pages()  # the router renders a page only for those the gate lets in
    app.server.register_blueprint(login)
    gate.install(app, settings.auth)
    headers.install(app)
    errors.install(app.server)
    app.layout = lambda: shell_layout(lang, principal_or_none())
    # Dash sets itself up on the first request it serves, marking itself done as it starts:
    # on a threaded server (gunicorn --threads) the other first requests were served half
    # set up (callbacks missing, "dictionary changed size during iteration"). Do it now.
    app.server.test_client().get("/healthz")
    warm_process()  # plotly's validators and the ORM's mappers, before the first page
    return app


@dataclass
class _PageCallbacks:
    """Every callback declared with the global ``dash.callback``, kept for each new app.

    Dash moves global callbacks into the first app that serves a request and empties the
    global lists, so a second app in the same process (tests, a worker restart) would have
    none. ``create_app`` takes them over once and gives every app its own copy.
    """

    by_output: dict[str, Any] = field(default_factory=dict)
    specs: list[dict[str, Any]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)

    def absorb_globals(self) -> None:
        self.by_output.update(dash_callbacks.GLOBAL_CALLBACK_MAP)
        self.specs.extend(dash_callbacks.GLOBAL_CALLBACK_LIST)
        self.scripts.extend(dash_callbacks.GLOBAL_INLINE_SCRIPTS)
        dash_callbacks.GLOBAL_CALLBACK_MAP.clear()
        dash_callbacks.GLOBAL_CALLBACK_LIST.clear()
        dash_callbacks.GLOBAL_INLINE_SCRIPTS.clear()


_PAGE_CALLBACKS = _PageCallbacks()


def adopt_page_callbacks(app: dash.Dash) -> None:
    """Give ``app`` its own copy of every global callback declared so far."""
    _PAGE_CALLBACKS.absorb_globals()
    app.callback_map.update({key: dict(value) for key, value in _PAGE_CALLBACKS.by_output.items()})
    app._callback_list.extend(dict(spec) for spec in _PAGE_CALLBACKS.specs)
    app._inline_scripts.extend(_PAGE_CALLBACKS.scripts)


def hidden_from_readers() -> dict[str, Any]:
    return {"aria-hidden": "true"}


def empty_glyphs(_glyphs: str) -> Response:
    """An empty glyph set (a valid, empty protobuf): maps draw no text, fetch nothing."""
    return Response(b"", mimetype="application/x-protobuf")


def user_block(lang: str, principal: Principal | None) -> html.Div:
    """Who is signed in, their role and a sign-out button (a plain form: POST /logout)."""
    shown = principal is not None and principal.role is not Role.KIOSK
    role = t(f"role.{principal.role.value}", lang) if principal is not None else ""
    return html.Div(
        [
            html.Span(
                principal.name if shown and principal else "",
                id="shell-user-name",
                className="shell-user-name",
                title=t("auth.signed_in_as", lang),
            ),
            html.Span(role if shown else "", id="shell-user-role", className="shell-user-role"),
            html.Form(
                html.Button(
                    t("auth.sign_out", lang),
                    id="shell-signout",
                    type="submit",
                    name="csrf_token",  # the pressed button's value is sent
                    value=principal.csrf_token if shown and principal else "",
                    className="shell-signout",
                ),
                action="/logout",
                method="post",
                className="shell-signout-form",
            ),
        ],
        id="shell-user",
        className="shell-user" if shown else "shell-user shell-user-none",
    )


def shell_layout(lang: str, principal: Principal | None = None) -> html.Div:
    """Header (emblem, title, clock, user, language switch) above the routed page."""
    return html.Div(
        [
            dcc.Store(id=LANG_STORE_ID, storage_type="local", data=lang),
            dcc.Interval(id="shell-clock-tick", interval=1000),
            html.Header(
                [
                    html.Div(
                        [
                            html.Div(className="shell-emblem", **hidden_from_readers()),
                            html.Div(
                                [
                                    html.P(t("app.subtitle", lang), id="shell-subtitle"),
                                    html.H1(t("app.title", lang), id="shell-title"),
                                    nav(lang, principal),
                                ],
                                className="shell-titles",
                            ),
                        ],
                        className="shell-brand",
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Div(id="shell-clock-time", className="shell-clock-time"),
                                    html.Div(id="shell-clock-date", className="shell-clock-date"),
                                ],
                                className="shell-clock",
                            ),
                            user_block(lang, principal),
                            html.Div(
                                dcc.RadioItems(
                                    id="shell-lang-switch",
                                    options=[
                                        {"label": t(f"lang.{code}"), "value": code}
                                        for code in LANGUAGES
                                    ],
                                    value=lang,
                                    inline=True,
                                    className="shell-lang",
                                ),
                                role="group",
                                **aria_label(t("app.language", lang)),
                            ),
                        ],
                        className="shell-right",
                    ),
                ],
                className="shell-header",
            ),
            html.Main(dash.page_container, className="shell-main"),
        ],
        className="shell",
    )


@callback(
    output={
        "stored": Output(LANG_STORE_ID, "data"),
        "switch": Output("shell-lang-switch", "value"),
    },
    inputs=[Input("shell-lang-switch", "value"), Input(LANG_STORE_ID, "data")],
)
def sync_language(chosen: str | None, stored: str | None) -> dict[str, Any]:
    """The switch writes the stored language; a stored language sets the switch on load."""
    if ctx.triggered_id == "shell-lang-switch":
        return {"stored": language_or_default(chosen), "switch": dash.no_update}
    return {"stored": dash.no_update, "switch": language_or_default(stored)}


@callback(
    output={
        "title": Output("shell-title", "children"),
        "subtitle": Output("shell-subtitle", "children"),
    },
    inputs=[Input(LANG_STORE_ID, "data")],
)
def header_texts(lang: str | None) -> dict[str, str]:
    """Header texts in the chosen language."""
    return {"title": t("app.title", lang or ""), "subtitle": t("app.subtitle", lang or "")}


@callback(
    output={
        "role": Output("shell-user-role", "children"),
        "sign_out": Output("shell-signout", "children"),
    },
    inputs=[Input(LANG_STORE_ID, "data")],
)
def user_texts(lang: str | None) -> dict[str, str]:
    """The role and the sign-out button in the chosen language."""
    principal = principal_or_none()
    shown = principal is not None and principal.role is not Role.KIOSK
    role = t(f"role.{principal.role.value}", lang or "") if shown and principal else ""
    return {"role": role, "sign_out": t("auth.sign_out", lang or "")}


_TITLES = json.dumps({code: t("app.title", code) for code in LANGUAGES}, ensure_ascii=False)

clientside_callback(
    f"""
    function(_n, lang) {{
        const titles = {_TITLES};
        const locale = lang === 'en' ? 'en-GB' : 'vi-VN';
        const now = new Date();
        const zone = {{timeZone: 'Asia/Ho_Chi_Minh'}};
        const time = now.toLocaleTimeString(locale, {{...zone, hour12: false}});
        const day = now.toLocaleDateString(locale, {{
            ...zone, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric'
        }});
        document.title = titles[lang] || titles['vi'];
        return [time, day];
    }}
    """,
    Output("shell-clock-time", "children"),
    Output("shell-clock-date", "children"),
    Input("shell-clock-tick", "n_intervals"),
    Input(LANG_STORE_ID, "data"),
)
