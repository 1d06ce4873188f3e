"""/healthz reports each component; any failing one makes it 503."""

import httpx

from api.app import create_app
from tests.support.smtp import free_port

ALL_OK = {"status": "ok", "components": {
    "database": {"status": "ok"}, "temporal": {"status": "ok"}, "worker": {"status": "ok"},
    "smtp": {"status": "ok"}}}


async def test_healthz_reports_every_component_ok(system):
    """Asked as an orchestrator asks (docker-compose, Kubernetes): a probe may miss once under
    load (each component has 3 s; CI once saw Temporal take longer on a saturated 2-core
    machine running both rings), so it is asked up to three times, and every answer but an
    all-ok one must name what failed."""
    answers = []
    async with system.http() as http:
        for _ in range(3):
            response = await http.get("/healthz")
            answers.append((response.status_code, response.json()))
            if response.status_code == 200:
                break
            assert response.status_code == 503
            assert any(c["status"] == "failing" and c["error"]
                       for c in response.json()["components"].values()), answers
    assert answers[-1] == (200, ALL_OK), answers


async def test_healthz_is_503_when_smtp_is_down(system):
    settings = system.settings.model_copy(update={"smtp_port": free_port()})
    app = create_app(settings, engine=system.engine, gateway=system.gateway(settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["components"]["smtp"]["status"] == "failing"
    assert body["components"]["database"]["status"] == "ok"


async def test_openapi_docs_are_served(system):
    async with system.http() as http:
        spec = (await http.get("/api/openapi.json")).json()
        docs = await http.get("/api/docs")
    assert "/api/v1/registrations" in spec["paths"]
    assert docs.status_code == 200


async def test_head_is_answered_as_get_without_a_body(system):
    """Found by the outside check: HEAD was a 405 everywhere, /healthz included, so uptime
    monitors and link checkers (which ask with HEAD) saw the portal as broken. Over a real
    connection: the server must send no body, and the next request on it must still work."""
    async with system.http() as http:
        for path in ("/", "/login", "/healthz", "/help", "/api/v1/me", "/no-such-page"):
            for _ in range(3):  # /healthz is 503 while a part is slow (a loaded machine)
                got = await http.get(path)
                head = await http.head(path)
                if head.status_code == got.status_code:
                    break
            assert head.status_code == got.status_code, (path, head.status_code)
            assert head.content == b"", path
            assert head.headers["content-type"] == got.headers["content-type"], path
            assert head.headers.get("content-security-policy"), path
        page = await http.head("/login")
        assert int(page.headers["content-length"]) > 1000
        assert (await http.get("/healthz")).status_code == 200, "the connection still works"
