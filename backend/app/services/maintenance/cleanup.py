"""Delete what renders and uploads leave behind: old temp folders, and in the store
orphaned uploads, results of attempts that lost and results past retention."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.core.config import settings
from app.core.db import sync_session
from app.core.temp_names import PART_SUFFIX, is_part, is_temp, job_of_folder
from app.models import Job
from app.models.job import RUNNING_STATES
from app.services.maintenance.oauth_states import prune_oauth_states
from app.services.maintenance.runs import prune_runs
from app.services.maintenance.store_cleanup import (
    clean_orphan_uploads,
    clean_results,
    clean_segment_cache,
    clean_stale_direct_uploads,
)
from app.storage import Storage, get_storage
from app.storage.local import LocalStorage

log = logging.getLogger(__name__)


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
    """Remove the temp entries (every name in app.core.temp_names) untouched since `cutoff`:
    (count, bytes)."""
    if not root.is_dir():
        return 0, 0
    old = [p for p in root.iterdir() if is_temp(p.name) and _newest_mtime(p) < cutoff]
    # A render folder is named after its job; a job still running keeps it, however old.
    running = _running_job_ids() if old else set()
    removed = freed = 0
    for path in old:
        if job_of_folder(path.name) in running:
            continue
        freed += _size(path)
        _remove(path)
        removed += 1
    return removed, freed


def clean_store_parts(storage: Storage, *, cutoff: float) -> tuple[int, int]:
    """In a local store, remove `.part` files of writes killed before their rename,
    untouched since `cutoff`: (count, bytes). A bucket keeps no partial objects."""
    if not isinstance(storage, LocalStorage):
        return 0, 0
    removed = freed = 0
    for path in storage.root.rglob(f"*{PART_SUFFIX}"):
        if is_part(path.name) and path.is_file() and not path.is_symlink() \
                and path.lstat().st_mtime < cutoff:
            freed += path.lstat().st_size
            path.unlink(missing_ok=True)
            removed += 1
    return removed, freed


def cleanup_temp_files(*, now: datetime | None = None, temp_max_age_s: float | None = None,
                       orphan_max_age_s: float | None = None) -> dict[str, int]:
    """Hourly: old temp folders, the store's orphans and expired results, old runs,
    expired OAuth states."""
    at = now or datetime.now(UTC)
    config = settings.maintenance
    temp_age = config.TEMP_FILE_MAX_AGE_S if temp_max_age_s is None else temp_max_age_s
    orphan_age = (config.ORPHAN_UPLOAD_MAX_AGE_S if orphan_max_age_s is None
                  else orphan_max_age_s)
    temp, temp_bytes = clean_temp_dirs(settings.app.temp_dir, cutoff=at.timestamp() - temp_age)
    storage = get_storage()
    parts, part_bytes = clean_store_parts(storage, cutoff=at.timestamp() - temp_age)
    temp, temp_bytes = temp + parts, temp_bytes + part_bytes
    orphan_cutoff = at - timedelta(seconds=orphan_age)
    orphans, orphan_bytes = clean_orphan_uploads(storage, cutoff=orphan_cutoff)
    # twice the URL's life: a PUT that started just before expiry has long finished
    stale_cutoff = at - timedelta(seconds=2 * settings.uploads.DIRECT_UPLOAD_TTL_S)
    stale, stale_bytes = clean_stale_direct_uploads(storage, cutoff=stale_cutoff)
    orphans += stale
    orphan_bytes += stale_bytes
    results = clean_results(storage, now=at, orphan_cutoff=orphan_cutoff)
    segments, segment_bytes = clean_segment_cache(
        storage, cutoff=at - timedelta(days=settings.render.SEGMENT_CACHE_DAYS))
    pruned = prune_runs(before=at - timedelta(days=config.MAINTENANCE_RUN_RETENTION_DAYS))
    result = {"temp_removed": temp, "orphans_removed": orphans,
              "bytes_freed": temp_bytes + orphan_bytes + segment_bytes
              + results.pop("result_bytes_freed"),
              **results, "segments_expired": segments, "runs_pruned": pruned,
              "oauth_states_removed": prune_oauth_states(now=at)}
    if temp or orphans or segments or results["result_orphans_removed"] \
            or results["results_expired"]:
        log.info("maintenance.cleanup.removed", extra=result)
    return result
