"""Delete what the object store keeps for nobody: orphaned uploads, results of attempts
that lost, results of deleted jobs, and results past their plan's retention."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core.db import sync_session
from app.jobs.quotas import plan_limits
from app.models import Asset, Job, User
from app.models.job import FINAL_STATES
from app.storage import Storage, StoredObject

KEY_BATCH = 500  # keys (or job ids) looked up per query


def _batches(items: Iterable[StoredObject], size: int = KEY_BATCH) -> Iterator[list[StoredObject]]:
    batch: list[StoredObject] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def clean_orphan_uploads(storage: Storage, *, cutoff: datetime) -> tuple[int, int]:
    """Objects under `assets/` that no assets row names, stored before `cutoff`: uploads
    whose transaction rolled back after the put (a crash between the two)."""
    removed = freed = 0
    old = (o for o in storage.list("assets/") if o.modified < cutoff)
    for batch in _batches(old):
        with sync_session() as session:
            known = set(session.scalars(select(Asset.storage_key).where(
                Asset.storage_key.in_([o.key for o in batch]))))
        for item in batch:
            if item.key not in known:
                storage.delete(item.key)
                removed, freed = removed + 1, freed + item.size
    return removed, freed


def _clean_older(storage: Storage, prefix: str, cutoff: datetime) -> tuple[int, int]:
    """Delete every object under `prefix` stored before `cutoff`: (count, bytes)."""
    removed = freed = 0
    for item in storage.list(prefix):
        if item.modified < cutoff:
            storage.delete(item.key)
            removed, freed = removed + 1, freed + item.size
    return removed, freed


def clean_stale_direct_uploads(storage: Storage, *, cutoff: datetime) -> tuple[int, int]:
    """Direct uploads (`uploads/`) never completed: stored before `cutoff`, their URL and
    pending entry long expired."""
    return _clean_older(storage, "uploads/", cutoff)


def clean_segment_cache(storage: Storage, *, cutoff: datetime) -> tuple[int, int]:
    """Encoded segments (`cache/segments/`) stored before `cutoff` (SEGMENT_CACHE_DAYS): a
    re-render after that renders them again."""
    return _clean_older(storage, "cache/segments/", cutoff)


@dataclass(frozen=True)
class _JobFacts:
    state: str
    output_key: str | None
    finished_at: datetime | None
    plan: str


def _job_id(key: str) -> uuid.UUID | None:
    parts = key.split("/")  # results/{user}/{job}/a{attempt}/{name}
    try:
        return uuid.UUID(parts[2]) if len(parts) >= 4 else None
    except ValueError:
        return None


def _attempt_prefix(key: str) -> str:
    return key.rsplit("/", 1)[0] + "/"


def _facts(ids: set[uuid.UUID]) -> dict[uuid.UUID, _JobFacts]:
    with sync_session() as session:
        rows = session.execute(select(Job.id, Job.state, Job.output_key, Job.finished_at,
                                      User.plan).join(User, User.id == Job.user_id)
                               .where(Job.id.in_(ids)))
        return {r.id: _JobFacts(r.state, r.output_key, r.finished_at, r.plan) for r in rows}


def _retention(plan: str) -> timedelta | None:
    # a plan missing from the catalogue is "free" here as it is for the quotas, not
    # "keep for ever"
    days = plan_limits(plan).result_retention_days
    return timedelta(days=days) if days > 0 else None


def clean_results(storage: Storage, *, now: datetime, orphan_cutoff: datetime
                  ) -> dict[str, int]:
    """Objects under `results/`: a finished job keeps only the files of the attempt its row
    points at, and only while its plan's retention lasts; a job that is gone keeps none.
    A job still open keeps everything (its attempt may be uploading right now)."""
    orphans = expired = freed = 0
    for batch in _batches(storage.list("results/")):
        facts = _facts({i for o in batch if (i := _job_id(o.key)) is not None})
        for item in batch:
            job_id = _job_id(item.key)
            job = facts.get(job_id) if job_id else None
            if job is not None and job.state not in FINAL_STATES:
                continue
            winner = job is not None and job.output_key is not None and \
                _attempt_prefix(job.output_key) == _attempt_prefix(item.key)
            if winner:
                assert job is not None
                keep_for = _retention(job.plan)
                if keep_for is None or job.finished_at is None or \
                        job.finished_at + keep_for > now:
                    continue
                expired += 1
            elif item.modified < orphan_cutoff:
                orphans += 1
            else:
                continue
            storage.delete(item.key)
            freed += item.size
    return {"result_orphans_removed": orphans, "results_expired": expired,
            "result_bytes_freed": freed}
