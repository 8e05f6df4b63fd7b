"""TikTok Content Posting API (developers.tiktok.com/doc/content-posting-api-reference-
direct-post): Login Kit OAuth, creator info, FILE_UPLOAD with a chunk plan, status polling.

Chunk rules (media transfer guide): a file under 5 MB goes whole; otherwise every chunk
is `chunk_size` (5-64 MB) and the last takes the remainder (up to 128 MB);
`total_chunk_count` = floor(size / chunk_size), at most 1,000. Each chunk is a PUT with
Content-Range; 206 answers a chunk, 201 the last. TikTok documents no range query, so a
cut chunk is sent again whole. Every JSON answer has `error.code` ("ok" when fine).

OAuth: Login Kit for the web uses the client secret; TikTok's PKCE is for desktop and
mobile apps (a hex challenge), so this adapter sends none.
"""

from __future__ import annotations

from functools import partial
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
from app.publishing.calls import Caller, excerpt
from app.publishing.chunks import content_range, file_range
from app.publishing.errors import GrantRevoked, PublishError, UploadSessionGone
from app.publishing.oauth import json_body, read_tokens, token_error

NAME = "tiktok"
SCOPES = ("user.info.basic", "video.publish", "video.upload")
MIB = 1024 * 1024
MIN_CHUNK_BYTES = 5 * MIB
MAX_CHUNK_BYTES = 64 * MIB
MAX_LAST_CHUNK_BYTES = 128 * MIB
MAX_CHUNKS = 1000
MAX_BYTES = 4 * 1024**3  # 4 GB per video
# our words for privacy, and TikTok's own, onto TikTok's privacy levels
PRIVACY = {"private": "SELF_ONLY", "public": "PUBLIC_TO_EVERYONE",
           "friends": "MUTUAL_FOLLOW_FRIENDS", "followers": "FOLLOWER_OF_CREATOR"}
DONE = {"PUBLISH_COMPLETE"}
TITLE_MAX_CHARS = 2200


def chunk_plan(size: int, chunk_bytes: int) -> tuple[int, int]:
    """(chunk_size, total_chunk_count) for a file of `size` bytes."""
    if size <= 0:
        raise PublishError("empty_file", "the video file is empty")
    if not MIN_CHUNK_BYTES <= chunk_bytes <= MAX_CHUNK_BYTES:
        raise ValueError("chunk_bytes must be between 5 MiB and 64 MiB")
    if size < MIN_CHUNK_BYTES:
        return size, 1
    count = size // chunk_bytes
    if count > MAX_CHUNKS:
        raise PublishError("too_large", f"{size} bytes need more than {MAX_CHUNKS} chunks")
    # the last chunk is chunk_bytes plus less than chunk_bytes: within MAX_LAST_CHUNK_BYTES
    return chunk_bytes, count


def chunk_spans(size: int, chunk_size: int, count: int) -> list[tuple[int, int]]:
    """(start, length) of each chunk; the last one takes the remainder."""
    spans = [(i * chunk_size, chunk_size) for i in range(count - 1)]
    last = (count - 1) * chunk_size
    return [*spans, (last, size - last)]


class TikTokPublisher:
    """Direct posts to a TikTok account."""

    name = NAME
    supports_pkce = False

    def __init__(self, *, client_key: str, client_secret: str, auth_url: str,
                 api_base_url: str, chunk_bytes: int, calls: Caller) -> None:
        self.client_key, self.client_secret = client_key, client_secret
        self.auth_url, self.api = auth_url, api_base_url.rstrip("/")
        self.chunk_bytes, self.calls = chunk_bytes, calls

    def authorization_url(self, *, state: str, redirect_uri: str,
                          code_challenge: str | None) -> str:
        query = {"client_key": self.client_key, "response_type": "code",
                 "scope": ",".join(SCOPES), "redirect_uri": redirect_uri, "state": state}
        return f"{self.auth_url}?{urlencode(query)}"

    def exchange_code(self, *, code: str, redirect_uri: str,
                      code_verifier: str | None) -> Tokens:
        return read_tokens(self._token({
            "client_key": self.client_key, "client_secret": self.client_secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri}),
            scope_separator=" ")

    def refresh(self, tokens: Tokens) -> Tokens:
        if not tokens.refresh_token:
            raise GrantRevoked(NAME, "no refresh token stored")
        return read_tokens(self._token({
            "client_key": self.client_key, "client_secret": self.client_secret,
            "grant_type": "refresh_token", "refresh_token": tokens.refresh_token}),
            previous=tokens)

    def _token(self, form: dict[str, str]) -> dict[str, Any]:
        response = self.calls.request("POST", f"{self.api}/v2/oauth/token/", data=form)
        answer = json_body(NAME, response) if response.is_success else {}
        # TikTok answers a refused grant with 200 and an `error` field as well
        if not response.is_success or "error" in answer and answer["error"]:
            raise token_error(NAME, response)
        return answer

    def identity(self, grant: Grant) -> Identity:
        data = self._data(self._api("GET", "/v2/user/info/", grant,
                                    params={"fields": "open_id,display_name"}))
        user = data.get("user", {})
        return Identity(str(user["open_id"]), str(user.get("display_name", "")))

    def creator_info(self, grant: Grant) -> dict[str, Any]:
        """The account's posting options now (privacy levels, longest video, username)."""
        return self._data(self._api("POST", "/v2/post/publish/creator_info/query/", grant,
                                    json={}))

    def limits(self, grant: Grant) -> Limits:
        info = self.creator_info(grant)
        return Limits(max_bytes=MAX_BYTES,
                      max_duration_s=int(info.get("max_video_post_duration_sec", 0)),
                      privacy_options=tuple(info.get("privacy_level_options", ())),
                      min_chunk_bytes=MIN_CHUNK_BYTES, max_chunk_bytes=MAX_CHUNK_BYTES)

    def start(self, grant: Grant, post: VideoPost) -> Upload:
        info = self.creator_info(grant)
        level = PRIVACY.get(post.privacy, post.privacy)
        options = info.get("privacy_level_options") or []
        if level not in options:
            raise PublishError("bad_privacy", f"privacy: {post.privacy!r} is not open to this "
                               f"TikTok account (it allows {', '.join(options) or 'none'})")
        longest = info.get("max_video_post_duration_sec")
        if post.duration_s is not None and longest and post.duration_s > longest:
            raise PublishError("too_long", f"the video lasts {post.duration_s:.0f} s; this "
                               f"TikTok account posts up to {longest} s")
        chunk_size, count = chunk_plan(post.size_bytes, self.chunk_bytes)
        title = " ".join([post.title, *(f"#{t.lstrip('#')}" for t in post.tags)]).strip()
        data = self._data(self._api("POST", "/v2/post/publish/video/init/", grant, json={
            "post_info": {"title": title[:TITLE_MAX_CHARS], "privacy_level": level,
                          "disable_comment": bool(info.get("comment_disabled", False)),
                          "disable_duet": bool(info.get("duet_disabled", False)),
                          "disable_stitch": bool(info.get("stitch_disabled", False))},
            "source_info": {"source": "FILE_UPLOAD", "video_size": post.size_bytes,
                            "chunk_size": chunk_size, "total_chunk_count": count}}))
        return Upload(NAME, str(data["publish_id"]), str(data["upload_url"]), post.size_bytes,
                      extra={"chunk_size": chunk_size, "chunk_count": count,
                             "username": info.get("creator_username")})

    def send(self, grant: Grant, upload: Upload, post: VideoPost,
             progress: Progress | None = None) -> Upload:
        if post.path is None or upload.upload_url is None:
            raise PublishError("no_file", "TikTok uploads send a file")
        path, total = post.path, upload.total_bytes
        spans = chunk_spans(total, int(upload.extra["chunk_size"]),
                            int(upload.extra["chunk_count"]))
        deadline = self.calls.deadline()
        for start, length in spans:
            if start + length <= upload.sent_bytes:
                continue  # sent before a restart
            # the upload URL carries its own authorization: no bearer, no refresh
            response = self.calls.request(
                "PUT", upload.upload_url, deadline=deadline,
                body=partial(file_range, path, start, length),
                headers={"Content-Type": post.content_type, "Content-Length": str(length),
                         "Content-Range": content_range(start, length, total)})
            if response.status_code in (404, 410):
                raise UploadSessionGone(NAME, "the upload URL expired (an hour after init)")
            if response.status_code not in (200, 201, 206):
                raise PublishError(f"tiktok_{response.status_code}", f"TikTok refused chunk "
                                   f"{content_range(start, length, total)}: {excerpt(response)}")
            upload = upload.advanced(sent_bytes=start + length)
            if progress is not None:
                progress(upload.sent_bytes, total)
        return upload

    def poll(self, grant: Grant, upload: Upload) -> PostStatus:
        data = self._data(self._api("POST", "/v2/post/publish/status/fetch/", grant,
                                    json={"publish_id": upload.remote_id}))
        status = str(data.get("status", ""))
        sent = int(data.get("uploaded_bytes", upload.sent_bytes) or 0)
        if status == "FAILED":
            return PostStatus("failed", upload.remote_id,
                              error=f"TikTok: {data.get('fail_reason') or 'failed'}",
                              sent_bytes=sent)
        if status in DONE:
            # TikTok's field name, spelling included
            ids = data.get("publicaly_available_post_id") or []
            post_id = str(ids[0]) if ids else None
            username = upload.extra.get("username")
            url = (f"https://www.tiktok.com/@{username}/video/{post_id}"
                   if post_id and username else None)
            return PostStatus("published", post_id or upload.remote_id, url, sent_bytes=sent)
        if status == "PROCESSING_UPLOAD" and sent < upload.total_bytes:
            return PostStatus("uploading", upload.remote_id, sent_bytes=sent)
        return PostStatus("processing", upload.remote_id, sent_bytes=sent)

    def finish(self, grant: Grant, upload: Upload) -> PostStatus:
        return self.poll(grant, upload)  # a direct post publishes itself once processed

    def close(self) -> None:
        self.calls.close()

    def _api(self, method: str, path: str, grant: Grant, **kwargs: Any) -> httpx.Response:
        headers = {"Content-Type": "application/json; charset=UTF-8"}
        return self.calls.request(method, f"{self.api}{path}", grant=grant,
                                  refresh=self.refresh, headers=headers, **kwargs)

    def _data(self, response: httpx.Response) -> dict[str, Any]:
        answer = json_body(NAME, response)
        error = answer.get("error") or {}
        code = error.get("code", "ok") if isinstance(error, dict) else "ok"
        if response.is_success and code == "ok":
            data = answer.get("data") or {}
            return data if isinstance(data, dict) else {}
        message = error.get("message", "") if isinstance(error, dict) else ""
        if response.status_code == 401 or code in ("access_token_invalid", "scope_not_authorized"):
            raise GrantRevoked(NAME, f"{code}: {message}".rstrip(": "))
        raise PublishError(f"tiktok_{code}", f"TikTok refused ({response.status_code} {code})"
                           f"{': ' + message if message else ''}")
