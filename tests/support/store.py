"""Reading the test session's object store (the same S3 server the API and workers use)."""

from __future__ import annotations

from pathlib import Path

from app.storage import get_storage


def read_object(key: str) -> bytes:
    return b"".join(get_storage().iter_range(key))


def stored_keys(prefix: str) -> set[str]:
    return {o.key for o in get_storage().list(prefix)}


def take_object(key: str) -> bytes:
    """Remove an object from the store and return its bytes (to put back later)."""
    data = read_object(key)
    get_storage().delete(key)
    return data


def put_object(key: str, data: bytes, tmp: Path) -> None:
    source = tmp / "object"
    source.write_bytes(data)
    get_storage().put_file(key, source)
