"""Errors of script writing: permanent ones fail the job, transient ones are worth a retry."""

from __future__ import annotations

from pydantic import ValidationError


class ContentError(Exception):
    """Base of every failure raised by the content package; `code` is stable and dotted."""

    retryable = False

    def __init__(self, code: str, message: str, raw: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.raw = raw


class ScriptError(ContentError):
    """A permanent failure (bad request, refused key, unusable answer); `raw` holds the answer."""


class ScriptTransientError(ContentError):
    """The server was busy, failing or unreachable; the task may retry after `retry_after_s`."""

    retryable = True

    def __init__(
        self, code: str, message: str, raw: str | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(code, message, raw)
        self.retry_after_s = retry_after_s


def describe(error: ValidationError) -> str:
    """A pydantic error as `field.path: message` lines, the field first so people can find it."""
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "(root)"
        lines.append(f"{where}: {item['msg']}")
    return "; ".join(lines)
