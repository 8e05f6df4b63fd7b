"""The asset library: items (shared or the caller's own), search, licences, usage, retirement."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.platforms import Platform

LibraryKind = Literal["music", "clip", "image"]
# The library's words for the stored kinds.
KIND_OF = {"music": "audio", "clip": "video", "image": "image"}
WORD_OF = {stored: word for word, stored in KIND_OF.items()}
MAX_TAGS = 32
TAG_PATTERN = r"^[a-z0-9][a-z0-9:#._ -]{0,47}$"


class Licence(BaseModel):
    """Whether and how an item may be used: shown with the item, carried to results."""

    licence: str = Field(min_length=1, max_length=100,
                         description="SPDX id or name, e.g. CC0-1.0, CC-BY-4.0, 'Pixabay'")
    source: str = Field(min_length=1, max_length=300, description="Where the item came from")
    attribution: str = Field(default="", max_length=500,
                             description="Text to credit the item with, as published")
    platforms: list[Platform] = Field(default_factory=list, description="Platforms it may "
                                      "be published on; empty: every platform")
    commercial: bool = Field(default=True, description="Commercial use allowed")


def clean_tags(value: list[str]) -> list[str]:
    """Lower-cased, stripped, de-duplicated tags in their given order."""
    seen: list[str] = []
    for tag in value:
        word = tag.strip().lower()
        if word and word not in seen:
            seen.append(word)
    return seen


class LibraryItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kind: LibraryKind
    shared: bool = Field(description="An item of the shared library (readable by everyone)")
    title: str | None
    filename: str
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    duration_s: float | None
    tags: list[str]
    tag_state: Literal["pending", "done", "failed"]
    licence: Licence | None
    retired_at: datetime | None
    retired_reason: str | None
    created_at: datetime


class LibraryUrls(BaseModel):
    file: str = Field(description="The item's file (GET: a redirect or a stream)")
    thumbnail: str | None = Field(description="JPEG of a middle frame (clips, images): the "
                                  "preview route, once tagging has made it")
    waveform: str | None = Field(description="PNG of the waveform (music): the preview "
                                 "route, once tagging has made it")


class LibraryItemDetail(LibraryItem):
    features: dict[str, Any] = Field(description="What the auto-tagger measured")
    urls: LibraryUrls


class LibraryPage(BaseModel):
    items: list[LibraryItem]
    next_cursor: str | None


class LibraryUpdate(BaseModel):
    """Fields of an item its owner (an admin, for shared items) may change."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=MAX_TAGS,
                                   description="Replaces the item's tags")
    licence: Licence | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return check_tags(value) if value is not None else None


def check_tags(value: list[str]) -> list[str]:
    """Tags as stored: lower case, 1-48 characters of letters, digits and ': # . _ -'."""
    cleaned = clean_tags(value)
    bad = [t for t in cleaned if not re.match(TAG_PATTERN, t)]
    if bad:
        raise ValueError(f"tag {bad[0]!r}: 1-48 characters of a-z, 0-9, space and : # . _ -")
    if len(cleaned) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return cleaned


class UsageEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    job_id: uuid.UUID | None
    workflow_id: uuid.UUID | None
    user_id: uuid.UUID
    role: str
    output_key: str | None = Field(description="The result the item went into")
    created_at: datetime


class UsagePage(BaseModel):
    asset_id: uuid.UUID
    items: list[UsageEntry]
    next_cursor: str | None


class RetireRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=500,
                        description="Why: e.g. 'licence ended 2026-12-31'")


class RetireAnswer(BaseModel):
    item: LibraryItem
    affected: list[UsageEntry] = Field(description="The results the item went into, newest "
                                       "first, up to 1,000 (the rest: GET /library/{id}/usage)"
                                       "; their MP4s are self-contained and stay as they are")
    affected_total: int = Field(description="How many results the item went into in all")
    affected_users: list[uuid.UUID] = Field(description="Every owner of such a result")
