"""Scale a queue on one machine: resize the Celery pools of the workers that consume it.
Celery remote control by nature, so it lives with the task adapters and is installed into
`app.services.scaling` beside the broker (`app.tasks.publish.install_celery_broker`).

`desired_workers` counts pool processes across those workers. Zero cannot be a pool size
(a prefork pool of none still prefetches a message it never runs), so zero stops the
workers consuming the queue instead; the paused workers are remembered in Redis and
resume on the next scale above zero.
"""

from __future__ import annotations

import time
from typing import Any

import redis

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.names import Queue
from app.services.scaling.base import QueueScale, WorkerPool
from app.tasks.app import celery_app

POLL_S = 0.1  # between observations while a new pool size takes effect
LOCK_TTL_S = 60  # longer than one scale call: control timeouts plus the settle wait


def distribute(total: int, slots: int) -> list[int]:
    """Split `total` processes over `slots` workers as evenly as possible, first ones first."""
    if slots == 0:
        return []  # scaling a queue nobody consumes to zero: nothing to spread
    base, extra = divmod(total, slots)
    return [base + (1 if i < extra else 0) for i in range(slots)]


def _pool(hostname: str, queues: list[dict[str, Any]], stats: dict[str, Any]) -> WorkerPool:
    pool = stats.get("pool") or {}
    pids = pool.get("processes")
    processes = len(pids) if isinstance(pids, list) else int(pool.get("max-concurrency", 0))
    auto = stats.get("autoscaler")
    autoscale = (int(auto["max"]), int(auto["min"])) if auto else None
    names = tuple(sorted(str(q["name"]) for q in queues))
    return WorkerPool(hostname=hostname, processes=processes, queues=names, autoscale=autoscale)


def _errors(replies: list[dict[str, dict[str, Any]]] | None, hostname: str) -> list[str]:
    if not replies:
        return [f"{hostname}: no reply from the worker"]
    return [f"{host}: {body['error']}" for reply in replies for host, body in reply.items()
            if "error" in body]


class LocalScaler:
    """Celery remote control: pool_grow / pool_shrink, autoscale, add/cancel consumer."""

    name = "local"

    def __init__(self, app: Any = None, *, redis_client: redis.Redis | None = None,
                 control_timeout_s: float | None = None,
                 settle_timeout_s: float | None = None) -> None:
        self.app = app if app is not None else celery_app
        self.redis = redis_client or redis.Redis.from_url(settings.broker.REDIS_URL,
                                                          socket_timeout=5)
        self.control_timeout_s = control_timeout_s or settings.scaling.SCALE_CONTROL_TIMEOUT_S
        self.settle_timeout_s = (settings.scaling.SCALE_SETTLE_TIMEOUT_S if settle_timeout_s is None
                                 else settle_timeout_s)

    def observe(self, hostnames: list[str] | None = None) -> dict[str, WorkerPool]:
        """Every live worker's queues and pool size; only `hostnames` when given (faster)."""
        inspect = self.app.control.inspect(destination=hostnames, timeout=self.control_timeout_s)
        queues: dict[str, list[dict[str, Any]]] = inspect.active_queues() or {}
        if not queues:
            return {}
        targeted = self.app.control.inspect(destination=sorted(queues),
                                            timeout=self.control_timeout_s)
        stats: dict[str, dict[str, Any]] = targeted.stats() or {}
        return {host: _pool(host, queues[host], stats[host]) for host in sorted(queues)
                if host in stats}

    def scale(self, queue: Queue, desired: int) -> QueueScale:
        lock = self.redis.lock(f"scale:local:lock:{queue}", timeout=LOCK_TTL_S, blocking=False)
        if not lock.acquire():
            raise AppError("scale_in_progress", f"queue {queue} is being scaled right now; "
                           "try again in a few seconds", 409, field="queue")
        try:
            return self._scale(queue, desired)
        finally:
            lock.release()

    def _scale(self, queue: Queue, desired: int) -> QueueScale:
        pools = self.observe()
        consumers = sorted(h for h, p in pools.items() if queue.value in p.queues)
        paused = self._paused(queue, pools, consumers)
        candidates = consumers + paused
        if not candidates and desired > 0:
            raise AppError("no_workers", f"no running worker consumes queue {queue}", 409,
                           field="queue")
        errors: list[str] = []
        for host, target in zip(candidates, distribute(desired, len(candidates)), strict=True):
            errors += self._apply(queue, pools[host], target, paused=host in paused)
        self.redis.set(f"scale:local:desired:{queue}", desired)
        # A refused shrink (every spare process busy) will not settle by waiting.
        settle_s = 0.0 if errors else self.settle_timeout_s
        result = self._settle(queue, desired, candidates, settle_s)
        if errors:
            result.message = "; ".join(errors)
        return result

    def _paused(self, queue: Queue, pools: dict[str, WorkerPool],
                consumers: list[str]) -> list[str]:
        """Workers paused on `queue` that still run; forget the ones gone or consuming again."""
        key = f"scale:local:paused:{queue}"
        members = {m.decode() for m in self.redis.smembers(key)}  # type: ignore[union-attr]
        alive = {h for h in members if h in pools and h not in consumers}
        if members - alive:
            self.redis.srem(key, *(members - alive))
        return sorted(alive)

    def _apply(self, queue: Queue, pool: WorkerPool, target: int, *, paused: bool) -> list[str]:
        control, dest, timeout = self.app.control, [pool.hostname], self.control_timeout_s
        key = f"scale:local:paused:{queue}"
        if target == 0:
            if paused:
                return []
            self.redis.sadd(key, pool.hostname)
            return _errors(control.cancel_consumer(queue.value, destination=dest, reply=True,
                                                   timeout=timeout), pool.hostname)
        errors: list[str] = []
        if paused:
            errors += _errors(control.add_consumer(queue.value, destination=dest, reply=True,
                                                   timeout=timeout), pool.hostname)
            self.redis.srem(key, pool.hostname)
        if pool.autoscale is not None:
            replies = control.autoscale(target, target, destination=dest, reply=True,
                                        timeout=timeout)
        elif target > pool.processes:
            replies = control.pool_grow(target - pool.processes, destination=dest, reply=True,
                                        timeout=timeout)
        elif target < pool.processes:
            replies = control.pool_shrink(pool.processes - target, destination=dest, reply=True,
                                          timeout=timeout)
        else:
            return errors
        if target > pool.processes:
            # Start the new processes now rather than on the pool's next 5 s tick
            # (app/tasks/pool_control.py); a worker without the command just waits for it.
            control.broadcast("pool_maintain", destination=dest, reply=True, timeout=timeout)
        return errors + _errors(replies, pool.hostname)

    def _settle(self, queue: Queue, desired: int, hostnames: list[str],
                settle_s: float) -> QueueScale:
        deadline = time.monotonic() + settle_s
        while True:
            result = self._state(queue, self.observe(hostnames) if hostnames else {}, desired)
            if result.settled or time.monotonic() >= deadline:
                return result
            time.sleep(POLL_S)

    def _state(self, queue: Queue, pools: dict[str, WorkerPool],
               desired: int | None) -> QueueScale:
        consumers = [p for p in pools.values() if queue.value in p.queues]
        observed = sum(p.processes for p in consumers)
        shared = sorted({q for p in consumers for q in p.queues} - {queue.value})
        paused = sorted(h for h in pools if h not in {p.hostname for p in consumers}
                        and self.redis.sismember(f"scale:local:paused:{queue}", h))
        return QueueScale(queue=queue, backend=self.name, target=f"workers consuming {queue}",
                          desired_workers=desired, observed_workers=observed,
                          settled=desired is None or observed == desired, shared_with=shared,
                          workers=consumers, paused=paused)

    def current(self) -> list[QueueScale]:
        pools = self.observe()
        desired = self.redis.mget([f"scale:local:desired:{q}" for q in Queue])
        return [self._state(q, pools, int(d) if d is not None else None)
                for q, d in zip(Queue, desired, strict=True)]
