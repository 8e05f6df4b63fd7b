"""Realtime events: stream lengths, progress writes, WebSocket lifetime."""

from __future__ import annotations

from app.core.config.group import Group


class RealtimeSettings(Group):
    """How much event history is kept and how often progress reaches the database."""

    # Per-user streams keep the last N events for resume.
    EVENT_STREAM_MAXLEN: int = 1000
    # Enough for a hub ~1 s behind at 100k events/s; a hub further behind detects the gap.
    FIREHOSE_MAXLEN: int = 100000
    PROGRESS_DB_INTERVAL_S: float = 1.0
    WS_MAX_LIFETIME_S: int = 3600
