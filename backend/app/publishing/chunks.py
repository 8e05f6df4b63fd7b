"""Chunks of a file sent as request bodies without holding more than a small buffer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

READ_BYTES = 256 * 1024  # one read; peak memory of a chunk in flight


def file_range(path: Path, start: int, length: int) -> Iterator[bytes]:
    """The bytes `start`..`start + length - 1` of `path`, read piece by piece."""
    with path.open("rb") as handle:
        handle.seek(start)
        left = length
        while left > 0:
            piece = handle.read(min(READ_BYTES, left))
            if not piece:
                raise OSError(f"{path} ended {left} bytes early")
            left -= len(piece)
            yield piece


def content_range(start: int, length: int, total: int) -> str:
    """`bytes first-last/total` (RFC 9110 §14.4)."""
    return f"bytes {start}-{start + length - 1}/{total}"
