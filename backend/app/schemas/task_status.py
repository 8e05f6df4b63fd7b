"""The original plan's status answer: one line per job or workflow, in Celery's words."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

CeleryState = Literal["PENDING", "STARTED", "PROGRESS", "RETRY", "SUCCESS", "FAILURE",
                      "REVOKED"]


class TaskStatusRead(BaseModel):
    task_id: uuid.UUID
    kind: Literal["job", "workflow"]
    state: CeleryState = Field(description="Celery's name for where the task stands")
    progress: float = Field(ge=0, le=100, description="Percent done")
    status: str = Field(description="What it is doing now (the stage, e.g. `rendering`), or "
                                    "its state when no stage applies")
    execution_time: float | None = Field(
        description="Seconds since it started (until it finished); null before it starts")
    url: str = Field(description="The full resource: GET /tasks/{id} or /workflows/{id}")
