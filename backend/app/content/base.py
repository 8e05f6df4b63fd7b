"""The one interface every script writer implements."""

from __future__ import annotations

from typing import Protocol

from app.content.models import Brief, Script


class ScriptWriter(Protocol):
    """Turns a brief into a script; raises ScriptError (permanent) or ScriptTransientError."""

    def write(self, brief: Brief) -> Script:
        """A script for `brief` (hook, 3-7 beats, call to action) sized to its duration."""
        ...
