"""Response bodies for connected social accounts and the platforms behind them. Tokens
are never part of any of them."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.publishing.platforms import PlatformName


class PlatformRead(BaseModel):
    name: PlatformName
    label: str
    available: bool = Field(description="False when this server has no client id and "
                                        "secret for the platform")
    pkce: bool = Field(description="Whether the authorization uses PKCE (RFC 7636)")


class ConnectStarted(BaseModel):
    authorization_url: str = Field(description="Send the user here to grant access")
    state_expires_at: datetime
    redirect_uri: str = Field(description="Where the platform sends the user back; it must "
                                          "be registered with the platform")


class SocialAccountRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    platform: PlatformName
    external_id: str = Field(description="The account's id on the platform")
    external_name: str
    scopes: list[str]
    status: str = Field(description="active, or needs_reconnect when the platform no "
                                    "longer accepts the grant")
    status_reason: str | None
    expires_at: datetime | None = Field(description="When the access token expires (it is "
                                                    "refreshed before use)")
    quota_units_today: int | None = Field(
        default=None, description="Platform quota units this account's posts spent today "
        "(YouTube: the day ends at midnight Pacific time); null for a platform without "
        "units")
    quota_units_daily: int | None = Field(
        default=None, description="The daily budget of those units; a post that would pass "
        "it waits for the next day (error quota_exhausted)")
    created_at: datetime
    updated_at: datetime
