"""Access tokens: a verified token is remembered, but never past its expiry, never under
another secret, and a tampered copy of it is still refused."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from app.core.config import settings
from app.core.security import create_access_token, decode_access_token, decode_token_claims


def test_a_remembered_token_is_refused_once_it_expires() -> None:
    user_id = uuid.uuid4()
    token = create_access_token(user_id, "user", ttl_s=1)
    assert decode_access_token(token) == user_id
    assert decode_access_token(token) == user_id  # answered from memory
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    while time.time() < expires + 0.05:
        time.sleep(0.05)  # waiting on the clock itself: the token's expiry is the subject
    assert decode_access_token(token) is None


def test_a_remembered_token_is_refused_under_another_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    user_id = uuid.uuid4()
    token = create_access_token(user_id, "user")
    assert decode_access_token(token) == user_id
    monkeypatch.setattr(settings.auth, "SECRET_KEY", "another-secret-" + "x" * 40)
    assert decode_access_token(token) is None


def test_a_tampered_copy_of_a_remembered_token_is_refused() -> None:
    token = create_access_token(uuid.uuid4(), "user")
    assert decode_access_token(token) is not None
    head, body, signature = token.split(".")
    other = create_access_token(uuid.uuid4(), "admin").split(".")[1]
    assert decode_access_token(f"{head}.{other}.{signature}") is None
    assert decode_access_token(f"{head}.{body}.{signature[:-2]}AA") is None


def test_each_token_has_its_own_id_and_a_millisecond_issue_time() -> None:
    """Logout denies one token id; a password change ends tokens issued before it, so a
    token issued in the same second as the change must still compare as newer."""
    user_id = uuid.uuid4()
    first, second = (create_access_token(user_id, "user") for _ in range(2))
    a, b = decode_token_claims(first), decode_token_claims(second)
    assert a is not None and b is not None
    assert a.token_id and b.token_id and a.token_id != b.token_id
    assert a.user_id == b.user_id == user_id
    assert a.issued <= b.issued and a.issued == round(a.issued, 3)  # kept to the millisecond
