"""A local TikTok: Login Kit's token endpoint and the Content Posting API (direct post,
FILE_UPLOAD) as documented: the chunk plan checked at init (5-64 MB chunks, the last
taking the remainder, count = floor(size / chunk_size)), chunk PUTs with Content-Range
(206, then 201), status polling, creator info, and the `error` envelope on every answer."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from tests.publishing.fake_server import Answer, Authority, Call, FakeServer

MIB = 1024 * 1024
CLIENT_KEY, CLIENT_SECRET = "tt-client-key", "tt-client-secret"
OPEN_ID = "-000fakeopenid"
UPLOAD = "/upload/video/[^/]+"
RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
CREATOR = {"creator_avatar_url": "", "creator_username": "reels.lab",
           "creator_nickname": "Reels Lab",
           "privacy_level_options": ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
           "comment_disabled": False, "duet_disabled": True, "stitch_disabled": False,
           "max_video_post_duration_sec": 600}


def envelope(data: Any = None, code: str = "ok", message: str = "",
             status: int = 200) -> Answer:
    return Answer(status, {"data": data or {}, "error": {"code": code, "message": message,
                                                         "log_id": secrets.token_hex(8)}})


@dataclass
class Publish:
    size: int
    chunk_size: int
    count: int
    post_info: dict[str, Any]
    chunks: dict[int, str] = field(default_factory=dict)  # start -> sha256 of that chunk
    data: bytearray = field(default_factory=bytearray)
    status: str = "PROCESSING_UPLOAD"


class FakeTikTok(FakeServer):
    """TikTok's token endpoint, user info, creator info, init, upload and status fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.authority = Authority(CLIENT_KEY, CLIENT_SECRET, OPEN_ID)
        self.publishes: dict[str, Publish] = {}
        self.polls_until_done = 1  # status fetches that still say PROCESSING_DOWNLOAD
        self.route("GET", "/v2/auth/authorize/",
                   lambda c: self.authority.authorize(c, client_param="client_key"))
        self.route("POST", "/v2/oauth/token/", self._token)
        self.route("GET", "/v2/user/info/", self._user)
        self.route("POST", "/v2/post/publish/creator_info/query/", self._creator)
        self.route("POST", "/v2/post/publish/video/init/", self._init)
        self.route("PUT", UPLOAD, self._chunk)
        self.route("POST", "/v2/post/publish/status/fetch/", self._status)

    def settings(self) -> dict[str, Any]:
        return {"TIKTOK_CLIENT_KEY": CLIENT_KEY, "TIKTOK_CLIENT_SECRET": CLIENT_SECRET,
                "TIKTOK_AUTH_URL": f"{self.url}/v2/auth/authorize/",
                "TIKTOK_API_BASE_URL": self.url}

    def _token(self, call: Call) -> Answer:
        if call.headers.get("content-type", "").split(";")[0] != \
                "application/x-www-form-urlencoded":
            return Answer(400, {"error": "invalid_request"})
        form = call.form()
        if form.get("grant_type") == "authorization_code":
            grant, error = self.authority.redeem(form, client_param="client_key")
            if grant is None:
                return Answer(200, {"error": error, "error_description": "Authorization "
                                    "code is expired.", "log_id": "x"})
            access, refresh = self.authority.issue()
            return Answer(200, {"access_token": access, "expires_in": 86400,
                                "open_id": OPEN_ID, "refresh_expires_in": 31536000,
                                "refresh_token": refresh, "scope": grant.scope.replace(
                                    ",", ","), "token_type": "Bearer"})
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.authority.refresh:
                return Answer(200, {"error": "invalid_grant", "error_description":
                                    "Refresh token is invalid or expired.", "log_id": "x"})
            access, refresh = self.authority.issue()
            return Answer(200, {"access_token": access, "expires_in": 86400,
                                "open_id": OPEN_ID, "refresh_token": refresh,
                                "scope": "user.info.basic,video.publish,video.upload",
                                "token_type": "Bearer"})
        return Answer(400, {"error": "unsupported_grant_type"})

    def _authorized(self, call: Call) -> Answer | None:
        if call.bearer() not in self.authority.access:
            return envelope(code="access_token_invalid", message="The access token is "
                            "invalid or not found in the request.", status=401)
        return None

    def _user(self, call: Call) -> Answer:
        refused = self._authorized(call)
        if refused:
            return refused
        return envelope({"user": {"open_id": OPEN_ID, "display_name": "Reels Lab"}})

    def _creator(self, call: Call) -> Answer:
        return self._authorized(call) or envelope(CREATOR)

    def _init(self, call: Call) -> Answer:
        refused = self._authorized(call)
        if refused:
            return refused
        body = call.json()
        source, post = body.get("source_info", {}), body.get("post_info", {})
        if source.get("source") != "FILE_UPLOAD":
            return envelope(code="invalid_params", message="source", status=400)
        if post.get("privacy_level") not in CREATOR["privacy_level_options"]:
            return envelope(code="privacy_level_option_mismatch",
                            message="privacy_level", status=400)
        size, chunk, count = (int(source.get(k, 0)) for k in
                              ("video_size", "chunk_size", "total_chunk_count"))
        whole = size < 5 * MIB and chunk == size and count == 1
        planned = 5 * MIB <= chunk <= 64 * MIB and count == size // chunk and \
            size - (count - 1) * chunk <= 128 * MIB
        if not (whole or planned) or count > 1000:
            return envelope(code="invalid_params", message="The chunk size or total chunk "
                            "count is invalid.", status=400)
        publish_id = f"v_pub_file~v2-1.{secrets.token_hex(6)}"
        self.publishes[publish_id] = Publish(size, chunk, count, post)
        return envelope({"publish_id": publish_id,
                         "upload_url": f"{self.url}/upload/video/{publish_id}"})

    def _chunk(self, call: Call) -> Answer:
        publish_id = call.path.rsplit("/", 1)[1]
        publish = self.publishes.get(publish_id)
        if publish is None:
            return Answer(404)
        match = RANGE.match(call.headers.get("content-range", ""))
        if match is None or call.headers.get("content-type") != "video/mp4":
            return Answer(400)
        first, last, total = (int(g) for g in match.groups())
        index = first // publish.chunk_size
        expected_last = (publish.size if index == publish.count - 1
                         else first + publish.chunk_size) - 1
        if total != publish.size or first % publish.chunk_size or last != expected_last \
                or index >= publish.count:
            return Answer(416)  # Range Not Satisfiable: not a chunk of the plan
        data = b"".join(call.stream())
        if call.cut:
            return Answer(500)
        publish.chunks[first] = hashlib.sha256(data).hexdigest()
        if len(publish.data) < last + 1:
            publish.data.extend(b"\0" * (last + 1 - len(publish.data)))
        publish.data[first:last + 1] = data
        if len(publish.chunks) == publish.count:
            publish.status = "PROCESSING_DOWNLOAD"
            return Answer(201)
        return Answer(206)

    def _status(self, call: Call) -> Answer:
        refused = self._authorized(call)
        if refused:
            return refused
        publish = self.publishes.get(call.json().get("publish_id", ""))
        if publish is None:
            return envelope(code="invalid_publish_id", message="publish_id", status=400)
        if publish.status == "PROCESSING_DOWNLOAD":
            if self.polls_until_done > 0:
                self.polls_until_done -= 1
            else:
                publish.status = "PUBLISH_COMPLETE"
        sent = sum(min(publish.chunk_size if s // publish.chunk_size < publish.count - 1
                       else publish.size - s, publish.size) for s in publish.chunks)
        data: dict[str, Any] = {"status": publish.status, "uploaded_bytes": sent}
        if publish.status == "PUBLISH_COMPLETE":
            data["publicaly_available_post_id"] = [7312345678901234567]
        return envelope(data)

    def sha256(self, publish_id: str) -> str:
        return hashlib.sha256(bytes(self.publishes[publish_id].data)).hexdigest()
