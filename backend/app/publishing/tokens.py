"""Tokens at rest: AES-256-GCM with a key id beside each ciphertext, so keys rotate.

New writes use the current key; every configured key still decrypts what it wrote. The
associated data binds a ciphertext to its owner and purpose, so a token copied into
another row does not decrypt there.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.config import Settings

NONCE_BYTES = 12  # 96-bit nonces, random per message (NIST SP 800-38D §8.2.2)
DERIVED_KEY_ID = "derived"  # the key derived from SECRET_KEY outside production


class TokenKeyError(Exception):
    """A ciphertext whose key is not configured, or that does not decrypt with it."""


@dataclass(frozen=True)
class Sealed:
    """One encrypted value and the id of the key that sealed it."""

    key_id: str
    blob: bytes  # nonce followed by ciphertext and tag


class TokenCipher:
    """Encrypts with `current`; decrypts with whichever key a value names."""

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise TokenKeyError(f"the current key {current!r} is not among the keys")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.current = current

    def seal(self, plaintext: str, *, context: str) -> Sealed:
        """Encrypt `plaintext` under the current key, bound to `context`."""
        nonce = os.urandom(NONCE_BYTES)
        data = self._keys[self.current].encrypt(nonce, plaintext.encode(), context.encode())
        return Sealed(self.current, nonce + data)

    def open(self, sealed: Sealed, *, context: str) -> str:
        """The plaintext of `sealed`; TokenKeyError for an unknown key or a wrong context."""
        aead = self._keys.get(sealed.key_id)
        if aead is None:
            raise TokenKeyError(f"token key {sealed.key_id!r} is not configured")
        nonce, data = sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:]
        try:
            return aead.decrypt(nonce, data, context.encode()).decode()
        except InvalidTag:
            raise TokenKeyError(f"a token sealed with key {sealed.key_id!r} does not "
                                "decrypt (altered, or stored for another owner)") from None


def cipher_from_settings(config: Settings) -> TokenCipher:
    """TOKEN_KEYS and TOKEN_KEY_ID; without them (never in production once a platform is
    configured) one key derived from SECRET_KEY."""
    publishing = config.publishing
    if publishing.TOKEN_KEYS and publishing.TOKEN_KEY_ID:
        keys = {k: base64.b64decode(v) for k, v in publishing.TOKEN_KEYS.items()}
        return TokenCipher(keys, publishing.TOKEN_KEY_ID)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"reelforge social tokens").derive(config.auth.SECRET_KEY.encode())
    return TokenCipher({DERIVED_KEY_ID: derived}, DERIVED_KEY_ID)
