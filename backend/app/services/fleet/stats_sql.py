"""The fleet statistics' SQL, as text, so the stats benchmark can EXPLAIN exactly what the
endpoints run: per-queue counts, per-task performance and its history, and the figures
behind /metrics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import TextClause, text

from app.core.metrics import DURATION_BUCKETS_S
from app.jobs.names import Queue
from app.models import JobState

QUEUES = [q.value for q in Queue]


def _in(*states: JobState) -> str:
    return "(" + ", ".join(f"'{s.value}'" for s in states) + ")"


ACTIVE = _in(JobState.STARTED, JobState.PROGRESS)
WAITING = _in(JobState.PENDING, JobState.HELD, JobState.QUEUED)
LIVE = _in(JobState.PENDING, JobState.HELD, JobState.QUEUED, JobState.STARTED,
           JobState.PROGRESS, JobState.RETRYING)
FINAL = _in(JobState.SUCCEEDED, JobState.FAILED, JobState.DEAD, JobState.CANCELLED)
FAILED = _in(JobState.FAILED, JobState.DEAD)
RAN = _in(JobState.SUCCEEDED, JobState.FAILED, JobState.DEAD)  # ran to an outcome

# One statement, one round trip: per queue, the live counts and the oldest waiting job come
# from ix_jobs_queue_state_queued (one probe each), the window's outcomes from
# ix_jobs_finished. A queued job waits since it was queued (a requeue starts a new wait).
QUEUE_STATS_SQL = text(f"""
WITH outcome AS (
    SELECT queue,
           count(*) FILTER (WHERE state = 'succeeded') AS completed,
           count(*) FILTER (WHERE state IN {FAILED}) AS failed,
           count(*) FILTER (WHERE state = 'cancelled') AS cancelled
    FROM jobs
    WHERE finished_at >= now() - make_interval(mins => :window_minutes) AND state IN {FINAL}
    GROUP BY queue
)
SELECT q.queue,
       (SELECT count(*) FROM jobs j WHERE j.queue = q.queue AND j.state IN {ACTIVE}) AS active,
       (SELECT count(*) FROM jobs j WHERE j.queue = q.queue AND j.state IN {WAITING})
           AS waiting,
       EXTRACT(EPOCH FROM now() - LEAST(
           (SELECT min(j.created_at) FROM jobs j
             WHERE j.queue = q.queue AND j.state = 'pending'),
           (SELECT min(j.queued_at) FROM jobs j
             WHERE j.queue = q.queue AND j.state = 'queued')))::float8 AS oldest_waiting_s,
       coalesce(o.completed, 0) AS completed, coalesce(o.failed, 0) AS failed,
       coalesce(o.cancelled, 0) AS cancelled
FROM unnest(CAST(:queues AS varchar[])) WITH ORDINALITY AS q(queue, position)
LEFT JOIN outcome o ON o.queue = q.queue
ORDER BY q.position
""")

_RUN_S = "EXTRACT(EPOCH FROM finished_at - started_at)::float8"
_WAIT_S = "EXTRACT(EPOCH FROM started_at - created_at)::float8"
_TIMED = f"state IN {RAN} AND started_at IS NOT NULL"

# Both percentiles of one measure come from one sort: percentile_cont(ARRAY[...]). The
# same figures serve the window (per task) and its history (per task and time bucket).
_FIGURES = f"""count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE state IN {FAILED}) AS failed,
       count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE state IN {RAN} AND attempts > 1) AS retried,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY {_RUN_S})
           FILTER (WHERE {_TIMED}) AS run_s,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY {_WAIT_S})
           FILTER (WHERE {_TIMED}) AS wait_s"""

PERFORMANCE_SQL = text(f"""
SELECT task_name,
       {_FIGURES}
FROM jobs
WHERE finished_at >= now() - make_interval(mins => :window_minutes) AND state IN {FINAL}
GROUP BY task_name
ORDER BY task_name
""")

# Buckets are aligned to the epoch (a bucket of 15 minutes starts at :00, :15, ...), so a
# refresh adds points without moving the earlier ones; a job belongs to the bucket in which
# it finished.
PERFORMANCE_HISTORY_SQL = text(f"""
SELECT task_name,
       to_timestamp(floor(EXTRACT(EPOCH FROM finished_at) / :bucket_s) * :bucket_s) AS bucket,
       {_FIGURES}
FROM jobs
WHERE finished_at >= now() - make_interval(mins => :window_minutes) AND state IN {FINAL}
GROUP BY task_name, bucket
ORDER BY task_name, bucket
""")

LIVE_JOBS_SQL = text(f"""
SELECT queue, task_name, state, count(*) AS jobs
FROM jobs WHERE state IN {LIVE}
GROUP BY queue, task_name, state
ORDER BY queue, task_name, state
""")


def _cumulative(measure: str) -> str:
    counts = ", ".join(f"count(*) FILTER (WHERE {measure} <= {bound!r})"
                       for bound in DURATION_BUCKETS_S)
    return f"ARRAY[{counts}]"


# Durations are computed once per row (NULL unless the job ran to an outcome), then
# bucketed: cumulative counts per upper bound, as Prometheus histograms expect.
RECENT_JOBS_SQL = text(f"""
SELECT task_name, state, count(*) AS jobs, count(run_s) AS timed,
       coalesce(sum(run_s), 0) AS run_sum, coalesce(sum(wait_s), 0) AS wait_sum,
       {_cumulative("run_s")} AS run_buckets,
       {_cumulative("wait_s")} AS wait_buckets
FROM (
    SELECT task_name, state,
           CASE WHEN {_TIMED} THEN {_RUN_S} END AS run_s,
           CASE WHEN {_TIMED} THEN {_WAIT_S} END AS wait_s
    FROM jobs
    WHERE finished_at >= now() - make_interval(secs => :window_s) AND state IN {FINAL}
) AS recent
GROUP BY task_name, state
ORDER BY task_name, state
""")


def explain_statements(*, window_minutes: int) -> list[tuple[str, TextClause, dict[str, Any]]]:
    """The statements behind the endpoints with their parameters (for EXPLAIN ANALYZE)."""
    return [
        ("queue stats", QUEUE_STATS_SQL, {"queues": QUEUES, "window_minutes": window_minutes}),
        ("performance", PERFORMANCE_SQL, {"window_minutes": window_minutes}),
        ("performance history", PERFORMANCE_HISTORY_SQL,
         {"window_minutes": window_minutes, "bucket_s": 900.0}),
        ("metrics: live jobs", LIVE_JOBS_SQL, {}),
        ("metrics: recent jobs", RECENT_JOBS_SQL, {"window_s": window_minutes * 60.0}),
    ]
