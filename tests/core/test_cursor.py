"""Page cursors: every string the documented pattern matches is a position, and a position
written as a cursor reads back exactly."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from app.core.cursor import CURSOR_MAX_LENGTH, CURSOR_PATTERN, decode_cursor, encode_cursor
from app.core.errors import AppError


def test_a_cursor_reads_back_to_its_row() -> None:
    created, row_id = datetime(2026, 12, 4, 10, 30, 1, 123456, tzinfo=UTC), uuid.uuid4()
    cursor = encode_cursor(created, row_id)
    assert re.fullmatch(CURSOR_PATTERN, cursor) and len(cursor) <= CURSOR_MAX_LENGTH
    assert decode_cursor(cursor) == (created, row_id)


@pytest.mark.parametrize("cursor", ["0-" + "0" * 32, "9" * 16 + "-" + "f" * 32])
def test_the_pattern_s_extremes_are_positions(cursor: str) -> None:
    created, _ = decode_cursor(cursor)
    assert created.tzinfo is UTC


@pytest.mark.parametrize("cursor", ["", "12", "1-xyz", "-" + "0" * 32, "1-" + "g" * 32])
def test_anything_else_is_invalid_cursor(cursor: str) -> None:
    with pytest.raises(AppError) as refused:
        decode_cursor(cursor)
    assert (refused.value.code, refused.value.status) == ("invalid_cursor", 422)
