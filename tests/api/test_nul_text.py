"""NUL characters, which PostgreSQL text cannot hold, are a 422 naming the field."""

from __future__ import annotations

from tests.support.fixtures import Account


def test_nul_in_a_json_body_names_the_field(account: Account) -> None:
    answer = account.client.post("/api/v1/tasks/submit/workflow", json={
        "topic": "tea", "audience": "7\x00Y", "platforms": ["tiktok"]})
    assert answer.status_code == 422
    assert answer.json()["error"] == {"code": "invalid_text", "field": "audience",
                                      "message": "audience: NUL characters are not allowed"}
    nested = account.client.post("/api/v1/tasks/submit/tts",
                                 json={"text": "hello", "voice": {"voice": "a\x00"}})
    assert nested.status_code == 422 and nested.json()["error"]["field"] == "voice.voice"


def test_nul_in_a_query_parameter_is_refused(account: Account) -> None:
    answer = account.client.get("/api/v1/tasks", params={"kind": "vid\x00eo"})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_text"


def test_ordinary_bodies_still_pass(account: Account) -> None:
    answer = account.client.post("/api/v1/tasks/submit/tts", json={"text": "a \\u0000 b"})
    assert answer.status_code == 202, answer.text
