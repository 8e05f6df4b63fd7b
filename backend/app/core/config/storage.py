"""The object store (docs/storage.md): backend, bucket, client tuning, result delivery."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from app.core.config.group import Group


class StorageSettings(Group):
    """Where inputs and results are kept and how clients get them."""

    # `s3` wherever the platform runs (the API and every worker reach the same bucket, no
    # shared disk); `local` only for a single process on one disk.
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
