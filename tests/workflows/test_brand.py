"""A brand kit drives a topic -> reel workflow on real workers: watermark, caption colours,
font, music bed, intro and outro cards; the render records the assets it used once each
and carries their attribution to the result and to the published caption."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from app.jobs.runtime import JobRun
from app.media.probe import probe
from app.services.assets.usage import Use, record_usage
from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav
from tests.support.processes import CeleryWorker
from tests.webhooks.receiver import Receiver
from tests.workflows.brand_checks import (
    count_near,
    first_and_last,
    frame_at,
    levels_without_tone,
    near,
    set_job,
    set_licence,
    tone_prominence,
    usage_rows,
)
from tests.workflows.conftest import wait_workflow

TAIL_S = 0.6  # the render holds the picture this long after the voice
INTRO_S, OUTRO_S = 1.0, 1.5
SCENE_GREY = (48, 48, 48)
LOGO_RED = (255, 0, 0)
HALF_RED = (152, 24, 24)  # LOGO_RED at opacity 0.5 over SCENE_GREY
INTRO_BLUE, OUTRO_ORANGE = (16, 64, 192), (192, 96, 16)
CAPTION_CYAN, HIGHLIGHT_MAGENTA = (64, 255, 255), (255, 64, 255)
KARAOKE_YELLOW = (255, 212, 0)  # the default highlight, which the kit replaces
TONE_HZ = 3000.0
CREDIT = "Music: Test Tone by Reelforge Lab (CC BY 4.0)"
# tiktok at draft quality is 540 x 960; the logo (200 x 100) is 0.2 x 540 = 108 px wide,
# 54 high, 0.05 x 540 = 27 px from the right and bottom edges (placed on even pixels).
LOGO_BOX = (404, 878, 512, 932)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02X}" for c in rgb)


def _brand(logo: str, music: str) -> dict[str, Any]:
    return {
        "fonts": {"family": "roboto-condensed", "bold": True},
        "colors": {"primary": "#303030", "secondary": "#303030", "text": "#FFFFFF"},
        "captions": {"style": "karaoke", "color": _hex(CAPTION_CYAN),
                     "highlight": _hex(HIGHLIGHT_MAGENTA), "size": 80},
        "watermark": {"asset_id": logo, "position": "bottom_right", "opacity": 0.5,
                      "scale": 0.2, "margin": 0.05},
        "intro": {"text": "Sky facts", "duration_s": INTRO_S, "background": _hex(INTRO_BLUE)},
        "outro": {"text": "Follow for more", "duration_s": OUTRO_S,
                  "background": _hex(OUTRO_ORANGE)},
        "music": {"asset_id": music, "volume_db": -6, "duck": True},
    }


def _download(client: httpx.Client, url: str, path: Path) -> Path:
    path.write_bytes(client.get(url, follow_redirects=True).content)
    return path


def _lower_half(image: Any) -> Any:
    return image.crop((0, image.height // 2, image.width, image.height))


def _check_watermark(frame: Any) -> None:
    """(a) the logo at bottom right, half transparent, and nowhere else."""
    left, top, right, bottom = LOGO_BOX
    for spot in ((left + 10, top + 10), ((left + right) // 2, (top + bottom) // 2),
                 (right - 10, bottom - 10)):
        assert near(frame.getpixel(spot), HALF_RED), (spot, frame.getpixel(spot))
    for spot in ((540 - (left + right) // 2, (top + bottom) // 2), ((left + right) // 2, 40),
                 (270, 300), (left - 12, (top + bottom) // 2), ((left + right) // 2, top - 12),
                 ((left + right) // 2, bottom + 12)):
        assert near(frame.getpixel(spot), SCENE_GREY), (spot, frame.getpixel(spot))


def _check_captions(reel: Path, frame: Any, words: list[Any]) -> None:
    """(b) captions in the kit's colours, starting with the voice after the intro."""
    band = _lower_half(frame)
    assert count_near(band, HIGHLIGHT_MAGENTA) > 20
    assert count_near(band, KARAOKE_YELLOW) == 0
    spoken = [_lower_half(frame_at(reel, INTRO_S + (s + e) / 2)) for _, s, e in words[:6]]
    assert max(count_near(image, CAPTION_CYAN) for image in spoken) > 20
    assert count_near(_lower_half(frame_at(reel, INTRO_S / 2)), HIGHLIGHT_MAGENTA) == 0


def _check_reel(client: httpx.Client, done: dict[str, Any], tmp_path: Path) -> Path:
    """Every check of the picture and sound of a workflow's reel; the reel's file."""
    assert done["state"] == "succeeded", done["error"]
    steps = {s["step"]: s for s in done["steps"]}
    voice = steps["voice"]["result"]
    reel = _download(client, steps["render"]["result_url"], tmp_path / "reel.mp4")

    # (d) the intro and outro add exactly their length; the first and last frames are theirs
    assert abs(probe(reel).duration_s - (voice["duration_s"] + TAIL_S + INTRO_S + OUTRO_S)) < 0.1
    first, last = first_and_last(reel)
    assert near(first.getpixel((40, 120)), INTRO_BLUE), first.getpixel((40, 120))
    assert near(last.getpixel((40, 120)), OUTRO_ORANGE), last.getpixel((40, 120))

    words = voice["words"]
    middle = words[len(words) // 2]
    frame = frame_at(reel, INTRO_S + (middle[1] + middle[2]) / 2)
    _check_watermark(frame)
    _check_captions(reel, frame, words)
    assert steps["render"]["result"]["captions"] == "karaoke"  # the kit's, over "plain"

    # (c) the music is the kit's tone: its peak stands out in the reel, not in the voice
    recorded = _download(client, steps["voice"]["result_url"], tmp_path / "voice.wav")
    assert tone_prominence(reel, TONE_HZ) > 10 * tone_prominence(recorded, TONE_HZ)
    assert tone_prominence(reel, TONE_HZ) > 30

    # the voice starts with the first narration scene, after the intro: silent before it
    spoken = [(INTRO_S + s, INTRO_S + e) for _, s, e in words if e - s >= 0.15]
    intro, *speech = levels_without_tone(reel, TONE_HZ, [(0.05, INTRO_S - 0.1), *spoken])
    assert intro < 0.01 and sum(level > 0.05 for level in speech) >= 0.9 * len(speech)
    return reel


def _check_usage(done: dict[str, Any], uses: list[tuple[str, str]]) -> None:
    """Usage recorded once per asset and role, with the workflow and the render's output."""
    render_job = next(s for s in done["steps"] if s["step"] == "render")["job_id"]
    rows = usage_rows(render_job)
    output_key = rows[0][3]
    assert output_key and rows == sorted((a, role, done["id"], output_key) for a, role in uses)


def test_brand_kit_shapes_the_reel(account: Account, client: httpx.Client,
                                   workers: dict[str, CeleryWorker], tmp_path: Path) -> None:
    grey = account.upload(image_bytes(SCENE_GREY, (640, 360)), "grey.png").json()["id"]
    logo = account.upload(image_bytes(LOGO_RED, (200, 100)), "logo.png").json()["id"]
    music = account.upload(tone_wav(4.0, TONE_HZ), "tone.wav").json()["id"]
    set_licence(music, {"licence": "CC-BY-4.0", "source": "tests", "attribution": CREDIT,
                        "platforms": ["tiktok"], "commercial": True})
    hook = Receiver()
    try:
        submitted = client.post("/api/v1/tasks/submit/workflow", json={
            "topic": "why the sky is blue", "duration_s": 12, "seed": 3,
            "video": {"quality": "draft", "captions": "plain", "image_asset_ids": [grey]},
            "platforms": ["tiktok"], "publish": {"url": f"{hook.url}/reels"},
            "brand": _brand(logo, music)})
        assert submitted.status_code == 202, submitted.text
        done = wait_workflow(client, submitted.json()["id"])
    finally:
        hook.stop()
    _check_reel(client, done, tmp_path)
    _check_usage(done, [(grey, "scene"), (logo, "watermark"), (music, "music")])

    steps = {s["step"]: s for s in done["steps"]}
    assert steps["render"]["result"]["attribution"] == CREDIT
    assert done["result"]["attribution"] == CREDIT
    caption = steps["optimize:tiktok"]["result"]["caption"]
    assert caption.endswith(f"\n\n{CREDIT}")
    (request,) = hook.requests
    (posted,) = json.loads(request.body)["data"]["reels"]
    assert posted["caption"] == caption and posted["attribution"] == CREDIT


def test_a_projects_kit_with_a_library_track(account: Account, admin_account: Account,
                                            client: httpx.Client,
                                            workers: dict[str, CeleryWorker],
                                            tmp_path: Path) -> None:
    track = tmp_path / "tone.wav"
    track.write_bytes(tone_wav(4.0, TONE_HZ))
    shared = admin_account.client.post("/api/v1/admin/library", data={
        "title": "Test tone", "licence": "CC-BY-4.0", "source": "tests",
        "attribution": CREDIT}, files={"file": (track.name, track.read_bytes())})
    assert shared.status_code == 201, shared.text
    music = shared.json()["id"]
    grey = account.upload(image_bytes(SCENE_GREY, (640, 360)), "grey.png").json()["id"]
    logo = account.upload(image_bytes(LOGO_RED, (200, 100)), "logo.png").json()["id"]
    project = client.post("/api/v1/projects", json={
        "name": "Sky facts", "topic": "why the sky is blue", "platforms": ["tiktok"],
        "brand": _brand(logo, music)})
    assert project.status_code == 201, project.text
    submitted = client.post("/api/v1/tasks/submit/workflow", json={
        "project_id": project.json()["number"], "duration_s": 12, "seed": 3,
        "video": {"quality": "draft", "captions": "plain", "image_asset_ids": [grey]}})
    assert submitted.status_code == 202, submitted.text
    done = wait_workflow(client, submitted.json()["id"])
    _check_reel(client, done, tmp_path)
    _check_usage(done, [(grey, "scene"), (logo, "watermark"), (music, "music")])
    assert done["result"]["attribution"] == CREDIT
    trail = client.get(f"/api/v1/library/{music}/usage").json()["items"]
    render_job = next(s for s in done["steps"] if s["step"] == "render")["job_id"]
    assert [(u["job_id"], u["workflow_id"], u["role"]) for u in trail] == [
        (render_job, done["id"], "music")]


def test_video_job_records_its_assets_once(account: Account, worker: CeleryWorker) -> None:
    red = account.upload(image_bytes((200, 40, 40), (320, 240)), "red.png").json()["id"]
    blue = account.upload(image_bytes((40, 40, 200), (320, 240)), "blue.png").json()["id"]
    music = account.upload(tone_wav(2.0), "bed.wav").json()["id"]
    set_licence(red, {"licence": "CC-BY-4.0", "attribution": "Photo by A"})
    set_licence(music, {"licence": "CC-BY-4.0", "attribution": "Music by B"})
    answer = account.client.post("/api/v1/tasks/submit/video", json={
        "asset_ids": [red, blue, red], "transition": "none", "resolution": "1080x1080",
        "fps": 24, "seconds_per_image": 0.5, "audio_asset_id": music})
    assert answer.status_code == 202, answer.text
    job = account.wait_job(answer.json()["id"])
    assert job["state"] == "succeeded", job.get("error")
    rows = usage_rows(job["id"])
    assert sorted((asset, role) for asset, role, _, _ in rows) == sorted(
        [(red, "scene"), (blue, "scene"), (music, "music")])
    assert all(workflow is None and key for _, _, workflow, key in rows)
    assert job["result"]["attribution"] == "Photo by A\nMusic by B"

    # A retried attempt updates the rows instead of adding any; a stale one records nothing.
    set_job(job["id"], state="started", attempts=2)
    retried = JobRun(job_id=uuid.UUID(job["id"]), user_id=uuid.UUID(account.user_id),
                     params={}, attempt=2)
    uses = [Use(uuid.UUID(a), role) for a, role in ((red, "scene"), (blue, "scene"),
                                                     (music, "music"))]
    assert record_usage(retried, workflow_id=None, output_key="results/a2/video.mp4",
                        uses=uses) == "Photo by A\nMusic by B"
    stale = JobRun(job_id=retried.job_id, user_id=retried.user_id, params={}, attempt=1)
    record_usage(stale, workflow_id=None, output_key="results/a1/video.mp4", uses=uses)
    set_job(job["id"], state="succeeded", output_key="results/a2/video.mp4")
    again = usage_rows(job["id"])
    assert [(a, r) for a, r, _, _ in again] == [(a, r) for a, r, _, _ in rows]
    assert {key for _, _, _, key in again} == {"results/a2/video.mp4"}


def test_a_transparent_logo_keeps_its_alpha_from_upload_to_render(
        account: Account, worker: CeleryWorker, tmp_path: Path) -> None:
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((*LOGO_RED, 255), (0, 0, 100, 100))  # the left half opaque, the right clear
    out = io.BytesIO()
    logo.save(out, "PNG")
    created = account.upload(out.getvalue(), "logo.png", "image")
    assert created.status_code == 201, created.text
    assert created.json()["content_type"] == "image/png"
    answer = account.client.post("/api/v1/tasks/submit/video", json={"timeline": {
        "scenes": [{"kind": "card", "color": _hex(SCENE_GREY), "duration_s": 1.0}],
        "watermark": {"asset": created.json()["id"], "position": "top_left", "opacity": 1.0,
                      "scale": 0.2, "margin": 0.05},
        "output": {"preset": "square", "quality": "draft"}}})
    assert answer.status_code == 202, answer.text
    job = account.wait_job(answer.json()["id"])
    assert job["state"] == "succeeded", job.get("error")
    video = _download(account.client, f"/api/v1/tasks/{job['id']}/result", tmp_path / "v.mp4")
    frame = frame_at(video, 0.5)
    # 540 px square: the logo is 108 x 54 px, 27 px from the top and left edges.
    assert near(frame.getpixel((27 + 27, 27 + 27)), LOGO_RED), frame.getpixel((54, 54))
    assert near(frame.getpixel((27 + 81, 27 + 27)), SCENE_GREY), frame.getpixel((108, 54))


def test_bad_watermarks_are_refused_at_submit_naming_the_field(account: Account) -> None:
    track = account.upload(tone_wav(1.0), "bed.wav").json()["id"]
    logo = account.upload(image_bytes(LOGO_RED, (200, 100)), "logo.png").json()["id"]
    scenes = [{"kind": "card", "duration_s": 1.0}]
    for watermark, field in (({"asset": logo, "opacity": 1.5}, "timeline.watermark.opacity"),
                             ({"asset": logo, "position": "middle"},
                              "timeline.watermark.position"),
                             ({"asset": track}, "timeline.watermark.asset")):
        answer = account.client.post("/api/v1/tasks/submit/video", json={
            "timeline": {"scenes": scenes, "watermark": watermark}})
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == field, answer.text
