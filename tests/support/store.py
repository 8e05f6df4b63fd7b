"""Reading the test session's object store (the same S3 server the API and workers use)."""

from __future__ import annotations

from app.storage import get_storage


def read_object(key: str) -> bytes:
    return b"".join(get_storage().iter_range(key))


def stored_keys(prefix: str) -> set[str]:
    return {o.key for o in get_storage().list(prefix)}
