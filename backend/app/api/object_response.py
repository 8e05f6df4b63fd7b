"""Stored objects as HTTP answers: a redirect to a presigned URL, or a ranged stream.

The stream serves one byte range (RFC 9110 §14): `bytes=a-b`, `bytes=a-` and `bytes=-n`;
a request for several ranges gets the whole object (a server may ignore Range), one that
starts past the end gets 416 with `Content-Range: bytes */size`.

A key the store no longer holds is `ResultGone` (410): the link was right, the file is
gone for good; the caller records it on the job.
"""

from __future__ import annotations

import re

from anyio import to_thread
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from app.core.config import settings
from app.core.errors import AppError
from app.storage import Storage
from app.storage.base import attachment

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
PRESIGNED_TTL_S = 600  # a redirect is followed at once; a player re-asks the API after that


class ResultGone(AppError):
    """The stored file behind a valid result link no longer exists (410 Gone)."""

    def __init__(self) -> None:
        super().__init__("result_gone", "the result file is no longer stored; submit the "
                         "job again to make a new one", 410)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single satisfiable range; None: the whole object.
    Raises AppError 416 for a range that starts at or past the end."""
    match = _RANGE.match((header or "").replace(" ", ""))
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last n bytes
        length = int(last)
        if length == 0:
            raise _unsatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> AppError:
    return AppError("range_not_satisfiable", f"Range: the object has {size} bytes", 416,
                    field="Range", headers={"Content-Range": f"bytes */{size}"})


async def stream_object(storage: Storage, key: str, *, range_header: str | None,
                        media_type: str, filename: str | None = None) -> Response:
    """The object's bytes through the API, 206 for a satisfiable Range."""
    try:
        size = await to_thread.run_sync(storage.size, key)
    except FileNotFoundError:
        raise ResultGone from None
    except ValueError:  # not a key this store can hold
        raise AppError("not_found", "file not found", 404) from None
    span = parse_range(range_header, size)
    start, end = span or (0, size - 1)
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(max(0, end - start + 1))}
    if filename:
        headers["Content-Disposition"] = attachment(filename)
    if span:
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    if size == 0:
        return Response(b"", media_type=media_type, headers=headers)
    try:
        chunks = await to_thread.run_sync(storage.iter_range, key, start, end)
    except FileNotFoundError:  # deleted between the two calls
        raise ResultGone from None
    return StreamingResponse(chunks, status_code=206 if span else 200, media_type=media_type,
                             headers=headers)


async def object_answer(storage: Storage, key: str, *, range_header: str | None,
                        media_type: str, filename: str, redirect: bool = True) -> Response:
    """A redirect to the store when it has URLs, RESULT_DELIVERY allows and the caller does
    (`redirect=False` for small pictures the page fetches: a cross-origin hop would need the
    store in the page's connect-src and CORS on the store); else a stream."""
    if redirect and settings.storage.RESULT_DELIVERY == "redirect":
        try:  # one HEAD, so a removed result is our clear 410 and not the store's XML
            await to_thread.run_sync(storage.size, key)
        except FileNotFoundError:
            raise ResultGone from None
        except ValueError:
            raise AppError("not_found", "file not found", 404) from None
        url = await to_thread.run_sync(lambda: storage.presigned_get(
            key, expires_s=PRESIGNED_TTL_S, filename=filename, content_type=media_type))
        if url is not None:
            return RedirectResponse(url, status_code=307, headers={"Cache-Control": "no-store"})
    return await stream_object(storage, key, range_header=range_header,
                               media_type=media_type, filename=filename)
