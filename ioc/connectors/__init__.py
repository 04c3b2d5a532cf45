"""Pull connectors: LGSP-style REST sources polled into the store (``ioc connectors run``).

``sources`` (the declared sources), ``mapping`` (dotted paths, field mapping, cursors),
``fetch`` (HTTP with timeouts and back-off), ``sinks`` (target kinds: ``dossier_event``),
``state`` (cursors, seen records, dead letters), ``runner`` (polling), ``service`` (the
role for the orchestrator). See docs/connectors.md.
"""
