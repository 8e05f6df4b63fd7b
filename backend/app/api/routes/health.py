"""Readiness that means something: 200 only when PostgreSQL and Redis both answer.

The object store is reported too (`storage`): while it is down, uploads and downloads
fail but submits and status reads still work, so it degrades the answer, not the 200.
"""

from __future__ import annotations

import asyncio

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.storage import get_storage

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_S = 2.0


async def _postgres(request: Request) -> None:
    async with request.app.state.sessionmaker() as session:
        await session.execute(text("SELECT 1"))


async def _redis(request: Request) -> None:
    await request.app.state.redis.ping()


async def _storage(request: Request) -> None:
    await to_thread.run_sync(get_storage().check, abandon_on_cancel=True)


@router.get("/health", summary="Readiness: PostgreSQL and Redis reachable; the store reported",
            responses={503: {"description": "PostgreSQL or Redis is down"}})
async def health(request: Request) -> JSONResponse:
    checks = {"postgres": _postgres, "redis": _redis, "storage": _storage}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(request), CHECK_TIMEOUT_S)
            results[name] = "ok"
        except Exception as exc:  # any failure means not ready; the reason is reported
            results[name] = f"error: {type(exc).__name__}"
    healthy = results["postgres"] == results["redis"] == "ok"
    state = "unavailable" if not healthy else "ok" if results["storage"] == "ok" else "degraded"
    return JSONResponse({"status": state, **results},
                        status_code=200 if healthy else 503)
