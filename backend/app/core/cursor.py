"""Page cursors of every newest-first list: the (created_at, id) of a page's last row.

Written `<microseconds since 1970 UTC>-<id as 32 hex digits>`, so the pattern the OpenAPI
document states is the whole rule: every string it matches is a position in the list (no
base64, no date that might not parse), and nothing else is accepted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from app.core.errors import AppError

# 16 digits reach the year 2286; a timestamptz keeps microseconds, so the position is exact
CURSOR_PATTERN = r"^[0-9]{1,16}-[0-9a-f]{32}$"
CURSOR_MAX_LENGTH = 49
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    """The cursor of the page that follows the row (created_at, row_id)."""
    micros = (created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{row_id.hex}"


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """(created_at, id) of a cursor from `encode_cursor`; anything else is a 422."""
    micros, _, hex_id = cursor.partition("-")
    if not (micros.isascii() and micros.isdigit() and 0 < len(micros) <= 16
            and len(hex_id) == 32):
        raise AppError("invalid_cursor", "cursor is not valid", 422, field="cursor")
    try:
        row_id = uuid.UUID(hex=hex_id)
    except ValueError:
        raise AppError("invalid_cursor", "cursor is not valid", 422, field="cursor") from None
    return _EPOCH + timedelta(microseconds=int(micros)), row_id
