"""What a stored result is, from its key: the media type and the download name."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

MEDIA_TYPES = {".mp4": "video/mp4", ".wav": "audio/wav", ".json": "application/json"}
FALLBACK = "application/octet-stream"


def media_type(key: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(key).suffix.lower(), FALLBACK)


def download_name(key: str, job_id: object) -> str:
    return f"reelforge-{job_id}{PurePosixPath(key).suffix.lower()}"


def job_of(key: str) -> uuid.UUID | None:
    """The job a result key belongs to (`results/{user}/{job}/…`); None for another shape."""
    parts = key.split("/")
    try:
        return uuid.UUID(parts[2]) if len(parts) > 3 and parts[0] == "results" else None
    except ValueError:
        return None
