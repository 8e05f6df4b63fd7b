"""Request and response bodies for batches: shared defaults, per-item overrides, counts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH_ITEMS = 500
ItemKind = Literal["workflow", "video"]


class BatchItem(BaseModel):
    """One item: its kind and the fields that differ from the batch's defaults."""

    model_config = ConfigDict(extra="forbid")

    kind: ItemKind = "workflow"
    overrides: dict[str, Any] = Field(default_factory=dict,
                                      description="Fields of a workflow or video submit; "
                                                  "nested objects merge with the defaults")


class BatchDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    workflow: dict[str, Any] = Field(default_factory=dict)
    video: dict[str, Any] = Field(default_factory=dict)


class BatchSubmit(BaseModel):
    """Up to 500 workflows or videos; one failing item does not stop the others."""

    model_config = ConfigDict(extra="forbid")

    defaults: BatchDefaults = Field(default_factory=BatchDefaults)
    items: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class BatchItemRead(BaseModel):
    index: int
    kind: ItemKind
    id: uuid.UUID
    state: str
    progress: float
    error: dict[str, Any] | None


class BatchRead(BaseModel):
    id: uuid.UUID
    state: str  # running, succeeded, failed (all items), partial (some failed), cancelled
    item_count: int
    counts: dict[str, int]
    progress: float
    items: list[BatchItemRead]
    created_at: datetime
