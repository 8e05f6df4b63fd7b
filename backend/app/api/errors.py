"""The FastAPI handlers that render every error as `{"error": {code, message, field}}`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.core.errors import AppError, error_body
from app.storage import StorageUnavailable

log = logging.getLogger(__name__)

STORE_RETRY_AFTER_S = 5  # a store outage is usually a restart or a failover
# PostgreSQL ended the request's transaction for colliding with concurrent work (a
# deadlock victim, a serialization failure): rolled back whole, and worth another try.
TRANSIENT_SQLSTATES = {"40P01": "deadlock_detected", "40001": "serialization_failure"}
CONFLICT_RETRY_AFTER_S = 1


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
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if all(e.get("loc", ("",))[0] == "path" for e in errors):
            wrong_method = literal_path_405(request)
            if wrong_method is not None:
                return wrong_method
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        field = _field_of(first.get("loc", ()))
        message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
        body = error_body("validation_error", message, field)
        body["error"]["details"] = [  # type: ignore[index]
            {"field": _field_of(e.get("loc", ())), "message": e.get("msg")} for e in errors
        ]
        return JSONResponse(body, 422)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if sqlstate in TRANSIENT_SQLSTATES:
            log.warning("db.transient_conflict", extra={
                "sqlstate": sqlstate, "reason": TRANSIENT_SQLSTATES[sqlstate],
                "method": request.method, "path": request.url.path})
            return JSONResponse(
                error_body("database_conflict", "the request collided with concurrent work; "
                           "its database transaction was rolled back: retry it"),
                503, headers={"Retry-After": str(CONFLICT_RETRY_AFTER_S)})
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
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        headers = exc.headers
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=headers)


def _templates(request: Request) -> tuple[list[Any], list[Any]]:
    """The routes whose path matches the request's: those that take its method (in the
    order Starlette tries them), and those that do not."""
    full: list[Any] = []
    partial: list[Any] = []
    for route in iter_route_contexts(request.app.router.routes):
        match, _ = route.matches(request.scope)
        if match is Match.FULL:
            full.append(route)
        elif match is Match.PARTIAL:
            partial.append(route)
    return full, partial


def _methods_of(request: Request, template: str | None) -> str:
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):
        if template is not None and getattr(route, "path_format", None) == template:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def allowed_methods(request: Request) -> str:
    """Every method the path's template takes: Starlette's own 405 names only the methods
    of the first route whose path matched (GET /jobs/{id} and DELETE /jobs/{id} are two
    routes), and a path such as /assets/uploads also matches /assets/{asset_id}."""
    full, partial = _templates(request)
    first = (partial or full or [None])[0]
    return _methods_of(request, getattr(first, "path_format", None))


def literal_path_405(request: Request) -> JSONResponse | None:
    """GET /assets/uploads reaches GET /assets/{asset_id} and fails on the id; but the path
    names POST /assets/uploads, whose template is more literal: that is a 405."""
    full, partial = _templates(request)
    if not full or not partial:
        return None
    literal = min(partial, key=lambda route: str(route.path_format).count("{"))
    if str(literal.path_format).count("{") >= str(full[0].path_format).count("{"):
        return None
    return JSONResponse(error_body("method_not_allowed", "Method Not Allowed"), 405,
                        headers={"Allow": _methods_of(request, literal.path_format)})
