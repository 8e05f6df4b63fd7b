"""Request and response bodies for batches: shared defaults, per-item overrides, counts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

MAX_BATCH_ITEMS = 500
ItemKind = Literal["workflow", "video", "content"]


class BatchItem(BaseModel):
    """One item: its kind, its project and the fields that differ from the defaults."""

    model_config = ConfigDict(extra="forbid")

    kind: ItemKind = Field("workflow", description="Default: the batch's `task_type`, "
                                                   "else workflow")
    project_id: uuid.UUID | int | None = Field(
        None, description="The item's project (id or number): its settings are the "
                          "defaults of the fields the item leaves out")
    overrides: dict[str, Any] = Field(
        default_factory=dict, validation_alias=AliasChoices("overrides", "settings"),
        description="Fields of a submit of the item's kind (`settings` is accepted as "
                    "well); nested objects merge with the defaults")


class BatchDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    workflow: dict[str, Any] = Field(default_factory=dict)
    video: dict[str, Any] = Field(default_factory=dict)
    content: dict[str, Any] = Field(default_factory=dict)


class BatchSubmit(BaseModel):
    """Up to 500 workflows, videos or script jobs; one failing item does not stop the
    others."""

    model_config = ConfigDict(extra="forbid")

    task_type: ItemKind | None = Field(
        None, description="The kind of every item that does not name its own (the "
                          "original plan's field)")
    defaults: BatchDefaults = Field(default_factory=BatchDefaults)
    items: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)

    def kind_of(self, item: BatchItem) -> ItemKind:
        """An item's own kind, else the batch's task_type, else workflow."""
        if "kind" in item.model_fields_set or self.task_type is None:
            return item.kind
        return self.task_type


class BatchItemRead(BaseModel):
    index: int
    kind: ItemKind
    id: uuid.UUID
    title: str | None = Field(None, description="The item's topic, or the start of its "
                                                "script (null for a slideshow)")
    state: str
    progress: float
    error: dict[str, Any] | None


class BatchRead(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID | None = Field(None, description="Set when every item is in it")
    state: str  # running, succeeded, failed (all items), partial (some failed), cancelled
    item_count: int
    counts: dict[str, int]
    progress: float
    items: list[BatchItemRead]
    created_at: datetime


class ArchiveLink(BaseModel):
    """A token-free link to the batch's ZIP, for a plain download link in a browser."""

    url: str = Field(description="GET it without credentials until `expires_at`")
    expires_at: datetime
