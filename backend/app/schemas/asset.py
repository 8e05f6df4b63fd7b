"""Response bodies for uploaded assets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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


class DirectUploadCreate(BaseModel):
    """A file the client will PUT straight to the store, then complete."""

    kind: Literal["image", "audio", "video"]
    filename: str = Field(min_length=1, max_length=255)
    size_bytes: int = Field(gt=0, description="The file's size; above the kind's cap is 413")


class DirectUploadRead(BaseModel):
    upload_id: uuid.UUID
    method: Literal["PUT"] = "PUT"
    url: str = Field(description="Presigned URL on the store: PUT the file's bytes there")
    headers: dict[str, str] = Field(description="Headers the PUT must carry as given")
    expires_at: datetime
    complete_url: str = Field(description="POST here once the PUT has succeeded")
