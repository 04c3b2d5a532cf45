"""Dashboard pages, one module each, registered explicitly by ``ioc.web.app.create_app``.

Each page owns its callbacks (global ``dash.callback``) and prefixes its component ids with
its name. A callback with several outputs names them (Dash's dict form,
``output={"figure": Output(...), ...}``) and returns a dict by those names;
:func:`ioc.pages.states.only` answers some of them and leaves the others as they are.

A page's ``layout`` is called by the router as ``layout(lang=..., **query)``, so it takes a
``lang`` keyword and ignores the rest.
"""
