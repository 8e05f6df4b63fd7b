"""The OpenAPI document the API serves: FastAPI's, completed in one pass over every route.

`install_openapi(app)` replaces `app.openapi`. The first request for the document walks
the routes then registered (routes added later in any module are covered without a line of
their own) and adds what FastAPI leaves out: each operation's error answers
(app.api.openapi_errors), binary bodies a client generator can read, class names that do
not collide, links from each create to the operations on what it created, and an example
of each request body (app.api.examples).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from app.api.examples import add_request_examples
from app.api.openapi_errors import document_errors, error_components, route_statuses

BINARY = {"type": "string", "format": "binary"}
_PARAM = re.compile(r"\{([^}]+)\}")


def _binary_bodies(document: dict[str, Any]) -> None:
    """A file answer (video/mp4, image/jpeg, a ZIP) is a binary string, also offered as
    application/octet-stream: a generated client reads it as bytes whatever the type."""
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for answer in operation.get("responses", {}).values():
                content: dict[str, Any] = answer.get("content", {})
                kinds = [k for k in content if not (k.endswith("json") or k.startswith("text/"))]
                for kind in kinds:
                    content[kind]["schema"] = dict(BINARY)
                if kinds:
                    content.setdefault("application/octet-stream", {"schema": dict(BINARY)})


def _binary_uploads(document: dict[str, Any]) -> None:
    """An uploaded file is `contentMediaType` in OpenAPI 3.1; generators look for the 3.0
    spelling, `format: binary`, to send it as a file part rather than as text."""
    for schema in document.get("components", {}).get("schemas", {}).values():
        for prop in schema.get("properties", {}).values():
            for part in (prop, prop.get("items", {})):
                if "contentMediaType" in part and part.get("type") == "string":
                    part.setdefault("format", "binary")


def _distinct_titles(document: dict[str, Any]) -> None:
    """FastAPI names two models of one name by module (app__media__timeline__Watermark);
    their titles stay equal, and generators name classes by title."""
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        if "__" in name:
            parts = name.split("__")
            schema["title"] = "".join(p.title().replace("_", "") for p in parts[-2:])


def _links(document: dict[str, Any]) -> None:
    """Link each operation that answers an object (a create, a submit) to every operation
    that takes that object's id: the path parameter of the path where it is read (GET
    /x/{id} answering the same schema), or else of the create's own path plus `/{id}`;
    path parameters of one name name one kind of object (`asset_id` in /assets/{asset_id}
    and /library/{asset_id}), so the link reaches every path that has it alone."""
    paths: dict[str, Any] = document.get("paths", {})
    reads: dict[str, str] = {}  # schema ref -> the parameter its read path takes
    for path, item in paths.items():
        params = _PARAM.findall(path)
        ref = _success_ref(item.get("get", {}))
        if len(params) == 1 and path.endswith("/{" + params[0] + "}") and ref:
            reads.setdefault(ref, params[0])
    for path, item in paths.items():
        if _PARAM.search(path):
            continue
        for method, operation in item.items():
            ref = _success_ref(operation) if method in ("post", "put") else None
            param = reads.get(ref or "") or _own_item_param(paths, path)
            if ref is None or param is None:
                continue
            for target_path, target in paths.items():
                if _PARAM.findall(target_path) == [param]:
                    for target_method, target_op in target.items():
                        _add_link(operation, target_op, target_method, param)


def _own_item_param(paths: dict[str, Any], path: str) -> str | None:
    """`webhook_id` for /webhooks when /webhooks/{webhook_id} exists."""
    for other in paths:
        found = re.fullmatch(re.escape(path) + r"/\{([^}/]+)\}", other)
        if found:
            return found.group(1)
    return None


def _success_ref(operation: dict[str, Any]) -> str | None:
    for status in ("201", "202", "200"):  # a submit's 200 is the replay of its 202
        schema = (operation.get("responses", {}).get(status, {}).get("content", {})
                  .get("application/json", {}).get("schema", {}))
        if "$ref" in schema:
            return str(schema["$ref"])
    return None


def _add_link(operation: dict[str, Any], target: dict[str, Any], method: str,
              param: str) -> None:
    target_id = target.get("operationId")
    if not target_id:
        return
    for status in ("200", "201", "202"):
        answer = operation.get("responses", {}).get(status)
        if answer is not None and "content" in answer:
            answer.setdefault("links", {})[target_id] = {
                "operationId": target_id, "parameters": {param: "$response.body#/id"},
                "description": f"{method.upper()} the object this answer describes"}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, completed (see the module's docstring); built once."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(title=app.title, version=app.version, summary=app.summary,
                           description=app.description, routes=app.routes)
    paths: dict[str, Any] = document.get("paths", {})
    for context in iter_route_contexts(app.routes):  # included routers are lazy since 0.165
        route: Any = context  # an APIRoute's attributes, with the prefixes applied
        if not isinstance(context.original_route, APIRoute) or not route.include_in_schema:
            continue
        statuses = route_statuses(route)
        for method in route.methods:
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is not None:
                document_errors(operation, statuses)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(error_components())
    _binary_bodies(document)
    _binary_uploads(document)
    _distinct_titles(document)
    _links(document)
    add_request_examples(document)
    app.openapi_schema = document
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve `build_openapi(app)` as the app's document."""
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
