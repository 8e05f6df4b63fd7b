"""A remote-control command the local scaler sends after growing a worker's pool.

`pool_grow` only raises the pool's target; the prefork pool starts the new processes on
its next maintenance tick, every 5 s (celery.concurrency.asynpool.AsynPool.timers).
`pool_maintain` runs that maintenance now, in the worker's event loop where the tick
itself would run, so a grow takes effect within a second instead.
"""

from __future__ import annotations

from typing import Any

from celery.worker.control import control_command, nok, ok


@control_command()
def pool_maintain(state: Any) -> dict[str, Any]:
    """Start the processes the pool is short of, at once."""
    pool = state.consumer.pool
    maintain = getattr(pool, "maintain_pool", None)
    reply: dict[str, Any]
    if maintain is None:
        reply = nok(f"the {type(pool).__name__} pool has no processes to start")
        return reply
    maintain()
    reply = ok(f"pool of {pool.num_processes} processes maintained")
    return reply
