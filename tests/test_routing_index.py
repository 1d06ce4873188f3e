"""Routers refuse a path that none of their routes can match with one expression
(api/routing.py): the route that answers a request is the same as without that short cut, and
a path no router serves asks no route at all."""

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute, _EffectiveRouteContext, _IncludedRouter

from api.app import create_app
from api.routers import health
from api.routing import Router, paths_pattern
from core.settings import Settings
from tests.support.routing import requests, resolve
from tests.support.system import TEST_SECRET


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(_env_file=None, environment="test", secret_key=TEST_SECRET))


def test_every_request_reaches_the_route_it_reached_without_the_index(app, monkeypatch):
    asked = requests(app)
    assert len(asked) > 200
    indexed = [resolve(app, method, path) for method, path in asked]
    monkeypatch.setattr(Router, "_paths", lambda self: None)  # ask every route, as FastAPI does
    plain = [resolve(app, method, path) for method, path in asked]
    assert [getattr(r, "endpoint", r) for r in indexed] == \
           [getattr(r, "endpoint", r) for r in plain]
    assert sum(r is not None for r in indexed) >= len(asked) - 6


def test_a_path_no_router_serves_asks_no_route(app, monkeypatch):
    asked = []
    original = _EffectiveRouteContext.matches

    def counting(self, request):
        asked.append(self)
        return original(self, request)

    monkeypatch.setattr(_EffectiveRouteContext, "matches", counting)
    assert resolve(app, "GET", "/no/such/page") is None
    assert asked == []
    route = resolve(app, "GET", "/api/v1/me")
    assert isinstance(route, APIRoute) and route.path == "/api/v1/me"
    # only the router that serves it asked its routes (twice: FastAPI matches, then handles)
    assert 0 < len(asked) <= 2 * len(next(r for r in app.router.routes
                                          if isinstance(r, _IncludedRouter)
                                          and route in r.original_router.routes)
                                      .original_router.routes)


def test_a_router_whose_routes_have_no_path_expression_is_asked_route_by_route():
    class Opaque:
        pass

    assert paths_pattern([Opaque()]) is None
    assert paths_pattern([]) is None
    router = Router()

    @router.get("/items/{item_id}")
    async def item(item_id: int) -> int:
        return item_id

    pattern = paths_pattern(router.routes)
    assert pattern.match("/items/12") and not pattern.match("/items/12/x")


def test_the_app_refuses_a_router_without_the_index(monkeypatch):
    monkeypatch.setattr(health, "router", APIRouter())
    with pytest.raises(TypeError, match="api.routing.Router"):
        create_app(Settings(_env_file=None, environment="test", secret_key=TEST_SECRET))


FORGED_HOST = {"Host": "evil.example"}


async def test_a_trailing_slash_redirect_names_no_host_the_request_made_up(app, system):
    """GET /organization/ with a forged Host answered Location: http://evil.example/organization:
    the redirect now keeps to its path and query string, on the app and on a real server."""
    import httpx

    in_process = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                   base_url="http://testserver")
    async with in_process, system.http() as served:
        for http in (in_process, served):
            answer = await http.get("/organization/?tab=2&x=%2F", headers=FORGED_HOST)
            assert answer.status_code == 307, answer.text
            assert answer.headers["location"] == "/organization?tab=2&x=%2F", answer.headers
            added = await http.get("/api/v1/me/", headers=FORGED_HOST)
            assert added.status_code == 307 and added.headers["location"] == "/api/v1/me"
        assert (await served.get("/no/such/page/", headers=FORGED_HOST)).status_code == 404
        # a path that would read as another host ("//evil.example") is never a redirect
        other_host = await served.get(f"{system.base_url}//evil.example/", headers=FORGED_HOST)
        assert other_host.status_code == 404, other_host.headers
