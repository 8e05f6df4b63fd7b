"""Password hashing, JWT access tokens and API keys."""

from __future__ import annotations

import hashlib
import math
import secrets
import time
import uuid
from dataclasses import dataclass

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
    # `iat` to the millisecond: a token issued just after a revoke-all (a password change)
    # must compare as newer than it, and whole seconds would tie.
    now = round(time.time(), 3)
    claims = {"sub": str(user_id), "role": role, "iat": now, "jti": uuid.uuid4().hex,
              "exp": math.ceil(now) + (ttl_s if ttl_s is not None
                                 else settings.auth.ACCESS_TOKEN_TTL_S)}
    return jwt.encode(claims, settings.auth.SECRET_KEY, algorithm=settings.auth.JWT_ALGORITHM)


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a valid access token says: whose it is, its id, when it was issued and ends."""

    user_id: uuid.UUID
    token_id: str
    issued: float
    expires: float


# Tokens whose signature checked out: token -> (secret it was checked with, claims).
# A client sends the same token with every request; the HMAC and JSON decoding of PyJWT
# were ~6 % of the API's CPU per submit. Only valid tokens are kept, and only until `exp`.
# Revocation is not decided here (it lives in Redis, app/services/sessions.py).
_VERIFIED: dict[str, tuple[str, TokenClaims]] = {}
VERIFIED_MAX = 10_000


def decode_token_claims(token: str) -> TokenClaims | None:
    """The claims of a well-signed, unexpired token; None for anything else."""
    hit = _VERIFIED.get(token)
    if hit is not None and hit[0] is settings.auth.SECRET_KEY and time.time() < hit[1].expires:
        return hit[1]
    try:
        raw = jwt.decode(token, settings.auth.SECRET_KEY,
                         algorithms=[settings.auth.JWT_ALGORITHM])
        claims = TokenClaims(uuid.UUID(str(raw["sub"])), str(raw.get("jti") or ""),
                             float(raw["iat"]), float(raw["exp"]))
    except (jwt.PyJWTError, KeyError, ValueError, TypeError):
        _VERIFIED.pop(token, None)
        return None
    if len(_VERIFIED) >= VERIFIED_MAX:  # drop the oldest entry (dicts keep insertion order)
        del _VERIFIED[next(iter(_VERIFIED))]
    _VERIFIED[token] = (settings.auth.SECRET_KEY, claims)
    return claims


def decode_access_token(token: str) -> uuid.UUID | None:
    """The user id of a well-signed, unexpired token; None for anything else."""
    claims = decode_token_claims(token)
    return claims.user_id if claims is not None else None


def new_api_key() -> tuple[str, str]:
    """A fresh key (shown once) and the digest that is stored."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, api_key_digest(key)


def api_key_digest(key: str) -> str:
    # High-entropy keys need no slow hash; SHA-256 keeps the lookup a single index probe.
    return hashlib.sha256(key.encode()).hexdigest()
