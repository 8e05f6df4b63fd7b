"""Markers of the deployment checks."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds a virtualenv from scratch (about 1.5 minutes with a warm pip "
        "cache); deselect with -m 'not slow'")
