"""`Settings`: every group under one object, and the checks that span two groups."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from pydantic import BaseModel, Field, model_validator

from app.core.config.admission import AdmissionSettings
from app.core.config.application import AppSettings
from app.core.config.auth import DEV_SECRET, AuthSettings
from app.core.config.broker import BrokerSettings
from app.core.config.content import ContentSettings
from app.core.config.database import DatabaseSettings
from app.core.config.group import Group
from app.core.config.maintenance import MaintenanceSettings
from app.core.config.monitoring import MonitoringSettings
from app.core.config.publishing import PublishingSettings
from app.core.config.realtime import RealtimeSettings
from app.core.config.render import RenderSettings
from app.core.config.scaling import ScalingSettings
from app.core.config.schedules import ScheduleSettings
from app.core.config.speech import SpeechSettings
from app.core.config.storage import StorageSettings
from app.core.config.uploads import UploadSettings
from app.core.config.webhooks import WebhookSettings
from app.core.config.workflows import WorkflowSettings


class Settings(BaseModel):
    """Configuration read from the environment (and `.env`), one group per concern.

    A plain model: each group reads its own variables, so no variable named after a group
    (`RENDER`, `STORAGE`, set by some hosts) is ever parsed as one."""

    app: AppSettings = Field(default_factory=AppSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    uploads: UploadSettings = Field(default_factory=UploadSettings)
    admission: AdmissionSettings = Field(default_factory=AdmissionSettings)
    realtime: RealtimeSettings = Field(default_factory=RealtimeSettings)
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    render: RenderSettings = Field(default_factory=RenderSettings)
    workflows: WorkflowSettings = Field(default_factory=WorkflowSettings)
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    scaling: ScalingSettings = Field(default_factory=ScalingSettings)
    maintenance: MaintenanceSettings = Field(default_factory=MaintenanceSettings)
    schedules: ScheduleSettings = Field(default_factory=ScheduleSettings)
    content: ContentSettings = Field(default_factory=ContentSettings)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    publishing: PublishingSettings = Field(default_factory=PublishingSettings)

    @classmethod
    def from_env(cls, env_file: Path | str | None = ".env", **overrides: Any) -> Settings:
        """Every group read from the environment and `env_file` (None: none), `overrides`
        given by variable name winning; tests build settings apart from the process's so."""
        unknown = sorted(set(overrides) - set(ENV_GROUPS))
        if unknown:
            raise TypeError(f"not a setting: {', '.join(unknown)}")
        groups = {
            name: kind(_env_file=env_file,
                       **{k: v for k, v in overrides.items() if ENV_GROUPS[k] == name})
            for name, kind in group_types().items()}
        return cls(**groups)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.app.ENVIRONMENT == "production" and self.auth.SECRET_KEY == DEV_SECRET:
            raise ValueError("SECRET_KEY must be set to a real secret in production")
        # An open /metrics names queues, task types and volumes to whoever reaches the port;
        # a firewall rule is easy to lose, so production takes a token and no exception
        # (16 characters or more, which also refuses the templates' CHANGE-ME).
        token = (self.monitoring.METRICS_TOKEN or "").strip()
        if self.app.ENVIRONMENT == "production" and len(token) < 16:
            raise ValueError("METRICS_TOKEN must be set in production (16 characters or more)")
        # without TOKEN_KEYS the token key is derived from SECRET_KEY: fine on a laptop, but
        # rotating SECRET_KEY would then lose every connected account
        publishing = self.publishing
        if self.app.ENVIRONMENT == "production" and publishing.any_platform_configured \
                and not publishing.TOKEN_KEYS:
            raise ValueError("TOKEN_KEYS and TOKEN_KEY_ID must be set in production "
                             "once a publishing platform has credentials")
        return self

    @model_validator(mode="after")
    def _outlast_the_longest_run(self) -> Settings:
        if self.maintenance.TEMP_FILE_MAX_AGE_S <= self.broker.TASK_HARD_TIME_LIMIT_S:
            raise ValueError("TEMP_FILE_MAX_AGE_S must exceed TASK_HARD_TIME_LIMIT_S")
        # a countdown longer than the visibility timeout is redelivered before it is due
        for name in ("WEBHOOK_BACKOFF_CAP_S", "WEBHOOK_RETRY_AFTER_CAP_S"):
            if getattr(self.webhooks, name) >= self.broker.VISIBILITY_TIMEOUT_S:
                raise ValueError(f"{name} must be below VISIBILITY_TIMEOUT_S")
        return self

    @model_validator(mode="after")
    def _openai_key_where_needed(self) -> Settings:
        content = self.content
        uses_openai = content.CONTENT_PROVIDER == "openai" or self.speech.TTS_PROVIDER == "openai"
        # Local OpenAI-compatible servers take no key; api.openai.com always wants one.
        if uses_openai and "api.openai.com" in content.OPENAI_BASE_URL \
                and not content.OPENAI_API_KEY:
            raise ValueError("OPENAI_API_KEY must be set to use api.openai.com")
        return self

    @property
    def storage_dir(self) -> Path:
        """The `local` backend's folder: STORAGE_DIR, else DATA_DIR / "storage"."""
        return (self.storage.STORAGE_DIR or self.app.DATA_DIR / "storage").resolve()


def group_types() -> dict[str, type[Group]]:
    """Each group's attribute on Settings and its class."""
    return {name: cast(type[Group], info.annotation)
            for name, info in Settings.model_fields.items()}


def _env_groups() -> dict[str, str]:
    owners: dict[str, str] = {}
    for group, kind in group_types().items():
        for variable in kind.model_fields:
            if variable in owners:  # one variable would set two fields
                raise TypeError(f"{variable} is in both {owners[variable]} and {group}")
            owners[variable] = group
    return owners


# Each variable operators set, and the group that reads it: `S3_BUCKET` -> "storage".
ENV_GROUPS: dict[str, str] = _env_groups()
