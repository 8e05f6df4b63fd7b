"""One error type for the whole app and the JSON body it is rendered as (the FastAPI
handlers that render it are in app.api.errors)."""

from __future__ import annotations


class AppError(Exception):
    """A failure with a stable code, a message for people and the field at fault."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field
        self.headers = headers


class NotFound(AppError):
    """The object does not exist or belongs to someone else (never 403 for those)."""

    def __init__(self, what: str, *, field: str | None = None) -> None:
        super().__init__("not_found", f"{what} not found", 404, field=field)


def error_body(code: str, message: str, field: str | None = None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "field": field}}
