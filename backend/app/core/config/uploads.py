"""Uploaded images and audio: size caps and direct-upload lifetime."""

from __future__ import annotations

from pydantic import Field

from app.core.config.group import Group


class UploadSettings(Group):
    """What an upload may be, and how long a direct upload may take."""

    # Direct uploads (POST /assets/uploads): the presigned PUT is valid this long, and an
    # upload never completed is removed from the store by cleanup after twice that.
    DIRECT_UPLOAD_TTL_S: int = 3600

    # Upload caps: a 50 MB image or a 40 MP decode is far beyond any phone photo.
    MAX_IMAGE_BYTES: int = 25 * 1024 * 1024
    MAX_AUDIO_BYTES: int = 50 * 1024 * 1024
    MAX_IMAGE_PIXELS: int = 40_000_000
    MAX_AUDIO_DURATION_S: float = 1800.0
    # Video clips (MP4, MOV, WebM) are scene material, not films: a phone's short clip.
    MAX_VIDEO_BYTES: int = 200 * 1024 * 1024
    MAX_VIDEO_DURATION_S: float = 60.0
    MAX_VIDEO_PIXELS: int = 3840 * 2160  # per frame: 2160p
    # Images decoded at once per API process: a 40 MP decode holds ~285 MB, whatever the
    # file's size (a one-colour PNG of 40 MP is ~200 KB), so uploads wait for a slot.
    IMAGE_DECODE_CONCURRENCY: int = Field(default=2, ge=1)
