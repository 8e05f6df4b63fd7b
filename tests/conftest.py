"""Test session: real PostgreSQL and Redis (local or embedded), a real API server and
real Celery workers as subprocesses. Nothing the project owns is mocked."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import ApiServer, CeleryWorker
from tests.support.slots import claim_slot, export_slot, release_slot

_TMP = Path(tempfile.mkdtemp(prefix="reelforge-tests-"))
_SERVICES = None
_SLOT: int | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Resolve services and export them before any app module reads its settings."""
    global _SERVICES, _SLOT
    _SLOT = claim_slot()
    if _SLOT is not None:
        export_slot(_SLOT)
    from app.dev.services import test_services

    _SERVICES = test_services(_TMP / "services")
    os.environ.update({
        "ENVIRONMENT": "test",
        "DATABASE_URL": _SERVICES.database_url,
        "REDIS_URL": _SERVICES.redis_url,
        "DATA_DIR": str(_TMP / "data"),
        "PROGRESS_DB_INTERVAL_S": "0.3",
        # every test signs up and in from 127.0.0.1; the throttle is tested with its own
        # server and limits (tests/faults/test_login_throttle.py)
        "LOGIN_IP_LIMITS": "100000/minute", "REGISTER_IP_LIMITS": "100000/minute",
        **_SERVICES.storage_env,
    })
    from app.core.migrate import upgrade_head
    from app.tasks.publish import install_celery_broker

    upgrade_head(_SERVICES.sync_database_url)
    install_celery_broker()  # tests publish through the runtime as the API does


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SERVICES is not None:
        _SERVICES.stop()
    if _SLOT is not None:
        release_slot(_SLOT)
    if os.environ.get("REELFORGE_KEEP_TEST_TMP"):  # keep logs and data to read after a failure
        print(f"test data and logs kept in {_TMP}")
    else:
        shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return _TMP


@pytest.fixture(scope="session")
def api_server() -> Iterator[ApiServer]:
    server = ApiServer.start(log_dir=_TMP / "logs")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def worker() -> Iterator[CeleryWorker]:
    """One worker slot on the video queue, like a small production box."""
    yield from _session_worker("video")


@pytest.fixture(scope="session")
def default_worker() -> Iterator[CeleryWorker]:
    """One worker slot on the default queue (canary and maintenance jobs)."""
    yield from _session_worker("default")


def _session_worker(queue: str) -> Iterator[CeleryWorker]:
    with CeleryWorker.running(name=queue, queues=queue, concurrency=1,
                              log_dir=_TMP / "logs") as proc:
        yield proc


pytest_plugins = ["tests.support.fixtures"]
