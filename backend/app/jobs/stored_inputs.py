"""A worker's inputs and outputs: objects copied between the store and a private folder.

Nothing a worker reads or writes is shared with another process through a disk: inputs
are downloaded into a folder of the attempt's own, and outputs are uploaded under a key
of the attempt's own (`results/{user}/{job}/a{attempt}/…`), so a stale attempt that
finishes late can never overwrite or delete its successor's result.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import or_, select

from app.core.config import settings
from app.core.db import sync_session
from app.core.temp_names import JobFolder
from app.jobs.runtime import JobFailed
from app.models import Asset
from app.storage import get_storage


@contextmanager
def private_folder(kind: JobFolder, job_id: uuid.UUID) -> Iterator[Path]:
    """A temp folder for one attempt (two attempts on one machine never share one), named
    from the temp-name registry so that cleanup finds it if the worker is killed."""
    settings.app.temp_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=kind.prefix(job_id), dir=settings.app.temp_dir))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def result_key(user_id: uuid.UUID, job_id: uuid.UUID, attempt: int, name: str) -> str:
    """Where attempt `attempt` of a job stores its file `name`."""
    return f"results/{user_id}/{job_id}/a{attempt}/{name}"


def fetch_assets(user_id: uuid.UUID, ids: list[str], into: Path) -> dict[str, Path]:
    """Download assets `ids` (the user's own or shared library items) into `into`; one
    deleted since submit fails the job for good, and so does a library item retired since
    (`asset_retired`, naming it); a store that does not answer is transient
    (StorageUnavailable)."""
    wanted = [uuid.UUID(i) for i in ids]
    with sync_session() as session:
        found = {str(a.id): a for a in session.scalars(select(Asset).where(
            Asset.id.in_(wanted), or_(Asset.user_id == user_id, Asset.user_id.is_(None))))}
    keys = {asset_id: a.storage_key for asset_id, a in found.items()}
    storage = get_storage()
    into.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for asset_id in ids:
        if asset_id not in keys:
            raise JobFailed("asset_missing", f"asset {asset_id} no longer exists")
        retired = found[asset_id]
        if retired.retired_at is not None:
            name = f" ({retired.title})" if retired.title else ""
            raise JobFailed("asset_retired", f"library item {asset_id}{name} was retired "
                            f"({retired.retired_reason or 'no reason given'}); choose "
                            "another item and submit again")
        dest = into / keys[asset_id].rsplit("/", 1)[-1]
        try:
            storage.download(keys[asset_id], dest)
        except FileNotFoundError:
            raise JobFailed("asset_missing", f"asset {asset_id} has no stored file") from None
        paths[asset_id] = dest
    return paths


def fetch_output(key: str | None, step: str, into: Path) -> Path:
    """Download an earlier step's stored output; gone means a retry cannot help."""
    if key is None:
        raise JobFailed("input_missing", f"the output of step {step!r} is gone")
    dest = into / f"{step}-{key.rsplit('/', 1)[-1]}"
    try:
        get_storage().download(key, dest)
    except FileNotFoundError:
        raise JobFailed("input_missing", f"the output of step {step!r} is gone") from None
    return dest
