"""A brand kit (app/schemas/brand.py) applied to a reel's parts: cards, text, captions,
watermark, intro and outro cards and the music bed. Unset fields keep the reel's own
defaults; a kit's caption style, when set, wins over the request's `video.captions`."""

from __future__ import annotations

from typing import Any

from app.media.timeline import (
    Captions,
    CardScene,
    Gradient,
    Music,
    TextOverlay,
    Watermark,
    Word,
)
from app.schemas.brand import BrandCard, BrandKit

WHITE = "#FFFFFF"
CARD_TEXT_SIZE = 84
INTRO_TEXT_SIZE = 96


def brand_kit(params: dict[str, Any]) -> BrandKit:
    """The render step's kit (the project's merged with the request's at submit)."""
    return BrandKit.model_validate(params.get("brand") or {})


def brand_asset_ids(kit: BrandKit) -> list[str]:
    """The stored assets the kit draws on: the watermark's logo and the music track."""
    return [str(a.asset_id) for a in (kit.watermark, kit.music) if a is not None]


def _font(kit: BrandKit) -> dict[str, Any]:
    return {"font": kit.fonts.family, "bold": kit.fonts.bold} if kit.fonts else {}


def card_gradient(kit: BrandKit, default: tuple[str, str]) -> Gradient:
    """The kit's primary to secondary colour, or `default` where it sets neither."""
    colors = kit.colors
    top = (colors.primary or colors.secondary) if colors else None
    bottom = (colors.secondary or colors.primary) if colors else None
    return Gradient(colors=[top or default[0], bottom or default[1]])


def card_text(kit: BrandKit, text: str, *, size: int = CARD_TEXT_SIZE,
              color: str | None = None) -> TextOverlay:
    """Text on a card in the kit's font and text colour."""
    fill = color or (kit.colors.text if kit.colors else None) or WHITE
    return TextOverlay(text=text[:500], size=size, color=fill, **_font(kit))


def bookend(kit: BrandKit, card: BrandCard, seconds: float, default: tuple[str, str]) -> CardScene:
    """An intro or outro card lasting `seconds`: its own background, else the kit's colours."""
    text = card_text(kit, card.text, size=INTRO_TEXT_SIZE, color=card.text_color)
    if card.background is not None:
        return CardScene(duration_s=seconds, color=card.background, text=text)
    return CardScene(duration_s=seconds, gradient=card_gradient(kit, default), text=text)


def captions(kit: BrandKit, requested: str, words: list[Word]) -> Captions | None:
    """Captions in the kit's style, colours, size and font; None for `none` or no words."""
    brand = kit.captions
    style = (brand.style if brand and brand.style else None) or requested
    if style == "none" or not words:
        return None
    fields: dict[str, Any] = {"words": words, "style": style, **_font(kit)}
    if brand is not None:
        fields |= {k: v for k, v in (("color", brand.color), ("highlight", brand.highlight),
                                     ("size", brand.size)) if v is not None}
    return Captions.model_validate(fields)


def watermark(kit: BrandKit) -> Watermark | None:
    mark = kit.watermark
    if mark is None:
        return None
    return Watermark(asset=str(mark.asset_id), position=mark.position, opacity=mark.opacity,
                     scale=mark.scale, margin=mark.margin)


def music(kit: BrandKit) -> Music | None:
    bed = kit.music
    if bed is None:
        return None
    return Music(asset=str(bed.asset_id), volume_db=bed.volume_db, duck=bed.duck)
