"""Signatures: what the sender signs verifies, and any change to body, time or secret fails."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from app.webhooks.webhooks import (
    EVENT_TYPES,
    build_event,
    encode_event,
    event_id_for,
    new_secret,
    sign,
    signed_headers,
    verify_signature,
)

NOW = 1_800_000_000


def _delivery() -> tuple[str, bytes, dict[str, str]]:
    secret = new_secret()
    event = build_event(event_id=uuid.uuid4(), event_type="job.succeeded",
                        created_at=datetime.now(UTC), data={"job_id": "x", "note": "é"})
    body = encode_event(event)
    headers = signed_headers(secret=secret, body=body, event_id=event["id"],
                             event_type=event["type"], timestamp=NOW)
    return secret, body, headers


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(b"k", f"{NOW}.{'{}'}".encode(), hashlib.sha256).hexdigest()
    assert sign("k", NOW, b"{}") == f"v1={expected}"


def test_signed_delivery_verifies_and_tampering_fails() -> None:
    secret, body, headers = _delivery()
    stamp, signature = headers["Reelforge-Timestamp"], headers["Reelforge-Signature"]
    assert verify_signature(secret=secret, body=body, timestamp=stamp, signature=signature,
                            now=NOW + 10)
    assert verify_signature(secret=secret, body=body.decode(), timestamp=stamp,
                            signature=signature, now=NOW)
    assert not verify_signature(secret=secret, body=body + b" ", timestamp=stamp,
                                signature=signature, now=NOW)
    assert not verify_signature(secret=new_secret(), body=body, timestamp=stamp,
                                signature=signature, now=NOW)
    assert not verify_signature(secret=secret, body=body, timestamp=str(NOW + 1),
                                signature=signature, now=NOW)
    assert not verify_signature(secret=secret, body=body, timestamp="soon",
                                signature=signature, now=NOW)
    assert not verify_signature(secret=secret, body=body, timestamp=stamp,
                                signature="v1=00", now=NOW)


def test_timestamps_outside_five_minutes_are_refused() -> None:
    secret, body, headers = _delivery()
    stamp, signature = headers["Reelforge-Timestamp"], headers["Reelforge-Signature"]
    for now, ok in ((NOW + 300, True), (NOW + 301, False), (NOW - 301, False)):
        assert verify_signature(secret=secret, body=body, timestamp=stamp,
                                signature=signature, now=now) is ok


def test_any_of_several_signatures_may_match() -> None:
    secret, body, headers = _delivery()
    both = f"v1=deadbeef, {headers['Reelforge-Signature']}"
    assert verify_signature(secret=secret, body=body, timestamp=headers["Reelforge-Timestamp"],
                            signature=both, now=NOW)


def test_body_is_compact_ascii_json_with_the_envelope() -> None:
    _, body, headers = _delivery()
    event = json.loads(body)
    assert set(event) == {"id", "type", "created_at", "data"}
    assert headers["Reelforge-Event-Id"] == event["id"]
    assert headers["Reelforge-Event-Type"] == "job.succeeded"
    assert body.isascii() and b" " not in body


def test_event_ids_are_stable_per_subject_type_and_occurrence() -> None:
    job = uuid.uuid4()
    assert event_id_for(job, "job.dead", 4) == event_id_for(job, "job.dead", 4)
    ids = {event_id_for(job, t, n) for t in EVENT_TYPES for n in (1, 2)}
    assert len(ids) == 2 * len(EVENT_TYPES)


def test_secrets_are_fresh_and_long() -> None:
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("whsec_") and len(first) >= 40


def test_the_snippet_in_the_docs_verifies_a_delivery() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
    match = re.search(r"```python\n(.*?)```", docs.read_text(), re.S)
    assert match is not None
    namespace: dict[str, object] = {}
    exec(match.group(1), namespace)  # the receiver code exactly as documented
    verify = namespace["verify"]
    assert callable(verify)
    secret, body = new_secret(), b'{"id":"e"}'
    headers = signed_headers(secret=secret, body=body, event_id="e", event_type="job.dead")
    stamp, signature = headers["Reelforge-Timestamp"], headers["Reelforge-Signature"]
    assert verify(secret, body, stamp, signature)
    assert not verify(secret, body + b" ", stamp, signature)
    old = int(time.time()) - 301
    assert not verify(secret, body, str(old), sign(secret, old, body))
