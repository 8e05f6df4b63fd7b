"""Prometheus exposition: a snapshot of the fleet rendered by one custom collector.

Every figure but the WebSocket count is read from PostgreSQL, Redis or the workers at
scrape time, so all API processes report the same fleet-wide values (aggregate them with
`max`, not `sum`). No counter lives in process memory: with several API processes and
workers, in-process counters would each see a fraction of the traffic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

# The classic text format: every Prometheus release reads it, and with plain metric names
# it is what prometheus_client writes (its CONTENT_TYPE_LATEST says 1.0.0 since 0.22).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Upper bounds in seconds: a ping takes milliseconds, a 4K render tens of minutes.
DURATION_BUCKETS_S = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
                      1800.0, 3600.0)


@dataclass
class Histogram:
    """Cumulative counts per upper bound (DURATION_BUCKETS_S, then +Inf) and their sum."""

    counts: list[int] = field(default_factory=lambda: [0] * (len(DURATION_BUCKETS_S) + 1))
    total: float = 0.0

    def add(self, cumulative: Iterable[int], count: int, total: float) -> None:
        for index, value in enumerate([*cumulative, count]):
            self.counts[index] += value
        self.total += total

    def buckets(self) -> list[tuple[str, float]]:
        bounds = [*DURATION_BUCKETS_S, math.inf]
        return [(_bound(b), float(n)) for b, n in zip(bounds, self.counts, strict=True)]


def _bound(value: float) -> str:
    return "+Inf" if math.isinf(value) else repr(value)


@dataclass
class JobFigures:
    """What PostgreSQL says about jobs, read at most once per METRICS_CACHE_S."""

    live: list[tuple[str, str, str, int]]  # queue, task_name, state, jobs
    finished: list[tuple[str, str, int]]  # task_name, state, jobs in the window
    run_time: dict[str, Histogram]  # task_name -> finished_at - started_at
    queue_wait: dict[str, Histogram]  # task_name -> started_at - created_at
    # event_type, status, deliveries, attempts: webhook deliveries created in the window
    deliveries: list[tuple[str, str, int, int]] = field(default_factory=list)


@dataclass
class MetricsSnapshot:
    jobs: JobFigures
    queue_depth: dict[str, int]
    workers: dict[str, int] | None  # None: the census got no answer
    websocket_connections: int
    window_s: int


class SnapshotCollector(Collector):
    """Turns one snapshot into metric families; collected once, by one registry."""

    def __init__(self, snapshot: MetricsSnapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterable[Metric]:
        snap, window = self.snapshot, self.snapshot.window_s
        live = GaugeMetricFamily(
            "reelforge_jobs", "Jobs now in each non-final state (PostgreSQL)",
            labels=["queue", "task_name", "state"])
        for queue, task_name, state, jobs in snap.jobs.live:
            live.add_metric([queue, task_name, state], jobs)
        yield live

        finished = GaugeMetricFamily(
            "reelforge_jobs_finished_recent",
            f"Jobs that reached each final state in the last {window} s (PostgreSQL)",
            labels=["task_name", "state"])
        for task_name, state, jobs in snap.jobs.finished:
            finished.add_metric([task_name, state], jobs)
        yield finished
        yield GaugeMetricFamily("reelforge_recent_window_seconds",
                                "Length of the window of the *_recent families and histograms",
                                value=window)

        for name, what, histograms in (
                ("reelforge_job_run_seconds", "finished_at - started_at",
                 snap.jobs.run_time),
                ("reelforge_job_queue_wait_seconds", "started_at - created_at",
                 snap.jobs.queue_wait)):
            family = HistogramMetricFamily(
                name, f"{what} of jobs that succeeded or failed in the last {window} s, "
                      "recomputed from PostgreSQL at each scrape: read the buckets directly "
                      "(histogram_quantile without rate)", labels=["task_name"])
            for task_name, histogram in sorted(histograms.items()):
                family.add_metric([task_name], histogram.buckets(), histogram.total)
            yield family

        deliveries = GaugeMetricFamily(
            "reelforge_webhook_deliveries_recent",
            f"Webhook deliveries created in the last {window} s, by event and status",
            labels=["event_type", "status"])
        attempts = GaugeMetricFamily(
            "reelforge_webhook_delivery_attempts_recent",
            f"HTTP attempts of the webhook deliveries created in the last {window} s",
            labels=["event_type", "status"])
        for event_type, status, count, tries in snap.jobs.deliveries:
            deliveries.add_metric([event_type, status], count)
            attempts.add_metric([event_type, status], tries)
        yield deliveries
        yield attempts

        depth = GaugeMetricFamily(
            "reelforge_queue_depth", "Messages waiting on the broker, all priority steps",
            labels=["queue"])
        for queue, messages in snap.queue_depth.items():
            depth.add_metric([queue], messages)
        yield depth

        if snap.workers is not None:
            workers = GaugeMetricFamily(
                "reelforge_queue_workers", "Workers consuming each queue (Celery remote "
                "control, cached for STATS_WORKERS_CACHE_S)", labels=["queue"])
            for queue, count in snap.workers.items():
                workers.add_metric([queue], count)
            yield workers

        yield GaugeMetricFamily("reelforge_websocket_connections",
                                "Open WebSocket connections on this API process",
                                value=snap.websocket_connections)


def render(snapshot: MetricsSnapshot) -> bytes:
    """The snapshot in the Prometheus text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return generate_latest(registry)
