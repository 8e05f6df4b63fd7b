"""Fault injection for the fault battery: kill worker pool processes and whole workers."""

from __future__ import annotations

import os
import random
import signal
import uuid
from collections import Counter
from dataclasses import dataclass, field

import psutil
from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import Job
from app.models.job import FINAL_STATES
from tests.support.canary import canary_counts
from tests.support.processes import CeleryWorker


def kill_a_child(workers: list[CeleryWorker], rng: random.Random) -> bool:
    """SIGKILL one pool process of a random worker (the worker replaces it)."""
    candidates = [c for w in workers if w.proc.poll() is None
                  for c in psutil.Process(w.proc.pid).children()]
    if not candidates:
        return False
    try:
        os.kill(rng.choice(candidates).pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


def kill_worker(worker: CeleryWorker) -> None:
    """SIGKILL a whole worker: its main process and its pool, with no warm shutdown."""
    try:
        os.killpg(worker.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.proc.wait(10)


@dataclass
class Tally:
    """What happened to a set of canary jobs."""

    submitted: int
    states: Counter[str] = field(default_factory=Counter)
    lost: list[uuid.UUID] = field(default_factory=list)
    executed_twice: list[uuid.UUID] = field(default_factory=list)
    double_effects: list[uuid.UUID] = field(default_factory=list)

    def line(self) -> str:
        return (f"submitted {self.submitted}, succeeded {self.states['succeeded']}, "
                f"lost {len(self.lost)}, executed more than once per attempt "
                f"{len(self.executed_twice)}, effects applied more than once "
                f"{len(self.double_effects)}, states {dict(self.states)}")


def tally(job_ids: list[uuid.UUID]) -> Tally:
    """Final states from PostgreSQL and execution/effect counts from the canary."""
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        rows = {r.id: (r.state, r.attempts) for r in conn.execute(
            select(Job.id, Job.state, Job.attempts).where(Job.id.in_(job_ids)))}
    engine.dispose()
    result = Tally(submitted=len(job_ids))
    for job_id in job_ids:
        state, attempts = rows.get(job_id, ("missing", 0))
        result.states[state] += 1
        if state not in FINAL_STATES:
            result.lost.append(job_id)
        executions, effects = canary_counts(job_id)
        if executions > attempts:
            result.executed_twice.append(job_id)
        if effects > 1:
            result.double_effects.append(job_id)
    return result


def all_final(job_ids: list[uuid.UUID]) -> bool:
    return not tally(job_ids).lost
