"""Signing: the secret key and access tokens."""

from __future__ import annotations

from pydantic import model_validator

from app.core.config.group import Group

DEV_SECRET = "dev-insecure-secret-change-me-0123456789"


class AuthSettings(Group):
    """The key that signs tokens (and other signed values) and how long a token lives."""

    SECRET_KEY: str = DEV_SECRET  # refused in production (Settings checks ENVIRONMENT)
    ACCESS_TOKEN_TTL_S: int = 3600
    JWT_ALGORITHM: str = "HS256"

    @model_validator(mode="after")
    def _long_enough_secret(self) -> AuthSettings:
        if len(self.SECRET_KEY) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters")
        return self
