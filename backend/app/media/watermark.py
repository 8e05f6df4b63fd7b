"""The watermark: a logo over every frame, drawn after scenes and transitions and under
the captions (a spoken line is never hidden by a logo; both keep to their own zone).

The logo is prepared once in Pillow: scaled to `scale` x the frame's width (resampled
premultiplied, so transparent edges do not darken), its alpha multiplied by `opacity`,
placed on even pixels (yuv420p halves chroma) and saved as an RGBA PNG. ffmpeg reads
that one frame and `overlay` repeats it to the end (eof_action=repeat), so a single
decoded frame serves the whole video. It becomes YUV with the BT.709 matrix, as the
scenes do, so the logo's colour blends exactly where theirs lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from app.media.graph import Graph, Pad
from app.media.presets import Frame
from app.media.timeline import Watermark


@dataclass(frozen=True)
class Logo:
    """The prepared logo file and its top-left corner in the frame."""

    path: Path
    x: int
    y: int


def _even(value: float) -> int:
    return max(0, 2 * (int(value) // 2))


def logo_size(source: tuple[int, int], mark: Watermark, frame: Frame) -> tuple[int, int]:
    """Width `scale` x the frame's, aspect kept; a tall logo shrinks to fit the height."""
    margin = round(mark.margin * frame.width)
    width = max(2, round(mark.scale * frame.width))
    height = max(1, round(width * source[1] / source[0]))
    room = frame.height - (0 if mark.position == "center" else 2 * margin)
    if height > room:
        width, height = max(2, round(width * room / height)), max(1, room)
    return width, height


def place(size: tuple[int, int], mark: Watermark, frame: Frame) -> tuple[int, int]:
    """The logo's top-left corner for its position, `margin` x frame width from the edges."""
    w, h = size
    margin = round(mark.margin * frame.width)
    if mark.position == "center":
        x, y = (frame.width - w) / 2, (frame.height - h) / 2
    else:
        vertical, horizontal = mark.position.split("_")
        x = margin if horizontal == "left" else frame.width - w - margin
        y = margin if vertical == "top" else frame.height - h - margin
    return (min(_even(x), max(0, frame.width - w)), min(_even(y), max(0, frame.height - h)))


def prepare_logo(source: Path, mark: Watermark, frame: Frame, dest: Path) -> Logo:
    """Scale the logo, fold `opacity` into its alpha and write it as an RGBA PNG."""
    with Image.open(source) as im:
        upright = ImageOps.exif_transpose(im).convert("RGBA")
    size = logo_size(upright.size, mark, frame)
    logo = upright.convert("RGBa").resize(size, Image.Resampling.LANCZOS).convert("RGBA")
    alpha = logo.getchannel("A").point(lambda a: round(a * mark.opacity))
    logo.putalpha(alpha)
    logo.save(dest, "PNG", compress_level=1)
    x, y = place(size, mark, frame)
    return Logo(dest, x, y)


def overlay_logo(graph: Graph, video: Pad, logo: Logo) -> Pad:
    """Blend the one-frame logo over every frame of `video` (straight alpha)."""
    src = graph.source(logo.path, "-f", "png_pipe")
    layer = graph.chain(src.video, [
        ("scale", {"out_color_matrix": "bt709", "out_range": "tv"}),
        ("format", ["yuva420p"]),
    ])
    (out,) = graph.add("overlay", {"x": logo.x, "y": logo.y, "format": "yuv420",
                                   "eof_action": "repeat"}, inputs=(video, layer))
    return out
