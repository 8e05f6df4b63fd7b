"""Every error `code` the API answers with, by HTTP status: the one list the OpenAPI
document's error enums are built from (tests/api/test_error_codes.py checks it against
every `AppError` raised in app/)."""

from __future__ import annotations

ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: ("invalid_text", "missing_code", "not_a_token", "oauth_denied", "oauth_refused",
          "oauth_state_expired", "oauth_state_mismatch", "oauth_state_unknown",
          "oauth_state_used", "http_error"),
    401: ("unauthorized", "invalid_credentials", "invalid_signature"),
    403: ("forbidden", "invalid_signature"),
    404: ("not_found", "deployment_not_found"),
    405: ("method_not_allowed",),
    409: ("account_needs_reconnect", "delivery_in_progress", "email_taken", "endpoint_deleted",
          "idempotency_conflict", "name_taken", "no_workers", "not_cancellable", "not_ready",
          "not_retryable", "own_account", "platform_unavailable", "preview_pending",
          "project_busy", "scale_in_progress", "source_not_ready", "too_many_schedules",
          "too_many_webhooks", "upload_missing", "webhook_exists", "post_not_cancellable",
          "post_not_movable"),
    410: ("file_gone", "result_gone"),
    413: ("body_too_large", "file_too_large", "storage_quota_exceeded"),
    416: ("range_not_satisfiable",),
    422: ("validation_error", "asset_retired", "audio_duration", "image_too_large",
          "image_too_small", "invalid_audio", "invalid_credentials", "invalid_cursor",
          "invalid_event_id", "invalid_id", "invalid_idempotency_key", "invalid_image",
          "invalid_licence", "invalid_range", "invalid_tags", "invalid_text", "invalid_video",
          "kind_mismatch", "licence_required", "missing_field", "no_thumbnail",
          "out_of_range", "provider_unavailable", "unknown_plan", "unsafe_url",
          "unsupported_media", "video_duration", "video_too_large", "wrong_asset_kind"),
    429: ("asset_quota_exceeded", "quota_exceeded", "rate_limited", "too_many_attempts",
          "too_many_connections"),
    501: ("direct_upload_unavailable",),
    502: ("platform_error", "scaler_error", "scaler_forbidden"),
    503: ("broker_unavailable", "busy", "database_conflict", "platform_unavailable",
          "scaler_unavailable", "shutting_down", "storage_unavailable", "unavailable"),
}
