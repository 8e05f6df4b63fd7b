"""Workflow shape without a broker: the canvas, weights, scene timing, batch merging."""

from __future__ import annotations

import uuid
from collections import Counter

from celery import chord, group
from celery.canvas import Signature, _chain

from app.jobs.priority import to_broker
from app.services.batches.reads import batch_state
from app.services.batches.submit import merge
from app.services.workers.content import segments_of_text
from app.services.workers.reel_timing import scene_seconds
from app.services.workflows.plan import eta_s, label, overall_progress, plan_steps
from app.services.workflows.steps import StepRef
from app.tasks.workflow import build_canvas


def refs(platforms: list[str], publish: bool, *, from_level: int = 0) -> list[StepRef]:
    return [StepRef(uuid.uuid4(), s.name, s.task.value, s.task.value.split(".")[0], 7, s.level)
            for s in plan_steps(platforms, publish) if s.level >= from_level]


def names(sig: Signature | list[Signature]) -> list[str]:
    members = sig.tasks if isinstance(sig, group) else sig if isinstance(sig, list) else [sig]
    return [str(t["task"]) for t in members]


def test_canvas_chains_levels_and_joins_parallel_steps_with_a_chord() -> None:
    canvas = build_canvas(refs(["tiktok", "reels"], publish=True))
    assert isinstance(canvas, _chain)
    first, second, third, join = canvas.tasks
    assert [names(s) for s in (first, second, third)] == [
        ["content.generate"], ["speech.synthesize"], ["video.reel"]]
    assert isinstance(join, chord)
    assert names(join.tasks) == ["social.optimize", "social.optimize"]
    assert join.body["task"] == "social.publish"
    assert all(s.immutable for s in (first, second, third, join.body, *join.tasks))
    assert first.options["queue"] == "content" and third.options["queue"] == "video"
    assert first.options["priority"] == to_broker(7)


def test_canvas_without_publish_ends_in_a_group_or_a_single_step() -> None:
    fan_out = build_canvas(refs(["tiktok", "youtube"], publish=False))
    assert isinstance(fan_out.tasks[-1], group)
    single = build_canvas(refs(["tiktok"], publish=False))
    assert [t["task"] for t in single.tasks] == ["content.generate", "speech.synthesize",
                                                 "video.reel", "social.optimize"]


def test_a_retry_from_the_optimise_level_publishes_only_the_rest() -> None:
    canvas = build_canvas(refs(["tiktok", "reels"], publish=True, from_level=3))
    assert isinstance(canvas, chord) and canvas.body["task"] == "social.publish"


def test_progress_is_weighted_and_the_render_dominates() -> None:
    steps = [s.name for s in plan_steps(["tiktok"], publish=False)]
    assert overall_progress(steps, {}) == 0.0
    done = {"content": ("succeeded", 1.0), "voice": ("succeeded", 1.0)}
    half = overall_progress(steps, {**done, "render": ("progress", 0.5)})
    assert 0.4 < half < 0.6
    assert overall_progress(steps, dict.fromkeys(steps, ("succeeded", 0.0))) == 1.0
    assert eta_s(0.5, 10.0) == 10.0 and eta_s(0.0, 10.0) is None
    assert label("optimize", "optimize:tiktok") == "optimising for TikTok"


def test_scenes_follow_the_words_and_add_up_to_the_voice() -> None:
    texts = ["One two three.", "Four five.", "Six."]
    words = [["One", 0.0, 0.3], ["two", 0.3, 0.6], ["three", 0.6, 1.0], ["Four", 1.4, 1.7],
             ["five", 1.7, 2.0], ["Six", 2.6, 3.0]]
    spans = scene_seconds(texts, words, 3.6, transition_s=0.0)
    assert spans == [1.2, 1.1, 1.3]  # cuts halfway through each pause
    faded = scene_seconds(texts, words, 3.6, transition_s=0.25)
    assert sum(faded) - 2 * 0.25 == sum(spans)  # two cross-fades give back their overlap


def test_a_users_script_is_cut_into_readable_segments() -> None:
    text = " ".join(f"This is sentence number {n} of a long script." for n in range(30))
    segments = segments_of_text(text)
    assert 2 <= len(segments) <= 12
    assert " ".join(s["text"] for s in segments) == text
    assert all(len(s["card"].split()) <= 8 for s in segments)


def test_batch_defaults_merge_and_the_batch_state_reads_its_items() -> None:
    defaults = {"topic": "tea", "video": {"quality": "draft", "captions": "plain"}}
    item = merge(defaults, {"video": {"captions": "karaoke"}, "seed": 2})
    assert item == {"topic": "tea", "seed": 2,
                    "video": {"quality": "draft", "captions": "karaoke"}}
    assert batch_state(Counter({"succeeded": 2, "queued": 1}), 3) == "running"
    assert batch_state(Counter({"succeeded": 3}), 3) == "succeeded"
    assert batch_state(Counter({"succeeded": 2, "failed": 1}), 3) == "partial"
    assert batch_state(Counter({"failed": 3}), 3) == "failed"
