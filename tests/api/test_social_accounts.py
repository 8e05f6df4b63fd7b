"""Connected accounts through the API, with local servers playing YouTube's and TikTok's
authorization servers: connect -> follow the URL -> callback -> listed without tokens;
replayed, expired, mismatched, unknown and denied states refused with 400s; another
user's account is 404; tokens sealed in the row under the current key."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from app.core.config import settings
from app.models import OAuthState, SocialAccount
from app.publishing.errors import GrantRevoked
from app.publishing.tokens import TokenCipher
from app.services.social_accounts.accounts import mark_needs_reconnect
from app.services.social_accounts.tokens import open_tokens, seal_tokens
from tests.publishing.fake_tiktok import FakeTikTok
from tests.publishing.fake_youtube import FakeYouTube
from tests.support.fixtures import Account, clients_on
from tests.support.processes import ApiServer

KEY_ID, KEY = "2026-12", os.urandom(32)


@pytest.fixture(scope="module")
def platforms() -> Iterator[tuple[FakeYouTube, FakeTikTok]]:
    youtube, tiktok = FakeYouTube(), FakeTikTok()
    yield youtube, tiktok
    youtube.stop()
    tiktok.stop()


@pytest.fixture(scope="module")
def social_api(platforms: tuple[FakeYouTube, FakeTikTok], tmp_root: Any) -> Iterator[ApiServer]:
    youtube, tiktok = platforms
    env = {k: str(v) for k, v in {**youtube.settings(), **tiktok.settings()}.items()}
    env |= {"TOKEN_KEYS": json.dumps({KEY_ID: base64.b64encode(KEY).decode()}),
            "TOKEN_KEY_ID": KEY_ID}
    server = ApiServer.start(log_dir=tmp_root / "logs", env=env)
    yield server
    server.stop()


@pytest.fixture
def client_for(social_api: ApiServer) -> Iterator[Callable[[Account], httpx.Client]]:
    with clients_on(social_api) as make:
        yield make


def _db() -> Session:
    return Session(create_engine(settings.database.sync_url))


def _consent(client: httpx.Client, platform: str) -> tuple[str, dict[str, str]]:
    """Start connecting, follow the authorization URL (the fake consents at once) and
    return the callback path and query the platform redirected to."""
    started = client.post(f"/api/v1/social/accounts/{platform}/connect")
    assert started.status_code == 201, started.text
    back = httpx.get(started.json()["authorization_url"], follow_redirects=False)
    assert back.status_code == 302
    location = urlsplit(back.headers["location"])
    assert started.json()["redirect_uri"] == location._replace(query="").geturl()
    return location.path, {k: v[0] for k, v in parse_qs(location.query).items()}


def test_platforms_say_which_are_offered(social_api: ApiServer, account: Account,
                                         client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    listed = {p["name"]: p for p in client.get("/api/v1/social/platforms").json()}
    assert listed["youtube"] == {"name": "youtube", "label": "YouTube", "available": True,
                                 "pkce": True}
    assert listed["tiktok"]["available"] is True and listed["tiktok"]["pkce"] is False
    assert listed["instagram"]["available"] is False
    refused = client.post("/api/v1/social/accounts/instagram/connect")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "platform_unavailable"
    assert "INSTAGRAM_APP_ID" in refused.json()["error"]["message"]
    assert client.post("/api/v1/social/accounts/myspace/connect").status_code == 422


def test_connect_lists_the_account_without_its_tokens(
        social_api: ApiServer, platforms: tuple[FakeYouTube, FakeTikTok], account: Account,
        client_for: Callable[[Account], httpx.Client]) -> None:
    youtube, _ = platforms
    client = client_for(account)
    path, query = _consent(client, "youtube")
    asked = youtube.authority.authorizations[-1]
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) == 43
    connected = client.get(path, params=query)
    assert connected.status_code == 200, connected.text
    body = connected.json()
    assert body["platform"] == "youtube" and body["external_id"] == "UCfakechannel0000000000"
    assert body["external_name"] == "Reels Lab" and body["status"] == "active"
    listed = client.get("/api/v1/social/accounts")
    assert [a["id"] for a in listed.json()] == [body["id"]]
    for text in (connected.text, listed.text):
        assert "token" not in text.replace("expires_at", "")
        assert not any(t in text for t in youtube.authority.access | youtube.authority.refresh)
    with _db() as db:
        row = db.scalars(select(SocialAccount).where(SocialAccount.id == body["id"])).one()
        assert row.token_key_id == KEY_ID
        tokens = open_tokens(row, with_cipher=TokenCipher({KEY_ID: KEY}, KEY_ID))
        assert tokens.access_token in youtube.authority.access
        assert tokens.access_token.encode() not in row.access_token
        # a rotation: the old key still opens the row, new seals carry the new key's id
        rotated = TokenCipher({KEY_ID: KEY, "2027-01": os.urandom(32)}, "2027-01")
        assert open_tokens(row, with_cipher=rotated) == tokens
        seal_tokens(row, tokens, with_cipher=rotated)
        assert row.token_key_id == "2027-01" and open_tokens(row, with_cipher=rotated) == tokens
    # connecting the same channel again updates the one row
    path, query = _consent(client, "youtube")
    assert client.get(path, params=query).json()["id"] == body["id"]
    assert len(client.get("/api/v1/social/accounts").json()) == 1


def test_a_state_is_good_once_for_its_user_platform_and_time(
        social_api: ApiServer, make_account: Callable[..., Account],
        client_for: Callable[[Account], httpx.Client]) -> None:
    owner, other = make_account(), make_account()
    client, stranger = client_for(owner), client_for(other)

    path, query = _consent(client, "tiktok")
    elsewhere = stranger.get(path, params=query)
    assert elsewhere.status_code == 400
    assert elsewhere.json()["error"] == {"code": "oauth_state_unknown", "field": "state",
                                         "message": elsewhere.json()["error"]["message"]}
    wrong = client.get(path.replace("tiktok", "youtube"), params=query)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "oauth_state_mismatch"
    assert client.get(path, params=query).status_code == 200
    replay = client.get(path, params=query)
    assert replay.status_code == 400 and replay.json()["error"]["code"] == "oauth_state_used"

    path, query = _consent(client, "youtube")
    with _db() as db:
        db.execute(update(OAuthState).where(OAuthState.user_id == owner.user_id,
                                            OAuthState.used_at.is_(None))
                   .values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.commit()
    late = client.get(path, params=query)
    assert late.status_code == 400 and late.json()["error"]["code"] == "oauth_state_expired"

    path, query = _consent(client, "youtube")
    denied = client.get(path, params={"state": query["state"], "error": "access_denied"})
    assert denied.status_code == 400 and denied.json()["error"]["code"] == "oauth_denied"

    path, query = _consent(client, "youtube")
    forged = client.get(path, params={**query, "code": "not-a-code"})
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "oauth_refused"

    unknown = client.get(path, params={"state": "never-issued", "code": "x"})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "state"
    assert client.get(path, params={"code": "x"}).status_code == 422  # no state at all
    assert [a["platform"] for a in client.get("/api/v1/social/accounts").json()] == ["tiktok"]


def test_another_users_account_is_not_found(
        social_api: ApiServer, make_account: Callable[..., Account],
        client_for: Callable[[Account], httpx.Client]) -> None:
    owner, other = make_account(), make_account()
    client, stranger = client_for(owner), client_for(other)
    path, query = _consent(client, "tiktok")
    account_id = client.get(path, params=query).json()["id"]
    assert stranger.get("/api/v1/social/accounts").json() == []
    gone = stranger.delete(f"/api/v1/social/accounts/{account_id}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert client.delete(f"/api/v1/social/accounts/{account_id}").status_code == 204
    assert client.get("/api/v1/social/accounts").json() == []
    assert client.delete(f"/api/v1/social/accounts/{account_id}").status_code == 404
    assert httpx.get(f"{social_api.base_url}/api/v1/social/accounts").status_code == 401


def test_openapi_documents_every_social_route(social_api: ApiServer) -> None:
    spec = httpx.get(f"{social_api.base_url}/api/v1/openapi.json").json()
    operations = {(method, path): op for path, ops in spec["paths"].items()
                  if path.startswith("/api/v1/social/")
                  and not path.startswith("/api/v1/social/posts")  # tests/posts checks those
                  for method, op in ops.items()}
    assert set(operations) == {
        ("get", "/api/v1/social/platforms"), ("get", "/api/v1/social/accounts"),
        ("post", "/api/v1/social/accounts/{platform}/connect"),
        ("get", "/api/v1/social/oauth/{platform}/callback"),
        ("delete", "/api/v1/social/accounts/{account_id}")}
    for (method, path), op in operations.items():
        assert op["summary"] and op["tags"] == ["social accounts"], path
        success = [code for code in op["responses"] if code.startswith("2")]
        assert len(success) == 1, path
        if method != "delete":
            assert "content" in op["responses"][success[0]], path
    callback = operations[("get", "/api/v1/social/oauth/{platform}/callback")]
    assert {"400", "409", "502", "503"} <= set(callback["responses"])
    assert "404" in operations[("delete", "/api/v1/social/accounts/{account_id}")]["responses"]
    platform = callback["parameters"][0]["schema"]
    assert platform["enum"] == ["youtube", "tiktok", "instagram"]
    account = spec["components"]["schemas"]["SocialAccountRead"]["properties"]
    assert not any("token" in name for name in account if name != "expires_at")


def test_a_revoked_grant_shows_as_needs_reconnect_until_connected_again(
        social_api: ApiServer, account: Account,
        client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    path, query = _consent(client, "tiktok")
    account_id = client.get(path, params=query).json()["id"]
    revoked = GrantRevoked("tiktok", "invalid_grant: Refresh token is invalid or expired.")

    async def mark() -> None:  # what the publish job does when a platform refuses the grant
        engine = create_async_engine(settings.database.DATABASE_URL)
        async with async_sessionmaker(engine)() as session:
            await mark_needs_reconnect(session=session, account_id=uuid.UUID(account_id),
                                       reason=revoked.message)
            await session.commit()
        await engine.dispose()

    asyncio.run(mark())
    listed = client.get("/api/v1/social/accounts").json()
    assert [(a["status"], a["status_reason"]) for a in listed] == [
        ("needs_reconnect", revoked.message)]
    path, query = _consent(client, "tiktok")
    again = client.get(path, params=query).json()
    assert (again["id"], again["status"], again["status_reason"]) == (account_id, "active", None)
