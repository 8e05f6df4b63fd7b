"""What the three platforms' OAuth 2.0 token endpoints share (RFC 6749 §5): reading a
token answer, and reading an error answer (`invalid_grant`: the grant is gone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app.publishing.base import Tokens
from app.publishing.calls import excerpt
from app.publishing.errors import GrantRevoked, PublishError


def read_tokens(answer: dict[str, Any], *, previous: Tokens | None = None,
                scope_separator: str = " ") -> Tokens:
    """Tokens from a token answer; a refresh that returns no refresh token keeps the old."""
    access = answer.get("access_token")
    if not isinstance(access, str) or not access:
        raise PublishError("oauth_bad_answer", "the token endpoint returned no access_token")
    expires_in = answer.get("expires_in")
    expires_at = (datetime.now(UTC) + timedelta(seconds=float(expires_in))
                  if isinstance(expires_in, int | float) else None)
    scope = answer.get("scope")
    if isinstance(scope, str):
        scopes = tuple(s for s in scope.replace(",", " ").split(scope_separator) if s)
    elif previous is not None:
        scopes = previous.scopes
    else:
        scopes = ()
    refresh = answer.get("refresh_token") or (previous.refresh_token if previous else None)
    account = answer.get("open_id") or answer.get("user_id")
    return Tokens(access_token=access, refresh_token=refresh, expires_at=expires_at,
                  scopes=scopes, account_id=str(account) if account is not None else
                  (previous.account_id if previous else None))


def token_error(platform: str, response: httpx.Response) -> PublishError:
    """The error for a refused token request: GrantRevoked for `invalid_grant`."""
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, dict):  # Graph API: {"error": {"code": 190, "message": ...}}
        if error.get("code") == 190:
            return GrantRevoked(platform, str(error.get("message", "invalid token")))
        error = error.get("type")
    if isinstance(answer, dict) and answer.get("error_type") == "OAuthException":
        # Instagram's token endpoint: {"error_type", "code", "error_message"}
        return GrantRevoked(platform, str(answer.get("error_message", "OAuthException")))
    description = answer.get("error_description", "") if isinstance(answer, dict) else ""
    if error == "invalid_grant":
        return GrantRevoked(platform, f"invalid_grant: {description}".rstrip(": "))
    return PublishError("oauth_refused", f"{platform} refused the token request "
                        f"({response.status_code}): {excerpt(response)}")


def json_body(platform: str, response: httpx.Response) -> dict[str, Any]:
    """A JSON object answer, or PublishError naming the platform."""
    try:
        answer = response.json()
    except ValueError:
        raise PublishError("bad_answer", f"{platform} answered {response.status_code} "
                           f"with no JSON: {excerpt(response)}") from None
    if not isinstance(answer, dict):
        raise PublishError("bad_answer", f"{platform} answered with JSON that is no object")
    return answer
