"""Publishing (app.publishing, docs/publishing.md): each platform's OAuth client and
endpoints, the keys that encrypt stored tokens, and how long outgoing calls may try."""

from __future__ import annotations

import base64
import binascii

from pydantic import model_validator

from app.core.config.group import Group

CHUNK_UNIT_BYTES = 256 * 1024  # YouTube: every chunk but the last is a multiple of this
MIB = 1024 * 1024


class PublishingSettings(Group):
    """A platform whose client id or secret is unset is listed as unavailable."""

    # Token encryption (AES-256-GCM): key id -> 32 bytes in base64, e.g.
    # {"2026-12": "…"}; new writes use TOKEN_KEY_ID, every listed key still decrypts.
    TOKEN_KEYS: dict[str, str] = {}
    TOKEN_KEY_ID: str | None = None
    OAUTH_STATE_TTL_S: int = 600  # an authorization started and not finished in 10 min expires
    # Where platforms send users back; None: the API's own address as the request saw it.
    OAUTH_REDIRECT_BASE_URL: str | None = None

    PUBLISH_TIMEOUT_S: float = 60.0  # each read and write of one call
    PUBLISH_DEADLINE_S: float = 600.0  # 429/5xx/cuts are retried with jitter until this
    PUBLISH_BACKOFF_BASE_S: float = 1.0
    PUBLISH_BACKOFF_CAP_S: float = 60.0
    # Posts (services/social_posts, the publish job): how often the job asks a platform
    # that is processing an upload, how long a presigned result URL lives (Instagram
    # fetches it), how often Beat's tick looks for due posts and how many it takes a tick
    PUBLISH_POLL_INTERVAL_S: float = 5.0
    PUBLISH_PRESIGN_TTL_S: int = 3600
    POST_TICK_INTERVAL_S: float = 15.0
    POST_TICK_BATCH: int = 200

    YOUTUBE_CLIENT_ID: str | None = None
    YOUTUBE_CLIENT_SECRET: str | None = None
    YOUTUBE_AUTH_URL: str = "https://accounts.google.com/o/oauth2/v2/auth"
    YOUTUBE_TOKEN_URL: str = "https://oauth2.googleapis.com/token"
    YOUTUBE_API_BASE_URL: str = "https://www.googleapis.com"
    YOUTUBE_CHUNK_BYTES: int = 8 * MIB  # a multiple of 256 KiB (Google's rule)
    YOUTUBE_DAILY_QUOTA_UNITS: int = 10_000  # a new Google Cloud project's default

    TIKTOK_CLIENT_KEY: str | None = None
    TIKTOK_CLIENT_SECRET: str | None = None
    TIKTOK_AUTH_URL: str = "https://www.tiktok.com/v2/auth/authorize/"
    TIKTOK_API_BASE_URL: str = "https://open.tiktokapis.com"
    TIKTOK_CHUNK_BYTES: int = 10 * MIB  # 5-64 MiB (TikTok's media transfer guide)

    INSTAGRAM_APP_ID: str | None = None
    INSTAGRAM_APP_SECRET: str | None = None
    INSTAGRAM_AUTH_URL: str = "https://www.instagram.com/oauth/authorize"
    INSTAGRAM_TOKEN_URL: str = "https://api.instagram.com/oauth/access_token"
    INSTAGRAM_GRAPH_BASE_URL: str = "https://graph.instagram.com"
    INSTAGRAM_API_VERSION: str = "v21.0"

    @property
    def any_platform_configured(self) -> bool:
        """Whether some platform has both its client id and its secret."""
        return any(all(pair) for pair in (
            (self.YOUTUBE_CLIENT_ID, self.YOUTUBE_CLIENT_SECRET),
            (self.TIKTOK_CLIENT_KEY, self.TIKTOK_CLIENT_SECRET),
            (self.INSTAGRAM_APP_ID, self.INSTAGRAM_APP_SECRET)))

    @model_validator(mode="after")
    def _check_publishing(self) -> PublishingSettings:
        for key_id, value in self.TOKEN_KEYS.items():
            try:
                raw = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError(f"TOKEN_KEYS[{key_id}] is not base64") from None
            if len(raw) != 32:
                raise ValueError(f"TOKEN_KEYS[{key_id}] must be 32 bytes (AES-256)")
        if self.TOKEN_KEYS and self.TOKEN_KEY_ID not in self.TOKEN_KEYS:
            raise ValueError("TOKEN_KEY_ID must name one of TOKEN_KEYS")
        if self.YOUTUBE_CHUNK_BYTES <= 0 or self.YOUTUBE_CHUNK_BYTES % CHUNK_UNIT_BYTES:
            raise ValueError("YOUTUBE_CHUNK_BYTES must be a positive multiple of 262144")
        if not 5 * MIB <= self.TIKTOK_CHUNK_BYTES <= 64 * MIB:
            raise ValueError("TIKTOK_CHUNK_BYTES must be between 5 MiB and 64 MiB")
        return self
