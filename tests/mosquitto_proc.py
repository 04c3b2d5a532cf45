"""A Mosquitto process of the test's own, on a free port, for tests that restart the broker
or need the production queue settings. It lives in ``bench/procs.py`` (the benches start
the same broker and must not import test modules)."""

from __future__ import annotations

from bench.procs import MosquittoProcess

__all__ = ["MosquittoProcess"]
