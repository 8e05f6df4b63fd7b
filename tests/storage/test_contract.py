"""One storage contract, run against the session's SeaweedFS, a moto S3 server and a local
directory: whatever backend a deployment picks, callers see the same behaviour."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from app.core.config import settings
from app.storage import LocalStorage, Storage, StorageUnavailable, check_key
from app.storage.s3 import S3Storage
from tests.support.processes import free_port
from tests.support.proxy import Proxy

MIB = 1 << 20
PART_BYTES = 5 * MIB  # S3's smallest part: an ~11 MiB file goes up in three parts
MOTO_START_S = 30.0


@dataclass
class Backend:
    store: Storage
    prefix: str  # this test's own corner of the store: the SeaweedFS bucket is shared


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    access_key: str | None
    secret_key: str | None

    def store(self, endpoint: str | None = None, *, connect_timeout_s: float = 5.0,
              max_attempts: int = 5) -> S3Storage:
        """A client with small parts, at `endpoint` (a proxy) or the server itself."""
        return S3Storage(bucket=self.bucket, endpoint_url=endpoint or self.endpoint,
                         public_endpoint_url=None, region="us-east-1",
                         access_key_id=self.access_key, secret_access_key=self.secret_key,
                         connect_timeout_s=connect_timeout_s, read_timeout_s=10.0,
                         max_attempts=max_attempts, multipart_threshold=PART_BYTES,
                         multipart_chunk=PART_BYTES)


def _seaweed() -> S3Server:
    """The test session's SeaweedFS, exported by tests/conftest.py."""
    assert settings.storage.S3_ENDPOINT_URL
    s3 = settings.storage
    return S3Server(s3.S3_ENDPOINT_URL, s3.S3_BUCKET, s3.S3_ACCESS_KEY_ID, s3.S3_SECRET_ACCESS_KEY)


def _moto(endpoint: str) -> S3Server:
    return S3Server(endpoint, "contract", "testing", "testing")


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A moto S3 server in a child process, with the bucket created."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + MOTO_START_S
        while True:
            try:
                httpx.get(endpoint, timeout=1.0)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start:\n{log.read_text()[-2000:]}") from None
                time.sleep(0.1)  # readiness poll, bounded by the deadline
        server = _moto(endpoint)
        server.store().ensure_bucket()
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(params=["seaweedfs", "moto", "local"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "seaweedfs":
        store: Storage = _seaweed().store()
    elif request.param == "moto":
        store = request.getfixturevalue("moto_server").store()
    else:
        store = LocalStorage(tmp_path / "store")
    prefix = f"contract/{uuid.uuid4().hex}/"
    yield Backend(store, prefix)
    for item in list(store.list(prefix)):
        store.delete(item.key)


def _file(folder: Path, size: int, name: str = "source.bin") -> Path:
    path = folder / name
    path.write_bytes(os.urandom(size))
    return path


def _read(store: Storage, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(store.iter_range(key, start, end))


@pytest.mark.parametrize("size", [0, 1000, 11 * MIB])
def test_put_and_download_round_trip(backend: Backend, tmp_path: Path, size: int) -> None:
    source = _file(tmp_path, size)
    key = backend.prefix + "object.bin"
    backend.store.put_file(key, source, content_type="application/octet-stream")
    dest = tmp_path / "copy.bin"
    backend.store.download(key, dest)
    assert dest.read_bytes() == source.read_bytes()
    assert backend.store.size(key) == size
    assert _read(backend.store, key) == source.read_bytes()
    assert backend.store.exists(key)


def test_missing_key(backend: Backend, tmp_path: Path) -> None:
    key = backend.prefix + "missing.bin"
    dest = tmp_path / "never.bin"
    with pytest.raises(FileNotFoundError):
        backend.store.download(key, dest)
    assert not dest.exists()
    with pytest.raises(FileNotFoundError):
        backend.store.size(key)
    with pytest.raises(FileNotFoundError):
        _read(backend.store, key)
    assert not backend.store.exists(key)


def test_delete_is_idempotent(backend: Backend, tmp_path: Path) -> None:
    key = backend.prefix + "gone.bin"
    backend.store.put_file(key, _file(tmp_path, 10))
    backend.store.delete(key)
    backend.store.delete(key)
    backend.store.delete(backend.prefix + "never-there.bin")
    assert not backend.store.exists(key)


def test_iter_range_slices(backend: Backend, tmp_path: Path) -> None:
    source = _file(tmp_path, 600_000)  # more than two read chunks
    data = source.read_bytes()
    key = backend.prefix + "ranged.bin"
    backend.store.put_file(key, source)
    last = len(data) - 1
    assert _read(backend.store, key, 0, None) == data
    assert _read(backend.store, key, 5, 9) == data[5:10]
    assert _read(backend.store, key, last, last) == data[-1:]
    assert _read(backend.store, key, last, None) == data[-1:]
    assert _read(backend.store, key, 300_000, None) == data[300_000:]


def test_list_is_exactly_the_prefix(backend: Backend, tmp_path: Path) -> None:
    p = backend.prefix
    sizes = {f"{p}a/1.bin": 1, f"{p}a/2.bin": 22, f"{p}a/sub/3.bin": 333,
             f"{p}ab/4.bin": 4444, f"{p}b/5.bin": 5}
    for index, (key, size) in enumerate(sizes.items()):
        backend.store.put_file(key, _file(tmp_path, size, f"{index}.bin"))
    listed = {o.key: o.size for o in backend.store.list(f"{p}a/")}
    assert listed == {k: v for k, v in sizes.items() if k.startswith(f"{p}a/")}
    assert {o.key for o in backend.store.list(f"{p}a")} == {
        k for k in sizes if k.startswith(f"{p}a")}  # a prefix is a string, not a folder
    assert list(backend.store.list(f"{p}none/")) == []
    assert all(o.modified.tzinfo is not None for o in backend.store.list(p))


def test_presigned_get(backend: Backend, tmp_path: Path) -> None:
    source = _file(tmp_path, 5000)
    key = backend.prefix + "video.mp4"
    backend.store.put_file(key, source, content_type="video/mp4")
    url = backend.store.presigned_get(key, expires_s=60, filename="my reel.mp4",
                                      content_type="video/quicktime")
    if isinstance(backend.store, LocalStorage):
        assert url is None
        return
    assert url is not None
    whole = httpx.get(url, timeout=10.0)
    assert whole.status_code == 200 and whole.content == source.read_bytes()
    assert whole.headers["content-type"] == "video/quicktime"
    assert 'filename="my reel.mp4"' in whole.headers["content-disposition"]
    assert "filename*=UTF-8''my%20reel.mp4" in whole.headers["content-disposition"]
    ranged = httpx.get(url, headers={"Range": "bytes=10-19"}, timeout=10.0)
    assert ranged.status_code == 206 and ranged.content == source.read_bytes()[10:20]
    plain = httpx.get(backend.store.presigned_get(key, expires_s=60) or "", timeout=10.0)
    assert plain.headers["content-type"] == "video/mp4"


def test_presigned_put(backend: Backend) -> None:
    key = backend.prefix + "upload.png"
    url = backend.store.presigned_put(key, expires_s=60, content_type="image/png")
    if isinstance(backend.store, LocalStorage):
        assert url is None
        return
    assert url is not None
    body = os.urandom(4096)
    put = httpx.put(url, content=body, headers={"Content-Type": "image/png"}, timeout=10.0)
    assert put.status_code == 200, put.text
    assert _read(backend.store, key) == body
    fetched = httpx.get(backend.store.presigned_get(key, expires_s=60) or "", timeout=10.0)
    assert fetched.headers["content-type"] == "image/png"


@pytest.mark.parametrize("key", ["../x", "/abs", "a//b", ".hidden", "a/../b", "a/./b/..", ""])
def test_check_key_rejects(backend: Backend, tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)
    with pytest.raises(ValueError):
        backend.store.put_file(key, _file(tmp_path, 1))
    with pytest.raises(ValueError):
        backend.store.exists(key)


def test_failed_put_leaves_nothing(backend: Backend, tmp_path: Path) -> None:
    key = backend.prefix + "never.bin"
    with pytest.raises(FileNotFoundError):
        backend.store.put_file(key, tmp_path / "no-such-file.bin")
    assert not backend.store.exists(key)
    assert list(backend.store.list(backend.prefix)) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


def test_store_down_is_unavailable(tmp_path: Path) -> None:
    store = _moto(f"http://127.0.0.1:{_closed_port()}").store(connect_timeout_s=0.5,
                                                              max_attempts=1)
    source = _file(tmp_path, 100)
    started = time.monotonic()
    calls = {
        "put_file": lambda: store.put_file("k/a.bin", source),
        "download": lambda: store.download("k/a.bin", tmp_path / "a.bin"),
        "size": lambda: store.size("k/a.bin"),
        "exists": lambda: store.exists("k/a.bin"),
        "delete": lambda: store.delete("k/a.bin"),
        "iter_range": lambda: _read(store, "k/a.bin"),
        "list": lambda: list(store.list("k/")),
        "check": store.check,
    }
    for name, call in calls.items():
        with pytest.raises(StorageUnavailable) as caught:
            call()
        assert isinstance(caught.value, ConnectionError), name
    assert time.monotonic() - started < 10.0
    assert not (tmp_path / "a.bin").exists()


class CuttingProxy(Proxy):
    """Cuts every connection once `limit` bytes have gone towards the store."""

    def __init__(self, target: tuple[str, int], limit: int) -> None:
        self.limit, self.sent = limit, 0
        super().__init__(target)

    def forwards(self, data: bytes, *, upstream: bool) -> bool:
        if upstream:
            with self._lock:
                self.sent += len(data)
            if self.sent > self.limit:
                self.cut()
                return False
        return True


@pytest.mark.parametrize(("size", "limit"), [(3 * MIB, MIB), (11 * MIB, 7 * MIB)],
                         ids=["single-put", "multipart"])
@pytest.mark.parametrize("which", ["seaweedfs", "moto"])
def test_put_cut_midway_leaves_nothing(request: pytest.FixtureRequest, tmp_path: Path,
                                       which: str, size: int, limit: int) -> None:
    server = _seaweed() if which == "seaweedfs" else request.getfixturevalue("moto_server")
    address = urlsplit(server.endpoint)
    proxy = CuttingProxy((address.hostname or "127.0.0.1", address.port or 80), limit)
    cut = server.store(proxy.url, connect_timeout_s=0.5, max_attempts=1)
    direct = server.store()
    key = f"contract/{uuid.uuid4().hex}/cut.bin"
    try:
        with pytest.raises(StorageUnavailable):
            cut.put_file(key, _file(tmp_path, size))
    finally:
        proxy.cut()
    assert proxy.sent > limit  # the store saw part of the object before the cut
    assert not direct.exists(key)
    assert [o.key for o in direct.list(key)] == []
