"""The FastAPI app factory: `uvicorn api.app:create_app --factory`."""

import sys
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import errors, openapi_doc
from api.access import enforce
from api.csrf import verify_csrf
from api.middleware import BodyLimit, HeadAsGet, SecurityHeaders, UniformAnswerTime
from api.pages import templates
from api.processes import Gateway
from api.routers import (
    api_docs,
    appointment_pages,
    auth,
    care_api,
    care_pages,
    dev,
    employer_pages,
    enrollment_api,
    files,
    health,
    help_pages,
    helpdesk_api,
    helpdesk_pages,
    home,
    inventory_api,
    inventory_pages,
    invite_pages,
    portal_api,
    portal_pages,
    proof,
    proof_pages,
    recipient_pages,
    recipient_portal,
    registration,
    registry_api,
    review,
    section_a_pages,
    section_b_api,
    section_b_pages,
    signing,
    sites,
    state,
)
from api.routing import Router, relative_slash_redirects
from api.services import Services
from api.static_files import static_app
from api.warmup import warm_up
from core.db import create_engine, session_factory
from core.heap import freeze_startup_heap
from core.profiling import profiled
from core.security import dummy_hash, use_password_hashing
from core.settings import Settings, get_settings

DESCRIPTION = """The NC COVID-19 Vaccine Management System API. Every portal action is also
available here, with the same validation and the same role and scope checks. Authenticate with
`POST /api/v1/auth/token` and send `Authorization: Bearer <token>`."""


def create_app(settings: Settings | None = None, *, engine: AsyncEngine | None = None,
               gateway: Gateway | None = None) -> FastAPI:
    settings = settings or get_settings()
    routers = (health.router, api_docs.router, home.router, auth.pages, auth.api, registration.pages,
               registration.api, dev.router, state.pages, enrollment_api.router,
               section_a_pages.router, invite_pages.router, section_b_pages.router,
               files.router, signing.pages, signing.api, review.pages, review.api,
               helpdesk_api.router, help_pages.router, helpdesk_pages.router,
               inventory_api.router, inventory_pages.pages, section_b_api.router,
               portal_api.router, portal_pages.router, employer_pages.router,
               proof.router, recipient_pages.pages, recipient_pages.api,
               recipient_portal.router, sites.router, care_api.router,
               care_pages.pages, proof_pages.router, registry_api.router,
               appointment_pages.router, appointment_pages.pages)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own_engine = engine is None
        db = engine or create_engine(settings.resolved_database_url)
        app.state.services = Services(settings=settings, sessions=session_factory(db),
                                      processes=gateway or Gateway(settings))
        await warm_up(app, routers)  # before the heap is frozen: what it loads stays put
        freeze_startup_heap(settings.gc_freeze)
        sys.setswitchinterval(settings.api_switch_interval_ms / 1000)
        use_password_hashing(settings.password_hash_time_cost, settings.password_hash_memory_kib)
        dummy_hash()  # made now: the first login naming no account costs what the others do
        with profiled():
            yield
        if own_engine:
            await db.dispose()

    app = FastAPI(title="NC CVMS", version="0.1.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  dependencies=[Depends(enforce), Depends(verify_csrf)])
    _add_middleware(app, settings)
    # Outside development templates change only with a release: no file check per page.
    templates.env.auto_reload = settings.is_development
    errors.install(app)
    openapi_doc.install(app)
    app.add_exception_handler(recipient_portal.BadLink, recipient_portal.bad_link)
    app.mount("/static", static_app(), name="static")
    for router in routers:
        if not isinstance(router, Router):  # see api/routing.py
            raise TypeError(f"{router!r} is not an api.routing.Router")
        app.include_router(router)
    relative_slash_redirects(app.router)
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    # Added last = outermost: an oversized body is refused before anything else runs but the
    # security headers, which its refusal carries as every answer does.
    app.add_middleware(UniformAnswerTime, floor=settings.account_answer_floor_ms / 1000)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, https=settings.cookies_secure)
    if settings.trusted_proxy_hosts:
        # Only these peers may say who the client is; servers run uvicorn with
        # --no-proxy-headers so its own blanket trust of 127.0.0.1 (or of "*") is off.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_hosts)
    app.add_middleware(HeadAsGet)
