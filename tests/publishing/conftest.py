"""Adapters built from settings that point at local platform servers, with a clock that
only moves when the adapter sleeps (so backoff is measured, never waited for)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

if TYPE_CHECKING:  # app modules load after the root conftest has set the environment
    from app.publishing.base import Publisher, Tokens


@dataclass
class ManualClock:
    """time.monotonic and time.sleep for an adapter: sleeping moves the clock."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def publisher(name: str, clock: ManualClock, **settings: Any) -> Publisher:
    from app.core.config import Settings
    from app.publishing.platforms import build

    config = Settings.from_env(env_file=None, **settings)
    return build(name, config, sleep=clock.sleep, clock=clock)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def video_file(folder: Path, size: int) -> tuple[Path, str]:
    """A file of `size` pseudo-random bytes and its SHA-256."""
    path = folder / "reel.mp4"
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        left = size
        while left:
            piece = os.urandom(min(left, 1 << 20))
            handle.write(piece)
            digest.update(piece)
            left -= len(piece)
    return path, digest.hexdigest()


def authorize(publisher: Publisher, *, redirect_uri: str = "http://127.0.0.1:9/callback",
              verifier: str | None = None) -> Tokens:
    """Run the authorization-code flow against the local authority: follow the URL (the
    user consents at once), read the code from the redirect, exchange it."""
    from app.publishing.pkce import s256_challenge

    challenge = s256_challenge(verifier) if verifier else None
    url = publisher.authorization_url(state="st-1", redirect_uri=redirect_uri,
                                      code_challenge=challenge)
    back = httpx.get(url, follow_redirects=False)
    assert back.status_code == 302, back.text
    query = parse_qs(urlsplit(back.headers["location"]).query)
    assert query["state"] == ["st-1"]
    return publisher.exchange_code(code=query["code"][0], redirect_uri=redirect_uri,
                                   code_verifier=verifier)


@pytest.fixture
def small_video(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    # 2.5 MiB: four 512 KiB chunks and a last half chunk at a 512 KiB chunk size
    yield video_file(tmp_path, 5 * 512 * 1024 + 123)
