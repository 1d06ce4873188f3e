"""Evidence that cannot be forged (issue 16 item 6): the IP stored with a signature is the
client's, unless a configured proxy says otherwise."""

import asyncio

import httpx
import uvicorn
from sqlmodel import select

from api.app import create_app
from models.accounts import WebSession
from models.enums import Role
from models.signatures import Signature
from tests.support.accounts import make_user
from tests.support.enrollment import fill_section_b, register_coordinator, start_enrollment
from tests.support.system import bound_socket
from tests.support.web import PASSWORD

FORGED = {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "https"}


async def test_a_forged_forwarded_for_is_not_stored_with_a_signature(system):
    enrollment = await start_enrollment(system, ["Forgery Clinic"])
    email, location_id = next(iter(enrollment.locations.items()))
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    signed = await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement",
        headers=FORGED,
        json={"method": "typed", "typed_name": "Casey Coordinator", "consent": True})
    assert signed.status_code == 201, signed.text
    async with system.sessions() as session:
        stored = (await session.exec(select(Signature).where(
            Signature.location_id == location_id))).one()
    assert stored.ip_address == "127.0.0.1", stored.ip_address


async def test_a_configured_proxy_is_believed(system):
    """Behind a trusted load balancer the client's own address is what is kept."""
    settings = system.settings.model_copy(update={"trusted_proxies": "127.0.0.1"})
    app = create_app(settings, engine=system.engine,
                     gateway=system.gateway(settings))
    sock = bound_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", proxy_headers=False))
    server.install_signal_handlers = lambda: None
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        user = await make_user(system, Role.REVIEWER)
        host, port = sock.getsockname()
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as http:
            answer = await http.post("/api/v1/auth/token", headers=FORGED,
                                     json={"email": user.email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
    finally:
        server.should_exit = True
        await task
    async with system.sessions() as session:
        kept = (await session.exec(select(WebSession).where(
            WebSession.user_id == user.id))).one()
    assert kept.ip_address == "203.0.113.66"
