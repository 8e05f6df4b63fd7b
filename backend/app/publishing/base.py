"""The one interface every publishing platform implements, and the values it passes.

A publish is: `start` (the platform returns an id or upload address, which the caller
records at once), `send` (the bytes; resumes from what the platform says it holds),
`poll` (what the platform has now; never starts anything), `finish` (make it public
where that is a separate call). Every call that uses the account's tokens takes a
`Grant`, which refreshes once on a 401 and reports new tokens to whoever stores them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

PostState = Literal["uploading", "processing", "ready", "published", "failed"]
Progress = Callable[[int, int], None]  # bytes the platform holds, bytes in all
# a token this close to its expiry is refreshed before a publish starts with it
REFRESH_MARGIN_S = 300.0


@dataclass(frozen=True)
class Tokens:
    """An OAuth grant. `refresh_token` is None where the platform refreshes the access
    token itself (Instagram's long-lived tokens)."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    # what the token answer also said about the account (TikTok's open_id, Instagram's
    # user_id): saves a call when naming the account
    account_id: str | None = None

    def __repr__(self) -> str:  # tokens never reach a log through a repr
        return f"Tokens(expires_at={self.expires_at!r}, scopes={self.scopes!r})"


class Grant:
    """The tokens of one account in use: refreshed once on a 401, new ones reported."""

    def __init__(self, tokens: Tokens,
                 on_refresh: Callable[[Tokens], None] | None = None) -> None:
        self.tokens = tokens
        self._on_refresh = on_refresh

    def replace(self, tokens: Tokens) -> None:
        """Use `tokens` from now on and hand them to the store."""
        self.tokens = tokens
        if self._on_refresh is not None:
            self._on_refresh(tokens)

    def ensure_fresh(self, refresh: Callable[[Tokens], Tokens], *,
                     margin_s: float = REFRESH_MARGIN_S, now: datetime | None = None) -> bool:
        """Refresh now when the access token expires within `margin_s`, so that no upload
        starts with a token that dies half-way; True when it refreshed."""
        expires = self.tokens.expires_at
        if expires is None or expires - (now or datetime.now(UTC)) > timedelta(seconds=margin_s):
            return False
        self.replace(refresh(self.tokens))
        return True


@dataclass(frozen=True)
class Identity:
    """Who the account is on the platform."""

    external_id: str
    name: str


@dataclass(frozen=True)
class Limits:
    """What the platform accepts from this account now."""

    max_bytes: int
    max_duration_s: int
    privacy_options: tuple[str, ...]
    # every chunk but the last is a multiple of this (YouTube), or 0
    chunk_multiple_bytes: int = 0
    min_chunk_bytes: int = 0
    max_chunk_bytes: int = 0
    # quota units one upload costs, and the daily allowance (YouTube), or 0
    upload_quota_units: int = 0
    daily_quota_units: int = 0
    # posts per day the platform allows (Instagram's content publishing limit), or 0
    posts_per_day: int = 0


@dataclass(frozen=True)
class VideoPost:
    """What to publish: the file (read in chunks), or a URL the platform fetches itself
    (Instagram), and the words around it."""

    path: Path | None
    size_bytes: int
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    privacy: str = "private"
    video_url: str | None = None
    content_type: str = "video/mp4"
    duration_s: float | None = None  # checked against the account's limit where known


@dataclass(frozen=True)
class Upload:
    """A publish the platform knows about; `remote_id` and `upload_url` are recorded by
    the caller as soon as `start` returns, so a retry can ask before starting again."""

    platform: str
    remote_id: str | None  # TikTok publish_id, Instagram container id, YouTube video id
    upload_url: str | None
    total_bytes: int
    sent_bytes: int = 0
    quota_units: int = 0  # YouTube units spent on this upload
    extra: dict[str, Any] = field(default_factory=dict)

    def advanced(self, **changes: Any) -> Upload:
        return replace(self, **changes)


@dataclass(frozen=True)
class PostStatus:
    """What the platform says of a publish now."""

    state: PostState
    remote_id: str | None = None
    url: str | None = None
    error: str | None = None
    sent_bytes: int = 0


class Publisher(Protocol):
    """One platform's OAuth and publishing protocol. Raises PublishError (permanent),
    PublishTransientError (try later) or GrantRevoked (reconnect the account)."""

    name: str
    supports_pkce: bool

    def authorization_url(self, *, state: str, redirect_uri: str,
                          code_challenge: str | None) -> str:
        """Where to send the user to grant access."""
        ...

    def exchange_code(self, *, code: str, redirect_uri: str,
                      code_verifier: str | None) -> Tokens:
        """The tokens for an authorization code."""
        ...

    def refresh(self, tokens: Tokens) -> Tokens:
        """Fresh tokens; GrantRevoked when the user withdrew the grant."""
        ...

    def identity(self, grant: Grant) -> Identity:
        """The account the tokens belong to."""
        ...

    def limits(self, grant: Grant) -> Limits:
        """What the account may post now."""
        ...

    def start(self, grant: Grant, post: VideoPost) -> Upload:
        """Open the publish on the platform (an upload session or a media container)."""
        ...

    def send(self, grant: Grant, upload: Upload, post: VideoPost,
             progress: Progress | None = None) -> Upload:
        """Send the bytes the platform does not hold yet, in chunks read from the file."""
        ...

    def poll(self, grant: Grant, upload: Upload) -> PostStatus:
        """The platform's state of the publish; starts nothing."""
        ...

    def finish(self, grant: Grant, upload: Upload) -> PostStatus:
        """Make a ready publish public where that is a call of its own; else `poll`."""
        ...

    def close(self) -> None:
        """Release the adapter's HTTP connections."""
        ...
