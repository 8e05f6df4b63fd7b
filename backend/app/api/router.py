"""All routes under the API prefix."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import assets, auth, files, tasks
from app.realtime import ws

api_router = APIRouter()
for module in (auth, assets, tasks, files, ws):
    api_router.include_router(module.router)
