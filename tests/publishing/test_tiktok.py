"""The TikTok adapter against a local Content Posting API: the chunk plan, chunk PUTs,
a cut chunk sent again, status polling to PUBLISH_COMPLETE, creator-info limits, the
error envelope, one refresh on 401, invalid_grant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.publishing.base import Grant, VideoPost
from app.publishing.errors import GrantRevoked, PublishError
from app.publishing.tiktok import MIB, chunk_plan, chunk_spans
from tests.publishing.conftest import ManualClock, authorize, publisher, video_file
from tests.publishing.fake_server import Fault
from tests.publishing.fake_tiktok import CREATOR, UPLOAD, FakeTikTok


@pytest.fixture
def tiktok() -> Iterator[FakeTikTok]:
    server = FakeTikTok()
    yield server
    server.stop()


def _publisher(server: FakeTikTok, clock: ManualClock, **extra: Any) -> Any:
    return publisher("tiktok", clock, **{**server.settings(), "TIKTOK_CHUNK_BYTES": 5 * MIB,
                                         "PUBLISH_DEADLINE_S": 120, **extra})


def test_the_chunk_plan_follows_the_media_transfer_rules() -> None:
    assert chunk_plan(3 * MIB, 10 * MIB) == (3 * MIB, 1)  # under 5 MB: one whole chunk
    assert chunk_plan(12 * MIB + 5, 5 * MIB) == (5 * MIB, 2)  # the last takes 7 MiB + 5
    assert chunk_spans(12 * MIB + 5, 5 * MIB, 2) == [(0, 5 * MIB), (5 * MIB, 7 * MIB + 5)]
    assert chunk_plan(64 * MIB, 64 * MIB) == (64 * MIB, 1)
    with pytest.raises(ValueError):
        chunk_plan(10 * MIB, 4 * MIB)
    with pytest.raises(PublishError, match="1000 chunks"):
        chunk_plan(5 * MIB * 1001, 5 * MIB)


def test_direct_post_in_chunks_then_polled_until_published(
        tiktok: FakeTikTok, clock: ManualClock, tmp_path: Path) -> None:
    path, sha = video_file(tmp_path, 11 * MIB + 321)
    tt = _publisher(tiktok, clock)
    tokens = authorize(tt)
    assert tokens.account_id == "-000fakeopenid" and "video.publish" in tokens.scopes
    grant = Grant(tokens)
    post = VideoPost(path=path, size_bytes=path.stat().st_size, title="Owls", tags=("facts",),
                     privacy="private", duration_s=42)
    upload = tt.start(grant, post)
    init = tiktok.seen("POST", "/v2/post/publish/video/init/")[0].json()
    assert init["source_info"] == {"source": "FILE_UPLOAD", "video_size": post.size_bytes,
                                   "chunk_size": 5 * MIB, "total_chunk_count": 2}
    assert init["post_info"]["privacy_level"] == "SELF_ONLY"
    assert init["post_info"]["title"] == "Owls #facts"
    assert init["post_info"]["disable_duet"] is True  # the creator has duets off
    done = tt.send(grant, upload, post)
    assert [c.headers["content-range"] for c in tiktok.seen("PUT", UPLOAD)] == [
        f"bytes 0-{5 * MIB - 1}/{post.size_bytes}",
        f"bytes {5 * MIB}-{post.size_bytes - 1}/{post.size_bytes}"]
    assert tiktok.sha256(upload.remote_id) == sha
    assert tt.poll(grant, done).state == "processing"
    status = tt.poll(grant, done)
    assert status.state == "published"
    assert status.url == "https://www.tiktok.com/@reels.lab/video/7312345678901234567"


def test_a_cut_chunk_is_sent_again_whole(tiktok: FakeTikTok, clock: ManualClock,
                                         tmp_path: Path) -> None:
    path, sha = video_file(tmp_path, 11 * MIB)
    tt = _publisher(tiktok, clock)
    grant = Grant(authorize(tt))
    post = VideoPost(path=path, size_bytes=path.stat().st_size, privacy="public")
    upload = tt.start(grant, post)
    tiktok.fail_next("PUT", UPLOAD, Fault(), Fault(cut_after=MIB),
                     Fault(502, {"error": "gateway"}))
    tt.send(grant, upload, post)
    ranges = [c.headers["content-range"] for c in tiktok.seen("PUT", UPLOAD)]
    assert ranges[1:] == [f"bytes {5 * MIB}-{post.size_bytes - 1}/{post.size_bytes}"] * 3
    assert tiktok.sha256(upload.remote_id) == sha and len(clock.slept) == 2


def test_creator_limits_refuse_a_privacy_or_length_the_account_does_not_allow(
        tiktok: FakeTikTok, clock: ManualClock, tmp_path: Path) -> None:
    path, _ = video_file(tmp_path, MIB)
    tt = _publisher(tiktok, clock)
    grant = Grant(authorize(tt))
    limits = tt.limits(grant)
    assert limits.max_duration_s == 600
    assert limits.privacy_options == tuple(CREATOR["privacy_level_options"])
    with pytest.raises(PublishError, match="FOLLOWER_OF_CREATOR|followers") as caught:
        tt.start(grant, VideoPost(path=path, size_bytes=MIB, privacy="followers"))
    assert caught.value.code == "bad_privacy"
    with pytest.raises(PublishError, match="600 s") as too_long:
        tt.start(grant, VideoPost(path=path, size_bytes=MIB, privacy="public",
                                  duration_s=601))
    assert too_long.value.code == "too_long"
    assert tiktok.publishes == {}


def test_an_expired_token_refreshes_once_and_a_revoked_grant_asks_for_reconnect(
        tiktok: FakeTikTok, clock: ManualClock) -> None:
    tt = _publisher(tiktok, clock)
    grant = Grant(authorize(tt))
    tiktok.authority.expire_access()
    assert tt.identity(grant).name == "Reels Lab"
    tiktok.authority.revoke()
    with pytest.raises(GrantRevoked, match="invalid_grant"):
        tt.identity(grant)


def test_platform_errors_are_readable(tiktok: FakeTikTok, clock: ManualClock,
                                      tmp_path: Path) -> None:
    path, _ = video_file(tmp_path, MIB)
    tt = _publisher(tiktok, clock)
    grant = Grant(authorize(tt))
    tiktok.fail_next("POST", "/v2/post/publish/video/init/", Fault(403, {
        "data": {}, "error": {"code": "spam_risk_too_many_posts",
                              "message": "The daily post cap is reached.", "log_id": "1"}}))
    with pytest.raises(PublishError) as caught:
        tt.start(grant, VideoPost(path=path, size_bytes=MIB, privacy="public"))
    assert caught.value.code == "tiktok_spam_risk_too_many_posts"
    assert "daily post cap" in caught.value.message
