"""The FastAPI application: create_app() and its lifespan (engine, redis, event hub)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import FastAPI

from app.api.errors import install_error_handlers
from app.api.limits import BodySizeLimit
from app.api.openapi_document import install_openapi
from app.api.router import API_ROUTERS
from app.api.routes import health, metrics
from app.api.text_guard import NulGuard
from app.core.config import settings
from app.core.db import make_async_engine, make_sessionmaker
from app.core.logging import configure_logging
from app.realtime.hub import EventHub
from app.realtime.transport import ExposeTransport
from app.services.submits.admission import Admitter
from app.tasks.publish import install_celery_broker
from app.web import routes as web

MULTIPART_OVERHEAD = 1 << 20


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    engine = make_async_engine()
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.redis = aioredis.Redis.from_url(settings.broker.REDIS_URL, max_connections=200,
                                              socket_timeout=10)
    app.state.hub = EventHub(app.state.redis)
    await app.state.hub.start()
    app.state.admitter = Admitter(engine, app.state.redis,
                                  max_batch=settings.admission.SUBMIT_BATCH_MAX,
                                  batchers=settings.admission.SUBMIT_BATCHERS)
    await app.state.admitter.start()
    try:
        yield
    finally:
        await app.state.admitter.stop()
        await app.state.hub.stop()
        await app.state.redis.aclose()
        await engine.dispose()


def create_app() -> FastAPI:
    configure_logging()
    install_celery_broker()  # the runtime publishes jobs through Celery in this process
    app = FastAPI(
        title=settings.app.PROJECT_NAME,
        version="0.1.0",
        summary="Turn photos, scripts and topics into short videos, on your own servers.",
        lifespan=lifespan,
        openapi_url=f"{settings.app.API_PREFIX}/openapi.json",
    )
    install_error_handlers(app)
    install_openapi(app)  # reads app.routes when first served: later routes are covered
    uploads = settings.uploads
    # Video clips above this go by direct upload (POST /assets/uploads) up to
    # MAX_VIDEO_BYTES: the API does not stream 200 MB bodies through itself.
    upload_cap = max(uploads.MAX_IMAGE_BYTES, uploads.MAX_AUDIO_BYTES) + MULTIPART_OVERHEAD
    app.add_middleware(NulGuard)
    prefix = settings.app.API_PREFIX
    # admins add shared library items through the same multipart upload as POST /assets
    app.add_middleware(BodySizeLimit, limits={f"{prefix}/assets": upload_cap,
                                              f"{prefix}/admin/library": upload_cap},
                       default=1 << 20)
    app.add_middleware(ExposeTransport)  # added last, so outermost: sees uvicorn's own send
    app.include_router(health.router)
    app.include_router(metrics.router)
    for router in API_ROUTERS:
        app.include_router(router, prefix=settings.app.API_PREFIX)
    app.include_router(web.router)
    return app


app = create_app()
