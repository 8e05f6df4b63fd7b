"""The webhook delivery knobs, read from the application settings."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from app.core.config import settings
from app.core.http import Limits, NetPolicy
from app.webhooks.backoff import Backoff


@dataclass(frozen=True)
class DeliveryConfig:
    """Everything one delivery attempt needs to know besides the delivery itself."""

    policy: NetPolicy = field(default_factory=NetPolicy)
    limits: Limits = field(default_factory=Limits)
    backoff: Backoff = field(default_factory=Backoff)


def net_policy() -> NetPolicy:
    """Which targets the settings allow (checked at submit and again at delivery)."""
    hooks = settings.webhooks
    return NetPolicy(
        allow_http=hooks.WEBHOOK_ALLOW_HTTP,
        allow_private=hooks.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
        allowed_networks=tuple(ipaddress.ip_network(c) for c in hooks.WEBHOOK_ALLOWED_NETWORKS))


def delivery_config() -> DeliveryConfig:
    """The settings as one DeliveryConfig."""
    return DeliveryConfig(
        policy=net_policy(),
        limits=Limits(connect_timeout_s=settings.webhooks.WEBHOOK_CONNECT_TIMEOUT_S,
                      total_timeout_s=settings.webhooks.WEBHOOK_TIMEOUT_S,
                      max_response_bytes=settings.webhooks.WEBHOOK_MAX_RESPONSE_BYTES,
                      max_redirects=settings.webhooks.WEBHOOK_MAX_REDIRECTS),
        backoff=Backoff(max_attempts=settings.webhooks.WEBHOOK_MAX_ATTEMPTS,
                        base_s=settings.webhooks.WEBHOOK_BACKOFF_BASE_S,
                        cap_s=settings.webhooks.WEBHOOK_BACKOFF_CAP_S,
                        retry_after_cap_s=settings.webhooks.WEBHOOK_RETRY_AFTER_CAP_S))
