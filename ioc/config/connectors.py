"""Settings of the pull connectors (``connectors:`` in the tree; ``ioc connectors run``).

The sources themselves are data, in their own file (``sources_file``, YAML or TOML; see
docs/connectors.md); these settings say where that file is and how hard to try.
"""

from __future__ import annotations

from pydantic import Field

from ioc.config.section import Section


class ConnectorSettings(Section):
    """Where the sources are declared, how often they are polled and how errors are retried.

    Like every section of :mod:`ioc.config` (not imported here, which imports this):
    unknown keys are errors, values are checked on assignment.
    """

    sources_file: str = Field(
        "",
        description="YAML or TOML file declaring the REST sources; empty: no sources "
        "(python app.py then pulls from its own fake LGSP source).",
    )
    interval_s: float = Field(300, gt=0, description="Seconds between two polls of a source.")
    timeout_s: float = Field(
        10, gt=0, le=300, description="Timeout of one HTTP request (connect and read)."
    )
    retries: int = Field(
        4, ge=1, le=20, description="Tries of one request on a 5xx, 429, timeout or refusal."
    )
    backoff_s: float = Field(1.0, ge=0, description="First retry delay; doubles each try.")
    backoff_max_s: float = Field(60, ge=0, description="Longest delay between two tries.")
    max_pages: int = Field(
        1000, ge=1, description="Pages read in one poll of a source at most (the rest next time)."
    )
    demo_source: bool = Field(
        True,
        description="python app.py: serve simulated one-stop dossiers as a local fake LGSP "
        "source and pull from it (only when sources_file is empty).",
    )
