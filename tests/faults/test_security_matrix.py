"""Every route that takes an id, from the app's own OpenAPI, against five principals:
the owner, another user, no token, an expired token and an admin. Another user's object
(and an admin's use of a user route) must read as 404, never 403 or 200."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.core.security import create_access_token
from tests.support.fixtures import Account, promote_to_admin
from tests.support.jobs import submit, upload_images
from tests.support.media import image_bytes
from tests.support.processes import ApiServer

Factory = Callable[[Account], str]


def _job(owner: Account) -> str:
    return str(submit(owner, upload_images(owner, 1), seconds_per_image=0.5)["id"])


def _asset(owner: Account) -> str:
    return upload_images(owner, 1)[0]


def _direct_upload(owner: Account) -> str:
    """A direct upload whose bytes are in the store, waiting for `complete`."""
    content = image_bytes((10, 120, 10))
    started = owner.client.post("/api/v1/assets/uploads", json={
        "kind": "image", "filename": "a.png", "size_bytes": len(content)}).json()
    assert httpx.put(started["url"], content=content,
                     headers=started["headers"]).status_code == 200
    return str(started["upload_id"])


def _api_key(owner: Account) -> str:
    return str(owner.client.post("/api/v1/auth/api-keys", json={"name": "m"}).json()["id"])


SCRIPT = {"script": "Tea is old. People still drink it every day."}


def _created(answer: httpx.Response) -> str:
    assert answer.status_code in (200, 201, 202), answer.text
    return str(answer.json()["id"])


def _schedule(owner: Account) -> str:
    body = {"name": "m", "cron": "0 7 * * *",
            "template": {"images": {"source": "recent", "since": "P1D"}}}
    return _created(owner.client.post("/api/v1/schedules", json=body))


def _webhook(owner: Account) -> str:
    # a public address literal: checked without a DNS lookup
    url = f"https://93.184.216.34/hooks/{uuid.uuid4().hex}"
    return _created(owner.client.post("/api/v1/webhooks", json={"url": url}))


def _workflow(owner: Account) -> str:
    return _created(owner.client.post("/api/v1/tasks/submit/workflow", json=SCRIPT))


def _project(owner: Account) -> str:
    return _created(owner.client.post("/api/v1/projects",
                                      json={"name": uuid.uuid4().hex, "topic": "tea"}))


def _batch(owner: Account) -> str:
    return _created(owner.client.post("/api/v1/tasks/submit/batch",
                                      json={"items": [{"overrides": SCRIPT}]}))


def _social_account(owner: Account) -> str:
    """A connected account written straight into the table: the session's API has no
    platform credentials (the OAuth flow is tests/api/test_social_accounts.py)."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.core.config import settings
    from app.models import SocialAccount
    from app.publishing.base import Tokens
    from app.services.social_accounts.tokens import seal_tokens

    row = SocialAccount(user_id=uuid.UUID(owner.user_id), platform="youtube",
                        external_id=uuid.uuid4().hex, external_name="m", status="active")
    seal_tokens(row, Tokens(access_token="at", refresh_token="rt"))
    engine = create_engine(settings.database.sync_url)
    with Session(engine) as db:
        db.add(row)
        db.commit()
        account_id = str(row.id)
    engine.dispose()
    return account_id


def _social_post(owner: Account) -> str:
    """A post scheduled a day ahead (nothing runs) of a reel and account written straight
    into their tables (tests/posts covers the real render and the OAuth flow)."""
    from tests.support.posts import insert_account, insert_reel_job

    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    answer = owner.client.post("/api/v1/tasks/submit/social", json={
        "job_id": insert_reel_job(owner.user_id),
        "account_ids": [insert_account(owner.user_id)], "publish_at": later})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["posts"][0]["id"])


FACTORIES: dict[str, Factory] = {
    "job_id": _job, "asset_id": _asset, "key_id": _api_key, "schedule_id": _schedule,
    "webhook_id": _webhook, "workflow_id": _workflow, "batch_id": _batch,
    "target_id": _job, "upload_id": _direct_upload, "project_id": _project,
    "account_id": _social_account, "task_id": _job, "post_id": _social_post,
}
# Routes whose id is not owned by a user (admin tools, signed links) are listed apart.
# The deactivate route is an admin tool: tests/faults/test_credentials.py covers it.
# The plan route too: test_admin_routes_on_accounts_are_admin_only below.
# Retiring a shared library item is an admin tool: tests/api/test_library.py covers it.
# A platform name is no one's: connecting and its callback states are covered by
# tests/api/test_social_accounts.py (another user's state is refused there).
# A transition's preview is the same for everyone (a kind from the registry, no one's).
# A batch archive's signed link carries its own proof: tests/api/test_batch_archive.py
# checks that it works without a token and that a forged one is refused (403).
# Resending a delivery: tests/webhooks/test_resend.py checks another user's (404); making a
# delivery here would need a webhook endpoint that answers.
NOT_OWNED = {"/api/v1/files/{key}", "/api/v1/admin/users/{user_id}/deactivate",
             "/api/v1/admin/users/{user_id}/plan", "/api/v1/admin/library/{asset_id}/retire",
             "/api/v1/social/accounts/{platform}/connect",
             "/api/v1/social/oauth/{platform}/callback",
             "/api/v1/transitions/{name}/preview",
             "/api/v1/batches/{batch_id}/archive/signed",
             "/api/v1/webhooks/deliveries/{delivery_id}/resend"}


def _id_routes(api_server: ApiServer) -> list[tuple[str, str, str]]:
    spec = httpx.get(f"{api_server.base_url}/api/v1/openapi.json").json()
    routes = []
    for path, operations in spec["paths"].items():
        if "{" not in path or path in NOT_OWNED:
            continue
        for method in operations:
            params = [p["name"] for p in operations[method].get("parameters", [])
                      if p["in"] == "path"]
            assert len(params) == 1, f"{method} {path}: add the route to the matrix"
            routes.append((method.upper(), path, params[0]))
    return routes


def _call(api_server: ApiServer, method: str, url: str, token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=api_server.base_url, timeout=30) as client:
        if method == "GET" and url.endswith("/events"):
            with client.stream(method, url, headers=headers) as answer:
                return answer.status_code  # a stream: the status is all the matrix needs
        return client.request(method, url, headers=headers).status_code


def test_id_routes_are_owner_only(make_account: Callable[..., Account],
                                  api_server: ApiServer) -> None:
    owner, other, admin = make_account(), make_account(), make_account()
    promote_to_admin(admin.user_id)
    expired = create_access_token(uuid.UUID(owner.user_id), "user", ttl_s=-60)
    routes = _id_routes(api_server)
    assert len(routes) >= 17
    mismatches: list[tuple[Any, ...]] = []
    for method, path, param in routes:
        factory = FACTORIES.get(param)
        if factory is None:
            pytest.fail(f"{method} {path}: no factory for {{{param}}} in the security matrix")
        url = path.replace("{" + param + "}", factory(owner))
        expectations = [("another user", other.token, {404}), ("no token", None, {401}),
                        ("expired token", expired, {401}), ("admin", admin.token, {404})]
        for principal, token, allowed in expectations:
            status = _call(api_server, method, url, token)
            if status not in allowed:
                mismatches.append((method, path, principal, status))
        status = _call(api_server, method, url, owner.token)
        if status in {401, 403, 404} or status >= 500:
            mismatches.append((method, path, "owner", status))
    assert mismatches == []


def test_admin_routes_on_accounts_are_admin_only(make_account: Callable[..., Account],
                                                 api_server: ApiServer) -> None:
    """Only an admin changes an account's plan; the account itself may not."""
    owner, admin = make_account(plan="free"), make_account()
    promote_to_admin(admin.user_id)
    expired = create_access_token(uuid.UUID(admin.user_id), "admin", ttl_s=-60)
    url = f"/api/v1/admin/users/{owner.user_id}/plan"
    for token, expected in ((None, 401), (expired, 401), (owner.token, 403)):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = httpx.put(f"{api_server.base_url}{url}", json={"plan": "pro"},
                           headers=headers, timeout=30)
        assert answer.status_code == expected, (token, answer.text)
    assert owner.client.get("/api/v1/auth/me").json()["plan"] == "free"
    moved = admin.client.put(url, json={"plan": "pro"})
    assert moved.status_code == 200 and moved.json()["plan"] == "pro"
