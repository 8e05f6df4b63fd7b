"""Ranked hashtags for a script or a topic, counted and shaped for each platform."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from app.content.models import Platform, Script
from app.core.platforms import SPECS, TagRule
from app.core.text import STOP_WORDS, key_phrases, keywords, words

# How many tags each platform wants, and its own: app/core/platforms.py
RULES: dict[Platform, TagRule] = {name: p.hashtags for name, p in SPECS.items()}
MAX_TAG_CHARS = 30  # longer tags are unreadable and rarely searched
_TAG_CHARS = re.compile(r"[^A-Za-z0-9_]")


def clean_tag(text: str) -> str | None:
    """`text` as a tag body: ASCII letters, digits and _ only, CamelCase across words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = [_TAG_CHARS.sub("", w) for w in words(ascii_text)]
    parts = [p for p in parts if p]
    if not parts:
        return None
    body = parts[0].lower() if len(parts) == 1 else "".join(p[:1].upper() + p[1:] for p in parts)
    if body.isdigit() or not 2 <= len(body) <= MAX_TAG_CHARS:
        return None
    return body


def _scores(source: Script | str) -> Counter[str]:
    """Candidate phrases and their weights; the topic as one tag always ranks first."""
    topic = source.topic if isinstance(source, Script) else source
    scores: Counter[str] = Counter()
    scores[" ".join(keywords(topic)) or topic] += 100
    for run in key_phrases(topic):
        parts = run.split()
        scores[run] += 20 if len(parts) > 1 else 6
        for w in parts:
            scores[w] += 6
        for a, b in zip(parts, parts[1:], strict=False):
            scores[f"{a} {b}"] += 8
    if isinstance(source, Script):
        narration = source.narration.lower()
        for beat in source.beats:
            for kw in beat.keywords:
                scores[kw.lower()] += 1
        # A beat keyword earns its place by being said, or by recurring across beats.
        for kw in list(scores):
            if scores[kw] < 5:
                scores[kw] += narration.count(kw)
                if scores[kw] < 2:
                    del scores[kw]
    return scores


def hashtags(source: Script | str, platform: Platform) -> list[str]:
    """Hashtags ranked by relevance, as many as `platform` shows, each unique ignoring case."""
    rule = RULES[platform]
    ranked = sorted(_scores(source).items(), key=lambda item: (-item[1], item[0]))
    tags: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        tag = clean_tag(text)
        if tag and tag.lower() not in seen and tag.lower() not in STOP_WORDS:
            seen.add(tag.lower())
            tags.append(tag)

    for text, _ in ranked:
        if len(tags) >= rule.most - rule.reserved:
            break
        add(text)
    for i, own in enumerate(rule.own):
        if len(tags) >= rule.most or (i >= rule.reserved and len(tags) >= rule.least):
            break
        add(own)
    return [f"#{t}" for t in tags]
