"""Every publishing platform, one entry each: its name (the `{platform}` of the API),
a label, whether the settings hold its credentials, and how the settings build it.
docs/how-to-add/publishing-platform.md walks through adding one."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import httpx

from app.core.config import Settings
from app.publishing.base import Publisher
from app.publishing.calls import Caller, CallPolicy, Clock, Sleep
from app.publishing.instagram import InstagramPublisher
from app.publishing.tiktok import TikTokPublisher
from app.publishing.youtube import YouTubePublisher

PlatformName = Literal["youtube", "tiktok", "instagram"]


@dataclass(frozen=True)
class PlatformEntry:
    name: PlatformName
    label: str
    build: Callable[[Settings, Caller], Publisher]
    ready: Callable[[Settings], bool]  # client id and secret are set
    credential_settings: tuple[str, str]
    pkce: bool  # the adapter's supports_pkce, readable without building it


def _youtube(config: Settings, calls: Caller) -> Publisher:
    p = config.publishing
    return YouTubePublisher(client_id=p.YOUTUBE_CLIENT_ID or "",
                            client_secret=p.YOUTUBE_CLIENT_SECRET or "",
                            auth_url=p.YOUTUBE_AUTH_URL, token_url=p.YOUTUBE_TOKEN_URL,
                            api_base_url=p.YOUTUBE_API_BASE_URL,
                            chunk_bytes=p.YOUTUBE_CHUNK_BYTES,
                            daily_quota_units=p.YOUTUBE_DAILY_QUOTA_UNITS, calls=calls)


def _tiktok(config: Settings, calls: Caller) -> Publisher:
    p = config.publishing
    return TikTokPublisher(client_key=p.TIKTOK_CLIENT_KEY or "",
                           client_secret=p.TIKTOK_CLIENT_SECRET or "",
                           auth_url=p.TIKTOK_AUTH_URL, api_base_url=p.TIKTOK_API_BASE_URL,
                           chunk_bytes=p.TIKTOK_CHUNK_BYTES, calls=calls)


def _instagram(config: Settings, calls: Caller) -> Publisher:
    p = config.publishing
    return InstagramPublisher(app_id=p.INSTAGRAM_APP_ID or "",
                              app_secret=p.INSTAGRAM_APP_SECRET or "",
                              auth_url=p.INSTAGRAM_AUTH_URL, token_url=p.INSTAGRAM_TOKEN_URL,
                              graph_base_url=p.INSTAGRAM_GRAPH_BASE_URL,
                              api_version=p.INSTAGRAM_API_VERSION, calls=calls)


def _has(first: str, second: str) -> Callable[[Settings], bool]:
    return lambda c: bool(getattr(c.publishing, first) and getattr(c.publishing, second))


PLATFORMS: dict[PlatformName, PlatformEntry] = {
    "youtube": PlatformEntry("youtube", "YouTube", _youtube,
                             _has("YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET"),
                             ("YOUTUBE_CLIENT_ID", "YOUTUBE_CLIENT_SECRET"),
                             YouTubePublisher.supports_pkce),
    "tiktok": PlatformEntry("tiktok", "TikTok", _tiktok,
                            _has("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"),
                            ("TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"),
                            TikTokPublisher.supports_pkce),
    "instagram": PlatformEntry("instagram", "Instagram (Reels)", _instagram,
                               _has("INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET"),
                               ("INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET"),
                               InstagramPublisher.supports_pkce),
}


def call_policy(config: Settings) -> CallPolicy:
    """Timeouts, deadline and backoff of outgoing calls, from PUBLISH_* settings."""
    p = config.publishing
    return CallPolicy(timeout_s=p.PUBLISH_TIMEOUT_S, deadline_s=p.PUBLISH_DEADLINE_S,
                      backoff_base_s=p.PUBLISH_BACKOFF_BASE_S,
                      backoff_cap_s=p.PUBLISH_BACKOFF_CAP_S)


def entry(name: str) -> PlatformEntry:
    """The entry of platform `name`; KeyError for a name that is none."""
    for candidate in PLATFORMS.values():
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def build(name: str, config: Settings, *, transport: httpx.BaseTransport | None = None,
          sleep: Sleep = time.sleep, clock: Clock = time.monotonic) -> Publisher:
    """The publisher of platform `name` with these settings; KeyError for no such name."""
    calls = Caller(name, call_policy(config), transport=transport, sleep=sleep, clock=clock)
    return entry(name).build(config, calls)
