"""A/B variants of one brief: the same body, a different hook and call to action each."""

from __future__ import annotations

from app.content.models import Brief, Script
from app.content.template import TemplateWriter


def variations(brief: Brief, n: int, *, writer: TemplateWriter | None = None) -> list[Script]:
    """`n` scripts whose hooks and calls to action all differ, deterministic for the seed."""
    writer = writer or TemplateWriter()
    most = writer.max_variants(brief)
    if not 1 <= n <= most:
        raise ValueError(f"n must be between 1 and {most} for tone {brief.tone!r} on "
                         f"{brief.platform!r}, got {n}")
    # Only hook and call to action change, so a difference in results is theirs alone.
    return [writer.write_variant(brief, k) for k in range(n)]
