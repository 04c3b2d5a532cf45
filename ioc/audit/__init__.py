"""The hash-chained, append-only audit log (``ioc audit verify`` checks it)."""
