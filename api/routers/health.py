"""/healthz: the database, the Temporal server, a worker polling our task queue, and SMTP."""

import asyncio
from collections.abc import Awaitable, Callable

import aiosmtplib
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import ServicesDep
from api.processes import health
from api.routing import Router
from api.services import Services
from core.errors import Unavailable

router = Router(tags=["health"])
CHECK_TIMEOUT = 3.0


async def _database(services: Services) -> None:
    async with services.sessions() as session:
        await session.exec(text("SELECT 1"))


async def _temporal(services: Services) -> None:
    if not await health.server_healthy(services.processes):
        raise RuntimeError("Temporal reports not serving")


async def _worker(services: Services) -> None:
    try:
        polls = await health.worker_polls(services.processes)
    except Unavailable as error:  # its words are a person's ("nothing you entered was lost")
        raise RuntimeError("Temporal could not be reached, so no worker could be asked"
                           ) from error
    if not polls:
        raise RuntimeError(f"no worker answers on task queue {services.processes.task_queue!r}")


async def _smtp(services: Services) -> None:
    s = services.settings
    smtp = aiosmtplib.SMTP(hostname=s.smtp_host, port=s.smtp_port, use_tls=s.smtp_use_tls,
                           start_tls=False, timeout=CHECK_TIMEOUT)
    await smtp.connect()
    try:
        await smtp.noop()
    finally:
        await smtp.quit()


async def _check(probe: Callable[[Services], Awaitable[None]], services: Services) -> dict:
    try:
        await asyncio.wait_for(probe(services), CHECK_TIMEOUT)
        return {"status": "ok"}
    except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
        return {"status": "failing", "error": f"{type(error).__name__}: {error}"[:300]}


async def _temporal_then_worker(services: Services) -> tuple[dict, dict]:
    """The worker is asked after the server: a server reached again is what lets the gateway
    send actions again after an outage (api/processes/gateway.py), the worker's probe too."""
    temporal = await _check(_temporal, services)
    return temporal, await _check(_worker, services)


@router.get("/healthz", summary="Health of the database, Temporal, the worker and SMTP")
async def healthz(services: ServicesDep) -> JSONResponse:
    database, smtp, (temporal, worker) = await asyncio.gather(
        _check(_database, services), _check(_smtp, services), _temporal_then_worker(services))
    components = {"database": database, "temporal": temporal, "worker": worker, "smtp": smtp}
    ok = all(c["status"] == "ok" for c in components.values())
    body = {"status": "ok" if ok else "failing", "components": components}
    return JSONResponse(body, status_code=200 if ok else 503)
