"""The job runtime without Celery: queue names and priorities, claim, heartbeat, progress,
state history and retry policy, as plain Python over SQLAlchemy and the event bus.
`app.tasks` adapts it to Celery; nothing here imports Celery, `app.tasks` or `app.api`."""
