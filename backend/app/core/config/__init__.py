"""One settings object for the API, the workers and the CLI, in one group per concern.

Each field is named after the variable that sets it, in the environment or `.env`:
`S3_BUCKET` sets `settings.storage.S3_BUCKET`. ENV_GROUPS says which group reads which.
"""

from __future__ import annotations

from app.core.config.admission import AdmissionSettings, PlanLimits
from app.core.config.application import AppSettings
from app.core.config.auth import DEV_SECRET, AuthSettings
from app.core.config.broker import BrokerSettings
from app.core.config.composed import ENV_GROUPS, Settings, group_types
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

__all__ = [
    "DEV_SECRET", "ENV_GROUPS", "AdmissionSettings", "AppSettings", "AuthSettings",
    "BrokerSettings", "ContentSettings", "DatabaseSettings", "Group", "MaintenanceSettings",
    "MonitoringSettings", "PlanLimits", "PublishingSettings", "RealtimeSettings", "RenderSettings",
    "ScalingSettings", "ScheduleSettings", "Settings", "SpeechSettings", "StorageSettings",
    "UploadSettings", "WebhookSettings", "WorkflowSettings", "group_types", "settings",
]

settings = Settings()
