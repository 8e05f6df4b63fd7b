"""All routes under the API prefix."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import assets, auth, files, tasks
from app.api.routes.admin_scale import router as admin_scale_router
from app.realtime import ws

api_router = APIRouter()
for module in (auth, assets, tasks, files, ws):
    api_router.include_router(module.router)
api_router.include_router(admin_scale_router)
