"""The dashboard: one static page and its modules, which talk only to the public API."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from app.core.errors import AppError

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"

MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
# A fixed list read at import (the folder and one level of subfolders, such as `views/`):
# request paths are looked up in it and never reach the filesystem.
FILES = {p.relative_to(STATIC).as_posix(): p for p in sorted(STATIC.glob("**/*"))
         if p.suffix in MEDIA_TYPES and len(p.relative_to(STATIC).parts) <= 2}

# Revalidate on every load (a 304 is cheap) so an upgrade never mixes old and new modules.
CACHING = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
# The page loads nothing from elsewhere; thumbnails are data URLs made in the browser.
POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])


@router.get("/")
async def dashboard() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={**CACHING, "Content-Security-Policy": POLICY,
                                 "Referrer-Policy": "no-referrer"})


@router.get("/static/{name:path}")
async def static_file(name: str) -> FileResponse:
    path = FILES.get(name)
    if path is None:
        raise AppError("not_found", "file not found", 404)
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=CACHING)
