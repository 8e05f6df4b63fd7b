"""The address rules webhook targets are held to: app.core.http's SSRF checks, shared with
the publish step, under the names the webhook code has always used."""

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

__all__ = ["NetPolicy", "Resolver", "Target", "Unresolvable", "UnsafeUrl", "check_url",
           "system_resolver"]
