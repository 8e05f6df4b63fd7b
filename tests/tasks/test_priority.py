"""Priority on a real broker: an urgent job overtakes a backlog on a busy worker slot."""

from __future__ import annotations

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
