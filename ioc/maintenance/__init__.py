"""Housekeeping of a running IOC: time partitions ahead, expired rows and old snapshot files.

``ioc retention run [--dry-run]`` runs it once; the ``maintenance`` role (in ``python
app.py`` and ``ioc maintenance``) runs it at start and then every ``retention.interval_h``.
"""
