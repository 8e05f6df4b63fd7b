"""The query parameter every cursor-paged list takes: its pattern is the cursor's whole
rule (app.core.cursor), so the document states exactly what the server accepts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from app.core.cursor import CURSOR_MAX_LENGTH, CURSOR_PATTERN

CursorQuery = Annotated[str | None, Query(
    max_length=CURSOR_MAX_LENGTH, pattern=CURSOR_PATTERN,
    description="`next_cursor` of the previous page; omit it for the first page",
    examples=["1796380800000000-3fa85f6457174562b3fc2c963f66afa6"])]
