"""The publish step: the reel posted to the connected accounts asked for
(services/social_posts/workflow_posts), and one signed POST announcing a workflow's reels
to the user's hook.

The body is a webhook event (`workflow.published`) signed like every other Reelforge
webhook (app.webhooks.webhooks) with the user's callback signing secret; the address is
checked, pinned and the answer classified the same way (app.core.http.outcome).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.core.config import settings
from app.core.db import sync_session
from app.core.http import post_checked
from app.core.signing import signed_path
from app.jobs.policy import TransientError
from app.jobs.runtime import JobFailed
from app.models import WebhookSecret
from app.services.social_posts.workflow_posts import post_workflow
from app.services.workflows.runtime import StepRun
from app.webhooks.config import delivery_config
from app.webhooks.deliveries import ensure_secret
from app.webhooks.webhooks import build_event, encode_event, event_id_for, signed_headers

WORKFLOW_PUBLISHED = "workflow.published"
# A workflow publishes once. Every attempt of that publish (a retry after a busy hook, a
# redelivered message, a retry of the failed workflow) may reach the receiver, so all of
# them carry one event id, derived from the workflow alone: the receiver drops repeats.
PUBLISH_OCCURRENCE = 1


def _secret(step: StepRun) -> str:
    with sync_session() as session:
        ensure_secret(session, step.user_id)
        secret = session.scalar(select(WebhookSecret.secret)
                                .where(WebhookSecret.user_id == step.user_id))
        session.commit()
    assert secret is not None  # ensured just above
    return secret


def reels_of(step: StepRun) -> list[dict[str, Any]]:
    """Each platform's reel: a download URL valid for PUBLISH_URL_TTL_S, caption (ending
    with the attribution, if any), tags and the attribution text alone."""
    out = []
    for platform in step.params["platforms"]:
        row = step.earlier(f"optimize:{platform}")
        result = row.result or {}
        assert row.output_key is not None
        url = settings.app.PUBLIC_URL + signed_path(row.output_key,
                                                ttl_s=settings.workflows.PUBLISH_URL_TTL_S)
        out.append({"platform": platform, "job_id": str(row.job_id), "video_url": url,
                    "duration_s": result.get("duration_s"), "caption": result.get("caption"),
                    "hashtags": result.get("hashtags", []),
                    "attribution": result.get("attribution")})
    return out


def publish(step: StepRun) -> dict[str, Any]:
    """Post the reel to the connected accounts asked for (their posts made once, their
    jobs due now or left scheduled), then POST the signed announcement to the hook, if
    any; the hook's 5xx, 408, 429 and network errors retry, others fail."""
    workflow_id = step.workflow_id
    if workflow_id is None:
        raise JobFailed("not_in_workflow", "publishing needs a workflow")
    step.progress(0.0, "publishing", force=True)
    posted: dict[str, Any] = {}
    if step.params.get("account_ids"):
        at = step.params.get("publish_at")
        posted = post_workflow(workflow_id=workflow_id,
                               account_ids=list(step.params["account_ids"]),
                               privacy=str(step.params.get("privacy") or "private"),
                               publish_at=datetime.fromisoformat(at) if at else None)
    if not step.params.get("url"):
        return posted
    return {**posted, **announce(step, workflow_id, str(step.params["url"]))}


def announce(step: StepRun, workflow_id: uuid.UUID, url: str) -> dict[str, Any]:
    """The signed `workflow.published` POST to the user's hook."""
    event_id = event_id_for(workflow_id, WORKFLOW_PUBLISHED, PUBLISH_OCCURRENCE)
    now = datetime.now(UTC)
    body = encode_event(build_event(event_id=event_id, event_type=WORKFLOW_PUBLISHED,
                                    created_at=now, data={"workflow_id": str(workflow_id),
                                                          "reels": reels_of(step)}))
    headers = signed_headers(secret=_secret(step), body=body, event_id=str(event_id),
                             event_type=WORKFLOW_PUBLISHED)
    config = delivery_config()
    outcome = post_checked(url, body, headers, policy=config.policy, limits=config.limits)
    reply = outcome.reply
    if not outcome.ok:
        message = (f"the hook answered HTTP {reply.status_code}" if reply is not None
                   else str(outcome.error))
        if outcome.retryable:  # DNS, the network or a busy hook may come back
            raise TransientError(message)
        raise JobFailed("publish_refused", message)
    assert reply is not None  # a delivered POST has its answer
    return {"url": url, "event_id": str(event_id), "status_code": reply.status_code,
            "delivered_at": now.isoformat(), "redirects": reply.redirects}
