"""Response body for the output presets a timeline may name (read from media's registry)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SafeZoneRead(BaseModel):
    top: int
    bottom: int
    left: int
    right: int


class PresetRead(BaseModel):
    name: str = Field(description="What `preset` (timeline) takes; for platforms also what "
                                  "`platforms` (workflow) takes")
    label: str = Field(description="A readable name for a picker")
    width: int = Field(description="Frame width in pixels at standard quality")
    height: int = Field(description="Frame height in pixels at standard quality")
    safe: SafeZoneRead = Field(description="Margins in pixels at this size that captions and "
                                           "text stay inside (clear of the app's own buttons)")
    caption_size: int = Field(description="Caption font size in pixels at this size")
    platform: bool = Field(description="A platform a workflow can make a reel for")


class QualityRead(BaseModel):
    name: str = Field(description="What `quality` takes")
    scale: float = Field(description="Frame size relative to the preset's (draft: half)")
