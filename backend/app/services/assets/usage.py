"""Usage records: which assets a finished render used, in which role, and the attribution
text their licences ask for (compliance: where each library item went).

A render records its uses once it has stored its output and while its attempt still
owns the job: a stale attempt (taken over, cancelled) records nothing, and a retried
attempt updates the rows of the one before it (unique on asset, job and role) instead of
adding more. The attribution is read from the licences of the assets used: each distinct
`licence.attribution` once, in the order the assets are used.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from app.core.db import sync_session
from app.jobs.runtime import RUNNING, JobRun
from app.media.timeline import Timeline
from app.models import Asset, AssetUsage, Job

# A timeline's asset fields (Timeline.asset_refs) and the role each use is recorded as.
ROLE_OF_FIELD = {"scenes": "scene", "audio.voice": "voice", "audio.music": "music",
                 "watermark": "watermark"}


@dataclass(frozen=True)
class Use:
    asset_id: uuid.UUID
    role: str


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None  # a render's own input (a workflow's voice), not a stored asset


def uses_of(timeline: Timeline) -> list[Use]:
    """Each (asset, role) the timeline uses, once, in order; ids that are no asset skipped."""
    out: list[Use] = []
    for field, asset, _kind in timeline.asset_refs():
        asset_id = _uuid(asset)
        prefix = field.split(".")[0] if field.startswith("scenes.") else field.rsplit(".", 1)[0]
        use = Use(asset_id, ROLE_OF_FIELD[prefix]) if asset_id is not None else None
        if use is not None and use not in out:
            out.append(use)
    return out


def attribution_text(licences: Sequence[dict[str, object] | None]) -> str | None:
    """The distinct attribution lines of `licences`, joined one per line; None if none."""
    lines: list[str] = []
    for licence in licences:
        line = str((licence or {}).get("attribution") or "").strip()
        if line and line not in lines:
            lines.append(line)
    return "\n".join(lines) or None


def record_usage(run: JobRun, *, workflow_id: uuid.UUID | None, output_key: str,
                 uses: Sequence[Use]) -> str | None:
    """Record this attempt's uses (if it still owns the job); the attribution text."""
    ids = list(dict.fromkeys(u.asset_id for u in uses))
    with sync_session() as session:
        owns = session.scalar(select(Job.id).where(
            Job.id == run.job_id, Job.attempts == run.attempt, Job.state.in_(RUNNING)))
        if owns is not None and uses:
            stmt = insert(AssetUsage).values([
                {"id": uuid.uuid4(), "asset_id": u.asset_id, "user_id": run.user_id,
                 "job_id": run.job_id, "workflow_id": workflow_id, "role": u.role,
                 "output_key": output_key} for u in uses])
            session.execute(stmt.on_conflict_do_update(
                constraint="uq_asset_usages_asset_job_role",
                set_={"output_key": stmt.excluded.output_key,
                      "workflow_id": stmt.excluded.workflow_id}))
        rows = session.execute(select(Asset.id, Asset.licence).where(Asset.id.in_(ids)))
        licences: dict[uuid.UUID, dict[str, object] | None] = {r.id: r.licence for r in rows}
        session.commit()
    return attribution_text([licences.get(i) for i in ids])
