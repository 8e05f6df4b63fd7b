"""Hostile URLs are refused where they enter (submit, endpoint create) with a 422 naming the
field, nothing is stored, and a loopback canary is never dialled."""

from __future__ import annotations

from tests.support.fixtures import Account
from tests.support.media import image_bytes
from tests.webhooks.receiver import Canary

HOSTILE = [
    "http://127.0.0.1:{port}/", "https://127.0.0.1:{port}/", "https://[::1]:{port}/",
    "https://0x7f000001:{port}/", "https://2130706433:{port}/", "https://127.1:{port}/",
    "https://[::ffff:127.0.0.1]:{port}/", "https://localhost:{port}/",
    "https://169.254.169.254/latest/meta-data", "https://[fd00:ec2::254]/",
    "https://100.64.0.1/", "https://0.0.0.0:{port}/", "https://10.0.0.1/",
    "https://user:pw@example.com/", "ftp://127.0.0.1:{port}/", "not a url",
]


def test_hostile_callback_urls_are_refused_at_submit(account: Account, canary: Canary) -> None:
    image = account.upload(image_bytes((10, 10, 200)), "a.png").json()["id"]
    for url in HOSTILE:
        answer = account.client.post("/api/v1/tasks/submit/video", json={
            "asset_ids": [image], "callback_url": url.format(port=canary.port)})
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json()["error"]["field"] == "callback_url", url
    assert account.client.get("/api/v1/tasks").json()["items"] == []
    assert canary.connections == 0


def test_hostile_endpoint_urls_are_refused(account: Account, canary: Canary) -> None:
    for url in HOSTILE:
        answer = account.client.post("/api/v1/webhooks",
                                     json={"url": url.format(port=canary.port)})
        assert answer.status_code == 422, (url, answer.text)
        assert answer.json()["error"]["field"] == "url", url
    assert account.client.get("/api/v1/webhooks").json() == []
    assert canary.connections == 0


def test_an_overlong_callback_url_is_refused(account: Account) -> None:
    image = account.upload(image_bytes((10, 10, 200)), "a.png").json()["id"]
    answer = account.client.post("/api/v1/tasks/submit/video", json={
        "asset_ids": [image], "callback_url": "https://example.com/" + "a" * 2048})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "callback_url"
