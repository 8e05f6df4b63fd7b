"""The Instagram adapter against a local Graph API: code -> short-lived -> long-lived
token, a REELS container from a video_url the server downloads, status_code polling,
media_publish only once FINISHED, clear ERROR and EXPIRED, refresh on 401, code 190."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.publishing.base import Grant, VideoPost
from app.publishing.errors import GrantRevoked, PublishError, PublishTransientError
from tests.publishing.conftest import ManualClock, authorize, publisher
from tests.publishing.fake_instagram import IG_USER, FakeInstagram, V
from tests.publishing.fake_server import Fault

DATA = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture
def instagram() -> Iterator[FakeInstagram]:
    server = FakeInstagram()
    yield server
    server.stop()


def _publisher(server: FakeInstagram, clock: ManualClock) -> Any:
    return publisher("instagram", clock, **server.settings())


def _post(url: str | None) -> VideoPost:
    return VideoPost(path=None, size_bytes=len(DATA), description="Three owl facts",
                     tags=("owls", "#facts"), video_url=url)


def test_code_to_long_lived_token_then_a_reel_published_once_finished(
        instagram: FakeInstagram, clock: ManualClock) -> None:
    ig = _publisher(instagram, clock)
    tokens = authorize(ig)
    assert tokens.account_id == IG_USER and tokens.refresh_token is None
    assert "instagram_business_content_publish" in tokens.scopes
    assert tokens.access_token in instagram.authority.access  # the long-lived one
    assert "code_challenge" not in instagram.authority.authorizations[-1]
    grant = Grant(tokens)
    assert ig.identity(grant).name == "reels.lab"
    assert ig.limits(grant).posts_per_day == 100
    upload = ig.start(grant, _post(instagram.file_url("reel.mp4", DATA)))
    container = instagram.containers[upload.remote_id]
    assert container.sha256 == hashlib.sha256(DATA).hexdigest()
    assert container.caption == "Three owl facts #owls #facts"
    assert ig.finish(grant, upload).state == "processing"  # IN_PROGRESS: nothing published
    assert instagram.seen("POST", f"{V}/\\d+/media_publish") == []
    status = ig.finish(grant, upload)
    assert status.state == "published" and status.url == \
        f"https://www.instagram.com/reel/{status.remote_id}/"
    assert list(instagram.media.values()) == [upload.remote_id]


def test_a_container_in_error_or_expired_fails_with_a_clear_message(
        instagram: FakeInstagram, clock: ManualClock) -> None:
    ig = _publisher(instagram, clock)
    grant = Grant(authorize(ig))
    broken = ig.start(grant, _post(f"{instagram.url}/files/missing.mp4"))
    status = ig.poll(grant, broken)
    assert status.state == "failed" and "could not process" in (status.error or "")
    assert "Media download has failed" in (status.error or "")
    upload = ig.start(grant, _post(instagram.file_url("reel.mp4", DATA)))
    instagram.containers[upload.remote_id].status_code = "EXPIRED"
    expired = ig.finish(grant, upload)
    assert expired.state == "failed" and "24 hours" in (expired.error or "")
    assert instagram.media == {}


def test_a_reel_needs_a_url_instagram_can_fetch(instagram: FakeInstagram,
                                               clock: ManualClock, tmp_path: Path) -> None:
    ig = _publisher(instagram, clock)
    with pytest.raises(PublishError) as caught:
        ig.start(Grant(authorize(ig)), _post(None))
    assert caught.value.code == "no_video_url"


def test_401_refreshes_the_long_lived_token_and_code_190_asks_for_reconnect(
        instagram: FakeInstagram, clock: ManualClock) -> None:
    ig = _publisher(instagram, clock)
    grant = Grant(authorize(ig))
    before = grant.tokens.access_token
    instagram.authority.expire_access()
    assert ig.identity(grant).external_id == IG_USER
    assert grant.tokens.access_token != before
    assert len(instagram.seen("GET", "/refresh_access_token")) == 1
    instagram.authority.revoke()
    with pytest.raises(GrantRevoked) as caught:
        ig.identity(grant)
    assert caught.value.code == "needs_reconnect" and "not authorized" in caught.value.message


def test_graph_throttling_is_a_transient_error(instagram: FakeInstagram,
                                               clock: ManualClock) -> None:
    ig = _publisher(instagram, clock)
    grant = Grant(authorize(ig))
    instagram.fail_next("POST", f"{V}/\\d+/media", Fault(400, {"error": {
        "message": "Application request limit reached", "type": "OAuthException",
        "code": 4, "is_transient": True}}))
    with pytest.raises(PublishTransientError) as caught:
        ig.start(grant, _post(instagram.file_url("reel.mp4", DATA)))
    assert caught.value.code == "rate_limited" and caught.value.retry_after_s == 3600
    assert "request limit" in caught.value.message and instagram.containers == {}


def test_secrets_in_token_queries_stay_out_of_the_logs(
        instagram: FakeInstagram, clock: ManualClock, caplog: pytest.LogCaptureFixture) -> None:
    ig = _publisher(instagram, clock)
    with caplog.at_level(logging.DEBUG, logger="httpx"):
        tokens = authorize(ig)  # ig_exchange_token sends the secret and token in the query
        ig.refresh(tokens)
    logged = caplog.text
    assert "/access_token" in logged and "/refresh_access_token" in logged
    assert "ig-app-secret" not in logged and tokens.access_token not in logged
    assert "ig-short-" not in logged
