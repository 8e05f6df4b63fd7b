"""Scene text: laid out and drawn once with Pillow, then baked in or overlaid with animation.

Pillow draws the outline (`stroke`) and the box itself, so no text ever passes
through ffmpeg's option parser (drawtext needs three levels of escaping).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageColor, ImageDraw, ImageFont

from app.media.fonts import pillow_font
from app.media.graph import Args, Graph, Pad
from app.media.presets import Frame, px
from app.media.timeline import TextOverlay

LINE_SPACING = 1.15
SLIDE_FRACTION = 0.06  # slides travel this fraction of the frame's height or width


@dataclass(frozen=True)
class TextImage:
    image: Image.Image  # RGBA, the size of the text block
    x: int
    y: int


def rgba(color: str, opacity: float = 1.0) -> tuple[int, int, int, int]:
    """#RRGGBB[AA] as an RGBA tuple, alpha multiplied by `opacity`."""
    parsed = ImageColor.getrgb(color)
    alpha = parsed[3] if len(parsed) == 4 else 255
    return (parsed[0], parsed[1], parsed[2], round(alpha * opacity))


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap to `width` pixels; explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def render_text(overlay: TextOverlay, frame: Frame) -> TextImage:
    """The text block as an RGBA image and its place in the frame, inside the safe zone."""
    safe = frame.safe
    font = pillow_font(px(overlay.size, frame), overlay.bold, overlay.font)
    stroke = px(overlay.stroke.width, frame) if overlay.stroke else 0
    pad = px(overlay.box.padding, frame) if overlay.box else 0
    avail = frame.width - safe.left - safe.right - 2 * (pad + stroke)
    text = "\n".join(wrap(overlay.text, font, max(avail, 1)))
    spacing = round(font.size * (LINE_SPACING - 1))
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    left, top, right, bottom = probe.multiline_textbbox(
        (0, 0), text, font=font, spacing=spacing, align="center", stroke_width=stroke)
    w, h = round(right - left) + 2 * pad, round(bottom - top) + 2 * pad
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if overlay.box:
        radius = min(pad, h // 4)
        draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=radius,
                               fill=rgba(overlay.box.color, overlay.box.opacity))
    draw.multiline_text(
        (pad - round(left), pad - round(top)), text, font=font, fill=rgba(overlay.color),
        spacing=spacing, align="center", stroke_width=stroke,
        stroke_fill=rgba(overlay.stroke.color) if overlay.stroke else None)
    x = safe.left + (frame.width - safe.left - safe.right - w) // 2
    if overlay.position == "top":
        y = safe.top
    elif overlay.position == "bottom":
        y = frame.height - safe.bottom - h
    else:
        y = (frame.height - h) // 2
    return TextImage(image, x, y)


def is_static(overlay: TextOverlay) -> bool:
    """True when the text shows unchanged for the whole scene and can be baked in."""
    return overlay.animation == "none" and overlay.start_s == 0


def bake(still: Image.Image, text: TextImage) -> Image.Image:
    """The still with the text composited in (RGB in, RGB out)."""
    canvas = still.convert("RGBA")
    canvas.alpha_composite(text.image, (text.x, text.y))
    return canvas.convert("RGB")


def overlay_text(graph: Graph, scene: Pad, text_pad: Pad, overlay: TextOverlay,
                 text: TextImage, frame: Frame, fps: int, frames: int) -> Pad:
    """Overlay a one-frame RGBA text input on a scene with its entrance animation."""
    st, d = overlay.start_s, overlay.animation_s
    steps: list[tuple[str, Args]] = [
        ("loop", {"loop": frames - 1, "size": 1}),
        ("settb", [f"1/{fps}"]),
        ("setpts", ["N"]),
        ("fps", [fps]),
    ]
    if overlay.animation != "none":
        steps.append(("fade", {"t": "in", "st": st, "d": d, "alpha": 1}))
    layer = graph.chain(text_pad, steps)
    # Ease-out cubic: fast at first, settling on the final place.
    rest = f"pow(1-clip((t-{st})/{d},0,1),3)"
    x, y = str(text.x), str(text.y)
    if overlay.animation == "slide_up":
        y = f"{text.y}+{round(frame.height * SLIDE_FRACTION)}*{rest}"
    elif overlay.animation == "slide_left":
        x = f"{text.x}+{round(frame.width * SLIDE_FRACTION)}*{rest}"
    args: dict[str, str | int] = {"x": x, "y": y, "eval": "frame", "format": "yuv420"}
    if overlay.animation == "none":
        args["enable"] = f"gte(t,{st})"
    (out,) = graph.add("overlay", args, inputs=(scene, layer))
    return out
