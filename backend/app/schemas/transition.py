"""Response body for the transition kinds a video can use (read from media's registry)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TransitionRead(BaseModel):
    name: str = Field(description="What `transition` (slideshow) or `transition.kind` "
                                  "(timeline) takes")
    label: str = Field(description="A readable name for a picker")
    blends: bool = Field(description="False for `none`, a cut: its duration is ignored")
    slideshow: bool = Field(description="Accepted by the slideshow fields of a video submit, "
                                        "schedule templates and workflows; every kind is "
                                        "accepted in a timeline")
    default: bool = Field(description="The kind used when none is given")
