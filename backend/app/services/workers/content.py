"""The worker's side of script-writing jobs: write, hashtag, analyse, vary (app.content)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from app.content import (
    Brief,
    Script,
    ScriptError,
    ScriptTransientError,
    analyze,
    get_writer,
    hashtags,
    variations,
)
from app.content.errors import describe
from app.core.config import settings
from app.core.text import count_words, words
from app.jobs.policy import TransientError
from app.jobs.runtime import JobFailed
from app.services.workflows.runtime import StepRun

# A user's own script is cut into segments of about this many words: one card each.
SEGMENT_WORDS = 18
MAX_SEGMENTS = 12
CARD_WORDS = 7  # on-screen text has to be read in a second or two
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")

BRIEF_FIELDS = ("topic", "tone", "audience", "platform", "language", "seed")


def brief_from(params: dict[str, Any]) -> Brief:
    """The Brief a job's parameters describe; an invalid one fails the job for good."""
    fields = {k: params[k] for k in BRIEF_FIELDS if k in params}
    try:
        return Brief(**fields, target_duration_s=float(params.get("duration_s", 30.0)))
    except ValidationError as exc:
        raise JobFailed("invalid_brief", describe(exc)) from None


def write_script(brief: Brief) -> Script:
    """Run the configured writer; its errors become the job's permanent or transient ones."""
    try:
        return get_writer().write(brief)
    except ScriptTransientError as exc:
        raise TransientError(exc.message) from exc
    except ScriptError as exc:
        raise JobFailed(exc.code, exc.message) from None


def card_text(text: str) -> str:
    parts = words(text)
    short = " ".join(parts[:CARD_WORDS])
    return short if len(parts) <= CARD_WORDS else short + "…"


def segments_of_script(script: Script) -> list[dict[str, str]]:
    """Hook, beats and call to action: what is said and what the card shows for each."""
    return [{"text": script.hook, "card": card_text(script.hook)},
            *({"text": b.text, "card": b.scene_text} for b in script.beats),
            {"text": script.call_to_action, "card": card_text(script.call_to_action)}]


def _pack(sentences: list[str], target: int) -> list[str]:
    segments: list[str] = []
    for sentence in sentences:
        if segments and count_words(segments[-1]) + count_words(sentence) <= target:
            segments[-1] = f"{segments[-1]} {sentence}"
        else:
            segments.append(sentence)
    return segments


def segments_of_text(text: str) -> list[dict[str, str]]:
    """A user's narration cut at sentence ends into segments of about SEGMENT_WORDS words,
    at most MAX_SEGMENTS of them (longer segments for a longer script)."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if words(s)]
    if not sentences:
        raise JobFailed("empty_script", "the script has no words to read")
    target = SEGMENT_WORDS
    segments = _pack(sentences, target)
    while len(segments) > MAX_SEGMENTS:
        target += SEGMENT_WORDS // 2
        segments = _pack(sentences, target)
    return [{"text": s, "card": card_text(s)} for s in segments]


def generate(step: StepRun) -> dict[str, Any]:
    """Write the script of a topic, or take the user's; always return its segments."""
    params = step.params
    step.progress(0.0, "writing", force=True)
    if params.get("script"):
        segments = segments_of_text(params["script"])
        script: Script | None = None
        title = segments[0]["card"]
    else:
        script = write_script(brief_from(params))
        segments = segments_of_script(script)
        title = script.hook
    narration = " ".join(s["text"] for s in segments)
    return {"title": title, "narration": narration, "segments": segments,
            "word_count": count_words(narration), "provider": settings.content.CONTENT_PROVIDER,
            "script": script.model_dump(mode="json") if script is not None else None}


def tag(step: StepRun) -> dict[str, Any]:
    """Hashtags of a topic for one platform."""
    brief = brief_from(step.params)
    return {"platform": brief.platform, "hashtags": hashtags(brief.topic, brief.platform)}


def analyse(step: StepRun) -> dict[str, Any]:
    """Write a script for the topic and measure it against the target duration."""
    brief = brief_from(step.params)
    script = write_script(brief)
    report = analyze(script, brief.target_duration_s)
    return {"script": script.model_dump(mode="json"), "analysis": report.model_dump(mode="json")}


def vary(step: StepRun) -> dict[str, Any]:
    """A/B scripts of one brief: the same body, a different hook and call to action."""
    brief = brief_from(step.params)
    try:
        scripts = variations(brief, int(step.params.get("variants", 2)))
    except ValueError as exc:
        raise JobFailed("invalid_variants", str(exc)) from None
    return {"scripts": [s.model_dump(mode="json") for s in scripts]}


OPERATIONS: dict[str, Callable[[StepRun], dict[str, Any]]] = {
    "generate": generate, "hashtags": tag, "analyze": analyse, "variations": vary}
