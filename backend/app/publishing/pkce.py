"""PKCE (RFC 7636): a verifier kept by us, its S256 challenge sent with the authorization."""

from __future__ import annotations

import base64
import hashlib
import secrets

VERIFIER_BYTES = 48  # 64 characters of base64url: within RFC 7636's 43-128


def new_verifier() -> str:
    """A high-entropy code verifier."""
    return secrets.token_urlsafe(VERIFIER_BYTES)


def s256_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
