"""Response bodies for uploaded assets."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AssetRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kind: str
    content_type: str
    filename: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    duration_s: float | None
    created_at: datetime
