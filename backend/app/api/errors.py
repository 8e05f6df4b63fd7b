"""The FastAPI handlers that render every error as `{"error": {code, message, field}}`."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import AppError, error_body
from app.storage import StorageUnavailable

STORE_RETRY_AFTER_S = 5  # a store outage is usually a restart or a failover


def _field_of(loc: Sequence[object]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or None


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers so every error leaves the API as `{"error": {...}}`."""

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.field), exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        field = _field_of(first.get("loc", ()))
        message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
        body = error_body("validation_error", message, field)
        body["error"]["details"] = [  # type: ignore[index]
            {"field": _field_of(e.get("loc", ())), "message": e.get("msg")} for e in errors
        ]
        return JSONResponse(body, 422)

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        # a NUL in a query parameter or form field reaches PostgreSQL, which refuses it
        if "\\x00" in str(exc.orig) or "0x00" in str(exc.orig) or "NUL" in str(exc.orig):
            return JSONResponse(error_body("invalid_text",
                                           "a parameter contains a NUL character"), 422)
        raise exc

    @app.exception_handler(StorageUnavailable)
    async def _store_down(_: Request, exc: StorageUnavailable) -> JSONResponse:
        # nothing was registered: an upload's row commits only after its object is stored
        return JSONResponse(error_body("storage_unavailable",
                                       "the object store is not answering; try again shortly"),
                            503, headers={"Retry-After": str(STORE_RETRY_AFTER_S)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        return JSONResponse(
            error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers
        )
