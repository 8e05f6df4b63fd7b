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

    if settings.storage.STORAGE_BACKEND == "local":
        return LocalStorage(settings.storage_dir)
    from app.storage.s3 import S3Storage  # boto3 loads only where S3 is used

    s3 = settings.storage
    return S3Storage(
        bucket=s3.S3_BUCKET, endpoint_url=s3.S3_ENDPOINT_URL,
        public_endpoint_url=s3.S3_PUBLIC_ENDPOINT_URL, region=s3.S3_REGION,
        access_key_id=s3.S3_ACCESS_KEY_ID, secret_access_key=s3.S3_SECRET_ACCESS_KEY,
        addressing_style=s3.S3_ADDRESSING_STYLE, connect_timeout_s=s3.S3_CONNECT_TIMEOUT_S,
        read_timeout_s=s3.S3_READ_TIMEOUT_S, max_attempts=s3.S3_MAX_ATTEMPTS,
        max_pool=s3.S3_MAX_POOL_CONNECTIONS, multipart_threshold=s3.S3_MULTIPART_THRESHOLD_BYTES,
        multipart_chunk=s3.S3_MULTIPART_CHUNK_BYTES, max_concurrency=s3.S3_MAX_CONCURRENCY)


__all__ = ["LocalStorage", "Storage", "StorageUnavailable", "StoredObject", "check_key",
           "get_storage"]
