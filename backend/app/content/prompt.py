"""The chat-completions contract: the JSON schema of a script draft and the prompt messages."""

from __future__ import annotations

import json
from typing import Any

from app.content.models import MAX_BEATS, MIN_BEATS, Brief

_STRING: dict[str, Any] = {"type": "string"}

# Strict structured output wants every property required and no extra keys (OpenAI docs,
# "Supported schemas"); lengths are checked again by pydantic on the way back.
DRAFT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "hook": {**_STRING, "description": "First line, at most 12 words, stops the scroll"},
        "beats": {
            "type": "array",
            "minItems": MIN_BEATS,
            "maxItems": MAX_BEATS,
            "items": {
                "type": "object",
                "properties": {
                    "text": {**_STRING, "description": "Narration of this scene"},
                    "scene_text": {**_STRING, "description": "On-screen line, at most 6 words"},
                    "keywords": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 6,
                        "items": _STRING,
                        "description": "Stock footage search terms for this scene",
                    },
                },
                "required": ["text", "scene_text", "keywords"],
                "additionalProperties": False,
            },
        },
        "call_to_action": {**_STRING, "description": "Last line: what the viewer should do"},
    },
    "required": ["hook", "beats", "call_to_action"],
    "additionalProperties": False,
}

JSON_SCHEMA_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "video_script", "strict": True, "schema": DRAFT_SCHEMA},
}
# Older servers know only JSON mode; the schema then travels in the system message.
JSON_OBJECT_FORMAT: dict[str, Any] = {"type": "json_object"}

SYSTEM = (
    "You write narration scripts for short vertical videos. Answer with one JSON object and "
    "nothing else (no markdown), matching this JSON schema:\n{schema}"
)

USER = """Write a script.
Topic: {topic}
Audience: {audience}
Tone: {tone}
Platform: {platform}
Language: {language}
Length: about {words} words in total across hook, beats and call to action \
({seconds:g} seconds read at {wps:g} words per second).
Beats: {min_beats} to {max_beats}, in the order they are spoken. Each beat's scene_text is a \
short on-screen line (at most 6 words) and its keywords are concrete, filmable search terms."""


def messages(brief: Brief) -> list[dict[str, str]]:
    """System and user messages asking for a script that fits `brief`."""
    return [
        {"role": "system", "content": SYSTEM.format(schema=json.dumps(DRAFT_SCHEMA))},
        {
            "role": "user",
            "content": USER.format(
                topic=brief.topic,
                audience=brief.audience,
                tone=brief.tone,
                platform=brief.platform,
                language=brief.language,
                words=brief.target_words,
                seconds=brief.target_duration_s,
                wps=brief.words_per_second,
                min_beats=MIN_BEATS,
                max_beats=MAX_BEATS,
            ),
        },
    ]


def correction(raw: str, problem: str) -> list[dict[str, str]]:
    """Messages that show the model its invalid answer and ask for a valid one."""
    return [
        {"role": "assistant", "content": raw},
        {
            "role": "user",
            "content": f"That answer is invalid: {problem}. Reply again with only the corrected "
            "JSON object.",
        },
    ]
