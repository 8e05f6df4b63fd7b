"""Outgoing webhooks (docs/webhooks.md): allowed targets, retries, timeouts, caps."""

from __future__ import annotations

import ipaddress

from pydantic import model_validator

from app.core.config.group import Group


class WebhookSettings(Group):
    """Where deliveries may go and how they are tried."""

    # Targets must be public https URLs; the two switches are for local development and
    # tests, never for a shared server.
    WEBHOOK_ALLOW_HTTP: bool = False
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool = False  # loopback, RFC 1918, link-local, CGNAT
    WEBHOOK_ALLOWED_NETWORKS: list[str] = []  # CIDRs opened one by one (an internal receiver)
    WEBHOOK_MAX_ATTEMPTS: int = 10  # the first try included; then the delivery is `failed`
    # Both caps stay below VISIBILITY_TIMEOUT_S (checked by Settings).
    WEBHOOK_BACKOFF_BASE_S: float = 10.0  # full jitter: uniform(0, min(cap, base * 2**n))
    WEBHOOK_BACKOFF_CAP_S: float = 3600.0
    WEBHOOK_RETRY_AFTER_CAP_S: float = 3600.0  # a receiver's Retry-After, honoured up to this
    WEBHOOK_CONNECT_TIMEOUT_S: float = 5.0
    WEBHOOK_TIMEOUT_S: float = 15.0  # one attempt: redirects and reading the answer included
    WEBHOOK_MAX_RESPONSE_BYTES: int = 64 * 1024
    WEBHOOK_MAX_REDIRECTS: int = 3
    WEBHOOK_MAX_ENDPOINTS_PER_USER: int = 20

    @model_validator(mode="after")
    def _check_webhooks(self) -> WebhookSettings:
        if self.WEBHOOK_MAX_ATTEMPTS < 1:
            raise ValueError("WEBHOOK_MAX_ATTEMPTS must be at least 1")
        for cidr in self.WEBHOOK_ALLOWED_NETWORKS:
            ipaddress.ip_network(cidr)  # raises ValueError naming the bad entry
        return self
