"""All routes under the API prefix."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import (
    admin_jobs,
    admin_library,
    admin_plans,
    admin_users,
    assets,
    auth,
    batches,
    files,
    jobs,
    library,
    plan_aliases,
    presets,
    projects,
    social_accounts,
    social_posts,
    stats,
    steps,
    transitions,
    usage,
    voices,
    workflows,
    ws,
)
from app.api.routes.admin_scale import router as admin_scale_router
from app.api.routes.schedules import router as schedule_router
from app.api.routes.webhooks import job_router as webhook_job_router
from app.api.routes.webhooks import router as webhook_router

api_router = APIRouter()
# deliveries before the job routes, so /tasks/{job_id}/deliveries is matched first
api_router.include_router(webhook_job_router)
# posts: POST /tasks/submit/social before the job routes, and /social/posts/...
api_router.include_router(social_posts.router)
# stats and the plan's aliases before the job routes: /tasks/{job_id} would otherwise catch
# /tasks/stats/... and /tasks/status/...
for module in (auth, assets, stats, plan_aliases, jobs, files, admin_jobs, admin_users,
               admin_plans, ws):
    api_router.include_router(module.router)
# workflows, batches and single steps: POST /tasks/submit/... and /tasks/{id}/retry
for module in (workflows, batches, steps):
    api_router.include_router(module.router)
# catalogues of what a submit may name
for module in (voices, transitions, presets):
    api_router.include_router(module.router)
api_router.include_router(admin_scale_router)
api_router.include_router(webhook_router)
api_router.include_router(schedule_router)
api_router.include_router(projects.router)
# the asset library and the admins' side of its shared items
for module in (library, admin_library):
    api_router.include_router(module.router)
# connected social accounts and the publishing platforms
api_router.include_router(social_accounts.router)
# the account screen: the plan's quotas and how much of each is taken
api_router.include_router(usage.router)
