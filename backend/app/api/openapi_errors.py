"""The error answers of every operation in the OpenAPI document.

Each operation gets the statuses its route can answer, inferred from the route itself (so
routes added later are covered without a line of their own), plus any a route declares in
`responses=`. Every error status carries the shared body `{"error": {code, message,
field}}` with the `code` values of `app.api.error_codes` as an enum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.security.base import SecurityBase

from app.api.deps import get_admin_user
from app.api.error_codes import ERROR_CODES

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ALWAYS = (405, 503)  # any path answers other methods; a store or broker outage reaches all
DESCRIPTIONS = {
    400: "The body could not be read",
    401: "Missing, invalid, expired or revoked credentials",
    403: "The admin role is required",
    404: "No such object of yours (the field, when given, names the one)",
    405: "The path exists but not with this method; Allow lists the methods it takes",
    409: "The object's state or another request conflicts with this one",
    413: "The body, or the file it carries, is too large",
    422: "A field is invalid (the error names it)",
    429: "Over a quota or a rate limit; see Retry-After",
    503: "A service the API relies on is not answering; try again (Retry-After)",
}
_HEADERS: dict[int, dict[str, Any]] = {
    405: {"Allow": {"description": "The methods this path takes", "required": True,
                    "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
    503: {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "string"}}},
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any] | None]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def route_statuses(route: Any) -> set[int]:
    """The error statuses a route can answer, read from its dependencies and parameters."""
    calls = list(_calls(route.dependant))
    statuses = set(ALWAYS)
    if any(isinstance(call, SecurityBase) for call in calls):
        statuses.add(401)
        if route.methods & WRITES:
            statuses.add(409)
    if get_admin_user in calls:
        statuses.add(403)
    if route.param_convertors or "{" in route.path_format:
        statuses.add(404)
    has_params = bool(route.dependant.query_params or route.dependant.header_params
                      or route.dependant.path_params or route.dependant.cookie_params
                      or any(c.query_params or c.header_params or c.path_params
                             for c in _dependants(route.dependant)))
    if route.body_field is not None:  # 400: a body that cannot be read as its media type
        statuses |= {400, 413, 422}
    if has_params:
        statuses.add(422)
    if "/submit" in route.path_format:
        statuses.add(429)
    return statuses


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependants(sub)


def error_schema_name(status: int) -> str:
    return f"Error{status}"


def error_components() -> dict[str, Any]:
    """One schema per error status: the shared shape, with that status's codes."""
    detail = {"type": "object", "required": ["field", "message"],
              "properties": {"field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                             "message": {"type": "string"}}}
    components: dict[str, Any] = {"ErrorDetail": detail}
    for status, codes in ERROR_CODES.items():
        components[error_schema_name(status)] = {
            "title": error_schema_name(status), "type": "object", "required": ["error"],
            "description": f"{status} {HTTPStatus(status).phrase}",
            "properties": {"error": {
                "type": "object", "required": ["code", "message", "field"],
                "properties": {
                    "code": {"type": "string", "enum": list(codes)},
                    "message": {"type": "string"},
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}],
                              "description": "The request field at fault, if one is"},
                    "details": {"type": "array",
                                "items": {"$ref": "#/components/schemas/ErrorDetail"}},
                }}},
        }
    return components


def document_errors(operation: dict[str, Any], statuses: set[int]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    declared = {int(key) for key in responses if key.isdigit() and int(key) >= 400}
    for status in sorted(statuses | declared):
        if status not in ERROR_CODES:
            continue
        answer = responses.setdefault(str(status), {})
        # FastAPI fills an undescribed answer with the status's phrase
        if answer.get("description") in (None, "", "Validation Error",
                                         HTTPStatus(status).phrase):
            answer["description"] = DESCRIPTIONS.get(status, HTTPStatus(status).phrase)
        ref = {"$ref": f"#/components/schemas/{error_schema_name(status)}"}
        answer["content"] = {"application/json": {"schema": ref}}
        if status in _HEADERS:
            answer["headers"] = _HEADERS[status]
