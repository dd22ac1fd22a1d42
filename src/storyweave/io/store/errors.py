"""The store's errors: a database file that cannot be used, a write lock held too long."""

from __future__ import annotations


class StoreError(RuntimeError):
    """The database file cannot be used (not SQLite, newer schema, ...)."""


class StoreBusy(StoreError):
    """Another process kept the store's write lock longer than the caller would wait."""

