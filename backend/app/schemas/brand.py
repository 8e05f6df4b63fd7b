"""A brand kit: how every reel of a project looks and sounds (fonts, colours, captions,
watermark, intro/outro cards, music). Every field is optional: unset means the render's
own default. A submit's `brand` merges over its project's kit, field by field."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.media.timeline import Color

# The bundled set (fontpkg-roboto): one variable family, upright or italic, at two widths.
FontFamily = Literal["roboto", "roboto-condensed", "roboto-italic"]
Corner = Literal["top_left", "top_right", "bottom_left", "bottom_right", "center"]
CaptionStyle = Literal["none", "plain", "boxed", "karaoke"]


class _Kit(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BrandFonts(_Kit):
    family: FontFamily = "roboto"
    bold: bool = Field(True, strict=True)  # 0 or "yes" is not a boolean


class BrandColors(_Kit):
    primary: Color | None = Field(None, description="Card backgrounds (top of the gradient)")
    secondary: Color | None = Field(None, description="Card backgrounds (bottom)")
    text: Color | None = Field(None, description="Text on cards")


class BrandCaptions(_Kit):
    style: CaptionStyle | None = None
    color: Color | None = Field(None, description="Caption text")
    highlight: Color | None = Field(None, description="The spoken word (karaoke)")
    size: int | None = Field(None, ge=12, le=200, description="Pixels at 1080 p")


class Watermark(_Kit):
    """A logo over every frame: an image asset (yours or the library's)."""

    asset_id: uuid.UUID
    position: Corner = "bottom_right"
    opacity: float = Field(0.8, ge=0.05, le=1.0)
    scale: float = Field(0.18, ge=0.03, le=0.6, description="Logo width / frame width")
    margin: float = Field(0.04, ge=0.0, le=0.25, description="Gap to the edges / frame width")


class BrandCard(_Kit):
    """An intro or outro card: text on the brand's colours."""

    text: str = Field(min_length=1, max_length=200)
    duration_s: float = Field(1.5, ge=0.5, le=10.0)
    background: Color | None = Field(None, description="Default: the kit's primary colour")
    text_color: Color | None = Field(None, description="Default: the kit's text colour")


class BrandMusic(_Kit):
    """A music bed under the voice: an audio asset (yours or the library's)."""

    asset_id: uuid.UUID
    volume_db: float = Field(-6.0, ge=-40, le=10)
    duck: bool = Field(True, description="Lower the music while the voice speaks")


class BrandKit(_Kit):
    fonts: BrandFonts | None = None
    colors: BrandColors | None = None
    captions: BrandCaptions | None = None
    watermark: Watermark | None = None
    intro: BrandCard | None = None
    outro: BrandCard | None = None
    music: BrandMusic | None = None
