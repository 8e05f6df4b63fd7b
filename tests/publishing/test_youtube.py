"""The YouTube adapter against a local server speaking Google's OAuth and the resumable
upload protocol: PKCE, chunk sizes, 308 ranges, a cut mid-chunk resumed from the range
the server kept, 5xx and 429 backoff within the deadline, one refresh on 401, a revoked
grant, quota units."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.publishing.base import Grant, Tokens, Upload, VideoPost
from app.publishing.errors import GrantRevoked, PublishTransientError
from app.publishing.pkce import new_verifier
from app.publishing.youtube import INSERT_UNITS
from tests.publishing.conftest import ManualClock, authorize, publisher
from tests.publishing.fake_server import Fault
from tests.publishing.fake_youtube import UNIT, UPLOAD, FakeYouTube

CHUNK = 2 * UNIT  # 512 KiB chunks: several per test file


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    server = FakeYouTube()
    yield server
    server.stop()


def _publisher(server: FakeYouTube, clock: ManualClock, **extra: Any) -> Any:
    return publisher("youtube", clock, **{**server.settings(), "YOUTUBE_CHUNK_BYTES": CHUNK,
                                          "PUBLISH_DEADLINE_S": 120, **extra})


def _post(path: Path) -> VideoPost:
    return VideoPost(path=path, size_bytes=path.stat().st_size, title="Three facts",
                     description="About owls", tags=("owls",), privacy="unlisted")


def _ranges(server: FakeYouTube) -> list[str]:
    return [c.headers["content-range"] for c in server.seen("PUT", UPLOAD)]


def test_pkce_authorization_and_code_exchange(youtube: FakeYouTube, clock: ManualClock) -> None:
    yt = _publisher(youtube, clock)
    verifier = new_verifier()
    tokens = authorize(yt, verifier=verifier)
    asked = youtube.authority.authorizations[-1]
    assert asked["code_challenge_method"] == "S256" and asked["access_type"] == "offline"
    assert "youtube.upload" in asked["scope"] and asked["client_id"] == youtube.settings()[
        "YOUTUBE_CLIENT_ID"]
    assert tokens.access_token in youtube.authority.access and tokens.refresh_token
    assert "at-" not in repr(tokens)  # tokens stay out of reprs and so out of logs


def test_a_wrong_verifier_is_refused(youtube: FakeYouTube, clock: ManualClock) -> None:
    yt = _publisher(youtube, clock)
    url = yt.authorization_url(state="s", redirect_uri="http://127.0.0.1:9/cb",
                               code_challenge="A" * 43)
    code = re.search(r"code=([^&]+)", httpx.get(url).headers["location"])
    assert code is not None
    with pytest.raises(GrantRevoked, match="invalid_grant"):
        yt.exchange_code(code=code.group(1), redirect_uri="http://127.0.0.1:9/cb",
                         code_verifier=new_verifier())


def test_upload_in_chunks_of_256_kib_multiples(youtube: FakeYouTube, clock: ManualClock,
                                               small_video: tuple[Path, str]) -> None:
    path, sha = small_video
    yt = _publisher(youtube, clock)
    grant = Grant(authorize(yt))
    post = _post(path)
    upload = yt.start(grant, post)
    assert upload.upload_url and upload.quota_units == INSERT_UNITS
    opened = youtube.seen("POST", UPLOAD)[0]
    assert opened.query == {"uploadType": "resumable", "part": "snippet,status"}
    assert opened.headers["x-upload-content-length"] == str(post.size_bytes)
    assert opened.json()["status"]["privacyStatus"] == "unlisted"
    assert "#Shorts" in opened.json()["snippet"]["description"]
    seen: list[int] = []
    done = yt.send(grant, upload, post, lambda sent, total: seen.append(sent))
    size = post.size_bytes
    assert _ranges(youtube) == [f"bytes {a}-{min(a + CHUNK, size) - 1}/{size}"
                                for a in range(0, size, CHUNK)]
    assert youtube.videos[done.remote_id]["sha256"] == sha
    assert seen == [min(a + CHUNK, size) for a in range(0, size, CHUNK)]
    status = yt.poll(grant, done)
    assert status.state == "published" and status.url.endswith(done.remote_id)
    assert yt.quota_spent == youtube.quota_used == INSERT_UNITS + 1  # the insert, one list


def test_a_cut_mid_chunk_resumes_from_the_range_the_server_kept(
        youtube: FakeYouTube, clock: ManualClock, small_video: tuple[Path, str]) -> None:
    path, sha = small_video
    yt = _publisher(youtube, clock)
    grant = Grant(authorize(yt))
    post = _post(path)
    upload = yt.start(grant, post)
    # the first chunk arrives; the second is cut 300 KiB in: the server keeps 256 KiB
    youtube.fail_next("PUT", UPLOAD, Fault(), Fault(cut_after=300 * 1024))
    done = yt.send(grant, upload, post)
    assert youtube.videos[done.remote_id]["sha256"] == sha
    size = post.size_bytes
    ranges = _ranges(youtube)
    assert ranges[:4] == [f"bytes 0-{CHUNK - 1}/{size}", f"bytes {CHUNK}-{2 * CHUNK - 1}/{size}",
                          f"bytes */{size}", f"bytes {CHUNK + UNIT}-{2 * CHUNK + UNIT - 1}/{size}"]
    assert len(youtube.videos) == 1 and len(clock.slept) == 1  # one backoff, after the cut


def test_5xx_waits_as_asked_then_asks_what_arrived(
        youtube: FakeYouTube, clock: ManualClock, small_video: tuple[Path, str]) -> None:
    path, sha = small_video
    yt = _publisher(youtube, clock)
    grant = Grant(authorize(yt))
    post = _post(path)
    upload = yt.start(grant, post)
    youtube.fail_next("PUT", UPLOAD, Fault(503, {"error": {"message": "backend"}},
                                           {"Retry-After": "7"}))
    done = yt.send(grant, upload, post)
    assert clock.slept == [7.0]
    assert _ranges(youtube)[:3] == [f"bytes 0-{CHUNK - 1}/{post.size_bytes}",
                                    f"bytes */{post.size_bytes}",
                                    f"bytes 0-{CHUNK - 1}/{post.size_bytes}"]
    assert youtube.videos[done.remote_id]["sha256"] == sha


def test_429_backs_off_with_jitter_until_the_deadline(
        youtube: FakeYouTube, clock: ManualClock, small_video: tuple[Path, str]) -> None:
    yt = _publisher(youtube, clock, PUBLISH_DEADLINE_S=30, PUBLISH_BACKOFF_BASE_S=1,
                    PUBLISH_BACKOFF_CAP_S=8)
    grant = Grant(authorize(yt))
    youtube.fail_next("POST", UPLOAD, *[Fault(429, {"error": {"message": "slow down"}})] * 50)
    with pytest.raises(PublishTransientError) as caught:
        yt.start(grant, _post(small_video[0]))
    assert caught.value.code == "rate_limited"
    assert sum(clock.slept) <= 30 and len(clock.slept) >= 3
    assert all(0 <= w <= 8 for w in clock.slept) and len(set(clock.slept)) > 1
    assert youtube.sessions == {}


def test_a_401_refreshes_once_and_hands_over_the_new_tokens(
        youtube: FakeYouTube, clock: ManualClock) -> None:
    yt = _publisher(youtube, clock)
    stored: list[Tokens] = []
    grant = Grant(authorize(yt), on_refresh=stored.append)
    old = grant.tokens
    youtube.authority.expire_access()
    identity = yt.identity(grant)
    assert identity.external_id == "UCfakechannel0000000000"
    assert len(stored) == 1 and stored[0].access_token != old.access_token
    assert stored[0].refresh_token == old.refresh_token  # Google returns none on refresh
    assert len(youtube.seen("POST", "/token")) == 2  # the code, then one refresh


def test_a_revoked_grant_asks_for_a_reconnect(youtube: FakeYouTube, clock: ManualClock) -> None:
    yt = _publisher(youtube, clock)
    grant = Grant(authorize(yt))
    youtube.authority.revoke()
    with pytest.raises(GrantRevoked) as caught:
        yt.identity(grant)
    assert caught.value.code == "needs_reconnect" and "invalid_grant" in caught.value.message


def test_poll_finds_an_upload_that_finished_before_it_was_recorded(
        youtube: FakeYouTube, clock: ManualClock, small_video: tuple[Path, str]) -> None:
    path, _ = small_video
    yt = _publisher(youtube, clock)
    grant = Grant(authorize(yt))
    post = _post(path)
    upload = yt.start(grant, post)
    yt.send(grant, upload, post)  # the caller crashed before recording the video id
    status = yt.poll(grant, Upload("youtube", None, upload.upload_url, upload.total_bytes))
    assert status.state == "published" and status.remote_id in youtube.videos
    assert len(youtube.videos) == 1 and len(youtube.seen("POST", UPLOAD)) == 1


def test_a_spent_quota_is_a_transient_error(youtube: FakeYouTube, clock: ManualClock,
                                            small_video: tuple[Path, str]) -> None:
    yt = _publisher(youtube, clock)
    grant = Grant(authorize(yt))
    youtube.fail_next("POST", UPLOAD, Fault(403, {"error": {"code": 403, "errors": [
        {"reason": "quotaExceeded", "domain": "youtube.quota"}]}}))
    with pytest.raises(PublishTransientError) as caught:
        yt.start(grant, _post(small_video[0]))
    assert caught.value.code == "quota_exceeded"
    assert caught.value.retry_after_s is not None and 0 < caught.value.retry_after_s <= 86400


def test_a_token_about_to_expire_is_refreshed_before_use(youtube: FakeYouTube,
                                                         clock: ManualClock) -> None:
    yt = _publisher(youtube, clock)
    tokens = authorize(yt)
    assert tokens.expires_at is not None
    stored: list[Tokens] = []
    grant = Grant(tokens, on_refresh=stored.append)
    # an hour left: kept; four minutes left (under the 300 s margin): refreshed
    assert grant.ensure_fresh(yt.refresh, now=tokens.expires_at - timedelta(hours=1)) is False
    assert grant.ensure_fresh(yt.refresh, now=tokens.expires_at - timedelta(minutes=4))
    assert [t.access_token for t in stored] == [grant.tokens.access_token]
    assert grant.tokens.access_token != tokens.access_token


def test_a_token_that_dies_mid_upload_is_refreshed_and_the_chunk_sent_again(
        youtube: FakeYouTube, clock: ManualClock, small_video: tuple[Path, str]) -> None:
    path, sha = small_video
    yt = _publisher(youtube, clock)
    stored: list[Tokens] = []
    grant = Grant(authorize(yt), on_refresh=stored.append)
    post = _post(path)
    upload = yt.start(grant, post)
    expired = False

    def expire_after_the_first_chunk(sent: int, total: int) -> None:
        nonlocal expired
        if not expired:
            expired = True
            youtube.authority.expire_access()

    done = yt.send(grant, upload, post, expire_after_the_first_chunk)
    assert youtube.videos[done.remote_id]["sha256"] == sha and len(stored) == 1
    ranges = _ranges(youtube)
    assert ranges[1] == ranges[2] == f"bytes {CHUNK}-{2 * CHUNK - 1}/{post.size_bytes}"
