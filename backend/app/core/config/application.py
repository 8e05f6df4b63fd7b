"""The process as a whole: environment, public address, private data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from app.core.config.group import Group


class AppSettings(Group):
    """What every process is and where it is reached."""

    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    PROJECT_NAME: str = "Reelforge"
    API_PREFIX: str = "/api/v1"
    PUBLIC_URL: str = "http://127.0.0.1:8000"
    DATA_DIR: Path = Path(".var")  # private to each process: temp files, embedded servers

    @property
    def temp_dir(self) -> Path:
        return (self.DATA_DIR / "tmp").resolve()
