"""A long render as segment jobs on the whole fleet, stitched by the job that planned them.

The render job plans the segments, keeps the ones already in the owner's cache, and makes a
`segment` job of each of the others on its own queue (video, or gpu for `ultra`), so every
idle worker of that queue takes one. It then works through them itself too: it takes a
segment nobody has started (or whose worker died: its liveness lease lapsed) through the
same claim as any worker, and otherwise follows the others' progress. When every segment
is stored it downloads them and stitches the file; the soundtrack is mixed and measured
once, here. Cancelling the render cancels its segments; a segment that fails for good
fails the render. A second attempt of the render finds the segments stored or running
and does not render them again.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.core.config import settings
from app.core.db import sync_session
from app.jobs import liveness
from app.jobs.committed import publish_committed
from app.jobs.execute import Delivery, run_job
from app.jobs.lifecycle import CANCELLABLE, cancel_key, history_entry, transition
from app.jobs.names import SEGMENT_KIND, TaskName, queue_for
from app.jobs.policy import TransientError
from app.jobs.runtime import RUNNING, JobFailed, JobRun, worker_redis
from app.media import RenderCancelled, Timeline
from app.media import compile as build
from app.media.chunked import describe, segment_args, soundtrack_pass, stitch
from app.media.encoders import choose_encoder
from app.media.plan import Plan
from app.media.render import TimelineResult, prepare_files
from app.media.segment_keys import segment_key
from app.media.segments import Segment, split
from app.models import Job, JobState
from app.models.job import CLAIMABLE_STATES
from app.services.workers.segment_job import cache_key, render_segment_job, segment_params
from app.storage import get_storage

log = logging.getLogger(__name__)

POLL_S = 0.25  # how often the render looks at segments other workers render
CANCEL_KEY_TTL_S = 3600
SEGMENTS_SHARE = 0.95  # of the render's progress; the stitch and the store take the rest


@dataclass(frozen=True)
class SegmentCounts:
    total: int
    rendered: int
    cached: int

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, "rendered": self.rendered, "cached": self.cached}


def plan_segments(plan: Plan) -> list[Segment]:
    """The segments the settings cut `plan` into (one when splitting is off or not worth it)."""
    target = settings.render.RENDER_SEGMENT_S
    if target <= 0:
        return [Segment(0, 0, plan.total_frames, 0, len(plan.scenes) - 1, 0)]
    return split(plan, target_frames=round(target * plan.fps),
                 min_frames=round(settings.render.RENDER_SEGMENT_MIN_S * plan.fps))


def render_in_segments(run: JobRun, timeline: Timeline, plan: Plan, segments: list[Segment],
                       workdir: Path, output: Path) -> tuple[SegmentCounts, TimelineResult]:
    """Render `plan` as segment jobs and stitch them into `output`."""
    began = time.monotonic()
    gpu = run.queue == queue_for(TaskName.VIDEO_RENDER_GPU).value
    choice = choose_encoder(timeline.output.codec, prefer_gpu=gpu)
    args = segment_args(choice, timeline.output.quality, plan.fps, None)
    shared_dir = workdir / "shared"
    shared_dir.mkdir()
    shared = prepare_files(plan, shared_dir, stills=False)
    loudness = soundtrack_pass(plan, shared, should_cancel=run.should_cancel,
                               timeout_s=settings.render.RENDER_TIMEOUT_S)
    keys = [segment_key(plan, s, shared, args) for s in segments]
    storage = get_storage()
    stored = {s.index for s, k in zip(segments, keys, strict=True)
              if storage.exists(cache_key(run.user_id, k))}
    todo = [s for s in segments if s.index not in stored]
    task = TaskName.VIDEO_SEGMENT_GPU if gpu else TaskName.VIDEO_SEGMENT
    children = _segment_jobs(run, task, timeline, plan, todo, keys, shared, args)
    _follow(run, task, children, {s.index: s.frames for s in todo}, plan.total_frames)
    parts = []
    for seg, key in zip(segments, keys, strict=True):
        part = workdir / f"part-{seg.index:04d}.mp4"
        try:
            storage.download(cache_key(run.user_id, key), part)
        except FileNotFoundError:  # removed by the cache's retention since: a retry renders it
            raise TransientError(f"segment {seg.index} left the cache before the stitch") \
                from None
        parts.append(part)
    run.progress(SEGMENTS_SHARE, "stitching", force=True)
    stitch(plan, parts, shared, output, loudness_log=loudness,
           timeout_s=settings.render.RENDER_TIMEOUT_S)
    result = describe(output, timeline.output.codec, choice, time.monotonic() - began)
    return SegmentCounts(len(segments), len(todo), len(stored)), result


def _segment_jobs(run: JobRun, task: TaskName, timeline: Timeline, plan: Plan,
                  todo: Sequence[Segment], keys: list[str], shared: build.Workfiles,
                  args: list[str]) -> dict[int, uuid.UUID]:
    """A segment job per segment to render: an earlier attempt's one with the same key
    when it is not cancelled or failed, else a new one, published at once."""
    wire = timeline.model_dump(mode="json")
    with sync_session() as session:
        earlier = {(r.params.get("index"), r.params.get("key")): r for r in session.scalars(
            # the owner's jobs only (a render's parts are its owner's): the user's index,
            # not a scan of every job
            select(Job).where(Job.user_id == run.user_id, Job.kind == SEGMENT_KIND,
                              Job.params["parent_id"].astext == str(run.job_id)))}
        children: dict[int, uuid.UUID] = {}
        fresh: list[Job] = []
        now = datetime.now(UTC)
        for seg in todo:
            old = earlier.get((seg.index, keys[seg.index]))
            if old is not None and old.state not in (JobState.CANCELLED.value,
                                                     JobState.FAILED.value,
                                                     JobState.DEAD.value):
                children[seg.index] = old.id
                continue
            job = Job(id=uuid.uuid4(), user_id=run.user_id, kind=SEGMENT_KIND,
                      task_name=task.value, queue=queue_for(task).value, priority=run.priority,
                      state=JobState.PENDING.value,
                      params=segment_params(parent_id=run.job_id, timeline=wire, plan=plan,
                                            seg=seg, key=keys[seg.index], files=shared,
                                            encoder=args),
                      history=history_entry(JobState.PENDING), progress=0.0, attempts=0,
                      created_at=now)
            session.add(job)
            fresh.append(job)
            children[seg.index] = job.id
        session.commit()
        for job in fresh:
            session.expunge(job)
    if fresh:
        publish_committed(fresh, fair=False)  # a render's parts never wait on fair share
    return children


def _follow(run: JobRun, task: TaskName, children: dict[int, uuid.UUID],
            frames: dict[int, int], total_frames: int) -> None:
    """Until every segment is stored: take one nobody runs, else watch the others."""
    if not children:
        return
    index_of = {job_id: i for i, job_id in children.items()}
    delivery = Delivery(task_name=task.value, queue=queue_for(task).value,
                        worker=socket.gethostname(), on_final=lambda _job: None)
    cached = total_frames - sum(frames.values())
    while True:
        if run.should_cancel():
            cancel_segments(list(children.values()))
            raise RenderCancelled()
        with sync_session() as session:
            rows = session.execute(select(Job.id, Job.state, Job.progress, Job.worker,
                                          Job.error).where(Job.id.in_(children.values()))).all()
        broken = [r for r in rows if r.state in (JobState.FAILED.value, JobState.DEAD.value,
                                                 JobState.CANCELLED.value)]
        if broken or len(rows) < len(children):
            cancel_segments(list(children.values()))
            why = (broken[0].error or {}).get("message", broken[0].state) if broken else "gone"
            index = index_of[broken[0].id] if broken else -1
            raise JobFailed("segment_failed", f"segment {index} of the render failed: {why}")
        done = cached + sum(frames[index_of[r.id]] * (1.0 if r.state == JobState.SUCCEEDED.value
                                                       else r.progress or 0.0) for r in rows)
        run.progress(SEGMENTS_SHARE * done / total_frames, "segments")
        if all(r.state == JobState.SUCCEEDED.value for r in rows):
            return
        free = next((r for r in rows if JobState(r.state) in CLAIMABLE_STATES
                     or (r.state in RUNNING and liveness.left_s(r.worker) == 0.0)), None)
        if free is not None:
            run_job(str(free.id), render_segment_job, delivery)
            continue
        time.sleep(POLL_S)


def cancel_segments(ids: Sequence[uuid.UUID]) -> int:
    """Cancel the segments that have not finished; a running one stops at its next check."""
    if not ids:
        return 0
    with sync_session() as session:
        moved = session.execute(transition(JobState.CANCELLED, Job.id.in_(ids),
                                           from_=CANCELLABLE, finished_at=datetime.now(UTC))
                                .returning(Job.id)).scalars().all()
        session.commit()
    client = worker_redis()
    for job_id in moved:
        client.set(cancel_key(job_id), "1", ex=CANCEL_KEY_TTL_S)
    return len(moved)

