"""Script writing through any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import httpx
from pydantic import ValidationError

from app.content import prompt
from app.content.errors import ScriptError, describe
from app.content.http import failure_error
from app.content.models import Brief, Script, ScriptDraft
from app.core.http import HttpFailure, HttpRetry, Sleep, make_client, send

# Local models often wrap JSON in a markdown fence even in JSON mode.
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class _Malformed(Exception):
    def __init__(self, problem: str, raw: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.raw = raw


def _parse_answer(body: Any) -> ScriptDraft:
    """The draft inside a chat-completions answer, or _Malformed saying what is wrong."""
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        raise _Malformed("no choices[0].message in the answer", json.dumps(body)[:4000]) from None
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        refusal = message.get("refusal")
        if refusal:
            raise ScriptError("llm_refused", f"the model refused: {refusal}", str(refusal))
        raise _Malformed("the message has no content", json.dumps(body)[:4000])
    fenced = _FENCE.match(content)
    text = fenced.group(1) if fenced else content
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Malformed(f"not JSON ({exc.msg} at char {exc.pos})", content) from None
    try:
        return ScriptDraft.model_validate(data)
    except ValidationError as exc:
        raise _Malformed(describe(exc), content) from None


class OpenAIWriter:
    """Asks a chat-completions model for a script under a strict JSON schema."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        temperature: float = 0.8,
        policy: HttpRetry | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.temperature = temperature
        self.policy = policy or HttpRetry()
        self.transport = transport
        self.sleep = sleep
        # Flipped for good once a server answers 400 to json_schema: it only knows JSON mode.
        self.use_json_schema = True

    def write(self, brief: Brief) -> Script:
        """A script for `brief`; ScriptTransientError is worth retrying, ScriptError is not."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        conversation = prompt.messages(brief)
        with make_client(self.base_url, headers=headers, timeout_s=self.timeout_s,
                         transport=self.transport) as client:
            try:
                return Script.from_draft(self._ask(client, conversation, brief), brief)
            except _Malformed as first:
                # One more try with the model told what was wrong; then it is a permanent error.
                conversation += prompt.correction(first.raw, first.problem)
                try:
                    return Script.from_draft(self._ask(client, conversation, brief), brief)
                except _Malformed as second:
                    raise ScriptError(
                        "llm_malformed",
                        f"the model answered twice without a valid script: {second.problem}",
                        second.raw,
                    ) from None

    def _ask(
        self, client: httpx.Client, conversation: list[dict[str, str]], brief: Brief
    ) -> ScriptDraft:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": conversation,
            "temperature": self.temperature,
            "seed": brief.seed,
        }
        try:
            response = self._post(client, payload)
        except HttpFailure as exc:
            raise failure_error(exc) from exc
        try:
            body = response.json()
        except ValueError:
            raise _Malformed("the server's answer is not JSON", response.text[:4000]) from None
        return _parse_answer(body)

    def _post(self, client: httpx.Client, payload: dict[str, Any]) -> httpx.Response:
        if self.use_json_schema:
            try:
                return send(client, "POST", "/chat/completions", policy=self.policy,
                            sleep=self.sleep,
                            json={**payload, "response_format": prompt.JSON_SCHEMA_FORMAT})
            except HttpFailure as exc:
                if exc.status != 400:
                    raise
                self.use_json_schema = False
        return send(client, "POST", "/chat/completions", policy=self.policy, sleep=self.sleep,
                    json={**payload, "response_format": prompt.JSON_OBJECT_FORMAT})
