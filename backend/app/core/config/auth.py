"""Signing and signing in: the secret key, access tokens, login throttling."""

from __future__ import annotations

from limits import parse_many
from pydantic import model_validator

from app.core.config.group import Group

DEV_SECRET = "dev-insecure-secret-change-me-0123456789"


class AuthSettings(Group):
    """The key that signs tokens (and other signed values), how long a token lives, and
    how hard a client may try to sign in (docs/faults.md, "abuse and exhaustion")."""

    SECRET_KEY: str = DEV_SECRET  # refused in production (Settings checks ENVIRONMENT)
    ACCESS_TOKEN_TTL_S: int = 3600
    JWT_ALGORITHM: str = "HS256"

    # Limits in the `limits` notation ("5/second;30/minute"), moving windows in Redis.
    # Logins per client address, whatever the account (credential stuffing).
    LOGIN_IP_LIMITS: str = "5/second;30/minute;300/hour"
    # Registrations per client address.
    REGISTER_IP_LIMITS: str = "5/minute;20/hour"
    # Logins per account, whatever the address (a guessing botnet).
    LOGIN_ACCOUNT_LIMITS: str = "10/minute;60/hour"
    # The lockout: failed logins per account since its last success. Each tier locks
    # longer than the one before (≤ 5 min, ≤ 1 h, ≤ 6 h); a success clears them.
    LOGIN_LOCKOUT_LIMITS: str = "5/5 minutes;10/hour;20/6 hours"
    # argon2 takes 64 MiB and ~0.2 s of CPU per hash: this many at once per API process,
    # on their own threads, with at most PASSWORD_HASH_QUEUE_MAX waiting (then 503).
    PASSWORD_HASH_CONCURRENCY: int = 2
    PASSWORD_HASH_QUEUE_MAX: int = 16

    @model_validator(mode="after")
    def _long_enough_secret(self) -> AuthSettings:
        if len(self.SECRET_KEY) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters")
        return self

    @model_validator(mode="after")
    def _readable_limits(self) -> AuthSettings:
        for name in ("LOGIN_IP_LIMITS", "REGISTER_IP_LIMITS", "LOGIN_ACCOUNT_LIMITS",
                     "LOGIN_LOCKOUT_LIMITS"):
            try:
                parse_many(getattr(self, name))
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        if self.PASSWORD_HASH_CONCURRENCY < 1 or self.PASSWORD_HASH_QUEUE_MAX < 0:
            raise ValueError("PASSWORD_HASH_CONCURRENCY must be ≥ 1 and the queue ≥ 0")
        return self
