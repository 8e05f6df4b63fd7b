"""GET /transitions, the OpenAPI enums and the media registry name the same kinds in order."""

from __future__ import annotations

from typing import Any

from app.media.transition_kinds import DEFAULT, KINDS, SLIDESHOW_NAMES, TIMELINE_NAMES
from tests.support.fixtures import Account


def _enum(schema: dict[str, Any], model: str, field: str) -> list[str]:
    prop = schema["components"]["schemas"][model]["properties"][field]
    assert prop["default"] == DEFAULT
    return list(prop["enum"])


def test_route_schema_and_registry_agree(account: Account) -> None:
    listed = account.client.get("/api/v1/transitions")
    assert listed.status_code == 200, listed.text
    assert listed.json() == [
        {"name": k.name, "label": k.label, "blends": k.name != "none",
         "slideshow": k.slideshow, "default": k.name == DEFAULT} for k in KINDS]
    spec = account.client.get("/api/v1/openapi.json").json()
    assert _enum(spec, "Transition", "kind") == list(TIMELINE_NAMES)
    for model in ("VideoSubmit", "VideoTemplate", "VideoSettings"):
        assert _enum(spec, model, "transition") == list(SLIDESHOW_NAMES), model
    operation = spec["paths"]["/api/v1/transitions"]["get"]
    assert operation["summary"] and operation["tags"] == ["transitions"]


def test_transitions_need_a_token(account: Account) -> None:
    anonymous = account.client.get("/api/v1/transitions", headers={"Authorization": ""})
    assert anonymous.status_code == 401
