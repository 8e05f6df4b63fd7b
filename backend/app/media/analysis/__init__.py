"""Auto-tagging's measurements: tempo, loudness and mood of music; orientation, colours,
motion and cuts of clips and images; thumbnails and waveforms. ffmpeg and numpy only."""

from app.media.analysis.music import MusicFeatures, analyse_music, waveform_png
from app.media.analysis.tags import music_tags, visual_tags
from app.media.analysis.tempo import estimate_bpm
from app.media.analysis.visual import (
    VisualFeatures,
    analyse_clip,
    analyse_image,
    clip_thumbnail,
    image_thumbnail,
    orientation,
)

__all__ = [
    "MusicFeatures",
    "VisualFeatures",
    "analyse_clip",
    "analyse_image",
    "analyse_music",
    "clip_thumbnail",
    "estimate_bpm",
    "image_thumbnail",
    "music_tags",
    "orientation",
    "visual_tags",
    "waveform_png",
]
