"""Upload throughput and memory of the YouTube adapter: a 100 MB file sent through the
resumable upload protocol to the local YouTube server (tests/publishing/fake_youtube.py),
run in a process of its own so that only the uploading process is measured.

For each chunk size it prints the throughput and how far the uploading process's peak RSS
rose above its RSS before the upload (ru_maxrss, and a 5 ms psutil sampler); with
`--cut` the server also drops the connection in the middle of the second chunk once, and
the adapter resumes from the Range the server kept (after one backoff wait, which the
figure includes). The server checks the SHA-256 of what it received. The last line reads
the file whole, measured the same way, for reference.

    python benchmarks/publish_upload.py [--mb 100] [--chunks-mib 8,32] [--cut]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
import psutil  # noqa: E402

from app.core.config import Settings  # noqa: E402
from app.publishing.base import Grant, VideoPost  # noqa: E402
from app.publishing.platforms import build  # noqa: E402

MIB = 1024 * 1024


def serve() -> None:
    """The server side: a local YouTube until stdin closes; prints its URL, then on each
    line "sha <video id>" answers that video's SHA-256, and "cut" cuts the next-but-one PUT."""
    from tests.publishing.fake_server import Fault
    from tests.publishing.fake_youtube import UPLOAD, FakeYouTube

    server = FakeYouTube()
    print(server.url, flush=True)
    for line in sys.stdin:
        word, _, arg = line.strip().partition(" ")
        if word == "sha":
            print(server.videos[arg]["sha256"], flush=True)
        elif word == "cut":
            server.fail_next("PUT", UPLOAD, Fault(), Fault(cut_after=3 * MIB))
            print("ok", flush=True)
    server.stop()


def make_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        left = size
        while left:
            piece = os.urandom(min(left, MIB))
            handle.write(piece)
            digest.update(piece)
            left -= len(piece)
    return digest.hexdigest()


class PeakSampler(threading.Thread):
    """The highest RSS of this process seen every 5 ms while it runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.process, self.peak, self.done = psutil.Process(), 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self.done.wait(0.005)


def upload_once(url: str, path: Path, chunk_mib: int, server: subprocess.Popen[str],
                cut: bool) -> tuple[float, int, int, str]:
    config = Settings.from_env(env_file=None,
                               YOUTUBE_CLIENT_ID="yt-client.apps.googleusercontent.com",
                               YOUTUBE_CLIENT_SECRET="yt-secret",
                               YOUTUBE_AUTH_URL=f"{url}/o/oauth2/v2/auth",
                               YOUTUBE_TOKEN_URL=f"{url}/token", YOUTUBE_API_BASE_URL=url,
                               YOUTUBE_CHUNK_BYTES=chunk_mib * MIB)
    youtube = build("youtube", config)
    consent = httpx.get(youtube.authorization_url(
        state="s", redirect_uri="http://127.0.0.1:9/", code_challenge=None))
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    grant = Grant(youtube.exchange_code(code=code, redirect_uri="http://127.0.0.1:9/",
                                        code_verifier=None))
    post = VideoPost(path=path, size_bytes=path.stat().st_size, title="bench")
    if cut:
        assert server.stdin and server.stdout
        server.stdin.write("cut\n")
        server.stdin.flush()
        server.stdout.readline()
    upload = youtube.start(grant, post)
    before = psutil.Process().memory_info().rss
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    done = youtube.send(grant, upload, post)
    elapsed = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert server.stdin and server.stdout
    server.stdin.write(f"sha {done.remote_id}\n")
    server.stdin.flush()
    return elapsed, max(sampler.peak, maxrss) - before, sampler.peak - before, \
        server.stdout.readline().strip()


def whole_file_growth(path: Path) -> int:
    """The same measure for reading the file whole: what streaming avoids."""
    before = psutil.Process().memory_info().rss
    data = path.read_bytes()
    grown = psutil.Process().memory_info().rss - before
    del data
    return grown


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--chunks-mib", default="8,32")
    parser.add_argument("--cut", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    root = Path(__file__).resolve().parents[1]
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.publish_upload", "--serve"],
                              cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True,
                              env={**os.environ, "PYTHONPATH": f"{root}/backend:{root}"})
    try:
        assert server.stdout
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory(prefix="reelforge-bench-") as folder:
            path = Path(folder) / "reel.mp4"
            size = args.mb * 1000 * 1000
            sha = make_file(path, size)
            print(f"file: {size / 1e6:.0f} MB; server: {url} (its own process)")
            for chunk in (int(c) for c in args.chunks_mib.split(",")):
                for cut in ([False, True] if args.cut else [False]):
                    elapsed, growth, sampled, got = upload_once(url, path, chunk, server, cut)
                    assert got == sha, "the server received other bytes"
                    print(f"chunk {chunk:>2} MiB{' cut once' if cut else '         '}: "
                          f"{size / elapsed / 1e6:7.1f} MB/s ({elapsed:5.2f} s); peak RSS "
                          f"+{growth / MIB:5.1f} MiB (sampled +{sampled / MIB:4.1f} MiB); "
                          "SHA-256 matches")
            print(f"reference, the file read whole: RSS +{whole_file_growth(path) / MIB:.1f} MiB")
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(10)


if __name__ == "__main__":
    main()
