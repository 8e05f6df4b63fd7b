"""A batch's results as one ZIP: each succeeded item's files, read from the store, and a
MANIFEST.txt naming every item (what it produced, or why it has nothing)."""

from __future__ import annotations

import json
import re
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.models import Batch, Job, Workflow
from app.storage import Storage

# Built on disk past this size: a batch of 500 reels must not sit in the API's memory.
SPOOL_MAX_BYTES = 8 * 1024 * 1024
READ_CHUNK_BYTES = 256 * 1024
SLUG_MAX_CHARS = 40


@dataclass
class Entry:
    """One item of the batch: the files it adds to the archive, or why it adds none."""

    number: str
    title: str
    state: str
    files: list[tuple[str, str]] = field(default_factory=list)  # (name in zip, storage key)
    inline: list[tuple[str, bytes]] = field(default_factory=list)  # (name, content)
    note: str = ""


def slug(text: str, fallback: str) -> str:
    """`Why the sky is blue!` -> `why-the-sky-is-blue`: at most 40 characters, cut
    between words."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(words) > SLUG_MAX_CHARS:
        cut = words[:SLUG_MAX_CHARS + 1]
        words = cut[:cut.rfind("-")] if "-" in cut else cut[:SLUG_MAX_CHARS]
    return words or fallback


def _title(params: dict[str, Any], kind: str) -> str:
    text = params.get("topic") or params.get("script") or ""
    if text:
        return " ".join(str(text).split())[:80]
    photos = len(params.get("asset_ids") or [])
    return f"slideshow of {photos} photos" if photos else kind


def _suffix(key: str) -> str:
    return PurePosixPath(key).suffix.lower() or ".bin"


def _workflow_entry(entry: Entry, name: str, workflow: Workflow,
                    steps: dict[str, Job]) -> None:
    for step in workflow.steps:
        platform = step.partition(":")[2]
        job = steps.get(step)
        if not step.startswith("optimize:") or job is None or not job.output_key:
            continue
        entry.files.append((f"{name}-{platform}{_suffix(job.output_key)}", job.output_key))
        caption_key = (job.result or {}).get("caption_key")
        if caption_key:
            entry.files.append((f"{name}-{platform}-caption.txt", caption_key))
    render = steps.get("render")
    if not entry.files and render is not None and render.output_key:  # no platform step
        entry.files.append((f"{name}{_suffix(render.output_key)}", render.output_key))


async def archive_entries(session: AsyncSession, batch: Batch) -> list[Entry]:
    """Every item of the batch in submit order, with what it puts in the archive."""
    jobs = list(await session.scalars(select(Job).where(Job.batch_id == batch.id)))
    singles = {str(j.id): j for j in jobs if j.workflow_id is None}
    steps: dict[uuid.UUID, dict[str, Job]] = {}
    for job in jobs:
        if job.workflow_id is not None and job.step:
            steps.setdefault(job.workflow_id, {})[job.step] = job
    workflows = {str(w.id): w for w in await session.scalars(
        select(Workflow).where(Workflow.batch_id == batch.id))}
    width = max(2, len(str(len(batch.items))))
    entries = []
    for i, item in enumerate(batch.items, start=1):
        number = str(i).zfill(width)
        workflow, single = workflows.get(item["id"]), singles.get(item["id"])
        row: Workflow | Job | None = workflow or single
        if row is None:
            entries.append(Entry(number, item["kind"], "cancelled", note="removed"))
            continue
        title = _title(row.params or {}, item["kind"])
        entry = Entry(number, title, row.state)
        entries.append(entry)
        name = f"{number}-{slug(title, item['kind'])}"
        if row.state != "succeeded":
            error = row.error or {}
            entry.note = error.get("message") or ""
            if error.get("step"):
                entry.note = f"{error['step']} step: {entry.note}"
        elif workflow is not None:
            _workflow_entry(entry, name, workflow, steps.get(workflow.id, {}))
        elif single is not None and single.output_key:
            entry.files.append((f"{name}{_suffix(single.output_key)}", single.output_key))
        elif single is not None:  # a script job: its result is the JSON it wrote
            entry.inline.append((f"{name}.json", json.dumps(single.result or {}, indent=2)
                                 .encode()))
    if not any(e.state == "succeeded" for e in entries):
        raise AppError("not_ready", "no item of this batch has succeeded yet", 409,
                       field="batch_id")
    return entries


def _manifest(entries: list[Entry], batch: Batch, missing: set[str]) -> bytes:
    lines = [f"Batch {batch.id}", f"Submitted {batch.created_at:%Y-%m-%d %H:%M} UTC",
             f"{len(entries)} items, "
             f"{sum(e.state == 'succeeded' for e in entries)} succeeded", ""]
    for e in entries:
        lines.append(f"{e.number}  {e.state:<10}  {e.title}")
        names = [n for n, key in e.files if key not in missing] + [n for n, _ in e.inline]
        for name in names:
            lines.append(f"      {name}")
        if any(key in missing for _, key in e.files):
            lines.append("      (a file is no longer stored)")
        if e.state != "succeeded":
            lines.append(f"      not included: {e.note or e.state}")
    return ("\n".join(lines) + "\n").encode()


def write_archive(storage: Storage, batch: Batch, entries: list[Entry]) -> IO[bytes]:
    """The ZIP in a spooled temp file, rewound (blocking: run it in a thread). Stored, not
    deflated: MP4s do not compress."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 (returned)
    missing: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for entry in entries:
            for name, key in entry.files:
                try:
                    storage.size(key)  # missing: listed, never an empty entry
                    chunks = storage.iter_range(key)
                    with zf.open(name, "w", force_zip64=True) as dest:
                        for chunk in chunks:
                            dest.write(chunk)
                except FileNotFoundError:
                    missing.add(key)
            for name, content in entry.inline:
                zf.writestr(name, content)
        zf.writestr("MANIFEST.txt", _manifest(entries, batch, missing))
    out.seek(0)
    return out


def read_chunks(file: IO[bytes]) -> Iterator[bytes]:
    """The file in chunks, closed at the end (or when the client goes away)."""
    try:
        while chunk := file.read(READ_CHUNK_BYTES):
            yield chunk
    finally:
        file.close()
