"""`reelforge library seed`: the generated shared library, tagged, licensed, added once."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select, update

from app.core.db import sync_session
from app.models import Asset
from app.services.library.seed import CATALOGUE, seed_library


def _seeded() -> list[Asset]:
    with sync_session() as session:
        return list(session.scalars(select(Asset).where(
            Asset.storage_key.in_([item.key for item in CATALOGUE]))))


def test_seed_adds_a_tagged_licensed_library_once() -> None:
    seed_library()  # the first run of this database adds them; a later one finds them
    rows = _seeded()
    assert len(rows) == len(CATALOGUE) == 8
    assert all(r.user_id is None and r.tag_state == "done" for r in rows), [
        (r.title, r.tag_state, r.features) for r in rows]
    assert all(r.licence and r.licence["licence"] == "CC0-1.0" and r.licence["attribution"]
               for r in rows)
    music = [r for r in rows if r.kind == "audio"]
    clips = [r for r in rows if r.kind == "video"]
    assert len(music) == 4 and all(r.waveform_key for r in music)
    assert sorted(round(r.features["bpm"]) for r in music) == [72, 84, 120, 150]
    assert {t for r in music for t in r.tags if t.startswith("mood:")} >= {
        "mood:calm", "mood:energetic"}
    assert {t for r in clips for t in r.tags} >= {"portrait", "landscape", "motion", "still"}
    assert all(r.thumbnail_key for r in clips)

    with sync_session() as session:
        before = session.scalar(select(func.count()).select_from(Asset))
    second = subprocess.run([sys.executable, "-m", "app.cli", "library", "seed", "--quiet"],
                            env=os.environ.copy(), capture_output=True, text=True, timeout=300,
                            check=False)
    assert second.returncode == 0, second.stderr
    assert "0 added, 8 already present" in second.stdout
    assert seed_library() == []
    with sync_session() as session:
        assert session.scalar(select(func.count()).select_from(Asset)) == before


def test_retag_measures_named_items_again() -> None:
    """`reelforge library retag ID` measures an item again, keeping its uploader's tags."""
    seed_library()
    beat = next(r for r in _seeded() if r.storage_key.endswith("street-pulse-120.m4a"))
    with sync_session() as session:
        session.execute(update(Asset).where(Asset.id == beat.id).values(
            tags=["mine", "bpm:1"], features={}, tag_state="failed"))
        session.commit()
    done = subprocess.run([sys.executable, "-m", "app.cli", "library", "retag", str(beat.id)],
                          env=os.environ.copy(), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert f"{beat.id}: done" in done.stdout
    with sync_session() as session:
        row = session.get(Asset, beat.id)
        assert row is not None and row.tag_state == "done"
        assert "mine" in row.tags and "bpm:1" not in row.tags and "bpm:120" in row.tags
    bad = subprocess.run([sys.executable, "-m", "app.cli", "library", "retag", "nope"],
                         env=os.environ.copy(), capture_output=True, text=True, timeout=60,
                         check=False)
    assert bad.returncode == 2 and "UUID" in bad.stderr
