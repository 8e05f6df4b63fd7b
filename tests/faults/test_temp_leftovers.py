"""What a killed process leaves behind is found by cleanup: every temp folder a worker, an
upload or the daily report makes, stray `.part` files, and `.part` files in a local
store. Names are the ones their creators make; anything else is left alone."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from app.services.maintenance.cleanup import clean_store_parts, clean_temp_dirs
from app.storage.local import LocalStorage

OLD_S = 3 * 24 * 3600


def _age(path: Path) -> Path:
    stamp = time.time() - OLD_S
    for item in [*path.rglob("*"), path] if path.is_dir() else [path]:
        os.utime(item, (stamp, stamp), follow_symlinks=False)
    return path


def _folder(root: Path, name: str) -> Path:
    (root / name).mkdir(parents=True)
    (root / name / "piece").write_bytes(b"x" * 10)
    return _age(root / name)


def test_every_kind_of_leftover_in_the_temp_dir_is_removed(tmp_path: Path) -> None:
    job = uuid.uuid4()
    leftovers = [_folder(tmp_path, f"{kind}-{job}-abc123")
                 for kind in ("render", "reel", "speech", "optimise")]
    leftovers += [_folder(tmp_path, "upload-q1w2e3"), _folder(tmp_path, "report-z9x8")]
    stray = tmp_path / f".voice.wav.{uuid.uuid4().hex}.part"
    stray.write_bytes(b"partial")
    leftovers.append(_age(stray))
    foreign = _folder(tmp_path, "someone-elses")
    fresh = tmp_path / f"render-{uuid.uuid4()}-new"
    fresh.mkdir()

    removed, freed = clean_temp_dirs(tmp_path, cutoff=time.time() - 3600)
    assert [p.name for p in leftovers if p.exists()] == []
    assert removed == len(leftovers) and freed > 0
    assert foreign.exists() and fresh.exists()


def test_part_files_of_a_killed_write_in_a_local_store_are_removed(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "store")
    source = tmp_path / "source"
    source.write_bytes(b"done")
    store.put_file("results/u/j/a1/video.mp4", source)
    part = store.root / "results/u/j/a1" / f".video.mp4.{uuid.uuid4().hex}.part"
    part.write_bytes(b"half")
    _age(part)
    young = store.root / "results/u/j/a1" / f".other.mp4.{uuid.uuid4().hex}.part"
    young.write_bytes(b"being written")

    removed, freed = clean_store_parts(store, cutoff=time.time() - 3600)
    assert (removed, freed) == (1, 4)
    assert not part.exists() and young.exists()
    assert store.exists("results/u/j/a1/video.mp4")
