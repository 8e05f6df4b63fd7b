"""What a submit may do: plan limits, fair share, the queue depth cap, submit batching."""

from __future__ import annotations

from pydantic import BaseModel

from app.core.config.group import Group


class PlanLimits(BaseModel):
    """What one plan may do."""

    submits_per_hour: dict[str, int]
    max_waiting: int
    max_running: int

    # Results (and the jobs' rendered files) are removed from the store after this many
    # days; the job rows stay, reading `result_expired`. 0 keeps them for ever.
    result_retention_days: int = 30
    # The highest priority (0-10) its submits get: a higher one asked for is lowered to it
    # (not refused), so an urgent request cannot jump the queue of a plan that pays more.
    max_priority: int = 10
    # Assets (uploads) an account may keep, by count and by stored bytes: an upload over
    # the count answers 429, one over the bytes 413; deleting assets frees room.
    max_assets: int = 1000
    max_asset_bytes: int = 10 * 1024**3

    def submits_for(self, kind: str) -> int:
        return self.submits_per_hour.get(kind, self.submits_per_hour.get("*", 0))


class AdmissionSettings(Group):
    """Limits checked when a job is submitted, and how submits are written."""

    # Per-plan limits (JSON in the environment): submits per hour per job kind ("*" for
    # kinds not listed), jobs waiting at once, jobs running at once. The catalogue is
    # deploy-time configuration; which plan an account is on is data (users.plan), set by
    # `PUT /admin/users/{id}/plan`. An unknown name reads as "free". Accounts with the admin
    # role are exempt from submit quotas; "admin" is the operator's own plan (ensure_admin
    # puts the operator there), large but finite, for service accounts without the role.
    PLANS: dict[str, PlanLimits] = {
        "free": PlanLimits(submits_per_hour={"video": 5, "*": 60}, max_waiting=20,
                           max_running=2, result_retention_days=7,
                           max_priority=5, max_assets=200, max_asset_bytes=1024**3),
        "pro": PlanLimits(submits_per_hour={"video": 200, "*": 2000}, max_waiting=1000,
                          max_running=8, result_retention_days=90,
                          max_priority=9, max_assets=10000,
                          max_asset_bytes=100 * 1024**3),
        "admin": PlanLimits(submits_per_hour={"video": 10000, "*": 100000},
                            max_waiting=100000, max_running=64, result_retention_days=365,
                            max_assets=100000, max_asset_bytes=1024**4),
    }
    # Fair share: messages one user may have waiting on one queue's broker lists; the rest
    # wait in PostgreSQL (`held`) and are released one per claim. 0 turns it off.
    FAIR_SHARE_PER_USER: int = 1
    # Above this many messages waiting on a queue, submits to it answer 429.
    GLOBAL_MAX_QUEUE_DEPTH: int = 20000
    # Video submits without an Idempotency-Key are stored in batches (services/submits/admission):
    # at most this many per transaction, and this many transactions in flight per process.
    SUBMIT_BATCH_MAX: int = 100
    SUBMIT_BATCHERS: int = 2
