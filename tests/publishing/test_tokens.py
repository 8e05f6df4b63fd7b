"""Tokens at rest: AES-GCM round trip, the key id on each value, rotation (old keys still
open what they sealed, new seals use the current key), and values bound to their owner."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.publishing.tokens import (
    DERIVED_KEY_ID,
    Sealed,
    TokenCipher,
    TokenKeyError,
    cipher_from_settings,
)


def _key() -> bytes:
    return os.urandom(32)


def test_round_trip_under_the_current_key() -> None:
    box = TokenCipher({"k1": _key()}, "k1")
    sealed = box.seal("ya29.secret-access", context="account:1:access")
    assert sealed.key_id == "k1" and b"secret-access" not in sealed.blob
    assert box.open(sealed, context="account:1:access") == "ya29.secret-access"
    # a fresh nonce each time: the same token never seals to the same bytes
    assert box.seal("ya29.secret-access", context="account:1:access").blob != sealed.blob


def test_rotation_keeps_old_values_readable_and_seals_new_ones_with_the_new_key() -> None:
    old, new = _key(), _key()
    before = TokenCipher({"2026-11": old}, "2026-11").seal("refresh-1", context="c")
    rotated = TokenCipher({"2026-11": old, "2026-12": new}, "2026-12")
    assert rotated.open(before, context="c") == "refresh-1"
    after = rotated.seal("refresh-2", context="c")
    assert after.key_id == "2026-12"
    # once the old key is dropped, its values name a key that is not there
    retired = TokenCipher({"2026-12": new}, "2026-12")
    assert retired.open(after, context="c") == "refresh-2"
    with pytest.raises(TokenKeyError, match="2026-11"):
        retired.open(before, context="c")


def test_a_value_moved_to_another_owner_or_altered_does_not_open() -> None:
    box = TokenCipher({"k": _key()}, "k")
    sealed = box.seal("token", context="social_account:alice:youtube:UC1:access")
    with pytest.raises(TokenKeyError):
        box.open(sealed, context="social_account:mallory:youtube:UC1:access")
    flipped = bytes([sealed.blob[0], sealed.blob[1] ^ 1]) + sealed.blob[2:]
    with pytest.raises(TokenKeyError):
        box.open(Sealed("k", flipped), context="social_account:alice:youtube:UC1:access")


def test_settings_keys_and_the_derived_development_key() -> None:
    k1, k2 = base64.b64encode(_key()).decode(), base64.b64encode(_key()).decode()
    config = Settings.from_env(env_file=None, TOKEN_KEYS={"a": k1, "b": k2}, TOKEN_KEY_ID="b")
    box = cipher_from_settings(config)
    assert box.current == "b" and box.open(box.seal("x", context="c"), context="c") == "x"
    derived = cipher_from_settings(Settings.from_env(env_file=None))
    assert derived.current == DERIVED_KEY_ID
    with pytest.raises(ValidationError, match="TOKEN_KEY_ID"):
        Settings.from_env(env_file=None, TOKEN_KEYS={"a": k1}, TOKEN_KEY_ID="zz")
    with pytest.raises(ValidationError, match="32 bytes"):
        Settings.from_env(env_file=None, TOKEN_KEYS={"a": base64.b64encode(b"short").decode()},
                          TOKEN_KEY_ID="a")
    with pytest.raises(ValidationError, match="TOKEN_KEYS"):
        Settings.from_env(env_file=None, ENVIRONMENT="production", SECRET_KEY="x" * 48,
                          METRICS_TOKEN="m" * 32, YOUTUBE_CLIENT_ID="id",
                          YOUTUBE_CLIENT_SECRET="secret")
