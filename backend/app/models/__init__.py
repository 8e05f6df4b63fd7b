"""SQLAlchemy models; importing this package registers every table on Base.metadata."""

from app.models.asset import Asset
from app.models.base import Base
from app.models.idempotency import IdempotencyKey
from app.models.job import Job, JobState
from app.models.user import ApiKey, User

__all__ = ["ApiKey", "Asset", "Base", "IdempotencyKey", "Job", "JobState", "User"]
