"""An example of every request body, as the OpenAPI document shows it (the README's curl
walk-through, in the same words). tests/api/test_openapi_document.py fails when a body
has none or one its schema refuses; the conformance test sends each one to the server
(schemathesis' examples phase)."""

from __future__ import annotations

from typing import Any

_ASSET_A = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
_ASSET_B = "9b2d3e4f-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
_MUSIC = "6c8d9e0f-1234-4abc-9def-0123456789ab"
_JOB = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
_ACCOUNT = "7d6c5b4a-3f2e-4d1c-9b8a-7f6e5d4c3b2a"
_TEMPLATE = {"images": {"source": "assets", "asset_ids": [_ASSET_A, _ASSET_B]},
             "seconds_per_image": 3, "transition": "fade", "resolution": "1080x1920",
             "fps": 30, "audio_asset_id": _MUSIC}

REQUEST_EXAMPLES: dict[str, Any] = {
    "POST /api/v1/auth/register": {"email": "me@example.com", "password": "a long password"},
    "POST /api/v1/auth/token": {"username": "me@example.com", "password": "a long password"},
    "POST /api/v1/auth/password": {"current_password": "a long password",
                                   "new_password": "an even longer password"},
    "POST /api/v1/auth/api-keys": {"name": "nightly render box"},
    "POST /api/v1/assets": {"kind": "image", "file": "beach.jpg"},
    "POST /api/v1/assets/uploads": {"kind": "video", "filename": "drone.mp4",
                                    "size_bytes": 52428800},
    "POST /api/v1/tasks/submit/video": {
        "asset_ids": [_ASSET_A, _ASSET_B], "seconds_per_image": 3, "transition": "fade",
        "resolution": "1080x1920", "fps": 30, "audio_asset_id": _MUSIC, "priority": 8},
    "POST /api/v1/tasks/submit/workflow": {
        "topic": "three tips for sharper phone photos", "tone": "informative",
        "duration_s": 30, "language": "en"},
    "POST /api/v1/tasks/submit/batch": {
        "task_type": "workflow",
        "items": [{"overrides": {"topic": "morning light"}},
                  {"overrides": {"topic": "night skies"}}]},
    "POST /api/v1/tasks/submit/content": {
        "operation": "generate", "topic": "three tips for sharper phone photos",
        "platform": "tiktok", "duration_s": 30},
    "POST /api/v1/tasks/submit/tts": {"text": "Hold your phone with both hands."},
    "POST /api/v1/tasks/submit/social": {"job_id": _JOB, "account_ids": [_ACCOUNT],
                                         "privacy": "public"},
    "PATCH /api/v1/social/posts/{post_id}": {"publish_at": "2027-01-15T09:00:00Z"},
    "POST /api/v1/webhooks": {"url": "https://hooks.example.com/reelforge",
                              "events": ["job.succeeded", "job.failed"]},
    "POST /api/v1/schedules": {"name": "morning reel", "cron": "0 8 * * 1-5",
                               "timezone": "Europe/Paris", "template": _TEMPLATE},
    "PATCH /api/v1/schedules/{schedule_id}": {"enabled": False},
    "POST /api/v1/projects": {"name": "Travel tips", "topic": "travel on a budget",
                              "tone": "informative", "language": "en"},
    "PATCH /api/v1/projects/{project_id}": {"name": "Travel tips, season two"},
    "PATCH /api/v1/library/{asset_id}": {"title": "Sunset over the bay",
                                         "tags": ["sunset", "sea"]},
    "POST /api/v1/admin/library": {"file": "sunset.jpg", "title": "Sunset over the bay",
                                   "licence": "cc0", "source": "https://example.com/sunset"},
    "POST /api/v1/admin/library/{asset_id}/retire": {"reason": "the licence was withdrawn"},
    "PUT /api/v1/admin/users/{user_id}/plan": {"plan": "pro"},
    "POST /api/v1/admin/dead-letters/discard": {"job_ids": [_JOB]},
    "POST /api/v1/admin/requeue": {"ids": [_JOB]},
    "POST /api/v1/tasks/admin/requeue": {"ids": [_JOB]},
    "POST /api/v1/admin/cleanup": {"action": "requeue"},
    "POST /api/v1/tasks/admin/cleanup": {"action": "requeue"},
    "POST /api/v1/admin/scale": {"queue": "video", "desired_workers": 2},
    "POST /api/v1/tasks/admin/scale": {"queue": "video", "desired_workers": 2},
}


def add_request_examples(document: dict[str, Any]) -> None:
    """Put each body's example on its media types (multipart and form bodies too)."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            example = REQUEST_EXAMPLES.get(f"{method.upper()} {path}")
            body = operation.get("requestBody", {})
            if example is not None:
                for media in body.get("content", {}).values():
                    media.setdefault("example", example)
