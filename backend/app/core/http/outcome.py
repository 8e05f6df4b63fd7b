"""One checked POST to a user's address, classified: delivered, worth another try, or not.

Outgoing webhooks and the publish step both send a signed body to an address a user
gave; both read the result the same way. A host that does not resolve may come back, and
so may a network error, 408, 429 or 5xx; an address the policy refuses, too many
redirects and any other answer are final.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from app.core.http.addresses import NetPolicy, Unresolvable, UnsafeUrl
from app.core.http.pinned import Limits, Reply, post
from app.core.http.retry import parse_retry_after, retryable_status


@dataclass(frozen=True)
class Outcome:
    """How one POST went; `reply` is None when no answer came (refused, unresolvable,
    network error), and `error` says why it failed in a line fit for a log or a job."""

    ok: bool
    retryable: bool
    reply: Reply | None = None
    error: str | None = None
    retry_after_s: float | None = None


def post_checked(url: str, body: bytes, headers: Mapping[str, str], *, policy: NetPolicy,
                 limits: Limits, verify: ssl.SSLContext | bool = True) -> Outcome:
    """POST through the pinned transport and classify the result; never raises for the
    network, the address or the answer."""
    try:
        reply = post(url, body, headers, policy=policy, limits=limits, verify=verify)
    except Unresolvable as exc:  # DNS may come back
        return Outcome(ok=False, retryable=True, error=f"unresolvable: {exc}")
    except UnsafeUrl as exc:
        return Outcome(ok=False, retryable=False, error=f"refused: {exc}")
    except httpx.TransportError as exc:
        return Outcome(ok=False, retryable=True, error=f"{type(exc).__name__}: {exc}")
    code = reply.status_code
    if 200 <= code < 300:
        return Outcome(ok=True, retryable=False, reply=reply)
    return Outcome(ok=False, retryable=retryable_status(code), reply=reply,
                   error=f"HTTP {code}",
                   retry_after_s=parse_retry_after(reply.headers.get("retry-after")))
