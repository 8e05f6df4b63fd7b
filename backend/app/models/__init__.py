"""SQLAlchemy models; importing this package registers every table on Base.metadata."""

from app.models.asset import Asset, AssetUsage
from app.models.base import Base
from app.models.idempotency import IdempotencyKey
from app.models.job import Job, JobState
from app.models.maintenance_run import MaintenanceRun
from app.models.project import Project
from app.models.report import DailyReport
from app.models.resubmit import Resubmit
from app.models.schedule import Schedule, ScheduleRun
from app.models.social import AccountStatus, OAuthState, SocialAccount
from app.models.social_post import PostState, SocialPost
from app.models.usage import UsageDaily
from app.models.user import ApiKey, User
from app.models.webhook import WebhookDelivery, WebhookEndpoint, WebhookSecret
from app.models.workflow import Batch, Workflow, WorkflowState

__all__ = ["AccountStatus", "ApiKey", "Asset", "AssetUsage", "Base", "Batch", "DailyReport",
           "IdempotencyKey", "Job", "JobState", "MaintenanceRun", "OAuthState", "PostState",
           "Project", "Resubmit", "Schedule", "ScheduleRun", "SocialAccount", "SocialPost",
           "UsageDaily", "User",
           "WebhookDelivery", "WebhookEndpoint", "WebhookSecret", "Workflow", "WorkflowState"]
