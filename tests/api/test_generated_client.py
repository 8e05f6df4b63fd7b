"""A client generated from the served OpenAPI document (openapi-python-client) generates
with no warning and does a user's whole path on its own: register, sign in, upload,
submit a slideshow, follow it to success and download the video."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from app.media.probe import probe
from tests.support.media import image_bytes, tone_wav
from tests.support.processes import ApiServer, CeleryWorker

PACKAGE = "reelforge_client"
DEADLINE_S = 120.0  # a 5 s slideshow renders in a few seconds on one worker slot


@pytest.fixture
def client_package(api_server: ApiServer, tmp_path: Path) -> Iterator[ModuleType]:
    """The package generated from the document the server serves, imported."""
    cli = Path(sys.executable).with_name("openapi-python-client")
    if not cli.exists():
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    document = httpx.get(f"{api_server.base_url}/api/v1/openapi.json").json()
    (tmp_path / "openapi.json").write_text(json.dumps(document))
    env = {**os.environ, "PATH": f"{cli.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    answer = subprocess.run(
        [str(cli), "generate", "--path", str(tmp_path / "openapi.json"),
         "--output-path", str(tmp_path / PACKAGE), "--meta", "none"],
        capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    said = answer.stdout + answer.stderr
    assert answer.returncode == 0, said
    assert "warning" not in said.lower() and "unable" not in said.lower(), said
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _op(tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")


def _model(name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def test_a_generated_client_makes_a_slideshow(client_package: ModuleType,
                                              api_server: ApiServer, worker: CeleryWorker,
                                              tmp_path: Path) -> None:
    from reelforge_client import AuthenticatedClient, Client  # type: ignore[import-not-found]
    from reelforge_client.types import File  # type: ignore[import-not-found]

    email, password = f"gen-{time.monotonic_ns()}@example.com", "correct horse battery"
    anonymous = Client(base_url=api_server.base_url, raise_on_unexpected_status=True)
    user = _op("auth", "register_user_api_v1_auth_register_post").sync(
        client=anonymous, body=_model("UserCreate")(email=email, password=password))
    assert user.email == email
    token = _op("auth", "create_token_api_v1_auth_token_post").sync(
        client=anonymous, body=_model("BodyCreateTokenApiV1AuthTokenPost")(
            username=email, password=password))
    client = AuthenticatedClient(base_url=api_server.base_url, token=token.access_token,
                                 raise_on_unexpected_status=True, follow_redirects=True,
                                 timeout=httpx.Timeout(30.0))

    upload = _op("assets", "upload_asset_api_v1_assets_post")
    body = _model("BodyUploadAssetApiV1AssetsPost")
    images = [upload.sync(client=client, body=body(file=File(
        payload=image_bytes(color, (640, 360)), file_name=f"{i}.png", mime_type="image/png")))
        for i, color in enumerate([(220, 20, 20), (20, 20, 220)])]
    audio = upload.sync(client=client, body=body(file=File(
        payload=tone_wav(2.0), file_name="tone.wav", mime_type="audio/wav")))
    assert [a.kind for a in images] == ["image", "image"] and audio.kind == "audio"

    submit = _model("VideoSubmit").from_dict({
        "asset_ids": [str(a.id) for a in images], "audio_asset_id": str(audio.id),
        "seconds_per_image": 2.0, "transition": "fade", "transition_s": 0.5,
        "resolution": "1080x1920", "fps": 24})
    job = _op("tasks", "submit_video_job_api_v1_tasks_submit_video_post").sync(
        client=client, body=submit)
    read_job = _op("tasks", "read_job_api_v1_tasks_job_id_get")
    deadline = time.monotonic() + DEADLINE_S
    while (state := read_job.sync(client=client, job_id=job.id).state) not in {
            "succeeded", "failed", "dead", "cancelled"}:
        assert time.monotonic() < deadline, state
        time.sleep(0.1)  # polling interval of a bounded wait on the job's row
    assert state == "succeeded"

    video = _op("tasks", "read_result_api_v1_tasks_job_id_result_get").sync(
        client=client, job_id=job.id)
    (tmp_path / "out.mp4").write_bytes(video.payload.read())
    info = probe(tmp_path / "out.mp4")
    assert (info.width, info.height) == (1080, 1920) and info.video_codec == "h264"
    assert abs(info.duration_s - (2 * 2.0 - 0.5)) < 0.2  # two stills, one fade
