"""Short-lived signed URLs for stored objects, so a <video> tag can play a result."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

from app.core.config import settings


def _signature(key: str, expires: int) -> str:
    message = f"{key}\n{expires}".encode()
    return hmac.new(settings.auth.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def signed_path(key: str, *, ttl_s: int | None = None) -> str:
    expires = int(time.time()) + (ttl_s or settings.storage.SIGNED_URL_TTL_S)
    query = urlencode({"exp": expires, "sig": _signature(key, expires)})
    return f"{settings.app.API_PREFIX}/files/{key}?{query}"


def verify(key: str, expires: int, signature: str) -> bool:
    if expires < time.time():
        return False
    # bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, a 500)
    return hmac.compare_digest(_signature(key, expires).encode(), signature.encode())
