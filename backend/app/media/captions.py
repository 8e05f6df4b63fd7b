"""Burned-in captions: word timings grouped into lines and written as an .ass file for libass.

Words come from a transcript with timings, or from a plain script spread over the
voice-over in proportion to syllables. Styles: `plain` (outlined text), `boxed`
(an opaque box behind each line), `karaoke` (one event per spoken word, that word
in the highlight colour). Lines sit at the bottom of the preset's safe zone.

Fonts: libass picks the upright or italic Roboto file by the style's Italic flag, but
it does not set a variable font's axes, so `roboto-condensed` is the upright face drawn
at 75 % width (ScaleX), the value of the width axis it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.media.fonts import FAMILY, WIDTHS, fonts_dir, is_italic
from app.media.graph import Graph, Pad
from app.media.presets import Frame
from app.media.text import rgba
from app.media.timeline import Captions

_VOWELS = re.compile(r"[aeiouyàâäéèêëîïôöûüæœ]+", re.I)
_SENTENCE_END = (".", "!", "?", "…", ":", ";")
MAX_GAP_S = 0.6  # a pause this long starts a new line
HOLD_S = 0.25  # a line stays this long after its last word unless the next one begins


@dataclass(frozen=True)
class Timed:
    text: str
    start_s: float
    end_s: float


def syllables(word: str) -> int:
    """A rough syllable count (vowel groups, a silent final e); at least 1."""
    letters = word.lower().strip(".,!?;:\"'()")
    count = len(_VOWELS.findall(letters))
    if letters.endswith("e") and count > 1 and not letters.endswith(("le", "ee")):
        count -= 1
    return max(1, count)


def spread(script: str, start_s: float, end_s: float) -> list[Timed]:
    """Words of `script` timed over [start_s, end_s] in proportion to their syllables."""
    words = script.split()
    # A sentence end is worth an extra syllable of pause.
    weights = [syllables(w) + (1 if w.endswith(_SENTENCE_END) else 0) for w in words]
    total = sum(weights) or 1
    per = (end_s - start_s) / total
    out, t = [], start_s
    for word, weight in zip(words, weights, strict=True):
        spoken = syllables(word) * per
        out.append(Timed(word, t, t + spoken))
        t += weight * per
    return out


def lines(words: Sequence[Timed], max_words: int) -> list[list[Timed]]:
    """Group words into caption lines: at most `max_words`, split at pauses and sentences."""
    groups: list[list[Timed]] = []
    for word in words:
        current = groups[-1] if groups else None
        if (current is None or len(current) >= max_words
                or word.start_s - current[-1].end_s > MAX_GAP_S
                or current[-1].text.endswith(_SENTENCE_END)):
            groups.append([word])
        else:
            current.append(word)
    return groups


def _ass_colour(color: str, opacity: float = 1.0) -> str:
    r, g, b, a = rgba(color, opacity)
    return f"&H{255 - a:02X}{b:02X}{g:02X}{r:02X}"


def _tag_colour(color: str) -> str:
    r, g, b, _ = rgba(color)
    return f"&H{b:02X}{g:02X}{r:02X}&"


def _clock(seconds: float) -> str:
    cs = max(0, round(seconds * 100))
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _escape(text: str) -> str:
    # "{" opens an override block and "\" starts a tag in ASS; neither may reach libass.
    return text.replace("\\", "/").replace("{", "(").replace("}", ")").replace("\n", " ")


def write_ass(captions: Captions, words: Sequence[Timed], frame: Frame, path: Path,
              end_s: float) -> None:
    """Write the .ass file: one style sized for the frame, one event per line or word."""
    size = round(captions.size * frame.scale) if captions.size else frame.caption_size
    safe = frame.safe
    boxed = captions.style == "boxed"
    outline = max(1, round(size * (0.25 if boxed else 0.08)))
    # libass BorderStyle 3 draws an opaque box in OutlineColour; 1 is outline + shadow.
    border_colour = _ass_colour("#000000", 0.65 if boxed else 1.0)
    style = ",".join(str(v) for v in (
        "Default", FAMILY, size, _ass_colour(captions.color), _ass_colour(captions.highlight),
        border_colour, _ass_colour("#000000", 0.5), -1 if captions.bold else 0,
        -1 if is_italic(captions.font) else 0, 0, 0, WIDTHS[captions.font], 100, 0, 0,
        3 if boxed else 1, outline, 0 if boxed else max(1, size // 24), 2, safe.left,
        safe.right, safe.bottom, 1))
    events = []
    groups = lines(words, captions.max_words)
    for k, group in enumerate(groups):
        start = group[0].start_s
        nxt = groups[k + 1][0].start_s if k + 1 < len(groups) else end_s
        end = min(max(group[-1].end_s + HOLD_S, group[-1].end_s), nxt, end_s)
        if captions.style != "karaoke":
            events.append((start, end, " ".join(_escape(w.text) for w in group)))
            continue
        for i, word in enumerate(group):
            w_end = group[i + 1].start_s if i + 1 < len(group) else end
            text = " ".join(
                (f"{{\\c{_tag_colour(captions.highlight)}}}{_escape(w.text)}{{\\r}}"
                 if j == i else _escape(w.text)) for j, w in enumerate(group))
            events.append((word.start_s, w_end, text))
    body = [
        "[Script Info]", "ScriptType: v4.00+", f"PlayResX: {frame.width}",
        f"PlayResY: {frame.height}", "WrapStyle: 0", "ScaledBorderAndShadow: yes", "",
        "[V4+ Styles]",
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
        "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, "
        "BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
        f"Style: {style}", "", "[Events]",
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
        *(f"Dialogue: 0,{_clock(s)},{_clock(e)},Default,,0,0,0,,{t}"
          for s, e, t in events if e > s),
    ]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")


def caption_words(captions: Captions, voice_start_s: float, voice_s: float,
                  total_s: float) -> list[Timed]:
    """The timed words: the transcript as given, or the script spread over the voice."""
    if captions.words is not None:
        return [Timed(w.text, w.start_s, w.end_s) for w in captions.words]
    assert captions.script is not None
    if voice_s > 0:
        return spread(captions.script, voice_start_s, voice_start_s + voice_s)
    return spread(captions.script, 0.0, total_s)


def burn(graph: Graph, pad: Pad, ass: Path) -> Pad:
    """Draw the captions with libass, fonts only from the bundled folder."""
    return graph.then(pad, "ass", {"filename": str(ass.resolve()),
                                   "fontsdir": str(fonts_dir())})
