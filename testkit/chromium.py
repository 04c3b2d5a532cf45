"""Debian's Chromium as the end-to-end tests and the browser benchmarks start it
(``IOC_TEST_CHROMIUM`` overrides the path)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("IOC_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
