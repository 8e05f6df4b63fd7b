"""Instagram API with Instagram Login (developers.facebook.com/docs/instagram-platform):
Reels are published from a URL Instagram fetches itself.

`POST /{ig-user-id}/media` with media_type=REELS and video_url opens a container;
`GET /{container-id}?fields=status_code,status` is polled until FINISHED (ERROR and
EXPIRED are final); `POST /{ig-user-id}/media_publish` with creation_id publishes it.
OAuth: the code is exchanged at api.instagram.com for a short-lived token, which is
exchanged for a 60-day token (`ig_exchange_token`); that one refreshes itself
(`ig_refresh_token`), so there is no refresh token. No PKCE. Errors are Graph errors:
`{"error": {"message", "type", "code", "error_subcode"}}`, code 190 an invalid token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

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
from app.publishing.calls import Caller
from app.publishing.errors import GrantRevoked, PublishError, PublishTransientError
from app.publishing.oauth import json_body, read_tokens, token_error

NAME = "instagram"
SCOPES = ("instagram_business_basic", "instagram_business_content_publish")
MAX_BYTES = 300 * 1024 * 1024  # Reels: 300 MB
MAX_DURATION_S = 900  # Reels: 3 s to 15 min
CAPTION_MAX_CHARS = 2200
INVALID_TOKEN = 190
# Graph API throttling answers 400/403 with these codes, not 429 (Graph API error codes:
# 4 application, 17 user, 32 page, 613 calls within one hour); they pass with time
THROTTLED = {4, 17, 32, 613}
THROTTLED_RETRY_S = 3600.0  # the Graph API's limits are counted over an hour
# Container states (the IG Container reference): FINISHED may be published; these never will
FAILED_STATES = {"ERROR": "Instagram could not process the video",
                 "EXPIRED": "the container was not published within 24 hours and expired"}


class InstagramPublisher:
    """Reels on an Instagram professional account."""

    name = NAME
    supports_pkce = False

    def __init__(self, *, app_id: str, app_secret: str, auth_url: str, token_url: str,
                 graph_base_url: str, api_version: str, calls: Caller) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.auth_url, self.token_url = auth_url, token_url
        self.graph = graph_base_url.rstrip("/")
        self.api = f"{self.graph}/{api_version}"
        self.calls = calls

    def authorization_url(self, *, state: str, redirect_uri: str,
                          code_challenge: str | None) -> str:
        query = {"client_id": self.app_id, "redirect_uri": redirect_uri,
                 "response_type": "code", "scope": ",".join(SCOPES), "state": state}
        return f"{self.auth_url}?{urlencode(query)}"

    def exchange_code(self, *, code: str, redirect_uri: str,
                      code_verifier: str | None) -> Tokens:
        response = self.calls.request("POST", self.token_url, data={
            "client_id": self.app_id, "client_secret": self.app_secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri})
        if not response.is_success:
            raise token_error(NAME, response)
        short = json_body(NAME, response)
        permissions = short.get("permissions")
        scopes = ",".join(permissions) if isinstance(permissions, list) else permissions
        long = self._token_get("/access_token", {
            "grant_type": "ig_exchange_token", "client_secret": self.app_secret,
            "access_token": str(short.get("access_token", ""))})
        return read_tokens({**long, "user_id": short.get("user_id"), "scope": scopes})

    def refresh(self, tokens: Tokens) -> Tokens:
        answer = self._token_get("/refresh_access_token", {
            "grant_type": "ig_refresh_token", "access_token": tokens.access_token})
        return read_tokens(answer, previous=tokens)

    def _token_get(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        response = self.calls.request("GET", f"{self.graph}{path}", params=query)
        if not response.is_success:
            raise token_error(NAME, response)
        return json_body(NAME, response)

    def identity(self, grant: Grant) -> Identity:
        me = self._json(self._api("GET", "/me", grant,
                                  params={"fields": "user_id,username"}))
        return Identity(str(me.get("user_id") or me["id"]), str(me.get("username", "")))

    def limits(self, grant: Grant) -> Limits:
        user = self._user(grant)
        answer = self._json(self._api("GET", f"/{user}/content_publishing_limit", grant,
                                      params={"fields": "config,quota_usage"}))
        config = (answer.get("data") or [{}])[0].get("config", {})
        return Limits(max_bytes=MAX_BYTES, max_duration_s=MAX_DURATION_S,
                      privacy_options=("public",),
                      posts_per_day=int(config.get("quota_total", 0)))

    def start(self, grant: Grant, post: VideoPost) -> Upload:
        if not post.video_url:
            raise PublishError("no_video_url", "Instagram fetches the video itself: "
                               "video_url must be a URL it can reach")
        if post.size_bytes > MAX_BYTES:
            raise PublishError("too_large", f"Reels take up to {MAX_BYTES} bytes")
        user = self._user(grant)
        caption = " ".join([post.description or post.title,
                            *(f"#{t.lstrip('#')}" for t in post.tags)]).strip()
        answer = self._json(self._api("POST", f"/{user}/media", grant, data={
            "media_type": "REELS", "video_url": post.video_url,
            "caption": caption[:CAPTION_MAX_CHARS], "share_to_feed": "true"}))
        return Upload(NAME, str(answer["id"]), None, post.size_bytes,
                      extra={"user_id": user})

    def send(self, grant: Grant, upload: Upload, post: VideoPost,
             progress: Progress | None = None) -> Upload:
        if progress is not None:  # Instagram fetched the video from video_url
            progress(upload.total_bytes, upload.total_bytes)
        return upload.advanced(sent_bytes=upload.total_bytes)

    def poll(self, grant: Grant, upload: Upload) -> PostStatus:
        if upload.extra.get("media_id"):
            return self._published(grant, str(upload.extra["media_id"]))
        answer = self._json(self._api("GET", f"/{upload.remote_id}", grant,
                                      params={"fields": "status_code,status"}))
        code = str(answer.get("status_code", ""))
        if code in FAILED_STATES:
            detail = answer.get("status") or ""
            return PostStatus("failed", upload.remote_id,
                              error=f"Instagram: {FAILED_STATES[code]} ({code}"
                              f"{': ' + detail if detail else ''})")
        if code == "FINISHED":
            return PostStatus("ready", upload.remote_id, sent_bytes=upload.total_bytes)
        if code == "PUBLISHED":
            return PostStatus("published", upload.remote_id, sent_bytes=upload.total_bytes)
        return PostStatus("processing", upload.remote_id, sent_bytes=upload.total_bytes)

    def finish(self, grant: Grant, upload: Upload) -> PostStatus:
        status = self.poll(grant, upload)
        if status.state != "ready":
            return status
        user = upload.extra.get("user_id") or self._user(grant)
        answer = self._json(self._api("POST", f"/{user}/media_publish", grant,
                                      data={"creation_id": upload.remote_id}))
        return self._published(grant, str(answer["id"]))

    def close(self) -> None:
        self.calls.close()

    def _published(self, grant: Grant, media_id: str) -> PostStatus:
        answer = self._json(self._api("GET", f"/{media_id}", grant,
                                      params={"fields": "permalink"}))
        return PostStatus("published", media_id, answer.get("permalink"))

    def _user(self, grant: Grant) -> str:
        return grant.tokens.account_id or self.identity(grant).external_id

    def _api(self, method: str, path: str, grant: Grant, **kwargs: Any) -> httpx.Response:
        return self.calls.request(method, f"{self.api}{path}", grant=grant,
                                  refresh=self.refresh, **kwargs)

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        answer = json_body(NAME, response)
        if response.is_success:
            return answer
        found = answer.get("error")
        error: dict[str, Any] = found if isinstance(found, dict) else {}
        message = str(error.get("message", ""))
        if response.status_code == 401 or error.get("code") == INVALID_TOKEN:
            raise GrantRevoked(NAME, message or "invalid token")
        if error.get("code") in THROTTLED:
            raise PublishTransientError("rate_limited", f"Instagram: {message} (code "
                                        f"{error['code']})", retry_after_s=THROTTLED_RETRY_S)
        raise PublishError(f"instagram_{error.get('code', response.status_code)}",
                           f"Instagram refused ({response.status_code}): {message}")
