"""How the script writers' HTTP calls fail: the shared client (app.core.http) retries in
place, and what still fails becomes a ScriptError or ScriptTransientError here."""

from __future__ import annotations

from app.content.errors import ScriptError, ScriptTransientError
from app.core.http import HttpFailure


def failure_error(exc: HttpFailure) -> ScriptError | ScriptTransientError:
    """Map an HTTP failure onto the permanent or transient script error (`llm_<kind>`)."""
    code = f"llm_{exc.kind}"
    if exc.status is None:
        return ScriptTransientError(code, str(exc))
    if exc.retryable:
        return ScriptTransientError(code, str(exc), exc.body, exc.retry_after_s)
    if exc.kind == "auth":
        return ScriptError(code, f"the server refused the API key ({exc.status})", exc.body)
    if exc.kind == "not_found":
        return ScriptError(code, "no such model or endpoint (404)", exc.body)
    return ScriptError(code, str(exc), exc.body)
