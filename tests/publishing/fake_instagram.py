"""A local Instagram (API with Instagram Login): the authorize page, the code exchange at
api.instagram.com, the long-lived token exchange and refresh on graph.instagram.com, and
Reels publishing: a REELS container made from a video_url the server downloads itself,
its status_code polled (IN_PROGRESS, then FINISHED or ERROR), media_publish, permalink.
Errors are Graph errors: {"error": {"message", "type", "code", "error_subcode"}}."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import httpx

from tests.publishing.fake_server import Answer, Authority, Call, FakeServer

APP_ID, APP_SECRET = "1234567890", "ig-app-secret"
IG_USER = "17841400000000001"
V = "/v21.0"


def graph_error(message: str, code: int, status: int = 400, subcode: int | None = None) \
        -> Answer:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code,
                             "fbtrace_id": secrets.token_hex(6)}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Answer(status, {"error": error})


@dataclass
class Container:
    video_url: str
    caption: str
    status_code: str
    sha256: str | None
    polls_left: int
    media_id: str | None = None


class FakeInstagram(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.authority = Authority(APP_ID, APP_SECRET, IG_USER)
        self.short: set[str] = set()
        self.containers: dict[str, Container] = {}
        self.media: dict[str, str] = {}  # media id -> container id
        self.polls_in_progress = 1
        self.files: dict[str, bytes] = {}  # what a presigned URL of the store would serve
        self.route("GET", "/files/(.+)", self._file)
        self.route("GET", "/oauth/authorize", self.authority.authorize)
        self.route("POST", "/oauth/access_token", self._code)
        self.route("GET", "/access_token", self._long_lived)
        self.route("GET", "/refresh_access_token", self._refresh)
        self.route("GET", f"{V}/me", self._me)
        self.route("GET", f"{V}/(\\d+)/content_publishing_limit", self._limit)
        self.route("POST", f"{V}/(\\d+)/media", self._create)
        self.route("POST", f"{V}/(\\d+)/media_publish", self._publish)
        self.route("GET", f"{V}/([\\w]+)", self._object)

    def settings(self) -> dict[str, Any]:
        return {"INSTAGRAM_APP_ID": APP_ID, "INSTAGRAM_APP_SECRET": APP_SECRET,
                "INSTAGRAM_AUTH_URL": f"{self.url}/oauth/authorize",
                "INSTAGRAM_TOKEN_URL": f"{self.url}/oauth/access_token",
                "INSTAGRAM_GRAPH_BASE_URL": self.url, "INSTAGRAM_API_VERSION": "v21.0"}

    def file_url(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return f"{self.url}/files/{name}"

    def _file(self, call: Call) -> Answer:
        data = self.files.get(call.path.rsplit("/", 1)[1])
        return Answer(200, data) if data is not None else Answer(404, b"")

    def _code(self, call: Call) -> Answer:
        grant, _ = self.authority.redeem(call.form())
        if grant is None:
            return Answer(400, {"error_type": "OAuthException", "code": 400,
                                "error_message": "Invalid authorization code"})
        short = f"ig-short-{secrets.token_hex(6)}"
        self.short.add(short)
        return Answer(200, {"access_token": short, "user_id": int(IG_USER),
                            "permissions": grant.scope.split(",")})

    def _long_lived(self, call: Call) -> Answer:
        q = call.query
        if q.get("grant_type") != "ig_exchange_token" or q.get("client_secret") != APP_SECRET \
                or q.get("access_token") not in self.short:
            return graph_error("Error validating access token", 190)
        self.short.discard(q["access_token"])
        access, _ = self.authority.issue(with_refresh=False)
        return Answer(200, {"access_token": access, "token_type": "bearer",
                            "expires_in": 5183944})

    def _refresh(self, call: Call) -> Answer:
        q = call.query
        # a long-lived token refreshes itself while it is valid; a revoked one cannot
        if q.get("grant_type") != "ig_refresh_token" or \
                q.get("access_token") not in self.authority.refreshable:
            return graph_error("Error validating access token: The user has not authorized "
                               "application", 190, subcode=458)
        access, _ = self.authority.issue(with_refresh=False)
        return Answer(200, {"access_token": access, "token_type": "bearer",
                            "expires_in": 5183944})

    def _token(self, call: Call) -> str | None:
        return call.bearer() or call.query.get("access_token")

    def _authorized(self, call: Call) -> Answer | None:
        if self._token(call) not in self.authority.access:
            return graph_error("Error validating access token: Session has expired", 190,
                               status=401, subcode=463)
        return None

    def _me(self, call: Call) -> Answer:
        return self._authorized(call) or Answer(200, {"user_id": IG_USER,
                                                      "username": "reels.lab", "id": IG_USER})

    def _limit(self, call: Call) -> Answer:
        return self._authorized(call) or Answer(200, {"data": [
            {"quota_usage": len(self.media),
             "config": {"quota_total": 100, "quota_duration": 86400}}]})

    def _create(self, call: Call) -> Answer:
        refused = self._authorized(call)
        if refused:
            return refused
        form = call.form()
        if form.get("media_type") != "REELS" or not form.get("video_url"):
            return graph_error("The parameter video_url is required", 100)
        try:  # Instagram fetches the video itself, from the URL it was given
            video = httpx.get(form["video_url"], timeout=10)
            sha = hashlib.sha256(video.content).hexdigest() if video.is_success else None
        except httpx.HTTPError:
            sha = None
        container_id = str(10**16 + len(self.containers))
        self.containers[container_id] = Container(
            form["video_url"], form.get("caption", ""),
            "IN_PROGRESS" if sha else "ERROR", sha, self.polls_in_progress)
        return Answer(200, {"id": container_id})

    def _publish(self, call: Call) -> Answer:
        refused = self._authorized(call)
        if refused:
            return refused
        container = self.containers.get(call.form().get("creation_id", ""))
        if container is None or container.status_code != "FINISHED":
            return graph_error("Media ID is not available", 9007, subcode=2207027)
        media_id = str(18 * 10**15 + len(self.media))
        self.media[media_id] = call.form()["creation_id"]
        container.status_code, container.media_id = "PUBLISHED", media_id
        return Answer(200, {"id": media_id})

    def _object(self, call: Call) -> Answer:
        refused = self._authorized(call)
        if refused:
            return refused
        object_id = call.path.rsplit("/", 1)[1]
        if object_id in self.media:
            return Answer(200, {"id": object_id,
                                "permalink": f"https://www.instagram.com/reel/{object_id}/"})
        container = self.containers.get(object_id)
        if container is None:
            return graph_error("Unsupported get request", 100)
        if container.status_code == "IN_PROGRESS":
            if container.polls_left > 0:
                container.polls_left -= 1
            else:
                container.status_code = "FINISHED"
        answer = {"id": object_id, "status_code": container.status_code}
        if container.status_code == "ERROR":
            answer["status"] = "Error: Media download has failed."
        return Answer(200, answer)
