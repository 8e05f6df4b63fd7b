"""Which publishing platforms this server offers, and the adapter for one of them."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.publishing.base import Publisher
from app.publishing.platforms import PLATFORMS, PlatformEntry, build, entry


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
    try:
        return entry(platform)
    except KeyError:
        raise NotFound(f"platform {platform!r}", field="platform") from None


def publisher_for(platform: str) -> Publisher:
    """The adapter of an available platform: 404 for no such platform, 409 when this
    server has no credentials for it."""
    found = entry_of(platform)
    if not found.ready(settings):
        raise AppError("platform_unavailable", f"{found.label} is not configured on this "
                       f"server ({' and '.join(found.credential_settings)} are unset)", 409,
                       field="platform")
    return build(platform, settings)

