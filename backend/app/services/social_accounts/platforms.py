"""Which publishing platforms this server offers, and the adapter for one of them."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.publishing.base import Publisher
from app.publishing.platforms import PLATFORMS, PlatformEntry, build


@dataclass(frozen=True)
class PlatformInfo:
    name: str
    label: str
    available: bool
    pkce: bool


def list_platforms() -> list[PlatformInfo]:
    """Every platform, `available` when its client id and secret are set."""
    return [PlatformInfo(e.name, e.label, e.ready(settings), e.pkce)
            for e in PLATFORMS.values()]


def entry_of(platform: str) -> PlatformEntry:
    """The registry entry of `platform`, or 404 naming the field."""
    entry = PLATFORMS.get(platform)  # type: ignore[call-overload]
    if entry is None:
        raise NotFound(f"platform {platform!r}", field="platform")
    return entry  # type: ignore[no-any-return]


def publisher_for(platform: str) -> Publisher:
    """The adapter of an available platform: 404 for no such platform, 409 when this
    server has no credentials for it."""
    entry = entry_of(platform)
    if not entry.ready(settings):
        raise AppError("platform_unavailable", f"{entry.label} is not configured on this "
                       f"server ({' and '.join(entry.credential_settings)} are unset)", 409,
                       field="platform")
    return build(platform, settings)

