"""All routes under the API prefix, as the ordered list of routers the app includes.

The app includes each router itself (one level deep): FastAPI matches an included router
by asking each of its children, and again when it dispatches, so every level of nesting
repeats the scan of the routes before the match.
"""

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

API_ROUTERS: list[APIRouter] = []


def _add(router: APIRouter) -> None:
    API_ROUTERS.append(router)


# deliveries before the job routes, so /tasks/{job_id}/deliveries is matched first
_add(webhook_job_router)
# posts: POST /tasks/submit/social before the job routes, and /social/posts/...
_add(social_posts.router)
# stats and the plan's aliases before the job routes: /tasks/{job_id} would otherwise catch
# /tasks/stats/... and /tasks/status/...
for module in (auth, assets, stats, plan_aliases, jobs, files, admin_jobs, admin_users,
               admin_plans, ws):
    _add(module.router)
# workflows, batches and single steps: POST /tasks/submit/... and /tasks/{id}/retry
for module in (workflows, batches, steps):
    _add(module.router)
# catalogues of what a submit may name
for module in (voices, transitions, presets):
    _add(module.router)
_add(admin_scale_router)
_add(webhook_router)
_add(schedule_router)
_add(projects.router)
# the asset library and the admins' side of its shared items
for module in (library, admin_library):
    _add(module.router)
# connected social accounts and the publishing platforms
_add(social_accounts.router)
# the account screen: the plan's quotas and how much of each is taken
_add(usage.router)
