"""Celery's settings come from celeryconfig.py at the repository root, and a process that
cannot find it stops with a clear error instead of running on Celery's defaults."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import celeryconfig

from app.tasks.app import celery_app, settings_of

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *, cwd: Path, pythonpath: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", **({"PYTHONPATH": str(pythonpath)} if pythonpath else {})}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=120)


def test_every_setting_of_the_root_celeryconfig_is_the_apps() -> None:
    assert Path(celeryconfig.__file__) == ROOT / "celeryconfig.py"
    configured = settings_of(celeryconfig)
    assert {"broker_url", "task_acks_late", "task_routes", "include"} <= set(configured)
    for name, value in configured.items():
        assert celery_app.conf[name] == value, name
    conf = celery_app.conf
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost) == (True, True)
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit


def test_the_application_settings_stay_out_of_the_inspected_config() -> None:
    # what `celery inspect conf` and Flower show
    table = celery_app.conf.table(with_defaults=False)
    assert not [key for key in table if key.startswith("_")]
    assert "SECRET_KEY" not in repr(table)  # a field of the application settings


def test_a_worker_started_outside_the_root_still_finds_it() -> None:
    found = _python("import sys, app.tasks.app as m; print(sys.modules['celeryconfig'].__file__); "
                    "print(m.celery_app.conf.task_acks_late)", cwd=ROOT / "tests")
    assert found.returncode == 0, found.stderr[-3000:]
    assert found.stdout.split() == [str(ROOT / "celeryconfig.py"), "True"]


def test_an_installed_package_without_it_stops_with_a_clear_error(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"  # the package as a wheel installs it: no source tree
    shutil.copytree(ROOT / "backend" / "app", site / "app",
                    ignore=shutil.ignore_patterns("__pycache__", "static"))
    failed = _python("import app.tasks.app", cwd=tmp_path, pythonpath=site)
    assert failed.returncode != 0
    assert "ImproperlyConfigured: Celery settings module 'celeryconfig' not found" in (
        failed.stderr), failed.stderr[-3000:]
