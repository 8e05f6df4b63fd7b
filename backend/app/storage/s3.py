"""S3-compatible storage (AWS S3, MinIO, Cloudflare R2, SeaweedFS) through boto3.

The only module that imports boto3. One client per process (boto3 clients are thread-safe
and pool connections; a client made before a fork is never reused after it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import boto3
import botocore.exceptions
from boto3.exceptions import S3TransferFailedError, S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from app.storage.base import CHUNK_BYTES, StorageUnavailable, StoredObject, attachment, check_key

T = TypeVar("T")
_MISSING = {"404", "NoSuchKey", "NotFound"}
# Codes an S3 server uses for "try again" besides any 5xx status.
_BUSY = {"SlowDown", "RequestTimeout", "RequestTimeTooSkewed", "InternalError",
         "ServiceUnavailable", "Throttling"}


def _translate(exc: Exception, key: str) -> Exception:
    """FileNotFoundError for a missing object, StorageUnavailable for a store that failed."""
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if str(error.get("Code")) in _MISSING or status == 404:
            return FileNotFoundError(key)
        if status >= 500 or error.get("Code") in _BUSY:
            return StorageUnavailable(f"store answered {status} {error.get('Code')} for {key}")
        return exc  # type: ignore[no-any-return]
    if isinstance(exc, S3UploadFailedError | S3TransferFailedError):
        return StorageUnavailable(f"transfer of {key} failed: {exc}")
    if isinstance(exc, botocore.exceptions.BotoCoreError | OSError):
        return StorageUnavailable(f"store unreachable for {key}: {exc}")
    return exc


def _call(key: str, fn: Callable[[], T]) -> T:
    try:
        return fn()
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError,
            S3UploadFailedError, S3TransferFailedError, ConnectionError) as exc:
        raise _translate(exc, key) from exc


class S3Storage:
    """Objects in one bucket; keys are the server's, never a client's."""

    backend = "s3"

    def __init__(self, *, bucket: str, endpoint_url: str | None, public_endpoint_url: str | None,
                 region: str, access_key_id: str | None, secret_access_key: str | None,
                 addressing_style: str = "path", connect_timeout_s: float = 5.0,
                 read_timeout_s: float = 60.0, max_attempts: int = 5, max_pool: int = 20,
                 multipart_threshold: int = 16 << 20, multipart_chunk: int = 8 << 20,
                 max_concurrency: int = 2) -> None:
        self.bucket = bucket
        self._options: dict[str, Any] = {
            "region_name": region, "aws_access_key_id": access_key_id,
            "aws_secret_access_key": secret_access_key}
        self._config = Config(
            signature_version="s3v4", s3={"addressing_style": addressing_style},
            connect_timeout=connect_timeout_s, read_timeout=read_timeout_s,
            retries={"mode": "adaptive", "max_attempts": max_attempts},
            max_pool_connections=max_pool, tcp_keepalive=True)
        self.endpoint_url = endpoint_url
        self.public_endpoint_url = public_endpoint_url or endpoint_url
        self.transfer = TransferConfig(
            multipart_threshold=multipart_threshold, multipart_chunksize=multipart_chunk,
            max_concurrency=max_concurrency, use_threads=max_concurrency > 1)
        self._clients: dict[tuple[int, str | None], Any] = {}

    def _client(self, endpoint: str | None = None) -> Any:
        """This process's client for `endpoint` (created after any fork)."""
        endpoint = endpoint or self.endpoint_url
        slot = (os.getpid(), endpoint)
        client = self._clients.get(slot)
        if client is None:
            client = boto3.session.Session().client(
                "s3", endpoint_url=endpoint, config=self._config, **self._options)
            self._clients = {k: v for k, v in self._clients.items() if k[0] == slot[0]}
            self._clients[slot] = client
        return client

    def ensure_bucket(self) -> None:
        """Create the bucket when it is missing (development and test servers)."""
        client = self._client()
        try:
            _call(self.bucket, lambda: client.head_bucket(Bucket=self.bucket))
        except FileNotFoundError:
            _call(self.bucket, lambda: client.create_bucket(Bucket=self.bucket))

    def put_file(self, key: str, source: Path, *, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else None
        _call(key, lambda: self._client().upload_file(
            str(source), self.bucket, check_key(key), ExtraArgs=extra, Config=self.transfer))

    def download(self, key: str, dest: Path) -> None:
        # s3transfer writes a temp file beside `dest` and renames it when complete
        _call(key, lambda: self._client().download_file(
            self.bucket, check_key(key), str(dest), Config=self.transfer))

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        _call(key, lambda: self._client().delete_object(Bucket=self.bucket, Key=check_key(key)))

    def size(self, key: str) -> int:
        head = _call(key, lambda: self._client().head_object(Bucket=self.bucket,
                                                             Key=check_key(key)))
        return int(head["ContentLength"])

    def iter_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        # the whole object is asked for without a Range: `bytes=0-` of an empty one is a 416
        ranged = {} if start == 0 and end is None else {
            "Range": f"bytes={start}-{'' if end is None else end}"}
        response = _call(key, lambda: self._client().get_object(
            Bucket=self.bucket, Key=check_key(key), **ranged))
        return self._chunks(key, response["Body"])

    @staticmethod
    def _chunks(key: str, body: Any) -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(CHUNK_BYTES)
        except (botocore.exceptions.BotoCoreError, OSError) as exc:
            raise _translate(exc, key) from exc
        finally:
            body.close()

    def list(self, prefix: str) -> Iterator[StoredObject]:
        pages = self._client().get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    yield StoredObject(item["Key"], int(item["Size"]), item["LastModified"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as exc:
            raise _translate(exc, prefix) from exc

    def presigned_get(self, key: str, *, expires_s: int, filename: str | None = None,
                      content_type: str | None = None) -> str | None:
        params: dict[str, str] = {"Bucket": self.bucket, "Key": check_key(key)}
        if filename:
            params["ResponseContentDisposition"] = attachment(filename)
        if content_type:
            params["ResponseContentType"] = content_type
        return str(self._client(self.public_endpoint_url).generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expires_s))

    def presigned_put(self, key: str, *, expires_s: int, content_type: str) -> str | None:
        return str(self._client(self.public_endpoint_url).generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": check_key(key),
                                  "ContentType": content_type}, ExpiresIn=expires_s))

    def check(self) -> None:
        _call(self.bucket, lambda: self._client().head_bucket(Bucket=self.bucket))
