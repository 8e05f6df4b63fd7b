"""All routes under the API prefix."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import admin_jobs, assets, auth, files, stats, tasks
from app.api.routes.admin_scale import router as admin_scale_router
from app.realtime import ws

api_router = APIRouter()
# stats before tasks: /tasks/{job_id} would otherwise catch /tasks/stats/...
for module in (auth, assets, stats, tasks, files, admin_jobs, ws):
    api_router.include_router(module.router)
api_router.include_router(admin_scale_router)
