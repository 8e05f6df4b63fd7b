"""A local YouTube: Google's OAuth endpoints and the Data API v3 resumable upload protocol
as documented (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol).

Sessions keep what arrived in a temporary file; a body cut short keeps only whole 256 KiB
units, like Google's servers, so the client must read the Range header to resume."""

from __future__ import annotations

import hashlib
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any

from tests.publishing.fake_server import Answer, Authority, Call, FakeServer

UNIT = 256 * 1024
CLIENT_ID, CLIENT_SECRET = "yt-client.apps.googleusercontent.com", "yt-secret"
CHANNEL = {"id": "UCfakechannel0000000000", "title": "Reels Lab"}
UPLOAD = "/upload/youtube/v3/videos"
RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
QUERY = re.compile(r"^bytes \*/(\d+)$")


def auth_error() -> Answer:
    return Answer(401, {"error": {"code": 401, "message": "Request had invalid authentication "
                                  "credentials.", "errors": [{"reason": "authError"}]}})


def bad_request(message: str, reason: str = "badRequest") -> Answer:
    return Answer(400, {"error": {"code": 400, "message": message,
                                  "errors": [{"reason": reason, "message": message}]}})


@dataclass
class Session:
    total: int
    content_type: str
    metadata: dict[str, Any]
    data: IO[bytes] = field(default_factory=lambda: tempfile.TemporaryFile())
    received: int = 0
    video_id: str | None = None


class FakeYouTube(FakeServer):
    """Google's authorization server and the YouTube Data API, on one port."""

    def __init__(self) -> None:
        super().__init__()
        self.authority = Authority(CLIENT_ID, CLIENT_SECRET, CHANNEL["id"])
        self.sessions: dict[str, Session] = {}
        self.videos: dict[str, dict[str, Any]] = {}  # id -> {sha256, size, metadata, status}
        self.quota_used = 0
        self.processed = True  # what videos.list says of a finished upload
        self.route("GET", "/o/oauth2/v2/auth", self.authority.authorize)
        self.route("POST", "/token", self._token)
        self.route("GET", "/youtube/v3/channels", self._channels)
        self.route("GET", "/youtube/v3/videos", self._videos)
        self.route("POST", UPLOAD, self._open)
        self.route("PUT", UPLOAD, self._put)

    def settings(self) -> dict[str, Any]:
        """The settings that point the adapter here."""
        return {"YOUTUBE_CLIENT_ID": CLIENT_ID, "YOUTUBE_CLIENT_SECRET": CLIENT_SECRET,
                "YOUTUBE_AUTH_URL": f"{self.url}/o/oauth2/v2/auth",
                "YOUTUBE_TOKEN_URL": f"{self.url}/token", "YOUTUBE_API_BASE_URL": self.url}

    def _authorized(self, call: Call) -> bool:
        return call.bearer() in self.authority.access

    def _token(self, call: Call) -> Answer:
        form = call.form()
        if form.get("grant_type") == "authorization_code":
            grant, error = self.authority.redeem(form)
            if grant is None:
                return Answer(400, {"error": error, "error_description": "Bad Request"})
            access, refresh = self.authority.issue()
            return Answer(200, {"access_token": access, "expires_in": 3599,
                                "refresh_token": refresh, "scope": grant.scope,
                                "token_type": "Bearer"})
        if form.get("grant_type") == "refresh_token":
            if form.get("client_secret") != CLIENT_SECRET:
                return Answer(401, {"error": "invalid_client"})
            if form.get("refresh_token") not in self.authority.refresh:
                return Answer(400, {"error": "invalid_grant",
                                    "error_description": "Token has been expired or revoked."})
            access, _ = self.authority.issue(with_refresh=False)
            return Answer(200, {"access_token": access, "expires_in": 3599,
                                "scope": "https://www.googleapis.com/auth/youtube.upload",
                                "token_type": "Bearer"})
        return Answer(400, {"error": "unsupported_grant_type"})

    def _channels(self, call: Call) -> Answer:
        if not self._authorized(call):
            return auth_error()
        self.quota_used += 1
        if call.query.get("mine") != "true" or "snippet" not in call.query.get("part", ""):
            return bad_request("part and mine are required")
        return Answer(200, {"kind": "youtube#channelListResponse", "items": [
            {"id": CHANNEL["id"], "snippet": {"title": CHANNEL["title"]}}]})

    def _videos(self, call: Call) -> Answer:
        if not self._authorized(call):
            return auth_error()
        self.quota_used += 1
        video = self.videos.get(call.query.get("id", ""))
        if video is None:
            return Answer(200, {"items": []})
        status = "processed" if self.processed else "uploaded"
        return Answer(200, {"items": [{"id": call.query["id"], "status": {
            "uploadStatus": status, "privacyStatus": video["metadata"]["status"]
            ["privacyStatus"]}}]})

    def _open(self, call: Call) -> Answer:
        if not self._authorized(call):
            return auth_error()
        if call.query.get("uploadType") != "resumable" or \
                call.query.get("part") != "snippet,status":
            return bad_request("uploadType=resumable and part=snippet,status expected")
        metadata = call.json()
        if not metadata.get("snippet", {}).get("title"):
            return bad_request("The request metadata does not specify a video title.",
                               "invalidTitle")
        total = int(call.headers.get("x-upload-content-length", "-1"))
        if total <= 0:
            return bad_request("X-Upload-Content-Length is required")
        self.quota_used += 1600
        upload_id = secrets.token_urlsafe(12)
        self.sessions[upload_id] = Session(total, call.headers.get("x-upload-content-type", ""),
                                           metadata)
        location = f"{self.url}{UPLOAD}?uploadType=resumable&upload_id={upload_id}"
        return Answer(200, None, {"Location": location})

    def _put(self, call: Call) -> Answer:
        if not self._authorized(call):
            return auth_error()
        session = self.sessions.get(call.query.get("upload_id", ""))
        if session is None:
            return Answer(404, {"error": {"code": 404, "message": "Not Found"}})
        content_range = call.headers.get("content-range", "")
        if QUERY.match(content_range):
            return self._state(session)
        match = RANGE.match(content_range)
        if match is None:
            return bad_request(f"bad Content-Range {content_range!r}")
        first, last, total = (int(g) for g in match.groups())
        length = last - first + 1
        if total != session.total or first != session.received or length != call.length:
            return bad_request(f"range {content_range} does not follow the "
                               f"{session.received} bytes received")
        if last + 1 < total and length % UNIT:
            return bad_request("chunk size must be a multiple of 256 KiB", "badChunkSize")
        session.data.seek(session.received)
        got = 0
        for piece in call.stream():
            session.data.write(piece)
            got += len(piece)
        if call.cut:  # keep whole units only; the connection is dropped, nothing answered
            session.received = (session.received + got) // UNIT * UNIT
            session.data.truncate(session.received)
            return Answer(500)
        session.received += got
        return self._state(session)

    def _state(self, session: Session) -> Answer:
        if session.received < session.total:
            headers = {"Range": f"bytes=0-{session.received - 1}"} if session.received else {}
            return Answer(308, None, headers)
        if session.video_id is None:
            session.video_id = secrets.token_urlsafe(8)
            session.data.seek(0)
            digest = hashlib.sha256()
            while piece := session.data.read(1 << 20):
                digest.update(piece)
            self.videos[session.video_id] = {"sha256": digest.hexdigest(), "size": session.total,
                                             "metadata": session.metadata}
        return Answer(200, {"kind": "youtube#video", "id": session.video_id,
                            "snippet": session.metadata["snippet"],
                            "status": {"uploadStatus": "uploaded"}})
