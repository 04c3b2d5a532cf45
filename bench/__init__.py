"""Benchmarks: each prints one JSON line of results at the end."""
