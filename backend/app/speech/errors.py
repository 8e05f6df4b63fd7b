"""Errors of speech synthesis: permanent ones fail the job, transient ones are worth a retry."""

from __future__ import annotations


class TtsError(Exception):
    """Base of every failure raised by the speech package; `code` is stable."""

    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class SpeechError(TtsError):
    """A permanent failure: bad input, missing engine, refused key, unusable audio."""


class SpeechTransientError(TtsError):
    """The service was busy, failing or unreachable; the task may retry after `retry_after_s`."""

    retryable = True

    def __init__(self, code: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(code, message)
        self.retry_after_s = retry_after_s
