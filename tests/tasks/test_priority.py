"""Priority on a real broker: an urgent job overtakes a backlog on a busy worker slot, and
every API level but the two lowest has a Redis step of its own."""

from __future__ import annotations

import uuid

from kombu import Queue

from app.core.config import settings
from app.jobs.broker import priority_lists
from app.jobs.names import TaskName
from app.jobs.priority import API_MAX, API_MIN, REDIS_PRIORITY_STEPS, to_broker
from app.tasks.app import celery_app
from tests.support.fixtures import Account
from tests.support.jobs import started_at, submit, upload_images
from tests.support.processes import CeleryWorker


def test_priority_10_starts_before_a_priority_0_backlog(account: Account,
                                                        worker: CeleryWorker) -> None:
    images = upload_images(account, 2)
    blocker = submit(account, images, seconds_per_image=6.0, priority=5)
    account.wait_job(blocker["id"], until={"started", "progress"})
    backlog = [submit(account, images[:1], seconds_per_image=0.5, priority=0)
               for _ in range(4)]
    urgent = submit(account, images[:1], seconds_per_image=0.5, priority=10)

    done_backlog = [account.wait_job(j["id"]) for j in backlog]
    done_urgent = account.wait_job(urgent["id"])
    assert {j["state"] for j in done_backlog} == {"succeeded"}
    assert done_urgent["state"] == "succeeded"
    assert started_at(done_urgent) < min(started_at(j) for j in done_backlog)
    # the backlog itself runs in submission order (FIFO within one priority)
    order = sorted(done_backlog, key=started_at)
    assert [j["id"] for j in order] == [j["id"] for j in backlog]


def test_only_the_two_lowest_levels_share_a_step() -> None:
    steps = {p: to_broker(p) for p in range(API_MIN, API_MAX + 1)}
    assert steps[API_MAX] == REDIS_PRIORITY_STEPS[0]
    assert steps[API_MIN] == steps[API_MIN + 1] == REDIS_PRIORITY_STEPS[-1]
    assert len(set(steps.values())) == len(REDIS_PRIORITY_STEPS)
    # higher API priority, never a later step
    assert all(steps[p] > steps[p + 1] for p in range(API_MIN + 1, API_MAX))


def test_10_is_taken_before_9_then_1_and_0_in_order_on_the_broker() -> None:
    """Messages sent as the runtime sends them, taken as a worker takes them (kombu's Redis
    transport pops its priority lists in step order): 10 overtakes an earlier 9, and the
    two lowest levels, sharing one step, keep their submission order."""
    queue = f"priority-order-{uuid.uuid4().hex[:8]}"  # this test's own: no worker reads it
    sent = [("nine", 9), ("zero", 0), ("one", 1), ("ten", 10), ("nine-again", 9)]
    with celery_app.connection_for_write(settings.broker.REDIS_URL) as conn:
        try:
            with celery_app.producer_or_acquire(celery_app.amqp.Producer(conn)) as producer:
                for name, priority in sent:
                    celery_app.send_task(TaskName.SYSTEM_PING.value, queue=queue, task_id=name,
                                         priority=to_broker(priority), producer=producer)
            taken = []
            bound = Queue(queue, routing_key=queue)(conn.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                taken.append(message.headers["id"])
        finally:
            conn.default_channel.client.delete(*priority_lists(queue))
    assert taken == ["ten", "nine", "nine-again", "zero", "one"]
