"""Errors of the publishing adapters: permanent, worth a retry, or a grant to reconnect."""

from __future__ import annotations


class PublishError(Exception):
    """A permanent failure with a stable `code` and a message fit for a post or a person."""

    retryable = False

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class PublishTransientError(PublishError):
    """The platform was busy, failing or unreachable past the deadline; try again later."""

    retryable = True

    def __init__(self, code: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(code, message)
        self.retry_after_s = retry_after_s


class GrantRevoked(PublishError):
    """The user revoked access (OAuth `invalid_grant`, or a token the platform no longer
    knows): the account must be connected again (`needs_reconnect`)."""

    def __init__(self, platform: str, detail: str) -> None:
        super().__init__("needs_reconnect", f"{platform} no longer accepts this account's "
                         f"authorization ({detail}); connect the account again")
        self.platform = platform


class UploadSessionGone(PublishError):
    """The platform forgot the upload session (expired or unknown): start a new one."""

    def __init__(self, platform: str, detail: str) -> None:
        super().__init__("upload_session_gone", f"{platform}: {detail}")
