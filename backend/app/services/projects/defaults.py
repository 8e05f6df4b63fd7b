"""A project's settings as the defaults of a submit: every field the request did not set
(pydantic's `model_fields_set`) takes the project's value; voice and brand merge field by
field (the request's fields over the project's). The request is validated again with the
result, so a submit is exactly as valid as if it had been sent with those values."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.models import Project, User
from app.services.projects.brand import merge_kit
from app.services.projects.manage import get_project

Submit = TypeVar("Submit", bound=BaseModel)
MERGED = ("voice", "brand")  # nested settings: merged, not replaced


def project_values(project: Project) -> dict[str, Any]:
    """The settings the project holds (unset ones are left out)."""
    values = {"topic": project.topic, "audience": project.audience, "tone": project.tone,
              "language": project.language, "voice": project.voice or None,
              "platforms": project.platforms or None, "brand": project.brand or None}
    return {k: v for k, v in values.items() if v is not None}


def invalid(exc: ValidationError, prefix: str) -> AppError:
    """A 422 naming the first invalid field, under `prefix` (e.g. `items[2].`)."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    field = f"{prefix}{where}" if where else prefix.rstrip(".") or None
    return AppError("validation_error", f"{field or 'body'}: {first['msg']}", 422, field=field)


def with_project(request: Submit, project: Project, *, prefix: str = "") -> Submit:
    """`request` with the project's settings in every field it left unset, and its
    `project_id` the project's UUID."""
    fields = type(request).model_fields
    sent = request.model_fields_set
    data = request.model_dump(mode="json", exclude_unset=True)
    for name, value in project_values(project).items():
        if name not in fields:
            continue
        if name in MERGED and name in sent:
            data[name] = None if data.get(name) is None else merge_kit(value, data[name])
        elif name not in sent:
            data[name] = value
    if "script" in sent and "topic" not in sent:
        data.pop("topic", None)  # a script is read as given: the project's topic is unused
    if "platform" in fields and "platform" not in sent and project.platforms:
        data["platform"] = project.platforms[0]
    data["project_id"] = str(project.id)
    try:
        result = type(request).model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, prefix) from None
    if "topic" in fields and getattr(result, "topic", None) is None \
            and getattr(result, "script", None) is None:
        field = f"{prefix}topic"
        raise AppError("validation_error", f"{field}: required; project {project.number} "
                       "has no topic to default to", 422, field=field)
    return result


async def resolve(*, session: AsyncSession, user: User, request: Submit,
                  prefix: str = "") -> tuple[Submit, Project | None]:
    """The request with its project's defaults applied, and the project (None, and the
    request unchanged, without a `project_id`). Another user's or an unknown project is
    a 404 naming `project_id`. The project stays key-share locked until commit, so a
    concurrent delete waits for this submit (delete.py)."""
    ref = getattr(request, "project_id", None)
    if ref is None:
        return request, None
    project = await get_project(session=session, user=user, ref=ref,
                                field=f"{prefix}project_id", lock="key_share")
    return with_project(request, project, prefix=prefix), project
