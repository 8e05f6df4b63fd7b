"""The Celery application, configured from `celeryconfig.py` at the repository root, and
the result backend that configuration names."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType
from typing import Any

from celery import Celery
from celery.backends.redis import RedisBackend
from celery.exceptions import ImproperlyConfigured
from celery.utils.imports import import_from_cwd

from app.core.source_tree import root_file

# The settings live in one place, the root celeryconfig.py. It is found the way Celery finds
# a config module (the working directory, then sys.path: every launcher starts in the
# repository root, /app in the images), else beside the source tree that runs, so a
# `reelforge run` started elsewhere finds it too. A package installed without that file
# must not run on Celery's defaults (a broker on localhost, acks before the task runs,
# every job on one queue): the module is read here, at import, and its absence stops the
# process with the error below.
CONFIG_MODULE = "celeryconfig"


class CanvasResultBackend(RedisBackend):  # type: ignore[misc]
    """Redis results for chord counting only: nothing waits on a result, so a publisher
    never subscribes to one (the stock backend subscribes on every send)."""

    def on_task_call(self, producer: Any, task_id: str) -> None:
        return None


def config_module(name: str = CONFIG_MODULE) -> ModuleType:
    """The settings module: from the working directory or sys.path, else the source tree."""
    try:
        module: ModuleType = import_from_cwd(name)
        return module
    except ModuleNotFoundError as missing:
        if missing.name != name:
            raise
    path = root_file(f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path) if path else None
    if spec is None or spec.loader is None:
        raise ImproperlyConfigured(
            f"Celery settings module {name!r} not found: start Reelforge's processes in the "
            f"folder that holds {name}.py (the repository root; /app in the images), or put "
            "that folder on PYTHONPATH") from None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def settings_of(module: ModuleType) -> dict[str, Any]:
    """A config module's public names. The rest (its imports, the application settings
    with their secrets) would otherwise show in `celery inspect conf` and Flower."""
    return {key: value for key, value in vars(module).items() if not key.startswith("_")}


celery_app = Celery("reelforge")
celery_app.config_from_object(settings_of(config_module()), force=True)
