"""The settings' groups keep the variables operators set: every name the flat settings class
read still sets the same value, no variable sets two fields, `.env` and overrides reach every
group, and the checks that span two groups still refuse what they refused."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from app.core.config import DEV_SECRET, ENV_GROUPS, Settings, group_types

# Every variable of the flat settings class before it was split into groups, frozen here
# with a value unlike its default (and valid all together): {variable: value, as JSON}.
OLD_VARIABLES: dict[str, Any] = {
    "ENVIRONMENT": "test",
    "PROJECT_NAME": "Reelforge-env",
    "API_PREFIX": "/api/v1-env",
    "PUBLIC_URL": "http://127.0.0.1:8000-env",
    "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres-env",
    "REDIS_URL": "redis://127.0.0.1:6379/0-env",
    "DB_POOL_SIZE": 21,
    "DB_MAX_OVERFLOW": 21,
    "SUBMIT_BATCH_MAX": 101,
    "SUBMIT_BATCHERS": 3,
    "DB_POOL_RECYCLE_S": 1801,
    "SECRET_KEY": "ssssssssssssssssssssssssssssssssssssssss",
    "ACCESS_TOKEN_TTL_S": 3601,
    "JWT_ALGORITHM": "HS256-env",
    "DATA_DIR": "/srv/data-env",
    "STORAGE_BACKEND": "local",
    "STORAGE_DIR": "/srv/storage_dir",
    "SIGNED_URL_TTL_S": 901,
    "S3_ENDPOINT_URL": "s3-endpoint-url-env",
    "S3_PUBLIC_ENDPOINT_URL": "s3-public-endpoint-url-env",
    "S3_BUCKET": "reelforge-env",
    "S3_REGION": "us-east-1-env",
    "S3_ACCESS_KEY_ID": "s3-access-key-id-env",
    "S3_SECRET_ACCESS_KEY": "s3-secret-access-key-env",
    "S3_ADDRESSING_STYLE": "virtual",
    "S3_CONNECT_TIMEOUT_S": 5.5,
    "S3_READ_TIMEOUT_S": 60.5,
    "S3_MAX_ATTEMPTS": 6,
    "S3_MAX_POOL_CONNECTIONS": 21,
    "S3_MULTIPART_THRESHOLD_BYTES": 16777217,
    "S3_MULTIPART_CHUNK_BYTES": 8388609,
    "S3_MAX_CONCURRENCY": 3,
    "RESULT_DELIVERY": "stream",
    "DIRECT_UPLOAD_TTL_S": 3601,
    "MAX_IMAGE_BYTES": 26214401,
    "MAX_AUDIO_BYTES": 52428801,
    "MAX_IMAGE_PIXELS": 40000001,
    "MAX_AUDIO_DURATION_S": 1800.5,
    "TASK_HARD_TIME_LIMIT_S": 3601,
    "VISIBILITY_TIMEOUT_S": 7201,
    "SWEEPER_GRACE_S": 31,
    "SWEEPER_INTERVAL_S": 15.5,
    "JOB_STALE_AFTER_S": 60.5,
    "QUEUED_REPUBLISH_S": 900.5,
    "EVENT_STREAM_MAXLEN": 1001,
    "FIREHOSE_MAXLEN": 100001,
    "PROGRESS_DB_INTERVAL_S": 1.5,
    "WS_MAX_LIFETIME_S": 3601,
    "QUEUE_PENDING_WARNING_JOBS": 101,
    "QUEUE_PENDING_CRITICAL_JOBS": 1001,
    "QUEUE_OLDEST_WAITING_WARNING_S": 300.5,
    "QUEUE_OLDEST_WAITING_CRITICAL_S": 1800.5,
    "QUEUE_FAILURE_WARNING_RATIO": 0.55,
    "QUEUE_FAILURE_CRITICAL_RATIO": 0.75,
    "QUEUE_FAILURE_MIN_FINISHED_JOBS": 6,
    "STATS_WORKERS_CACHE_S": 10.5,
    "STATS_INSPECT_TIMEOUT_S": 1.5,
    "METRICS_TOKEN": "metrics-token-env",
    "METRICS_CACHE_S": 5.5,
    "METRICS_WINDOW_S": 3601,
    "PLANS": {"team": {"submits_per_hour": {"*": 9}, "max_waiting": 3, "max_running": 1,
                       "result_retention_days": 4, "max_priority": 6, "max_assets": 7,
                       "max_asset_bytes": 8000}},
    "FAIR_SHARE_PER_USER": 2,
    "GLOBAL_MAX_QUEUE_DEPTH": 20001,
    "RENDER_TIMEOUT_S": 1801,
    "RENDER_PRESET": "veryfast-env",
    "CANVAS_RESULT_EXPIRES_S": 21601,
    "WORKFLOW_PROGRESS_EVENT_S": 1.0,
    "PUBLISH_URL_TTL_S": 86401,
    "WEBHOOK_ALLOW_HTTP": True,
    "WEBHOOK_ALLOW_PRIVATE_NETWORKS": True,
    "WEBHOOK_ALLOWED_NETWORKS": ["10.0.0.0/8"],
    "WEBHOOK_MAX_ATTEMPTS": 11,
    "WEBHOOK_BACKOFF_BASE_S": 10.5,
    "WEBHOOK_BACKOFF_CAP_S": 3600.5,
    "WEBHOOK_RETRY_AFTER_CAP_S": 3600.5,
    "WEBHOOK_CONNECT_TIMEOUT_S": 5.5,
    "WEBHOOK_TIMEOUT_S": 15.5,
    "WEBHOOK_MAX_RESPONSE_BYTES": 65537,
    "WEBHOOK_MAX_REDIRECTS": 4,
    "WEBHOOK_MAX_ENDPOINTS_PER_USER": 21,
    "SCALER_BACKEND": "kubernetes",
    "SCALE_MAX_WORKERS": 65,
    "SCALE_CONTROL_TIMEOUT_S": 1.5,
    "SCALE_SETTLE_TIMEOUT_S": 8.5,
    "KUBERNETES_NAMESPACE": "reelforge-env",
    "KUBERNETES_DEPLOYMENT_TEMPLATE": "celery-worker-{group}-env",
    "KUBERNETES_KUBECONFIG": "/srv/kubernetes_kubeconfig",
    "KUBERNETES_CONTEXT": "kubernetes-context-env",
    "KUBERNETES_REQUEST_TIMEOUT_S": 10.5,
    "MAINTENANCE_INTERVAL_OVERRIDE_S": 12.5,
    "MAINTENANCE_RUN_LEASE_S": 1801,
    "MAINTENANCE_RUN_RETENTION_DAYS": 31,
    "TEMP_FILE_MAX_AGE_S": 14401,
    "ORPHAN_UPLOAD_MAX_AGE_S": 86401,
    "FAILURE_RATE_WINDOW_S": 901,
    "FAILURE_RATE_THRESHOLD": 0.75,
    "FAILURE_RATE_MIN_JOBS": 6,
    "ALERT_COOLDOWN_S": 1801,
    "ALERT_WEBHOOK_URL": "alert-webhook-url-env",
    "ALERT_WEBHOOK_SECRET": "alert-webhook-secret-env",
    "ALERT_WEBHOOK_TIMEOUT_S": 5.5,
    "USAGE_LOOKBACK_DAYS": 3,
    "SCHEDULE_TICK_INTERVAL_S": 30.5,
    "SCHEDULE_TICK_BATCH": 501,
    "SCHEDULE_MAX_PER_USER": 51,
    "CONTENT_PROVIDER": "openai",
    "OPENAI_BASE_URL": "https://api.openai.com/v1-env",
    "OPENAI_API_KEY": "openai-api-key-env",
    "OPENAI_MODEL": "gpt-4o-mini-env",
    "LLM_TIMEOUT_S": 60.5,
    "LLM_TEMPERATURE": 1.3,
    "HTTP_MAX_ATTEMPTS": 5,
    "HTTP_MAX_RETRY_WAIT_S": 30.5,
    "TTS_PROVIDER": "openai",
    "TTS_TIMEOUT_S": 120.5,
    "ESPEAK_BINARY": "espeak-ng-env",
    "ESPEAK_VOICE": "en-us-env",
    "ESPEAK_RATE_WPM": 166,
    "OPENAI_TTS_MODEL": "gpt-4o-mini-tts-env",
    "OPENAI_TTS_VOICE": "alloy-env",
    "ELEVENLABS_BASE_URL": "https://api.elevenlabs.io-env",
    "ELEVENLABS_API_KEY": "elevenlabs-api-key-env",
    "ELEVENLABS_MODEL_ID": "eleven_multilingual_v2-env",
    "ELEVENLABS_VOICE_ID": "21m00Tcm4TlvDq8ikWAM-env",
    "ELEVENLABS_SAMPLE_RATE_HZ": 16000,
    "FLOWER_USER": "admin-env",
    "FLOWER_PASSWORD": "change-me-flower-env",
}


def raw(value: Any) -> str:
    """A value as the environment carries it: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No setting from the test session's environment, and no `.env` in the working folder."""
    for name in ENV_GROUPS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def setting(settings: Settings, name: str) -> Any:
    return getattr(getattr(settings, ENV_GROUPS[name]), name)


def test_every_old_variable_still_sets_the_same_setting(clean_env: pytest.MonkeyPatch) -> None:
    for name, value in OLD_VARIABLES.items():
        clean_env.setenv(name, raw(value))
    loaded = Settings()
    for name, value in OLD_VARIABLES.items():
        assert to_jsonable_python(setting(loaded, name)) == value, name


def test_every_old_variable_is_read_by_exactly_one_field() -> None:
    names = Counter(name for kind in group_types().values() for name in kind.model_fields)
    assert [name for name, count in names.items() if count > 1] == []
    assert set(OLD_VARIABLES) <= set(names)
    assert set(names) == set(ENV_GROUPS)


def test_a_dotenv_file_reaches_every_group(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    picked = {name: value for name, value in OLD_VARIABLES.items()
              if name in ("S3_BUCKET", "WEBHOOK_MAX_ATTEMPTS", "DB_POOL_SIZE", "PLANS",
                          "ENVIRONMENT", "SCHEDULE_TICK_BATCH", "ESPEAK_VOICE")}
    (tmp_path / ".env").write_text("".join(f"{k}={raw(v)}\n" for k, v in picked.items()))
    clean_env.setenv("DB_POOL_SIZE", "3")  # the environment wins over the file
    loaded = Settings()
    for name, value in picked.items():
        expected = 3 if name == "DB_POOL_SIZE" else value
        assert to_jsonable_python(setting(loaded, name)) == expected, name
    assert Settings.from_env(None).storage.S3_BUCKET == "reelforge"  # no file: the default


def test_a_variable_named_after_a_group_is_left_alone(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("RENDER", "true")  # some hosts set it
    clean_env.setenv("STORAGE", "{}")
    assert Settings().render.RENDER_PRESET == "veryfast"


def test_overrides_by_variable_name(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("S3_BUCKET", "from-env")
    loaded = Settings.from_env(None, S3_REGION="eu-west-3", SCHEDULE_TICK_BATCH=7)
    assert (loaded.storage.S3_BUCKET, loaded.storage.S3_REGION) == ("from-env", "eu-west-3")
    assert loaded.schedules.SCHEDULE_TICK_BATCH == 7
    with pytest.raises(TypeError, match="S3_BUCKETS"):
        Settings.from_env(None, S3_BUCKETS="typo")


def test_storage_dir_defaults_to_the_data_dir(clean_env: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    loaded = Settings.from_env(None, DATA_DIR=str(tmp_path / "data"))
    assert loaded.storage_dir == tmp_path / "data" / "storage"
    assert loaded.app.temp_dir == tmp_path / "data" / "tmp"
    chosen = Settings.from_env(None, DATA_DIR=str(tmp_path), STORAGE_DIR=str(tmp_path / "s"))
    assert chosen.storage_dir == tmp_path / "s"


@pytest.mark.parametrize(("overrides", "refusal"), [
    ({"TASK_HARD_TIME_LIMIT_S": 7200}, "VISIBILITY_TIMEOUT_S must exceed"),
    ({"TASK_HARD_TIME_LIMIT_S": 5000, "TEMP_FILE_MAX_AGE_S": 5000}, "TEMP_FILE_MAX_AGE_S"),
    ({"WEBHOOK_BACKOFF_CAP_S": 7200}, "WEBHOOK_BACKOFF_CAP_S must be below"),
    ({"WEBHOOK_RETRY_AFTER_CAP_S": 9000}, "WEBHOOK_RETRY_AFTER_CAP_S must be below"),
    ({"ENVIRONMENT": "production", "SECRET_KEY": DEV_SECRET}, "real secret in production"),
    # an open /metrics names queues, task types and volumes to anyone who asks
    ({"ENVIRONMENT": "production", "SECRET_KEY": "x" * 48}, "METRICS_TOKEN must be set"),
    ({"ENVIRONMENT": "production", "SECRET_KEY": "x" * 48, "METRICS_TOKEN": "CHANGE-ME"},
     "METRICS_TOKEN must be set"),
    ({"SECRET_KEY": "short"}, "at least 32 characters"),
    ({"TTS_PROVIDER": "openai"}, "OPENAI_API_KEY"),
    ({"ALERT_WEBHOOK_URL": "https://ops.example.com/hook"}, "ALERT_WEBHOOK_SECRET"),
    ({"QUEUE_PENDING_WARNING_JOBS": 5000}, "must not exceed QUEUE_PENDING_CRITICAL_JOBS"),
    ({"WEBHOOK_ALLOWED_NETWORKS": ["10.0.0.0/33"]}, "10.0.0.0/33"),
    ({"HTTP_MAX_ATTEMPTS": 0}, "HTTP_MAX_ATTEMPTS"),
])
def test_the_checks_still_refuse(clean_env: pytest.MonkeyPatch, overrides: dict[str, Any],
                                 refusal: str) -> None:
    with pytest.raises(ValidationError, match=refusal):
        Settings.from_env(None, **overrides)


def test_production_starts_with_a_real_secret_and_a_metrics_token(
        clean_env: pytest.MonkeyPatch) -> None:
    loaded = Settings.from_env(None, ENVIRONMENT="production", SECRET_KEY="x" * 48,
                               METRICS_TOKEN="m" * 32)
    assert loaded.monitoring.METRICS_TOKEN == "m" * 32
