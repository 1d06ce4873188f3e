"""/healthz reports each component; any failing one makes it 503."""

import httpx

from api.app import create_app
from tests.support.smtp import free_port


async def test_healthz_reports_every_component_ok(system):
    async with system.http() as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "components": {
        "database": {"status": "ok"}, "temporal": {"status": "ok"}, "worker": {"status": "ok"},
        "smtp": {"status": "ok"}}}


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
