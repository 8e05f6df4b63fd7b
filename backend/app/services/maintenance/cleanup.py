"""Delete what renders and uploads leave behind: old temp folders and orphaned uploads."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.core.config import settings
from app.core.db import sync_session
from app.models import Asset, Job
from app.models.job import RUNNING_STATES
from app.services.maintenance.runs import prune_runs

log = logging.getLogger(__name__)
TEMP_PREFIXES = ("render-", "upload-")
KEY_BATCH = 500  # storage keys looked up per query


def _newest_mtime(path: Path) -> float:
    """A folder counts as touched when it or any file directly in it was."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            newest = max(newest, child.lstat().st_mtime)
    return newest


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _running_job_ids() -> set[str]:
    with sync_session() as session:
        ids = session.scalars(select(Job.id).where(
            Job.state.in_([s.value for s in RUNNING_STATES])))
        return {str(i) for i in ids}


def clean_temp_dirs(root: Path, *, cutoff: float) -> tuple[int, int]:
    """Remove `render-*` / `upload-*` entries untouched since `cutoff`: (count, bytes)."""
    if not root.is_dir():
        return 0, 0
    old = [p for p in root.iterdir()
           if p.name.startswith(TEMP_PREFIXES) and _newest_mtime(p) < cutoff]
    # A render folder is named after its job; a job still running keeps it, however old.
    running = _running_job_ids() if old else set()
    removed = freed = 0
    for path in old:
        if path.name.removeprefix("render-") in running:
            continue
        freed += _size(path)
        _remove(path)
        removed += 1
    return removed, freed


def _batches(paths: Iterable[Path], size: int) -> Iterator[list[Path]]:
    batch: list[Path] = []
    for path in paths:
        batch.append(path)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def clean_orphan_uploads(storage_root: Path, *, cutoff: float) -> tuple[int, int]:
    """Remove files under `assets/` that no assets row names, untouched since `cutoff`."""
    root = storage_root / "assets"
    if not root.is_dir():
        return 0, 0
    old = (p for p in root.rglob("*")
           if p.is_file() and not p.is_symlink() and p.lstat().st_mtime < cutoff)
    removed = freed = 0
    for batch in _batches(old, KEY_BATCH):
        by_key = {p.relative_to(storage_root).as_posix(): p for p in batch}
        with sync_session() as session:
            known = set(session.scalars(select(Asset.storage_key)
                                        .where(Asset.storage_key.in_(list(by_key)))))
        for key, path in by_key.items():
            if key not in known:
                freed += path.lstat().st_size
                path.unlink(missing_ok=True)
                removed += 1
    # Empty per-user folders stay: removing one could race an upload that just made it.
    return removed, freed


def cleanup_temp_files(*, now: datetime | None = None, temp_max_age_s: float | None = None,
                       orphan_max_age_s: float | None = None) -> dict[str, int]:
    """Hourly: old render/upload temp folders, orphaned uploads, old maintenance runs."""
    at = now or datetime.now(UTC)
    temp_age = settings.TEMP_FILE_MAX_AGE_S if temp_max_age_s is None else temp_max_age_s
    orphan_age = (settings.ORPHAN_UPLOAD_MAX_AGE_S if orphan_max_age_s is None
                  else orphan_max_age_s)
    temp, temp_bytes = clean_temp_dirs(settings.temp_dir, cutoff=at.timestamp() - temp_age)
    orphans, orphan_bytes = clean_orphan_uploads(settings.storage_dir,
                                                 cutoff=at.timestamp() - orphan_age)
    pruned = prune_runs(before=at - timedelta(days=settings.MAINTENANCE_RUN_RETENTION_DAYS))
    result = {"temp_removed": temp, "orphans_removed": orphans,
              "bytes_freed": temp_bytes + orphan_bytes, "runs_pruned": pruned}
    if temp or orphans:
        log.info("maintenance.cleanup.removed", extra=result)
    return result
