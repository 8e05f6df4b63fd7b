"""The OpenAI-compatible writer against a local server speaking chat completions."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from app.content import Brief, OpenAIWriter, ScriptError, ScriptTransientError
from app.content.models import ScriptDraft
from app.content.prompt import DRAFT_SCHEMA
from app.core.http import HttpRetry
from tests.content.scripted_server import Reply, ScriptedServer, Seen, scripted_server

BRIEF = Brief(topic="black holes", audience="space fans", tone="dramatic", platform="shorts",
              target_duration_s=20, seed=42)
DRAFT: dict[str, Any] = {
    "hook": "What happens if you fall into a black hole?",
    "beats": [
        {"text": "Gravity there is so strong that light cannot escape.",
         "scene_text": "Light can't escape", "keywords": ["black hole", "light"]},
        {"text": "Time slows down as you get closer to the edge.",
         "scene_text": "Time slows down", "keywords": ["clock", "event horizon"]},
        {"text": "Then tides stretch you thinner than spaghetti.",
         "scene_text": "Spaghettification", "keywords": ["spaghetti", "gravity"]},
    ],
    "call_to_action": "Subscribe for more space in under a minute.",
}


def completion(content: str | None, **message: Any) -> dict[str, Any]:
    """A chat.completion object as OpenAI returns it."""
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content, **message}}],
    }


def ok(draft: dict[str, Any] = DRAFT) -> Reply:
    return Reply(200, completion(json.dumps(draft)))


def chat_protocol(*, json_schema: bool = True) -> Any:
    """Rules of the fake server: one route, and (optionally) no json_schema support."""

    def respond(seen: Seen) -> Reply | None:
        if seen.method != "POST" or seen.path != "/v1/chat/completions":
            return Reply(404, {"error": {"message": f"no route {seen.path}"}})
        kind = seen.json().get("response_format", {}).get("type")
        if kind == "json_schema" and not json_schema:
            return Reply(400, {"error": {"message": "response_format type json_schema is "
                                         "unsupported", "type": "invalid_request_error"}})
        return None

    return respond


@pytest.fixture(scope="module")
def chat_server() -> Iterator[ScriptedServer]:
    with scripted_server(chat_protocol()) as srv:
        yield srv


@pytest.fixture
def server(chat_server: ScriptedServer) -> ScriptedServer:
    chat_server.reset()
    return chat_server


def writer_for(url: str, naps: list[float], **kwargs: Any) -> OpenAIWriter:
    # `sleep` records the pauses instead of taking them: the test checks the asked durations.
    return OpenAIWriter(base_url=f"{url}/v1", model="test-model", api_key="sk-test",
                        timeout_s=5, sleep=naps.append, **kwargs)


def test_valid_structured_answer(server: ScriptedServer) -> None:
    server.queue(ok())
    naps: list[float] = []
    script = writer_for(server.url, naps).write(BRIEF)
    assert script.hook == DRAFT["hook"]
    assert [b.scene_text for b in script.beats] == [b["scene_text"] for b in DRAFT["beats"]]
    assert (script.topic, script.words_per_second) == ("black holes", 2.5)
    assert script.word_count == 43 and script.estimated_duration_s == 17.2
    (seen,) = server.requests
    assert seen.headers["Authorization"] == "Bearer sk-test"
    body = seen.json()
    assert body["model"] == "test-model" and body["seed"] == 42
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["schema"] == DRAFT_SCHEMA
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    assert "about 50 words" in body["messages"][1]["content"]
    assert naps == []


def test_schema_matches_the_draft_model() -> None:
    assert set(DRAFT_SCHEMA["required"]) == set(ScriptDraft.model_fields)
    beat = DRAFT_SCHEMA["properties"]["beats"]["items"]
    assert set(beat["required"]) == {"text", "scene_text", "keywords"}


def test_fenced_json_is_accepted(server: ScriptedServer) -> None:
    server.queue(Reply(200, completion("```json\n" + json.dumps(DRAFT) + "\n```")))
    assert writer_for(server.url, []).write(BRIEF).hook == DRAFT["hook"]


def test_429_waits_as_told_then_succeeds(server: ScriptedServer) -> None:
    server.queue(Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "2"}), ok())
    naps: list[float] = []
    script = writer_for(server.url, naps).write(BRIEF)
    assert script.hook == DRAFT["hook"]
    assert naps == [2.0]
    assert len(server.requests) == 2


def test_500_backs_off_then_succeeds(server: ScriptedServer) -> None:
    server.queue(Reply(500, {"error": {"message": "boom"}}), ok())
    naps: list[float] = []
    writer_for(server.url, naps, policy=HttpRetry(base_delay_s=0.5)).write(BRIEF)
    assert len(naps) == 1 and 0.25 <= naps[0] <= 0.5  # equal jitter on the first 0.5 s step
    assert len(server.requests) == 2


def test_busy_server_past_the_attempts_is_transient(server: ScriptedServer) -> None:
    server.queue(*[Reply(503, "overloaded")] * 3)
    naps: list[float] = []
    with pytest.raises(ScriptTransientError) as info:
        writer_for(server.url, naps, policy=HttpRetry(max_attempts=3)).write(BRIEF)
    assert info.value.code == "llm_unavailable" and info.value.retryable
    assert len(server.requests) == 3 and len(naps) == 2


def test_long_retry_after_goes_back_to_the_task(server: ScriptedServer) -> None:
    server.queue(Reply(429, "quota", {"Retry-After": "120"}))
    naps: list[float] = []
    with pytest.raises(ScriptTransientError) as info:
        writer_for(server.url, naps, policy=HttpRetry(max_wait_s=30)).write(BRIEF)
    assert info.value.code == "llm_rate_limited"
    assert info.value.retry_after_s == 120.0
    assert naps == [] and len(server.requests) == 1


def test_malformed_answer_is_retried_once_with_the_problem(server: ScriptedServer) -> None:
    server.queue(Reply(200, completion("Sure! Here is your script: {hook: ...")), ok())
    script = writer_for(server.url, []).write(BRIEF)
    assert script.call_to_action == DRAFT["call_to_action"]
    assert len(server.requests) == 2
    retry = server.requests[1].json()["messages"]
    assert retry[-2] == {"role": "assistant",
                         "content": "Sure! Here is your script: {hook: ..."}
    assert retry[-1]["role"] == "user" and "not JSON" in retry[-1]["content"]


def test_two_malformed_answers_are_permanent_with_the_raw_answer(
    server: ScriptedServer,
) -> None:
    two_beats = {**DRAFT, "beats": DRAFT["beats"][:2]}
    server.queue(Reply(200, completion("not json")), Reply(200, completion(json.dumps(two_beats))))
    with pytest.raises(ScriptError) as info:
        writer_for(server.url, []).write(BRIEF)
    assert info.value.code == "llm_malformed" and not info.value.retryable
    assert info.value.raw == json.dumps(two_beats)
    assert "beats" in info.value.message
    assert len(server.requests) == 2


def test_json_schema_refused_falls_back_to_json_mode() -> None:
    with scripted_server(chat_protocol(json_schema=False)) as server:
        server.queue(ok(), ok())
        writer = writer_for(server.url, [])
        assert writer.write(BRIEF).hook == DRAFT["hook"]
        kinds = [s.json()["response_format"]["type"] for s in server.requests]
        assert kinds == ["json_schema", "json_object"]
        # The writer remembers: the next script goes straight to JSON mode.
        writer.write(BRIEF)
        kinds = [s.json()["response_format"]["type"] for s in server.requests]
        assert kinds == ["json_schema", "json_object", "json_object"]
        assert "JSON schema" in server.requests[1].json()["messages"][0]["content"]


def test_401_is_permanent_and_not_retried(server: ScriptedServer) -> None:
    server.queue(Reply(401, {"error": {"message": "Incorrect API key provided"}}))
    naps: list[float] = []
    with pytest.raises(ScriptError) as info:
        writer_for(server.url, naps).write(BRIEF)
    assert info.value.code == "llm_auth"
    assert "Incorrect API key" in (info.value.raw or "")
    assert len(server.requests) == 1 and naps == []


def test_refusal_is_permanent(server: ScriptedServer) -> None:
    server.queue(Reply(200, completion(None, refusal="I can't help with that.")))
    with pytest.raises(ScriptError) as info:
        writer_for(server.url, []).write(BRIEF)
    assert info.value.code == "llm_refused"
    assert len(server.requests) == 1


def test_unreachable_server_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more: every connection is refused.
    naps: list[float] = []
    with pytest.raises(ScriptTransientError) as info:
        writer_for(f"http://127.0.0.1:{port}", naps, policy=HttpRetry(max_attempts=2)).write(
            BRIEF)
    assert info.value.code == "llm_unreachable"
    assert len(naps) == 1


def test_no_key_sends_no_authorization(server: ScriptedServer) -> None:
    server.queue(ok())
    OpenAIWriter(base_url=f"{server.url}/v1", model="llama3.1").write(BRIEF)
    assert "Authorization" not in server.requests[0].headers
