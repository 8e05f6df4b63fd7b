"""Realtime events: stream lengths, progress writes, WebSocket lifetime."""

from __future__ import annotations

from pydantic import Field

from app.core.config.group import Group


class RealtimeSettings(Group):
    """How much event history is kept and how often progress reaches the database."""

    # Per-user streams keep the last N events for resume.
    EVENT_STREAM_MAXLEN: int = 1000
    # They share the no-eviction Redis with the broker, so they are bounded in time too: an
    # event older than this is trimmed at the next publish, and a stream with no publish
    # for this long expires. A client away longer resumes from the database's job states.
    EVENT_STREAM_MAX_AGE_S: int = Field(default=86400, gt=0)
    EVENT_STREAM_IDLE_TTL_S: int = Field(default=86400, gt=0)
    # Enough for a hub ~1 s behind at 100k events/s; a hub further behind detects the gap.
    FIREHOSE_MAXLEN: int = 100000
    PROGRESS_DB_INTERVAL_S: float = 1.0
    WS_MAX_LIFETIME_S: int = 3600
    # A WebSocket ticket (POST /ws/ticket) is used once, within this many seconds.
    WS_TICKET_TTL_S: int = 30
    # Live connections (WebSocket and SSE) one user may hold across all API processes.
    WS_MAX_CONNECTIONS_PER_USER: int = 10
