"""YouTube Data API v3: OAuth 2.0 with PKCE at Google, resumable uploads, quota units.

Upload protocol (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status opens a session
(its address comes back in Location); each chunk is a PUT with Content-Range, every chunk
but the last a multiple of 256 KiB; 308 means "more", its Range header says what arrived;
200/201 carries the video resource. After a cut or a 5xx, `PUT` with
`Content-Range: bytes */total` answers the same way, and sending resumes from there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

from app.publishing.base import (
    Grant,
    Identity,
    Limits,
    PostStatus,
    Progress,
    Tokens,
    Upload,
    VideoPost,
)
from app.publishing.calls import Caller, Interrupted, excerpt
from app.publishing.chunks import content_range, file_range
from app.publishing.errors import (
    GrantRevoked,
    PublishError,
    PublishTransientError,
    UploadSessionGone,
)
from app.publishing.oauth import json_body, read_tokens, token_error

NAME = "youtube"
SCOPES = ("https://www.googleapis.com/auth/youtube.upload",
          "https://www.googleapis.com/auth/youtube.readonly")
CHUNK_UNIT_BYTES = 256 * 1024
# Quota costs in units (developers.google.com/youtube/v3/determine_quota_cost)
INSERT_UNITS = 1600
LIST_UNITS = 1
PRIVACY = ("private", "unlisted", "public")
MAX_BYTES = 256 * 1024**3  # 256 GB per video
SHORTS_MAX_S = 180  # Shorts up to three minutes
TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_CHARS = 5000
QUOTA_DAY_ZONE = ZoneInfo("America/Los_Angeles")  # quotas reset at midnight Pacific


class YouTubePublisher:
    """Publishes to a YouTube channel; `quota_spent` counts the units of this instance."""

    name = NAME
    supports_pkce = True

    def __init__(self, *, client_id: str, client_secret: str, auth_url: str, token_url: str,
                 api_base_url: str, chunk_bytes: int, daily_quota_units: int,
                 calls: Caller) -> None:
        if chunk_bytes <= 0 or chunk_bytes % CHUNK_UNIT_BYTES:
            raise ValueError("chunk_bytes must be a positive multiple of 256 KiB")
        self.client_id, self.client_secret = client_id, client_secret
        self.auth_url, self.token_url = auth_url, token_url
        self.api = api_base_url.rstrip("/")
        self.chunk_bytes, self.daily_quota_units = chunk_bytes, daily_quota_units
        self.calls = calls
        self.quota_spent = 0

    # OAuth ------------------------------------------------------------------------------
    def authorization_url(self, *, state: str, redirect_uri: str,
                          code_challenge: str | None) -> str:
        query = {"client_id": self.client_id, "redirect_uri": redirect_uri,
                 "response_type": "code", "scope": " ".join(SCOPES), "state": state,
                 # offline + consent: Google returns a refresh token on every grant
                 "access_type": "offline", "prompt": "consent",
                 "include_granted_scopes": "true"}
        if code_challenge:
            query |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        return f"{self.auth_url}?{urlencode(query)}"

    def exchange_code(self, *, code: str, redirect_uri: str,
                      code_verifier: str | None) -> Tokens:
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri, "client_id": self.client_id,
                "client_secret": self.client_secret}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return read_tokens(self._token(form))

    def refresh(self, tokens: Tokens) -> Tokens:
        if not tokens.refresh_token:
            raise GrantRevoked(NAME, "no refresh token stored")
        form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
                "client_id": self.client_id, "client_secret": self.client_secret}
        return read_tokens(self._token(form), previous=tokens)

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        response = self.calls.request("POST", self.token_url, data=form)
        if not response.is_success:
            raise token_error(NAME, response)
        return json_body(NAME, response)

    # Data API ---------------------------------------------------------------------------
    def identity(self, grant: Grant) -> Identity:
        answer = self._json(self._api("GET", "/youtube/v3/channels", grant,
                                      params={"part": "snippet", "mine": "true"}), LIST_UNITS)
        items = answer.get("items") or []
        if not items:
            raise PublishError("no_channel", "this Google account has no YouTube channel")
        return Identity(str(items[0]["id"]), str(items[0]["snippet"]["title"]))

    def limits(self, grant: Grant) -> Limits:
        return Limits(max_bytes=MAX_BYTES, max_duration_s=SHORTS_MAX_S,
                      privacy_options=PRIVACY, chunk_multiple_bytes=CHUNK_UNIT_BYTES,
                      upload_quota_units=INSERT_UNITS,
                      daily_quota_units=self.daily_quota_units)

    def start(self, grant: Grant, post: VideoPost) -> Upload:
        if post.privacy not in PRIVACY:
            raise PublishError("bad_privacy", f"privacy: {post.privacy!r} is not one of "
                               f"{', '.join(PRIVACY)}")
        response = self._api(
            "POST", "/upload/youtube/v3/videos", grant,
            params={"uploadType": "resumable", "part": "snippet,status"},
            headers={"X-Upload-Content-Length": str(post.size_bytes),
                     "X-Upload-Content-Type": post.content_type},
            json=_metadata(post))
        self._check(response, INSERT_UNITS)
        location = response.headers.get("location")
        if not location:
            raise PublishError("bad_answer", "YouTube opened no upload session (no Location)")
        return Upload(NAME, None, location, post.size_bytes, 0, INSERT_UNITS)

    def send(self, grant: Grant, upload: Upload, post: VideoPost,
             progress: Progress | None = None) -> Upload:
        if post.path is None or upload.upload_url is None:
            raise PublishError("no_file", "YouTube uploads send a file")
        path, url, total = post.path, upload.upload_url, upload.total_bytes
        deadline = self.calls.deadline()
        offset = upload.sent_bytes
        while True:
            length = min(self.chunk_bytes, total - offset)
            start = offset
            if length <= 0:  # every byte arrived, the answer did not: ask for it
                response = self._query(grant, url, total, deadline)
            else:
                try:
                    response = self.calls.request(
                        "PUT", url, grant=grant, refresh=self.refresh, resend=False,
                        deadline=deadline, body=partial(file_range, path, start, length),
                        headers={"Content-Length": str(length),
                                 "Content-Type": post.content_type,
                                 "Content-Range": content_range(start, length, total)})
                except Interrupted:
                    response = self._query(grant, url, total, deadline)
            video_id, offset = self._received(response)
            if video_id is None and length <= 0 and offset >= total:
                raise PublishError("bad_answer", "YouTube holds every byte but returned "
                                   "no video")
            if progress is not None:
                progress(total if video_id else offset, total)
            if video_id is not None:
                return upload.advanced(remote_id=video_id, sent_bytes=total)
            upload = upload.advanced(sent_bytes=offset)

    def poll(self, grant: Grant, upload: Upload) -> PostStatus:
        if upload.remote_id is None:  # the upload may have finished before a crash
            if upload.upload_url is None:
                return PostStatus("failed", error="no upload session was opened")
            response = self._query(grant, upload.upload_url, upload.total_bytes,
                                   self.calls.deadline())
            video_id, offset = self._received(response)
            if video_id is None:
                return PostStatus("uploading", sent_bytes=offset)
            upload = upload.advanced(remote_id=video_id)
        answer = self._json(self._api("GET", "/youtube/v3/videos", grant, params={
            "part": "status,processingDetails", "id": upload.remote_id}), LIST_UNITS)
        items = answer.get("items") or []
        if not items:
            return PostStatus("failed", upload.remote_id, error="YouTube has no such video "
                              "(deleted, or still being created)")
        status = items[0].get("status", {})
        state = status.get("uploadStatus")
        url = f"https://www.youtube.com/shorts/{upload.remote_id}"
        if state == "processed":
            return PostStatus("published", upload.remote_id, url, sent_bytes=upload.total_bytes)
        if state in ("failed", "rejected", "deleted"):
            reason = status.get("failureReason") or status.get("rejectionReason") or state
            return PostStatus("failed", upload.remote_id, url, error=f"YouTube: {reason}")
        return PostStatus("processing", upload.remote_id, url, sent_bytes=upload.total_bytes)

    def finish(self, grant: Grant, upload: Upload) -> PostStatus:
        return self.poll(grant, upload)  # the insert already set the privacy status

    def close(self) -> None:
        self.calls.close()

    # helpers ----------------------------------------------------------------------------
    def _api(self, method: str, path: str, grant: Grant, **kwargs: Any) -> httpx.Response:
        return self.calls.request(method, f"{self.api}{path}", grant=grant,
                                  refresh=self.refresh, **kwargs)

    def _query(self, grant: Grant, url: str, total: int, deadline: float) -> httpx.Response:
        """Ask the session what arrived: PUT with no body and `bytes */total`."""
        return self.calls.request("PUT", url, grant=grant, refresh=self.refresh,
                                  deadline=deadline, headers={
                                      "Content-Length": "0",
                                      "Content-Range": f"bytes */{total}"})

    def _received(self, response: httpx.Response) -> tuple[str | None, int]:
        """(video id, None) once complete, else (None, bytes the session holds)."""
        if response.status_code == 308:
            ranges = response.headers.get("range")  # "bytes=0-524287"; absent: nothing yet
            return None, int(ranges.rsplit("-", 1)[1]) + 1 if ranges else 0
        if response.status_code in (404, 410):
            raise UploadSessionGone(NAME, f"the upload session is gone ({response.status_code})")
        answer = self._json(response, 0)
        return str(answer["id"]), 0

    def _json(self, response: httpx.Response, units: int) -> dict[str, Any]:
        self._check(response, units)
        return json_body(NAME, response)

    def _check(self, response: httpx.Response, units: int) -> None:
        self.quota_spent += units  # Google counts a refused call's units as well
        if response.is_success:
            return
        reasons = _reasons(response)
        if response.status_code == 401:
            raise GrantRevoked(NAME, "the access token was refused after a refresh")
        if "quotaExceeded" in reasons or "dailyLimitExceeded" in reasons:
            raise PublishTransientError("quota_exceeded", "YouTube: the project's daily "
                                        "quota is spent; it resets at midnight Pacific time",
                                        retry_after_s=_until_quota_reset())
        if "uploadLimitExceeded" in reasons:
            raise PublishError("upload_limit", "YouTube: this channel reached its upload limit")
        raise PublishError(f"youtube_{response.status_code}",
                           f"YouTube answered {response.status_code}: {excerpt(response)}")


def _metadata(post: VideoPost) -> dict[str, Any]:
    title = (post.title or "Untitled").strip()[:TITLE_MAX_CHARS]
    description = post.description
    if "#shorts" not in f"{title} {description}".lower():  # where YouTube looks for it
        description = f"{description}\n\n#Shorts".strip()
    return {"snippet": {"title": title, "description": description[:DESCRIPTION_MAX_CHARS],
                        "tags": list(post.tags), "categoryId": "22"},
            "status": {"privacyStatus": post.privacy, "selfDeclaredMadeForKids": False}}


def _reasons(response: httpx.Response) -> set[str]:
    try:
        errors = response.json()["error"]["errors"]
        return {str(e.get("reason")) for e in errors}
    except (ValueError, KeyError, TypeError):
        return set()


def _until_quota_reset(now: datetime | None = None) -> float:
    here = (now or datetime.now(UTC)).astimezone(QUOTA_DAY_ZONE)
    midnight = (here + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - here).total_seconds()
