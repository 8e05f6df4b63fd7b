"""Password hashing, JWT access tokens and API keys."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from app.core.config import settings

API_KEY_PREFIX = "rfk_"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def create_access_token(user_id: uuid.UUID, role: str, *, ttl_s: int | None = None) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "role": role, "iat": now,
              "exp": now + (ttl_s if ttl_s is not None else settings.ACCESS_TOKEN_TTL_S)}
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=settings.JWT_ALGORITHM)


def decode_access_token(token: str) -> uuid.UUID | None:
    """The user id of a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(token, settings.SECRET_KEY, algorithms=[settings.JWT_ALGORITHM])
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, KeyError, ValueError):
        return None


def new_api_key() -> tuple[str, str]:
    """A fresh key (shown once) and the digest that is stored."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, api_key_digest(key)


def api_key_digest(key: str) -> str:
    # High-entropy keys need no slow hash; SHA-256 keeps the lookup a single index probe.
    return hashlib.sha256(key.encode()).hexdigest()
