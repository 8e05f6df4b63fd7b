"""Features to searchable tags: the words the library's search and its users share."""

from __future__ import annotations

from app.media.analysis.music import MusicFeatures
from app.media.analysis.visual import VisualFeatures

# Mean grey-level change per looked-at frame (0..255): a steady shot with a little noise
# stays under 1; a pan or a moving gradient changes several levels a frame.
MOTION_LEVELS = ((1.0, "none"), (4.0, "low"), (12.0, "medium"))
ENERGETIC_AT = 0.5  # MusicFeatures.energy at or above: energetic, below: calm
BRIGHT_AT_HZ = 1500.0  # spectral centroid at or above: bright, below: dark
TEMPO_WORDS = ((90.0, "slow"), (130.0, "medium"))


def motion_word(motion: float) -> str:
    for limit, word in MOTION_LEVELS:
        if motion < limit:
            return word
    return "high"


def music_tags(features: MusicFeatures) -> list[str]:
    """music, mood:calm|energetic, mood:dark|bright, bpm:N and tempo:slow|medium|fast."""
    tags = ["music",
            "mood:energetic" if features.energy >= ENERGETIC_AT else "mood:calm",
            "mood:bright" if features.centroid_hz >= BRIGHT_AT_HZ else "mood:dark"]
    if features.bpm is not None:
        tempo = next((word for limit, word in TEMPO_WORDS if features.bpm < limit), "fast")
        tags += [f"bpm:{round(features.bpm)}", f"tempo:{tempo}"]
    return tags


def visual_tags(features: VisualFeatures, *, moving: bool) -> list[str]:
    """The orientation, motion (clips: motion + motion:level, or still), cuts, colours."""
    tags = [features.orientation]
    if moving:
        word = motion_word(features.motion)
        tags += ["still"] if word == "none" else ["motion", f"motion:{word}"]
        if features.scene_cuts:
            tags.append("cuts")
    tags += [f"colour:{c}" for c in features.colours]
    return tags
