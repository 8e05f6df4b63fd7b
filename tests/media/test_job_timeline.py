"""The video job's request side: timeline or slideshow shorthand, expansion and routing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from app.jobs.names import Queue, TaskName, queue_for
from app.media.shorthand import slideshow_timeline
from app.schemas.jobs import VideoSubmit
from app.services.submits.videos import task_for
from app.services.workers.render import job_timeline

A, B, M = (str(uuid.uuid4()) for _ in range(3))


def test_slideshow_shorthand_expands_to_a_timeline() -> None:
    params = VideoSubmit(asset_ids=[uuid.UUID(A), uuid.UUID(B)], seconds_per_image=2.0,
                         transition="wipeleft", transition_s=0.4, resolution="1920x1080",
                         fps=25, audio_asset_id=uuid.UUID(M)).model_dump(
        mode="json", exclude={"priority", "callback_url", "timeline"})
    timeline = job_timeline(params)
    assert [s.asset for s in timeline.scenes] == [A, B]  # type: ignore[union-attr]
    assert (timeline.transition.kind, timeline.transition.duration_s) == ("wipeleft", 0.4)
    assert (timeline.output.preset, timeline.output.fps) == ("youtube", 25)
    assert timeline.audio is not None and timeline.audio.music is not None
    assert timeline.audio.music.asset == M and timeline.audio.voice is None
    cut = slideshow_timeline(asset_ids=[A], seconds_per_image=1, transition="none",
                             transition_s=0.5, resolution="1080x1080", fps=30)
    assert cut.transition.kind == "none" and cut.output.preset == "square"


def test_a_full_timeline_round_trips_through_job_params() -> None:
    body = {"timeline": {"scenes": [{"kind": "image", "asset": A, "motion": {}},
                                    {"kind": "card", "text": {"text": "Hi"}}],
                         "output": {"preset": "reels", "quality": "high"}}}
    request = VideoSubmit.model_validate(body)
    assert request.asset_ids is None and request.timeline is not None
    params = {"timeline": request.timeline.model_dump(mode="json")}
    assert job_timeline(params) == request.timeline
    assert task_for(request) == TaskName.VIDEO_RENDER


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "asset_ids: required"),
        ({"timeline": {"scenes": [{"kind": "card"}]}, "asset_ids": [A]}, "cannot be combined"),
        ({"timeline": {"scenes": [{"kind": "card"}]}, "transition": "fade"}, "transition"),
        ({"timeline": {"scenes": []}}, "timeline.scenes"),
        ({"timeline": {"scenes": [{"kind": "card", "duration_s": 0.3}] * 2,
                       "transition": {"duration_s": 0.5}}}, "transition.duration_s"),
    ],
)
def test_bad_video_submits(body: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        VideoSubmit.model_validate(body)


def test_ultra_goes_to_the_gpu_queue() -> None:
    request = VideoSubmit.model_validate(
        {"timeline": {"scenes": [{"kind": "card"}], "output": {"quality": "ultra"}}})
    assert task_for(request) == TaskName.VIDEO_RENDER_GPU
    assert queue_for(TaskName.VIDEO_RENDER_GPU) == Queue.GPU
