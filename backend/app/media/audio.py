"""The soundtrack: voice-over placed in time, music fitted and ducked under it, loudness.

Loudness is two-pass (EBU R128 via loudnorm): pass one mixes the soundtrack into a
float WAV while loudnorm measures it; pass two reads that WAV and applies loudnorm in
linear mode with the measured values, which lands on the target integrated loudness
(a one-pass dynamic loudnorm on a 20 s clip can miss by more than 1 LU).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.media.graph import Graph, Pad
from app.media.plan import Plan
from app.media.probe import audio_demuxer
from app.media.timeline import Audio

RATE_HZ = 48000
# Voice and music are first levelled to this reference, so `volume_db` means the same
# for a whispered and a shouted recording and the ducking threshold fits every voice.
REFERENCE_LUFS = -16.0
# Ducking: the levelled voice drives a compressor on the music. 0.02 (-34 dBFS) sits
# well under speech at -16 LUFS; ratio 6 pulls the music down by 12-15 dB under it.
DUCK = {"threshold": 0.02, "ratio": 6, "attack": 20, "release": 400, "makeup": 1}
SILENCE_LUFS = -70.0  # below this there is nothing to normalise (R128's absolute gate)
_JSON = re.compile(r"\{[^{}]*\"input_i\"[^{}]*\}", re.S)


@dataclass(frozen=True)
class Loudness:
    """What loudnorm measured in pass one."""

    input_i: float
    input_tp: float
    input_lra: float
    input_thresh: float
    target_offset: float


def _fmt(graph: Graph, pad: Pad) -> Pad:
    return graph.then(pad, "aformat", {"sample_fmts": "fltp", "sample_rates": RATE_HZ,
                                       "channel_layouts": "stereo"})


def _level(graph: Graph, pad: Pad) -> Pad:
    """Bring a track near REFERENCE_LUFS (one-pass loudnorm; pass two fixes the mix)."""
    pad = graph.then(pad, "loudnorm", {"I": REFERENCE_LUFS, "TP": -1.5, "LRA": 11,
                                       "print_format": "none"})
    # loudnorm resamples to 192 kHz internally and outputs that rate.
    return graph.then(pad, "aresample", {"out_sample_rate": RATE_HZ})


def mix(graph: Graph, plan: Plan) -> Pad | None:
    """The mixed soundtrack, exactly the video's length, before loudness normalisation."""
    audio = plan.timeline.audio
    if audio is None:
        return None
    total = plan.total_s
    # Lengths in samples: loudnorm's output timestamps confuse duration-based trims.
    samples = round(total * RATE_HZ)
    # Levelling only matters when two tracks meet; pass two normalises a lone track anyway.
    both = audio.voice is not None and audio.music is not None
    voice = music = None
    if audio.voice is not None and plan.voice is not None:
        src = graph.source(plan.voice, "-f", audio_demuxer(plan.voice))
        voice = _fmt(graph, src.audio)
        voice = graph.chain(_level(graph, voice) if both else voice, [
            ("volume", {"volume": f"{audio.voice.volume_db}dB"}),
            ("adelay", {"delays": round(audio.voice.start_s * 1000), "all": 1}),
            ("apad", {"whole_len": samples}),
            ("atrim", {"end_sample": samples}),
        ])
    if audio.music is not None and plan.music is not None:
        m = audio.music
        loop = ("-stream_loop", "-1") if m.loop else ()
        src = graph.source(plan.music, *loop, "-f", audio_demuxer(plan.music))
        fade_in = min(m.fade_in_s, total / 2)
        fade_out = min(m.fade_out_s, total / 2)
        steps: list[tuple[str, dict[str, str | int | float]]] = [
            ("apad", {"whole_len": samples}),
            ("atrim", {"end_sample": samples}),
            ("volume", {"volume": f"{m.volume_db}dB"}),
        ]
        if fade_in > 0:
            steps.append(("afade", {"t": "in", "ss": 0, "ns": round(fade_in * RATE_HZ)}))
        if fade_out > 0:
            fade_n = round(fade_out * RATE_HZ)
            steps.append(("afade", {"t": "out", "ss": samples - fade_n, "ns": fade_n}))
        music = graph.then(_fmt(graph, src.audio), "atrim", {"end_sample": samples})
        music = graph.chain(_level(graph, music) if both else music, steps)
        if voice is not None and m.duck:
            voice, key = graph.add("asplit", [2], inputs=[voice], outputs=["audio", "audio"])
            (music,) = graph.add("sidechaincompress", DUCK, inputs=(music, key))
    tracks = [p for p in (voice, music) if p is not None]
    if len(tracks) == 1:
        return tracks[0]
    (out,) = graph.add("amix", {"inputs": 2, "duration": "first", "normalize": 0},
                       inputs=tracks)
    return out


def measure(graph: Graph, pad: Pad, audio: Audio) -> Pad:
    """Split the mix: one branch is measured by loudnorm (JSON on the log), one returned."""
    keep, probe = graph.add("asplit", [2], inputs=[pad], outputs=["audio", "audio"])
    measured = graph.then(probe, "loudnorm", {
        "I": audio.loudness_lufs, "TP": audio.true_peak_db, "LRA": 11,
        "print_format": "json"})
    graph.add("anullsink", inputs=[measured], outputs=[])
    return keep


def parse_loudness(log: Sequence[str]) -> Loudness:
    """The measurement loudnorm printed at the end of pass one."""
    found = _JSON.findall("\n".join(log))
    if not found:
        raise ValueError("loudnorm printed no measurement")
    data = json.loads(found[-1])
    return Loudness(*(float(data[k]) for k in (
        "input_i", "input_tp", "input_lra", "input_thresh", "target_offset")))


def normalise(graph: Graph, pad: Pad, audio: Audio, measured: Loudness) -> Pad:
    """Apply the target with pass one's values; silence passes through unchanged."""
    if not math.isfinite(measured.input_i) or measured.input_i < SILENCE_LUFS:
        return _fmt(graph, pad)
    # linear=true keeps one gain for the whole clip as long as the measured range fits
    # under LRA, so the target range is set just above what was measured.
    lra = min(50.0, max(7.0, measured.input_lra + 1))
    pad = graph.then(pad, "loudnorm", {
        "I": audio.loudness_lufs, "TP": audio.true_peak_db, "LRA": lra,
        "measured_I": measured.input_i, "measured_TP": measured.input_tp,
        "measured_LRA": measured.input_lra, "measured_thresh": measured.input_thresh,
        "offset": measured.target_offset, "linear": "true", "print_format": "none"})
    # loudnorm resamples to 192 kHz internally and outputs that rate.
    return graph.chain(pad, [("aresample", {"out_sample_rate": RATE_HZ}),
                             ("aformat", {"sample_fmts": "fltp", "channel_layouts": "stereo"})])
