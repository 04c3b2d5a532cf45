"""Server-rendered pages outside the Dash app: the sign-in form and short error pages.

Plain HTML with every value escaped, styled by ``assets/login.css`` (the control room's
dark theme), with no inline script or style so the Content-Security-Policy stays strict.
Vietnamese by default; ``?lang=en`` switches to English.
"""

from __future__ import annotations

from urllib.parse import urlencode

from markupsafe import Markup, escape

from ioc.i18n import t

STYLESHEET = "/assets/login.css"


def document(title: str, body: Markup, lang: str) -> str:
    """A whole HTML document around ``body`` (already safe markup)."""
    return (
        "<!doctype html>\n"
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {escape(t('app.short_title', lang))}</title>"
        f'<link rel="icon" href="/_favicon.ico"><link rel="stylesheet" href="{STYLESHEET}">'
        "</head>"
        f'<body class="login-body"><main class="login-card">{_brand(lang)}{body}</main>'
        "</body></html>\n"
    )


def _brand(lang: str) -> Markup:
    return Markup(
        '<div class="login-brand"><div class="login-emblem" aria-hidden="true"></div>'
        '<div><p class="login-subtitle">{}</p><p class="login-title">{}</p></div></div>'
    ).format(t("app.subtitle", lang), t("app.title", lang))


def login_page(
    lang: str,
    *,
    csrf_token: str,
    next_path: str,
    username: str = "",
    error: str = "",
) -> str:
    """The sign-in form; ``error`` is shown above it (never which part was wrong)."""
    other = "en" if lang == "vi" else "vi"
    switch = "/login?" + urlencode({"lang": other, "next": next_path})
    action = "/login?" + urlencode({"lang": lang})
    alert = Markup('<p class="login-error" role="alert">{}</p>').format(error) if error else ""
    form = Markup(
        '<h1 class="login-heading">{heading}</h1>{alert}'
        '<form class="login-form" method="post" action="{action}">'
        '<input type="hidden" name="csrf_token" value="{csrf}">'
        '<input type="hidden" name="next" value="{next}">'
        '<label class="login-label" for="login-username">{user_label}</label>'
        '<input class="login-input" id="login-username" name="username" value="{username}" '
        'autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>'
        '<label class="login-label" for="login-password">{password_label}</label>'
        '<input class="login-input" id="login-password" name="password" type="password" '
        'autocomplete="current-password" required>'
        '<button class="login-button" type="submit">{submit}</button></form>'
        '<p class="login-foot"><a class="login-link" href="{switch}" lang="{other}">{switch_text}'
        "</a></p>"
    ).format(
        heading=t("auth.login.heading", lang),
        alert=alert,
        action=action,
        csrf=csrf_token,
        next=next_path,
        user_label=t("auth.login.username", lang),
        username=username,
        password_label=t("auth.login.password", lang),
        submit=t("auth.login.submit", lang),
        switch=switch,
        other=other,
        switch_text=t("auth.login.other_language", lang),
    )
    return document(t("auth.login.title", lang), form, lang)


def logout_page_html(lang: str, csrf_token: str) -> str:
    """A sign-out button for someone who typed /logout (signing out is always a POST)."""
    body = Markup(
        '<h1 class="login-heading">{heading}</h1>'
        '<form class="login-form" method="post" action="/logout">'
        '<input type="hidden" name="csrf_token" value="{csrf}">'
        '<button class="login-button" type="submit">{button}</button></form>'
        '<p class="login-foot"><a class="login-link" href="/">{home}</a></p>'
    ).format(
        heading=t("auth.sign_out", lang),
        csrf=csrf_token,
        button=t("auth.sign_out", lang),
        home=t("error.home", lang),
    )
    return document(t("auth.sign_out", lang), body, lang)


def message_page(lang: str, title: str, text: str, *, link: str = "/", link_text: str = "") -> str:
    """A short page saying what happened, with one link onwards."""
    body = Markup(
        '<h1 class="login-heading">{}</h1><p class="login-message">{}</p>'
        '<p class="login-foot"><a class="login-link" href="{}">{}</a></p>'
    ).format(title, text, link, link_text or t("error.home", lang))
    return document(title, body, lang)
