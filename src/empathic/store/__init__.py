"""Persistence: the :class:`Store` protocol and its backends (``sqlite``, ``memory``).

>>> from empathic.store import open_store
>>> store = open_store("memory")
>>> store.status().documents
0
"""

from __future__ import annotations

from empathic.store.base import Store, open_store

__all__ = ["Store", "open_store"]
