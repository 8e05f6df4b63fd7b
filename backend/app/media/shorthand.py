"""The slideshow request as a shorthand: its fields expanded into a full timeline."""

from __future__ import annotations

from collections.abc import Sequence

from app.media.timeline import Audio, ImageScene, Music, Output, Timeline, Transition
from app.media.transition_kinds import CUT

# The slideshow's `resolution` names the frame; these presets have exactly that size.
RESOLUTION_PRESETS = {"1080x1920": "tiktok", "1920x1080": "youtube", "1080x1080": "square"}
MUSIC_FADE_OUT_S = 1.0


def slideshow_timeline(
    *,
    asset_ids: Sequence[str],
    seconds_per_image: float,
    transition: str,
    transition_s: float,
    resolution: str,
    fps: int,
    audio_asset_id: str | None = None,
    quality: str = "standard",
) -> Timeline:
    """Photos in order, cover-fitted, one transition kind, music looped under all of it."""
    scenes = [ImageScene(asset=a, duration_s=seconds_per_image) for a in asset_ids]
    audio = None
    if audio_asset_id is not None:
        audio = Audio(music=Music(asset=audio_asset_id, volume_db=0.0, fade_in_s=0.0,
                                  fade_out_s=MUSIC_FADE_OUT_S, loop=True, duck=False))
    return Timeline.model_validate({
        "scenes": scenes,
        "transition": Transition.model_validate(
            {"kind": transition, "duration_s": 0.0 if transition == CUT else transition_s}),
        "audio": audio,
        "output": Output.model_validate({"preset": RESOLUTION_PRESETS[resolution],
                                         "quality": quality, "fps": fps}),
    })
