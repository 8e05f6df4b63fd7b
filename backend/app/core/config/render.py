"""ffmpeg renders: how long one may run and the x264 preset."""

from __future__ import annotations

from app.core.config.group import Group


class RenderSettings(Group):
    """The render's time limit and encoder speed."""

    RENDER_TIMEOUT_S: int = 1800
    RENDER_PRESET: str = "veryfast"
