"""Library search: shared items and the caller's own uploads, filtered, newest first,
keyset-paginated on (created_at, id).

Tags match by JSONB containment (`tags @> '["a", "b"]'`, the GIN index), so every tag
asked for must be present; mood is the tag `mood:<word>`, BPM the tagger's measured
`features.bpm`, orientation the stored width and height (known from upload, before
tagging finishes)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Text,
    and_,
    cast,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cursor import decode_cursor
from app.core.cursor import encode_cursor as cursor_of
from app.core.errors import AppError
from app.models import Asset, User
from app.schemas.library import KIND_OF
from app.services.library.items import is_admin

Scope = Literal["shared", "mine", "all"]
SQUARE_TOLERANCE = 0.1  # as app.media.analysis.visual: 1:1 +- 10 % is square


@dataclass(frozen=True)
class LibraryQuery:
    kind: str | None = None  # music | clip | image
    tags: list[str] = field(default_factory=list)
    mood: str | None = None
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    min_bpm: float | None = None
    max_bpm: float | None = None
    orientation: str | None = None
    text: str | None = None
    scope: Scope = "all"
    include_retired: bool = False


def encode_cursor(asset: Asset) -> str:
    """The cursor of the page after `asset` (app.core.cursor)."""
    return cursor_of(asset.created_at, asset.id)


def _orientation(word: str) -> ColumnElement[bool]:
    width, height = cast(Asset.width, Float), cast(Asset.height, Float)
    if word == "landscape":
        return width > height * (1 + SQUARE_TOLERANCE)
    if word == "portrait":
        return width < height * (1 - SQUARE_TOLERANCE)
    return and_(width >= height * (1 - SQUARE_TOLERANCE),
                width <= height * (1 + SQUARE_TOLERANCE))


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(q: LibraryQuery) -> list[ColumnElement[bool]]:
    """The filters of `q`, scope aside."""
    where: list[ColumnElement[bool]] = []
    if not q.include_retired:
        where.append(Asset.retired_at.is_(None))
    if q.kind:
        where.append(Asset.kind == KIND_OF[q.kind])
    wanted = list(q.tags) + ([f"mood:{q.mood}"] if q.mood else [])
    if wanted:
        where.append(Asset.tags.contains(wanted))
    if q.min_duration_s is not None:
        where.append(Asset.duration_s >= q.min_duration_s)
    if q.max_duration_s is not None:
        where.append(Asset.duration_s <= q.max_duration_s)
    bpm = Asset.features["bpm"].as_float()
    if q.min_bpm is not None:
        where.append(bpm >= q.min_bpm)
    if q.max_bpm is not None:
        where.append(bpm <= q.max_bpm)
    if q.orientation:
        where += [Asset.width.is_not(None), Asset.height > 0, _orientation(q.orientation)]
    if q.text:
        pattern = _like(q.text.strip())
        where.append(or_(Asset.title.ilike(pattern), Asset.filename.ilike(pattern),
                         cast(Asset.tags, Text).ilike(pattern)))
    return where


def page_query(user: User, q: LibraryQuery, *, limit: int,
               after: tuple[datetime, uuid.UUID] | None = None) -> Select[Asset]:
    """Up to `limit` matching items, newest first, after the (created_at, id) of a cursor.

    Shared items (one branch per kind) and the user's own are index-ordered branches, each
    cut at `limit`, then merged: an OR of the owners would read every shared item to sort
    them (223 ms at a million rows, benchmarks/library_search.py)."""
    where = conditions(q)
    if after is not None:
        where.append(tuple_(Asset.created_at, Asset.id) < tuple_(*after))
    order = (Asset.created_at.desc(), Asset.id.desc())
    # The shared index is (kind, created_at) WHERE user_id IS NULL: one ordered branch per
    # kind reads it newest first; `user_id IS NULL` alone gives no order to read in.
    kinds = [KIND_OF[q.kind]] if q.kind else sorted(KIND_OF.values())
    shared = [and_(Asset.user_id.is_(None), Asset.kind == kind) for kind in kinds]
    mine = [Asset.user_id == user.id]
    owners = {"shared": shared, "mine": mine, "all": shared + mine}[q.scope]
    branches = [select(Asset.id, Asset.created_at).where(owner, *where).order_by(*order)
                .limit(limit) for owner in owners]
    merged = union_all(*branches).subquery() if len(branches) > 1 else branches[0].subquery()
    return (select(Asset).join(merged, Asset.id == merged.c.id)
            .order_by(merged.c.created_at.desc(), merged.c.id.desc()).limit(limit))


async def search(*, session: AsyncSession, user: User, q: LibraryQuery, limit: int,
                 cursor: str | None) -> tuple[list[Asset], str | None]:
    """One page of matching items, newest first, and the cursor of the next page."""
    if q.include_retired and not is_admin(user):
        raise AppError("forbidden", "include_retired: admins only", 403,
                       field="include_retired")
    for low, high, name in ((q.min_duration_s, q.max_duration_s, "duration_s"),
                            (q.min_bpm, q.max_bpm, "bpm")):
        if low is not None and high is not None and low > high:
            raise AppError("invalid_range", f"min_{name}: above max_{name}", 422,
                           field=f"min_{name}")
    after = decode_cursor(cursor) if cursor else None
    rows = list(await session.scalars(page_query(user, q, limit=limit + 1, after=after)))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor
