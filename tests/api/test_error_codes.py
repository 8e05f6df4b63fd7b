"""The catalogue of error codes (app/api/error_codes.py) names every code app/ raises, under
the status it is raised with, so the OpenAPI document's enums never miss one."""

from __future__ import annotations

import ast
from pathlib import Path

import app
from app.api.error_codes import ERROR_CODES

SOURCE = Path(app.__file__).parent


def _raised() -> set[tuple[str, int, str]]:
    """(code, status, file) of each `AppError("code", "message", status)` written out."""
    found: set[tuple[str, int, str]] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "AppError"):
                continue
            args = [*node.args, *(k.value for k in node.keywords if k.arg == "status")]
            if not (args and isinstance(args[0], ast.Constant)):
                continue
            status = args[2] if len(args) > 2 else ast.Constant(400)
            if isinstance(status, ast.Constant) and isinstance(status.value, int):
                found.add((args[0].value, status.value, str(path.relative_to(SOURCE))))
    return found


def test_every_raised_code_is_in_the_catalogue_under_its_status() -> None:
    raised = _raised()
    assert len(raised) > 50  # the scan finds the raise sites
    missing = sorted((code, status, where) for code, status, where in raised
                     if code not in ERROR_CODES.get(status, ()))
    assert not missing, missing


def test_the_document_lists_each_status_codes() -> None:
    from app.main import create_app

    document = create_app().openapi()
    schemas = document["components"]["schemas"]
    for status, codes in ERROR_CODES.items():
        enum = schemas[f"Error{status}"]["properties"]["error"]["properties"]["code"]["enum"]
        assert enum == list(codes)
    assert "HTTPValidationError" not in schemas
