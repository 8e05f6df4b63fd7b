"""A 50 MB upload goes to the store through files, never through the API's memory, and a
burst of pixel-heavy images costs a bounded number of decodes, not one each."""

from __future__ import annotations

import math
import struct
import threading
import wave
from pathlib import Path

import httpx
import psutil

from app.core.config import settings
from tests.support.fixtures import Account
from tests.support.media import tone_wav
from tests.support.processes import ApiServer
from tests.support.store import stored_keys

RSS_BUDGET_BYTES = 30 * 1024 * 1024
UPLOAD_BYTES = 50_000_000


def _big_wav(path: Path) -> int:
    """A ~50 MB 48 kHz stereo tone (about 4.3 minutes), written period by period."""
    rate = 48000
    period = b"".join(struct.pack("<hh", v, v) for v in (
        int(9000 * math.sin(2 * math.pi * i / 100)) for i in range(100)))  # 480 Hz
    frames = (UPLOAD_BYTES - 44) // 4 // 100 * 100
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        block = period * 4800  # 10 s of frames per write
        for _ in range(frames // 480000):
            out.writeframes(block)
        out.writeframes(period * ((frames % 480000) // 100))
    return path.stat().st_size


class _PeakRss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)


def test_a_50_mb_upload_stays_out_of_api_memory(account: Account, api_server: ApiServer,
                                                tmp_path: Path) -> None:
    source = tmp_path / "long.wav"
    size = _big_wav(source)
    assert 45_000_000 < size <= UPLOAD_BYTES
    warm = account.upload(tone_wav(1.0), "warm.wav", "audio")
    assert warm.status_code == 201  # the route, its imports and the S3 client are loaded
    sampler = _PeakRss(api_server.proc.pid)
    baseline = sampler.peak
    sampler.start()
    with source.open("rb") as handle:
        created = account.client.post("/api/v1/assets", files={"file": ("long.wav", handle)},
                                      data={"kind": "audio"}, timeout=120)
    sampler.done.set()
    sampler.join()
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["size_bytes"] == size
    assert f"assets/{account.user_id}/{body['id']}.wav" in stored_keys(
        f"assets/{account.user_id}/")
    grew = sampler.peak - baseline
    print(f"API RSS {baseline / 2**20:.1f} MiB -> peak {sampler.peak / 2**20:.1f} MiB "
          f"(+{grew / 2**20:.1f} MiB) for a {size / 1e6:.1f} MB upload")
    assert grew < RSS_BUDGET_BYTES


PIXEL_HEAVY_UPLOADS = 20
# One 40 MP decode and its shrink hold ~285 MB (Pillow keeps RGB in 4 bytes a pixel: 160 MB,
# a 4096x5000 intermediate and the 4096x2560 result); a few decodes run at once, no more.
PER_DECODE_BUDGET_BYTES = 320 * 1024 * 1024


def _single_colour_png(path: Path) -> int:
    """A 40 MP PNG of one colour: a couple of hundred KB that decodes to 120 MB of RGB."""
    from PIL import Image

    Image.new("RGB", (8000, 5000), (40, 120, 200)).save(path, "PNG", optimize=True)
    return path.stat().st_size


def test_20_concurrent_pixel_heavy_uploads_stay_within_a_bounded_api_memory(
        account: Account, api_server: ApiServer, tmp_path: Path) -> None:
    source = tmp_path / "flat.png"
    size = _single_colour_png(source)
    assert size < 1_000_000
    content = source.read_bytes()
    warm = account.upload(tone_wav(1.0), "warm.wav", "audio")
    assert warm.status_code == 201
    sampler = _PeakRss(api_server.proc.pid)
    baseline = sampler.peak
    sampler.start()
    answers: list[int] = []

    def upload(n: int) -> None:
        with httpx.Client(base_url=api_server.base_url, timeout=300,
                          headers={"Authorization": f"Bearer {account.token}"}) as client:
            answer = client.post("/api/v1/assets", files={"file": (f"flat-{n}.png", content)},
                                 data={"kind": "image"})
            answers.append(answer.status_code)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(PIXEL_HEAVY_UPLOADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sampler.done.set()
    sampler.join()
    assert answers == [201] * PIXEL_HEAVY_UPLOADS
    grew = sampler.peak - baseline
    print(f"API RSS {baseline / 2**20:.1f} MiB -> peak {sampler.peak / 2**20:.1f} MiB "
          f"(+{grew / 2**20:.1f} MiB) for {PIXEL_HEAVY_UPLOADS} concurrent 40 MP PNGs "
          f"of {size / 1e3:.0f} KB")
    assert grew < PER_DECODE_BUDGET_BYTES * settings.uploads.IMAGE_DECODE_CONCURRENCY
