"""How a webhook is sent: app.core.http's POST pinned to the checked address, shared with
the publish step, under the names the webhook code has always used."""

from __future__ import annotations

from app.core.http.pinned import Limits, PinnedTransport, Reply, TooManyRedirects, post

__all__ = ["Limits", "PinnedTransport", "Reply", "TooManyRedirects", "post"]
