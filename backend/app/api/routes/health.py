"""Liveness that means something: 200 only when PostgreSQL and Redis both answer."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_S = 2.0


async def _postgres(request: Request) -> None:
    async with request.app.state.sessionmaker() as session:
        await session.execute(text("SELECT 1"))


async def _redis(request: Request) -> None:
    await request.app.state.redis.ping()


@router.get("/health", summary="Readiness: PostgreSQL and Redis reachable",
            responses={503: {"description": "A dependency is down"}})
async def health(request: Request) -> JSONResponse:
    checks = {"postgres": _postgres, "redis": _redis}
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(request), CHECK_TIMEOUT_S)
            results[name] = "ok"
        except Exception as exc:  # any failure means not ready; the reason is reported
            results[name] = f"error: {type(exc).__name__}"
    healthy = all(v == "ok" for v in results.values())
    return JSONResponse({"status": "ok" if healthy else "unavailable", **results},
                        status_code=200 if healthy else 503)
