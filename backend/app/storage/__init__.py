"""Object storage behind one protocol; `get_storage()` returns the configured backend."""

from __future__ import annotations

from functools import lru_cache

from app.storage.base import Storage, StorageUnavailable, StoredObject, check_key
from app.storage.local import LocalStorage


@lru_cache(maxsize=1)
def get_storage() -> Storage:
    """The store named by STORAGE_BACKEND; S3 clients are made per process on first use."""
    # Imported here: the embedded servers use this package before the settings may be read.
    from app.core.config import settings

    if settings.STORAGE_BACKEND == "local":
        return LocalStorage(settings.storage_dir)
    from app.storage.s3 import S3Storage  # boto3 loads only where S3 is used

    return S3Storage(
        bucket=settings.S3_BUCKET, endpoint_url=settings.S3_ENDPOINT_URL,
        public_endpoint_url=settings.S3_PUBLIC_ENDPOINT_URL, region=settings.S3_REGION,
        access_key_id=settings.S3_ACCESS_KEY_ID,
        secret_access_key=settings.S3_SECRET_ACCESS_KEY,
        addressing_style=settings.S3_ADDRESSING_STYLE,
        connect_timeout_s=settings.S3_CONNECT_TIMEOUT_S,
        read_timeout_s=settings.S3_READ_TIMEOUT_S, max_attempts=settings.S3_MAX_ATTEMPTS,
        max_pool=settings.S3_MAX_POOL_CONNECTIONS,
        multipart_threshold=settings.S3_MULTIPART_THRESHOLD_BYTES,
        multipart_chunk=settings.S3_MULTIPART_CHUNK_BYTES,
        max_concurrency=settings.S3_MAX_CONCURRENCY)


__all__ = ["LocalStorage", "Storage", "StorageUnavailable", "StoredObject", "check_key",
           "get_storage"]
