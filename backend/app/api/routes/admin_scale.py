"""Admin: how many workers serve each queue, and changing it (POST body or query)."""

from __future__ import annotations

import logging
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Body, Query

from app.api.deps import AdminUser
from app.core.config import settings
from app.core.errors import AppError
from app.jobs.names import Queue
from app.schemas.scale import ScalePage, ScaleRead, ScaleRequest, WorkerRead
from app.services.scaling import QueueScale, get_scaler, scale_queue

log = logging.getLogger(__name__)
router = APIRouter(prefix="/admin", tags=["admin"])


def scale_read(scale: QueueScale) -> ScaleRead:
    workers = [WorkerRead(hostname=w.hostname, processes=w.processes, queues=list(w.queues),
                          autoscale_max=w.autoscale[0] if w.autoscale else None,
                          autoscale_min=w.autoscale[1] if w.autoscale else None)
               for w in scale.workers]
    return ScaleRead(queue=scale.queue, backend=settings.scaling.SCALER_BACKEND,
                     target=scale.target,
                     desired_workers=scale.desired_workers,
                     observed_workers=scale.observed_workers, settled=scale.settled,
                     shared_with=scale.shared_with, workers=workers, paused=scale.paused,
                     message=scale.message)


@router.get("/scale", response_model=ScalePage, summary="Workers per queue, desired and running")
async def read_scale(_: AdminUser,
                     queue_name: Annotated[Queue | None, Query()] = None) -> ScalePage:
    scales = await to_thread.run_sync(get_scaler().current)
    items = [scale_read(s) for s in scales if queue_name is None or s.queue == queue_name]
    return ScalePage(backend=settings.scaling.SCALER_BACKEND,
                     max_workers=settings.scaling.SCALE_MAX_WORKERS, items=items)


@router.post("/scale", response_model=ScaleRead,
             summary="Set the number of workers of one queue (JSON body or query parameters)")
async def scale_workers(
    admin: AdminUser,
    body: Annotated[ScaleRequest | None, Body()] = None,
    queue_name: Annotated[Queue | None, Query()] = None,
    desired_workers: Annotated[int | None,
                               Query(ge=0, le=settings.scaling.SCALE_MAX_WORKERS)] = None,
) -> ScaleRead:
    if body is None:
        if queue_name is None:
            raise AppError("validation_error", "queue_name: required (or a JSON body)", 422,
                           field="queue_name")
        if desired_workers is None:
            raise AppError("validation_error", "desired_workers: required", 422,
                           field="desired_workers")
        body = ScaleRequest(queue=queue_name, desired_workers=desired_workers)
    request = body
    log.info("scale.requested", extra={"queue": request.queue.value, "admin_id": str(admin.id),
                                       "desired": request.desired_workers,
                                       "backend": settings.scaling.SCALER_BACKEND})
    scale = await to_thread.run_sync(
        lambda: scale_queue(queue=request.queue, desired=request.desired_workers))
    return scale_read(scale)
