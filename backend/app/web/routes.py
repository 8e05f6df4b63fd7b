"""The dashboard: one static page that talks to the public API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


@router.get("/")
async def dashboard() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")
