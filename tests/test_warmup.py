"""What the API does at start-up so that no request waits for it later: FastAPI reads every
endpoint's source (for its error messages) the first time that endpoint answers, up to ~13 ms
on the event loop while other requests wait, so the API reads them all before its first
request; and the API shortens the GIL's switch interval. (The other first use api/warmup.py
runs, AnyIO's thread back end, is already loaded in any test process: measured in
`bench.lists`, not tested.)"""

import sys

import pytest
from fastapi import routing as fastapi_routing

from api.app import create_app
from core.settings import Settings


async def test_every_endpoints_source_is_read_before_the_first_request(monkeypatch):
    assert hasattr(fastapi_routing, "_extract_endpoint_context"), (
        "FastAPI no longer has the helper api/warmup.py calls: see whether it still reads "
        "endpoint sources on the first request")
    cache: dict = {}
    monkeypatch.setattr(fastapi_routing, "_endpoint_context_cache", cache)
    app = create_app(Settings(gc_freeze=False))
    assert not cache
    async with app.router.lifespan_context(app):
        assert len(cache) >= 200, len(cache)
        assert all(context.get("file", "").endswith(".py") and context.get("line")
                   for context in cache.values())


async def test_the_api_takes_its_gil_switch_interval_from_its_settings():
    before = sys.getswitchinterval()
    app = create_app(Settings(api_switch_interval_ms=2.5, gc_freeze=False))
    try:
        async with app.router.lifespan_context(app):
            assert sys.getswitchinterval() == pytest.approx(0.0025)
    finally:
        sys.setswitchinterval(before)


async def test_every_included_router_is_prepared_before_the_first_request():
    app = create_app(Settings(gc_freeze=False))
    nodes = [node for node in app.router.routes if hasattr(node, "effective_candidates")]
    assert len(nodes) >= 30, "FastAPI no longer keeps included routers as nodes: see api/warmup.py"
    assert all(node._effective_candidates_version is None for node in nodes)
    async with app.router.lifespan_context(app):
        assert all(node._effective_candidates_version is not None for node in nodes)
        assert all(node._effective_low_priority_routes_version is not None for node in nodes)
