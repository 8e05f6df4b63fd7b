"""One settings object for the API, the workers and the CLI."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-secret-change-me-0123456789"


class PlanLimits(BaseModel):
    """What one plan may do."""

    submits_per_hour: dict[str, int]
    max_waiting: int
    max_running: int

    # Results (and the jobs' rendered files) are removed from the store after this many
    # days; the job rows stay, reading `result_expired`. 0 keeps them for ever.
    result_retention_days: int = 30

    def submits_for(self, kind: str) -> int:
        return self.submits_per_hour.get(kind, self.submits_per_hour.get("*", 0))


class Settings(BaseSettings):
    """Configuration read from the environment (and `.env`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    PROJECT_NAME: str = "Reelforge"
    API_PREFIX: str = "/api/v1"
    PUBLIC_URL: str = "http://127.0.0.1:8000"

    DATABASE_URL: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    REDIS_URL: str = "redis://127.0.0.1:6379/0"
    DB_POOL_SIZE: int = 20
    DB_MAX_OVERFLOW: int = 20
    # Video submits without an Idempotency-Key are stored in batches (services/submits/admission):
    # at most this many per transaction, and this many transactions in flight per process.
    SUBMIT_BATCH_MAX: int = 100
    SUBMIT_BATCHERS: int = 2
    DB_POOL_RECYCLE_S: int = 1800

    SECRET_KEY: str = DEV_SECRET
    ACCESS_TOKEN_TTL_S: int = 3600
    JWT_ALGORITHM: str = "HS256"

    DATA_DIR: Path = Path(".var")  # private to each process: temp files, embedded servers
    # Storage (docs/storage.md): `s3` wherever the platform runs (the API and every worker
    # reach the same bucket, no shared disk); `local` only for a single process on one disk.
    STORAGE_BACKEND: Literal["s3", "local"] = "s3"
    STORAGE_DIR: Path | None = None  # `local` only; default: DATA_DIR / "storage"
    SIGNED_URL_TTL_S: int = 900
    S3_ENDPOINT_URL: str | None = None  # unset: AWS S3; MinIO, R2, SeaweedFS: their URL
    # The endpoint clients are sent to by presigned URLs, where it differs from the one the
    # servers use (a cluster-internal service name): unset means S3_ENDPOINT_URL.
    S3_PUBLIC_ENDPOINT_URL: str | None = None
    S3_BUCKET: str = "reelforge"
    S3_REGION: str = "us-east-1"
    S3_ACCESS_KEY_ID: str | None = None  # unset: boto3's chain (env, profile, IAM role)
    S3_SECRET_ACCESS_KEY: str | None = None
    S3_ADDRESSING_STYLE: Literal["path", "virtual", "auto"] = "path"  # path suits self-hosted
    S3_CONNECT_TIMEOUT_S: float = 5.0
    S3_READ_TIMEOUT_S: float = 60.0
    S3_MAX_ATTEMPTS: int = 5  # boto3's adaptive retry mode: backoff plus client-side rate
    S3_MAX_POOL_CONNECTIONS: int = 20  # per process; the API's thread pool has 40 threads
    # Multipart above 16 MiB, in 8 MiB parts, two at a time: an upload holds at most ~16 MiB
    # of parts in memory (boto3's default of 10 threads would hold 80 MiB).
    S3_MULTIPART_THRESHOLD_BYTES: int = 16 * 1024 * 1024
    S3_MULTIPART_CHUNK_BYTES: int = 8 * 1024 * 1024
    S3_MAX_CONCURRENCY: int = 2
    # Results: `redirect` sends clients to a presigned GET on the store; `stream` passes the
    # bytes through the API (with Range) where clients cannot reach the store.
    RESULT_DELIVERY: Literal["redirect", "stream"] = "redirect"
    # Direct uploads (POST /assets/uploads): the presigned PUT is valid this long, and an
    # upload never completed is removed from the store by cleanup after twice that.
    DIRECT_UPLOAD_TTL_S: int = 3600

    # Upload caps: a 50 MB image or a 40 MP decode is far beyond any phone photo.
    MAX_IMAGE_BYTES: int = 25 * 1024 * 1024
    MAX_AUDIO_BYTES: int = 50 * 1024 * 1024
    MAX_IMAGE_PIXELS: int = 40_000_000
    MAX_AUDIO_DURATION_S: float = 1800.0

    # Delivery: the visibility timeout must exceed the longest task run and countdown.
    TASK_HARD_TIME_LIMIT_S: int = 3600
    VISIBILITY_TIMEOUT_S: int = 7200
    SWEEPER_GRACE_S: int = 30
    SWEEPER_INTERVAL_S: float = 15.0
    # A running job whose heartbeat (every 3 s) is older than this is presumed lost.
    JOB_STALE_AFTER_S: float = 60.0
    # A job still `queued` this long gets its message sent again: the one it had may be
    # held by a worker that was killed (Redis would return it only after the visibility
    # timeout). Duplicates are harmless: the claim lets one through.
    QUEUED_REPUBLISH_S: float = 900.0

    # Realtime: per-user streams keep the last N events for resume.
    EVENT_STREAM_MAXLEN: int = 1000
    # Enough for a hub ~1 s behind at 100k events/s; a hub further behind detects the gap.
    FIREHOSE_MAXLEN: int = 100000
    PROGRESS_DB_INTERVAL_S: float = 1.0
    WS_MAX_LIFETIME_S: int = 3600

    # Queue health on GET /tasks/stats/queues (docs/operations.md): the worse level wins.
    QUEUE_PENDING_WARNING_JOBS: int = 100  # broker messages on one queue, all priorities
    QUEUE_PENDING_CRITICAL_JOBS: int = 1000
    QUEUE_OLDEST_WAITING_WARNING_S: float = 300.0
    QUEUE_OLDEST_WAITING_CRITICAL_S: float = 1800.0
    QUEUE_FAILURE_WARNING_RATIO: float = 0.05  # failed / (succeeded + failed) in the window
    QUEUE_FAILURE_CRITICAL_RATIO: float = 0.25
    QUEUE_FAILURE_MIN_FINISHED_JOBS: int = 5  # fewer finished jobs say nothing about a rate
    STATS_WORKERS_CACHE_S: float = 10.0  # consuming workers, asked over Celery remote control
    STATS_INSPECT_TIMEOUT_S: float = 1.0  # how long one census waits for worker replies
    # GET /metrics: open unless a token is set (then `Authorization: Bearer <token>`).
    METRICS_TOKEN: str | None = None
    METRICS_CACHE_S: float = 5.0  # PostgreSQL-derived families are reused this long
    METRICS_WINDOW_S: int = 3600  # recent finished jobs and run-time histograms

    # Per-plan limits (JSON in the environment): submits per hour per job kind ("*" for
    # kinds not listed), jobs waiting at once, jobs running at once. Admins are exempt.
    PLANS: dict[str, PlanLimits] = {
        "free": PlanLimits(submits_per_hour={"video": 5, "*": 60}, max_waiting=20,
                           max_running=2, result_retention_days=7),
        "pro": PlanLimits(submits_per_hour={"video": 200, "*": 2000}, max_waiting=1000,
                          max_running=8, result_retention_days=90),
    }
    # Fair share: messages one user may have waiting on one queue's broker lists; the rest
    # wait in PostgreSQL (`held`) and are released one per claim. 0 turns it off.
    FAIR_SHARE_PER_USER: int = 1
    # Above this many messages waiting on a queue, submits to it answer 429.
    GLOBAL_MAX_QUEUE_DEPTH: int = 20000

    RENDER_TIMEOUT_S: int = 1800
    RENDER_PRESET: str = "veryfast"

    # Workflows (docs/workflows.md). Chord counters live this long in the result backend;
    # a workflow's parallel steps all finish well inside it, and a lost counter only delays
    # the step after them to the sweeper's resend of queued jobs (QUEUED_REPUBLISH_S).
    CANVAS_RESULT_EXPIRES_S: int = 6 * 3600
    WORKFLOW_PROGRESS_EVENT_S: float = 0.5  # workflow.progress events, at most this often
    PUBLISH_URL_TTL_S: int = 24 * 3600  # reel links in a publish hook's POST stay valid this long

    # Outgoing webhooks (docs/webhooks.md): targets must be public https URLs; the two
    # switches are for local development and tests, never for a shared server.
    WEBHOOK_ALLOW_HTTP: bool = False
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool = False  # loopback, RFC 1918, link-local, CGNAT
    WEBHOOK_ALLOWED_NETWORKS: list[str] = []  # CIDRs opened one by one (an internal receiver)
    WEBHOOK_MAX_ATTEMPTS: int = 10  # the first try included; then the delivery is `failed`
    WEBHOOK_BACKOFF_BASE_S: float = 10.0  # full jitter: uniform(0, min(cap, base * 2**n))
    WEBHOOK_BACKOFF_CAP_S: float = 3600.0
    WEBHOOK_RETRY_AFTER_CAP_S: float = 3600.0  # a receiver's Retry-After, honoured up to this
    WEBHOOK_CONNECT_TIMEOUT_S: float = 5.0
    WEBHOOK_TIMEOUT_S: float = 15.0  # one attempt: redirects and reading the answer included
    WEBHOOK_MAX_RESPONSE_BYTES: int = 64 * 1024
    WEBHOOK_MAX_REDIRECTS: int = 3
    WEBHOOK_MAX_ENDPOINTS_PER_USER: int = 20

    # Scaling (docs/scaling.md): `local` resizes Celery pools, `kubernetes` patches replicas.
    SCALER_BACKEND: Literal["local", "kubernetes"] = "local"
    SCALE_MAX_WORKERS: int = 64
    SCALE_CONTROL_TIMEOUT_S: float = 1.0  # wait for remote-control replies from workers
    # A grown prefork pool starts its processes on the next maintenance tick (every 5 s).
    SCALE_SETTLE_TIMEOUT_S: float = 8.0
    KUBERNETES_NAMESPACE: str = "reelforge"
    KUBERNETES_DEPLOYMENT_TEMPLATE: str = "celery-worker-{group}"
    KUBERNETES_KUBECONFIG: Path | None = None  # unset: in-cluster service account, else ~/.kube
    KUBERNETES_CONTEXT: str | None = None
    KUBERNETES_REQUEST_TIMEOUT_S: float = 10.0

    # Maintenance run by Celery Beat; tests shorten every period with the override.
    MAINTENANCE_INTERVAL_OVERRIDE_S: float | None = None
    MAINTENANCE_RUN_LEASE_S: int = 1800  # a claimed run silent this long crashed: rerun it
    MAINTENANCE_RUN_RETENTION_DAYS: int = 30
    TEMP_FILE_MAX_AGE_S: int = 4 * 3600  # above TASK_HARD_TIME_LIMIT_S: no live render's folder
    ORPHAN_UPLOAD_MAX_AGE_S: int = 24 * 3600
    FAILURE_RATE_WINDOW_S: int = 900
    FAILURE_RATE_THRESHOLD: float = 0.25  # failed / finished jobs of one queue in the window
    FAILURE_RATE_MIN_JOBS: int = 5  # fewer finished jobs say nothing about a rate
    ALERT_COOLDOWN_S: int = 1800  # one alert per queue per cooldown while the rate stays high
    ALERT_WEBHOOK_URL: str | None = None
    ALERT_WEBHOOK_SECRET: str | None = None
    ALERT_WEBHOOK_TIMEOUT_S: float = 5.0
    USAGE_LOOKBACK_DAYS: int = 2  # yesterday too: renders that finish after midnight

    # User schedules (docs/schedules.md): beat sends `schedules.tick` this often; one tick
    # fires at most SCHEDULE_TICK_BATCH due schedules, the rest wait for the next tick.
    SCHEDULE_TICK_INTERVAL_S: float = 30.0
    SCHEDULE_TICK_BATCH: int = 500
    SCHEDULE_MAX_PER_USER: int = 50

    # Script writing (app.content): `template` is offline; `openai` speaks chat completions to
    # any compatible server (OpenAI, Ollama, vLLM, LM Studio) at OPENAI_BASE_URL.
    CONTENT_PROVIDER: Literal["template", "openai"] = "template"
    OPENAI_BASE_URL: str = "https://api.openai.com/v1"
    OPENAI_API_KEY: str | None = None  # local servers usually need none
    OPENAI_MODEL: str = "gpt-4o-mini"
    LLM_TIMEOUT_S: float = 60.0  # one request, read timeout; connecting gets 10 s
    LLM_TEMPERATURE: float = 0.8
    # HTTP adapters (LLM and TTS): tries per call, and the longest wait between two tries;
    # a Retry-After above the wait cap is handed to the task layer as a transient error.
    HTTP_MAX_ATTEMPTS: int = 4
    HTTP_MAX_RETRY_WAIT_S: float = 30.0

    # Speech (app.speech): `espeak` is offline (Debian package espeak-ng).
    TTS_PROVIDER: Literal["espeak", "openai", "elevenlabs"] = "espeak"
    TTS_TIMEOUT_S: float = 120.0
    ESPEAK_BINARY: str = "espeak-ng"
    ESPEAK_VOICE: str = "en-us"
    ESPEAK_RATE_WPM: int = 165  # espeak's own default is 175; 165 is closer to narration pace
    OPENAI_TTS_MODEL: str = "gpt-4o-mini-tts"
    OPENAI_TTS_VOICE: str = "alloy"
    ELEVENLABS_BASE_URL: str = "https://api.elevenlabs.io"
    ELEVENLABS_API_KEY: str | None = None
    ELEVENLABS_MODEL_ID: str = "eleven_multilingual_v2"
    ELEVENLABS_VOICE_ID: str = "21m00Tcm4TlvDq8ikWAM"  # "Rachel", a default library voice
    ELEVENLABS_SAMPLE_RATE_HZ: Literal[16000, 22050, 24000, 44100] = 22050  # 44100 needs Pro

    FLOWER_USER: str = "admin"
    FLOWER_PASSWORD: str = "change-me-flower"

    @model_validator(mode="after")
    def _ordered_queue_thresholds(self) -> Settings:
        pairs = [("QUEUE_PENDING_WARNING_JOBS", "QUEUE_PENDING_CRITICAL_JOBS"),
                 ("QUEUE_OLDEST_WAITING_WARNING_S", "QUEUE_OLDEST_WAITING_CRITICAL_S"),
                 ("QUEUE_FAILURE_WARNING_RATIO", "QUEUE_FAILURE_CRITICAL_RATIO")]
        for warning, critical in pairs:
            if getattr(self, warning) > getattr(self, critical):
                raise ValueError(f"{warning} must not exceed {critical}")
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.ENVIRONMENT == "production" and self.SECRET_KEY == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set to a real secret in production")
        if len(self.SECRET_KEY) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters")
        if self.VISIBILITY_TIMEOUT_S <= self.TASK_HARD_TIME_LIMIT_S:
            raise ValueError("VISIBILITY_TIMEOUT_S must exceed TASK_HARD_TIME_LIMIT_S")
        return self

    @model_validator(mode="after")
    def _check_maintenance(self) -> Settings:
        if self.ALERT_WEBHOOK_URL and len(self.ALERT_WEBHOOK_SECRET or "") < 16:
            raise ValueError("ALERT_WEBHOOK_SECRET (16+ characters) must sign ALERT_WEBHOOK_URL")
        if self.TEMP_FILE_MAX_AGE_S <= self.TASK_HARD_TIME_LIMIT_S:
            raise ValueError("TEMP_FILE_MAX_AGE_S must exceed TASK_HARD_TIME_LIMIT_S")
        return self

    @model_validator(mode="after")
    def _check_speech_and_content(self) -> Settings:
        if self.HTTP_MAX_ATTEMPTS < 1:
            raise ValueError("HTTP_MAX_ATTEMPTS must be at least 1")
        if self.TTS_PROVIDER == "elevenlabs" and not self.ELEVENLABS_API_KEY:
            raise ValueError("ELEVENLABS_API_KEY must be set when TTS_PROVIDER is elevenlabs")
        uses_openai = self.CONTENT_PROVIDER == "openai" or self.TTS_PROVIDER == "openai"
        # Local OpenAI-compatible servers take no key; api.openai.com always wants one.
        if uses_openai and "api.openai.com" in self.OPENAI_BASE_URL and not self.OPENAI_API_KEY:
            raise ValueError("OPENAI_API_KEY must be set to use api.openai.com")
        return self

    @model_validator(mode="after")
    def _check_webhooks(self) -> Settings:
        if self.WEBHOOK_MAX_ATTEMPTS < 1:
            raise ValueError("WEBHOOK_MAX_ATTEMPTS must be at least 1")
        # a countdown longer than the visibility timeout is redelivered before it is due
        for name in ("WEBHOOK_BACKOFF_CAP_S", "WEBHOOK_RETRY_AFTER_CAP_S"):
            if getattr(self, name) >= self.VISIBILITY_TIMEOUT_S:
                raise ValueError(f"{name} must be below VISIBILITY_TIMEOUT_S")
        for cidr in self.WEBHOOK_ALLOWED_NETWORKS:
            ipaddress.ip_network(cidr)  # raises ValueError naming the bad entry
        return self

    @property
    def storage_dir(self) -> Path:
        return (self.STORAGE_DIR or self.DATA_DIR / "storage").resolve()

    @property
    def temp_dir(self) -> Path:
        return (self.DATA_DIR / "tmp").resolve()

    @property
    def sync_database_url(self) -> str:
        """The same database through psycopg, for workers and Alembic."""
        return self.DATABASE_URL.replace("+asyncpg", "+psycopg", 1)


settings = Settings()
