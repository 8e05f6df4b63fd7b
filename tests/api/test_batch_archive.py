"""A batch's results as one ZIP, on real workers: each succeeded reel per platform with its
caption text, a manifest naming the item that failed; 409 before anything succeeded, 404
for another user's batch, a signed link that works without the token; the user's batches
listed newest first."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from app.media.probe import probe
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker
from tests.support.reel_workers import reel_worker  # noqa: F401 (a fixture)

DEADLINE_S = 300.0
REEL = {"platforms": ["tiktok", "youtube"], "video": {"quality": "draft", "captions": "plain"},
        "voice": {"rate_wpm": 200}}
BAD_VOICE = {"voice": {"voice": "zz-nowhere"}}  # espeak-ng has no such voice: the voice step fails


def _wait(client: httpx.Client, batch_id: str) -> dict[str, Any]:
    end = time.monotonic() + DEADLINE_S
    body: dict[str, Any] = {}
    while time.monotonic() < end:
        body = client.get(f"/api/v1/batches/{batch_id}").json()
        if body["state"] != "running":
            return body
        time.sleep(0.2)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"batch {batch_id} still running: {body.get('counts')}")


def _submit(client: httpx.Client, items: list[dict[str, Any]]) -> dict[str, Any]:
    answer = client.post("/api/v1/tasks/submit/batch",
                         json={"defaults": {"workflow": REEL}, "items": items})
    assert answer.status_code == 202, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_batch_downloads_as_one_zip(make_account: Callable[..., Account],
                                      worker: CeleryWorker, reel_worker: CeleryWorker,  # noqa: F811
                                      tmp_path: Path) -> None:
    owner, stranger = make_account(), make_account()
    client = owner.client
    failing = _submit(client, [{"overrides": {"script": "Nothing will be said.", **BAD_VOICE}}])
    batch = _submit(client, [
        {"overrides": {"script": "Octopuses have three hearts and blue blood.", "seed": 1}},
        {"overrides": {"script": "Honey found in tombs is still good to eat.", **BAD_VOICE}},
        {"overrides": {"script": "Bananas are berries, but strawberries are not.",
                       "platforms": ["tiktok"], "seed": 2}},
    ])
    archive = f"/api/v1/batches/{batch['id']}/archive"
    early = client.get(archive)  # the first step has barely been queued
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_ready"

    assert _wait(client, failing["id"])["state"] == "failed"
    refused = client.get(f"/api/v1/batches/{failing['id']}/archive")
    assert refused.status_code == 409, refused.text  # final, and nothing succeeded
    done = _wait(client, batch["id"])
    assert done["state"] == "partial" and done["counts"] == {"succeeded": 2, "failed": 1}

    answer = client.get(archive)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    assert "attachment" in answer.headers["content-disposition"]
    zf = zipfile.ZipFile(io.BytesIO(answer.content))
    names = zf.namelist()  # topics cut between words at 40 characters
    assert names == [
        "01-octopuses-have-three-hearts-and-blue-tiktok.mp4",
        "01-octopuses-have-three-hearts-and-blue-tiktok-caption.txt",
        "01-octopuses-have-three-hearts-and-blue-youtube.mp4",
        "01-octopuses-have-three-hearts-and-blue-youtube-caption.txt",
        "03-bananas-are-berries-but-strawberries-are-tiktok.mp4",
        "03-bananas-are-berries-but-strawberries-are-tiktok-caption.txt",
        "MANIFEST.txt"], names
    assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
    frames = {}
    for name in (n for n in names if n.endswith(".mp4")):
        path = tmp_path / name
        path.write_bytes(zf.read(name))
        info = probe(path)
        assert info.duration_s > 1.0 and info.has_audio, (name, info)
        frames[name.rsplit("-", 1)[1]] = (info.width, info.height)
    assert frames["tiktok.mp4"][1] > frames["tiktok.mp4"][0]  # portrait
    assert frames["youtube.mp4"][0] > frames["youtube.mp4"][1]  # landscape
    assert "#" in zf.read(names[1]).decode()  # the caption carries hashtags
    manifest = zf.read("MANIFEST.txt").decode()
    assert "3 items, 2 succeeded" in manifest
    assert "02  failed      Honey found in tombs is still good to eat." in manifest
    assert "not included: voice step:" in manifest

    assert stranger.client.get(archive).status_code == 404
    assert stranger.client.get(f"{archive}/link").status_code == 404
    link = client.get(f"{archive}/link").json()
    with httpx.Client(base_url=str(client.base_url), timeout=60) as anonymous:
        signed = anonymous.get(link["url"])
        assert signed.status_code == 200, signed.text
        assert zipfile.ZipFile(io.BytesIO(signed.content)).namelist() == names
        forged = anonymous.get(link["url"].replace(batch["id"], failing["id"]))
        assert forged.status_code == 403
        assert anonymous.get(archive).status_code == 401

    first = client.get("/api/v1/batches", params={"limit": 1}).json()
    assert [b["id"] for b in first["items"]] == [batch["id"]]  # newest first
    rest = client.get("/api/v1/batches",
                      params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [b["id"] for b in rest["items"]] == [failing["id"]] and rest["next_cursor"] is None
    assert rest["items"][0]["state"] == "failed"
    assert stranger.client.get("/api/v1/batches").json()["items"] == []
