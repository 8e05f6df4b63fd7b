"""PostgreSQL: where it is and the connection pool."""

from __future__ import annotations

from app.core.config.group import Group


class DatabaseSettings(Group):
    """The database URL and each process's pool."""

    DATABASE_URL: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    DB_POOL_SIZE: int = 20
    DB_MAX_OVERFLOW: int = 20
    DB_POOL_RECYCLE_S: int = 1800

    @property
    def sync_url(self) -> str:
        """The same database through psycopg, for workers and Alembic."""
        return self.DATABASE_URL.replace("+asyncpg", "+psycopg", 1)
