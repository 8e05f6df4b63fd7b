"""Local filesystem storage under one root, for a single process; keys never escape it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from app.core.temp_names import is_part, part_path
from app.storage.base import CHUNK_BYTES, StorageUnavailable, StoredObject, check_key


class LocalStorage:
    """Objects as files under `root`; writes go to a temp name and are renamed into place."""

    backend = "local"

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    def put_file(self, key: str, source: Path, *, content_type: str | None = None) -> None:
        dest = self._path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = part_path(dest)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)

    def download(self, key: str, dest: Path) -> None:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        tmp = part_path(dest)
        shutil.copyfile(path, tmp)
        os.replace(tmp, dest)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return path.stat().st_size

    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return self._read(path, start, end)

    @staticmethod
    def _read(path: Path, start: int, end: int | None) -> Iterator[bytes]:
        with path.open("rb") as handle:
            handle.seek(start)
            left = None if end is None else end - start + 1
            while left is None or left > 0:
                chunk = handle.read(CHUNK_BYTES if left is None else min(CHUNK_BYTES, left))
                if not chunk:
                    return
                if left is not None:
                    left -= len(chunk)
                yield chunk

    def list(self, prefix: str) -> Iterator[StoredObject]:
        for path in sorted(self.root.rglob("*")):
            if not path.is_file() or is_part(path.name):
                continue
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                stat = path.stat()
                yield StoredObject(key, stat.st_size,
                                   datetime.fromtimestamp(stat.st_mtime, UTC))

    def presigned_get(self, key: str, *, expires_s: int, filename: str | None = None,
                      content_type: str | None = None) -> str | None:
        return None  # a local disk has no URL of its own: the API streams it

    def presigned_put(self, key: str, *, expires_s: int, content_type: str) -> str | None:
        return None

    def check(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"{self.root} is not writable")
