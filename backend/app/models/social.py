"""Connected social accounts (their tokens sealed, app/publishing/tokens.py) and the
OAuth authorizations in flight that will become one."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin, utcnow


class AccountStatus(enum.StrEnum):
    ACTIVE = "active"
    NEEDS_RECONNECT = "needs_reconnect"  # the platform refused the grant (revoked, expired)


class SocialAccount(IdMixin, CreatedMixin, Base):
    """A user's account on a platform; connecting the same account again updates it."""

    __tablename__ = "social_accounts"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'needs_reconnect')", name="status"),
        UniqueConstraint("user_id", "platform", "external_id",
                         name="uq_social_accounts_user_platform_external"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    external_name: Mapped[str] = mapped_column(String(200))
    # AES-GCM nonce + ciphertext; both sealed by the key named in token_key_id
    access_token: Mapped[bytes] = mapped_column(LargeBinary)
    refresh_token: Mapped[bytes | None] = mapped_column(LargeBinary)
    token_key_id: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONB, default=list)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(24), default=AccountStatus.ACTIVE.value)
    status_reason: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OAuthState(IdMixin, CreatedMixin, Base):
    """An authorization started by `user_id`: the callback must bring back its state
    before `expires_at`, once. Only the state's SHA-256 is stored."""

    __tablename__ = "oauth_states"
    __table_args__ = (
        UniqueConstraint("state_hash", name="uq_oauth_states_state_hash"),
        Index("ix_oauth_states_user_expires", "user_id", "expires_at"),
    )

    state_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    code_verifier: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed PKCE verifier
    key_id: Mapped[str | None] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
