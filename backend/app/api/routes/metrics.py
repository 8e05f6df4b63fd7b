"""GET /metrics in the Prometheus text format; open unless METRICS_TOKEN is set (it must be
in production: the settings refuse to start without it).

Keep it off the public internet (firewall, or a token): it names queues, task types and
volumes. See docs/operations.md for the families and how to scrape several API processes.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from fastapi.responses import Response

from app.api.deps import HubDep, RedisDep, SessionDep
from app.core.config import settings
from app.core.errors import AppError
from app.core.metrics import CONTENT_TYPE, MetricsSnapshot, render
from app.services.fleet.census import broker_depths, census
from app.services.fleet.metrics_figures import job_figures, job_figures_cache

router = APIRouter(tags=["metrics"])


async def require_metrics_token(
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> None:
    """With METRICS_TOKEN set, only `Authorization: Bearer <token>` may scrape."""
    expected = settings.monitoring.METRICS_TOKEN
    if not expected:
        return
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AppError("unauthorized", "a valid metrics token is required", 401,
                       headers={"WWW-Authenticate": "Bearer"})


@router.get("/metrics", dependencies=[Depends(require_metrics_token)],
            response_class=Response, summary="Prometheus metrics",
            responses={200: {"content": {CONTENT_TYPE: {}}}})
async def read_metrics(session: SessionDep, redis: RedisDep, hub: HubDep) -> Response:
    jobs = await job_figures_cache.get(lambda: job_figures(session))
    depths = await broker_depths(redis)
    workers = await census.current()
    snapshot = MetricsSnapshot(jobs=jobs, queue_depth=depths, workers=workers.per_queue,
                               websocket_connections=hub.connections,
                               window_s=settings.monitoring.METRICS_WINDOW_S)
    return Response(render(snapshot), media_type=CONTENT_TYPE)
