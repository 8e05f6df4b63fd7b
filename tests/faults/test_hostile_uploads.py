"""Hostile uploads: playlists pointing elsewhere, disguised text, pixel bombs, oversized
parts. All refused; a canary listener sees no request; the API stays within its memory."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator

import psutil
import pytest

from tests.api.test_assets import _png_header_only
from tests.support.fixtures import Account
from tests.support.media import tone_wav
from tests.support.processes import ApiServer

API_MEMORY_CAP_BYTES = 600 * 1024 * 1024


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's handler name
        _Canary.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def canary_url() -> Iterator[str]:
    _Canary.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _playlists(canary: str) -> dict[str, bytes]:
    return {
        "list.m3u8": f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{canary}/seg.ts\n"
                     "#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n".encode(),
        "concat.txt": f"ffconcat version 1.0\nfile '{canary}/a.wav'\nfile '/etc/passwd'\n"
                      .encode(),
        "fake.wav": b"RIFF\x24\x00\x00\x00WAVEfmt " + f"{canary}/x".encode() + b"\0" * 64,
        "wav-then-m3u.wav": tone_wav(0.2)[:44] + f"\n#EXTM3U\n{canary}/y.ts\n".encode(),
        "sdp.sdp": f"v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\n"
                   f"m=audio 9 RTP/AVP 0\na=control:{canary}/rtsp\n".encode(),
    }


def test_hostile_uploads_are_refused_and_follow_nothing(account: Account, canary_url: str,
                                                        api_server: ApiServer) -> None:
    for name, content in _playlists(canary_url).items():
        for kind in (None, "audio"):
            answer = account.upload(content, name, kind)
            assert answer.status_code == 422, (name, kind, answer.text)
            assert answer.json()["error"]["field"] == "file"
    bomb = account.upload(_png_header_only(100_000, 100_000), "bomb.png", "image")
    assert bomb.status_code == 422 and bomb.json()["error"]["code"] == "image_too_large"
    text_png = account.upload(b"<svg onload=alert(1)>" * 50, "x.png", "image")
    assert text_png.status_code == 422
    huge = account.client.post("/api/v1/assets", files={
        "file": ("big.wav", io.BytesIO(b"RIFF" + b"\0" * (80 * 1024 * 1024)))})
    assert huge.status_code == 413

    assert _Canary.hits == []
    assert account.client.get("/api/v1/assets").json() == []
    assert psutil.Process(api_server.proc.pid).memory_info().rss < API_MEMORY_CAP_BYTES
