"""The shape of a workflow: its steps in levels, their weights, labels and events."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core import platforms
from app.jobs.names import TaskName

WORKFLOW_STAGE = "workflow.stage"  # a step started, or the workflow ended
WORKFLOW_PROGRESS = "workflow.progress"  # throttled progress inside a step

# Shares of a typical run's wall time (offline providers, two cores): the render dominates.
WEIGHTS = {"content": 1.0, "voice": 2.0, "render": 6.0, "optimize": 2.0, "publish": 0.5}
LABELS = {"content": "writing script", "voice": "recording voice", "render": "rendering",
          "optimize": "optimising for {platform}", "publish": "publishing",
          "done": "done", "failed": "failed", "cancelled": "cancelled"}
ETA_AFTER_PROGRESS = 0.02


@dataclass(frozen=True)
class StepSpec:
    """One step: steps of the same level run in parallel, after every lower level."""

    name: str  # "content", "voice", "render", "optimize:tiktok", "publish"
    stage: str
    kind: str  # the job kind, as quotas and listings see it
    task: TaskName
    level: int
    weight: float

    @property
    def platform(self) -> str | None:
        return self.name.partition(":")[2] or None


def plan_steps(platforms: Iterable[str], publish: bool) -> list[StepSpec]:
    """content -> voice -> render -> optimize per platform -> optional publish."""
    targets = list(dict.fromkeys(platforms))
    steps = [StepSpec("content", "content", "content", TaskName.CONTENT_GENERATE, 0,
                      WEIGHTS["content"]),
             StepSpec("voice", "voice", "speech", TaskName.SPEECH_SYNTHESIZE, 1,
                      WEIGHTS["voice"]),
             StepSpec("render", "render", "video", TaskName.VIDEO_REEL, 2, WEIGHTS["render"])]
    steps += [StepSpec(f"optimize:{p}", "optimize", "social", TaskName.SOCIAL_OPTIMIZE, 3,
                       WEIGHTS["optimize"] / len(targets)) for p in targets]
    if publish:
        steps.append(StepSpec("publish", "publish", "social", TaskName.SOCIAL_PUBLISH, 4,
                              WEIGHTS["publish"]))
    return steps


def spec_for(name: str, names: list[str]) -> StepSpec:
    """The spec of step `name` in a workflow whose steps are `names`."""
    platforms = [n.partition(":")[2] for n in names if n.startswith("optimize:")]
    for spec in plan_steps(platforms, "publish" in names):
        if spec.name == name:
            return spec
    raise KeyError(name)


def overall_progress(names: list[str], states: dict[str, tuple[str, float]]) -> float:
    """Weighted sum of step progress; a succeeded step counts in full."""
    specs = [spec_for(n, names) for n in names]
    total = sum(s.weight for s in specs)
    done = 0.0
    for spec in specs:
        state, fraction = states.get(spec.name, ("waiting", 0.0))
        done += spec.weight * (1.0 if state == "succeeded" else max(0.0, min(1.0, fraction)))
    return round(done / total, 4) if total else 0.0


def eta_s(progress: float, elapsed_s: float) -> float | None:
    """Remaining seconds if the rest goes at the pace so far (weights track wall time)."""
    if progress < ETA_AFTER_PROGRESS or progress >= 1.0:
        return None
    return round(elapsed_s * (1.0 - progress) / progress, 1)


def label(stage: str, step: str | None) -> str:
    platform = (step or "").partition(":")[2]
    return LABELS.get(stage, stage).format(platform=platforms.label(platform))


def stage_event(workflow_id: uuid.UUID | str, *, stage: str, step: str | None,
                progress: float, eta: float | None, type_: str = WORKFLOW_STAGE,
                **fields: Any) -> dict[str, Any]:
    """`{"type", "workflow_id", "stage", "step", "label", "progress", "eta_s", "at", ...}`."""
    return {"type": type_, "workflow_id": str(workflow_id), "stage": stage, "step": step,
            "label": label(stage, step), "progress": round(progress, 4), "eta_s": eta,
            "at": round(time.time(), 3), **fields}
