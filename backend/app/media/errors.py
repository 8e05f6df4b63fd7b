"""Errors the renderer raises; the task layer maps them onto job states."""

from __future__ import annotations

from collections.abc import Sequence


class RenderError(Exception):
    """Base of every failure raised by the media package."""


class SpecError(RenderError, ValueError):
    """A render request is invalid; `field` names the offending spec field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class RenderCancelled(RenderError):
    """The caller asked to stop; the process group was killed and partial files removed."""


class RenderTimeout(RenderError):
    """The render ran past its hard time limit and was killed."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"render exceeded its {timeout_s:g} s limit")
        self.timeout_s = timeout_s


class RenderFailed(RenderError):
    """ffmpeg exited non-zero; `stderr_tail` holds its last log lines."""

    def __init__(self, returncode: int, stderr_tail: Sequence[str]) -> None:
        tail = "\n".join(stderr_tail)
        super().__init__(f"ffmpeg exited with status {returncode}:\n{tail}")
        self.returncode = returncode
        self.stderr_tail = tuple(stderr_tail)


class ProbeFailed(RenderError):
    """A media file could not be opened or lacks the stream that was asked for."""
