"""Every name a temp file or folder is given, in one registry: whoever creates one names it
from here, and cleanup (hourly, and each worker at start) removes old entries matching it.

A process killed mid-way (OOM, a hard time limit, a redeploy) never runs its `finally`, so
anything it made stays on disk until cleanup recognises the name. A name made outside this
registry would never be recognised.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from pathlib import Path


class JobFolder(StrEnum):
    """A job attempt's private folder: `<kind>-<job id>-<random>` (jobs/stored_inputs)."""

    RENDER = "render"
    SEGMENT = "segment"  # one segment of a chunked render (services/workers/segment_job)
    REEL = "reel"
    SPEECH = "speech"
    OPTIMISE = "optimise"
    PUBLISH = "publish"  # a post's file on its way to a platform (workers/social_post)
    TAG = "tag"  # auto-tagging: `tag-<asset id>-<random>` (services/workers/tagging)

    def prefix(self, job_id: uuid.UUID) -> str:
        return f"{self.value}-{job_id}-"


UPLOAD_FOLDER = "upload-"  # an upload being checked (services/assets)
REPORT_FOLDER = "report-"  # the daily report being written (services/maintenance/report)
# Folders directly in the temp dir, by the start of their name.
TEMP_PREFIXES: tuple[str, ...] = (*(f"{kind.value}-" for kind in JobFolder),
                                  UPLOAD_FOLDER, REPORT_FOLDER)
# A file written under a temp name and renamed into place (storage/local, speech/wav).
PART_SUFFIX = ".part"


def part_path(dest: Path) -> Path:
    """The temp name `dest` is written under before it is renamed into place."""
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex}{PART_SUFFIX}")


def is_temp(name: str) -> bool:
    """An entry of the temp dir that cleanup may remove once it is old."""
    return name.startswith(TEMP_PREFIXES) or is_part(name)


def is_part(name: str) -> bool:
    return name.startswith(".") and name.endswith(PART_SUFFIX)


def job_of_folder(name: str) -> str | None:
    """The job id a job folder's name carries; None for any other name."""
    for kind in JobFolder:
        prefix = f"{kind.value}-"
        if name.startswith(prefix):
            return name[len(prefix):len(prefix) + 36]
    return None
