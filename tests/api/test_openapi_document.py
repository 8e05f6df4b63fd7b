"""The served document, read without a server: every request body has an example its own
schema accepts, and every operation documents its error answers with the shared body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.main import create_app


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    built: dict[str, Any] = create_app().openapi()
    return built


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", operation)
            for path, item in document["paths"].items() for method, operation in item.items()]


def test_every_request_body_has_an_example_its_schema_accepts(
        document: dict[str, Any]) -> None:
    registry = Registry().with_resource(
        "urn:doc", Resource.from_contents(document, default_specification=DRAFT202012))
    missing, refused = [], []
    bodies = 0
    for name, operation in _operations(document):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            bodies += 1
            if "example" not in media:
                missing.append(name)
                continue
            schema = json.loads(json.dumps(media["schema"]).replace(
                '"#/components', '"urn:doc#/components'))
            errors = list(Draft202012Validator(schema, registry=registry)
                          .iter_errors(media["example"]))
            refused += [f"{name}: {e.message}" for e in errors]
    assert bodies > 20
    assert not missing, missing
    assert not refused, refused


def test_every_error_answer_has_the_shared_body(document: dict[str, Any]) -> None:
    for name, operation in _operations(document):
        answers = operation["responses"]
        assert "405" in answers and answers["405"]["headers"]["Allow"]["required"], name
        for status, answer in answers.items():
            if status.isdigit() and int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": f"#/components/schemas/Error{status}"}, name
