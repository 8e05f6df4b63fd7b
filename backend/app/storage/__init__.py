"""Object storage behind one protocol; `get_storage()` returns the configured backend."""

from __future__ import annotations

from functools import lru_cache

from app.core.config import settings
from app.storage.base import Storage
from app.storage.local import LocalStorage


@lru_cache(maxsize=1)
def get_storage() -> Storage:
    return LocalStorage(settings.storage_dir)


__all__ = ["LocalStorage", "Storage", "get_storage"]
