"""Measuring a branded reel: pixel colours of decoded frames, a tone's spectral peak,
and the usage rows a render recorded."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image
from sqlalchemy import create_engine, select, update

from app.core.config import settings
from app.models import Asset, AssetUsage, Job
from tests.workflows.media_checks import RATE, mono_samples

RGB = tuple[int, int, int]


def frame_at(path: Path, t_s: float) -> Image.Image:
    """The decoded frame shown at `t_s` (the last one if `t_s` is past the end)."""
    last = None
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            last = frame
            if float(frame.time) + 1e-6 >= t_s:
                break
    assert last is not None, f"no video frames in {path}"
    return last.to_image().convert("RGB")


def first_and_last(path: Path) -> tuple[Image.Image, Image.Image]:
    first = last = None
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.video[0]):
            if first is None:
                first = frame.to_image().convert("RGB")
            last = frame
    assert first is not None and last is not None, f"no video frames in {path}"
    return first, last.to_image().convert("RGB")


def near(actual: Any, expected: RGB, tol: int = 16) -> bool:
    return all(abs(int(a) - e) <= tol for a, e in zip(actual, expected, strict=True))


def count_near(image: Image.Image, rgb: RGB, tol: int = 50) -> int:
    pixels = np.asarray(image, dtype=np.int16)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tol).sum())


def tone_prominence(path: Path, freq_hz: float) -> float:
    """Spectral magnitude at `freq_hz` over the median of the band +-500 Hz around it:
    a steady tone in the mix stands out by tens of times, speech alone by a few."""
    samples = np.asarray(mono_samples(path), dtype=np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    freqs = np.fft.rfftfreq(len(samples), 1 / RATE)
    peak = spectrum[np.abs(freqs - freq_hz) <= 5].max()
    band = spectrum[(np.abs(freqs - freq_hz) <= 500) & (np.abs(freqs - freq_hz) > 20)]
    return float(peak / np.median(band))


def usage_rows(job_id: str) -> list[tuple[str, str, str | None, str | None]]:
    """(asset id, role, workflow id, output key) of every usage row of the job."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(AssetUsage.asset_id, AssetUsage.role,
                                       AssetUsage.workflow_id, AssetUsage.output_key)
                                .where(AssetUsage.job_id == uuid.UUID(job_id))).all()
            output = conn.scalar(select(Job.output_key).where(Job.id == uuid.UUID(job_id)))
    finally:
        engine.dispose()
    assert all(r.output_key == output for r in rows), (rows, output)
    return sorted((str(r.asset_id), r.role, str(r.workflow_id) if r.workflow_id else None,
                   r.output_key) for r in rows)


def set_licence(asset_id: str, licence: dict[str, Any]) -> None:
    """Give an asset licence metadata directly in the database (as the library does)."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(Asset).where(Asset.id == uuid.UUID(asset_id))
                         .values(licence=licence))
    finally:
        engine.dispose()


def set_job(job_id: str, **values: Any) -> None:
    """Move a job row directly in the database (a takeover, as the reaper would)."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == uuid.UUID(job_id)).values(**values))
    finally:
        engine.dispose()


def levels_without_tone(path: Path, freq_hz: float,
                        windows: list[tuple[float, float]]) -> list[float]:
    """RMS (fraction of full scale) of each window once the tone at `freq_hz` is notched
    out of the spectrum: what is left is the voice."""
    samples = np.asarray(mono_samples(path), dtype=np.float64)
    spectrum = np.fft.rfft(samples)
    spectrum[np.abs(np.fft.rfftfreq(len(samples), 1 / RATE) - freq_hz) < 40] = 0
    rest = np.fft.irfft(spectrum, len(samples))
    out = []
    for start, end in windows:
        chunk = rest[int(start * RATE):int(end * RATE)]
        out.append(float(np.sqrt((chunk * chunk).mean()) / 32768))
    return out
