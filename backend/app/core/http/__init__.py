"""The one HTTP layer of outgoing calls: timeouts, retries, Retry-After and SSRF checks.

- retry.py: which statuses may pass later, Retry-After (seconds or a date), jittered backoff.
- client.py: calls to a configured service (content, speech) with bounded retries in place.
- addresses.py: which URLs a request to a user's address may reach, on every resolved address.
- pinned.py: a POST pinned to the checked address (no DNS rebinding), redirects re-checked.
- outcome.py: such a POST classified as delivered, worth another try, or final.
"""

from __future__ import annotations

from app.core.http.addresses import (
    NetPolicy,
    Resolver,
    Target,
    Unresolvable,
    UnsafeUrl,
    check_url,
    system_resolver,
)
from app.core.http.client import (
    FailureKind,
    HttpFailure,
    HttpRetry,
    Sleep,
    make_client,
    send,
    timeout,
)
from app.core.http.outcome import Outcome, post_checked
from app.core.http.pinned import Limits, PinnedTransport, Reply, TooManyRedirects, post
from app.core.http.retry import (
    ceiling_s,
    equal_jitter_s,
    full_jitter_s,
    parse_retry_after,
    retryable_status,
)

__all__ = [
    "FailureKind", "HttpFailure", "HttpRetry", "Limits", "NetPolicy", "Outcome",
    "PinnedTransport", "Reply", "Resolver", "Sleep", "Target", "TooManyRedirects",
    "Unresolvable", "UnsafeUrl", "ceiling_s", "check_url", "equal_jitter_s", "full_jitter_s",
    "make_client", "parse_retry_after", "post", "post_checked", "retryable_status", "send",
    "system_resolver", "timeout",
]
