"""An API whose free plan has tiny asset quotas, so a test reaches them in a few uploads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fixtures import Account, registered
from tests.support.processes import ApiServer

ASSET_QUOTA_COUNT = 3
ASSET_QUOTA_BYTES = 100_000
_PLANS = {
    "free": {"submits_per_hour": {"video": 5, "*": 60}, "max_waiting": 20, "max_running": 2,
             "max_assets": ASSET_QUOTA_COUNT, "max_asset_bytes": ASSET_QUOTA_BYTES},
}


@pytest.fixture(scope="session")
def small_quota_api(tmp_root: Path) -> Iterator[ApiServer]:
    server = ApiServer.start(log_dir=tmp_root / "logs", env={"PLANS": json.dumps(_PLANS)})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def small_quota_account(small_quota_api: ApiServer) -> Iterator[Account]:
    """A fresh account (free plan) on that API."""
    with registered(small_quota_api, "quota") as account:
        yield account
