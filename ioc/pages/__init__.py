"""Dashboard pages, one module each, registered explicitly by ``ioc.web.app.create_app``.

Each page owns its callbacks (global ``dash.callback``) and prefixes its component ids with
its name. A page's ``layout`` is called by the router as ``layout(lang=..., **query)``, so it
takes a ``lang`` keyword and ignores the rest.
"""
