"""Workflows (docs/workflows.md): chord counters, progress events, publish links."""

from __future__ import annotations

from app.core.config.group import Group


class WorkflowSettings(Group):
    """Timing of multi-step workflows and the links their publish hook sends."""

    # Chord counters live this long in the result backend; a workflow's parallel steps all
    # finish well inside it, and a lost counter only delays the step after them to the
    # sweeper's resend of queued jobs (QUEUED_REPUBLISH_S).
    CANVAS_RESULT_EXPIRES_S: int = 6 * 3600
    WORKFLOW_PROGRESS_EVENT_S: float = 0.5  # workflow.progress events, at most this often
    PUBLISH_URL_TTL_S: int = 24 * 3600  # reel links in a publish hook's POST stay valid this long
