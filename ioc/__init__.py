"""Lâm Đồng IOC: the Intelligent Operations Center's config, store, ingest, web and runtime."""

__version__ = "0.1.0"
