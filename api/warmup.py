"""What the framework would otherwise do the first time it is needed, on the event loop, while
every request in flight waits: done once at start-up, before the first request.

- AnyIO imports its asyncio back end (and the socket and TLS modules it pulls in) the first
  time anything runs in its worker threads: ~30 ms, the first time an uploaded file larger
  than its in-memory spool is read, for example.
- FastAPI reads each endpoint's source (`inspect.getsourcelines`, for its error messages) the
  first time that endpoint answers: up to ~13 ms, once per endpoint and process.
- FastAPI (0.137 and later) prepares an included router's routes again, with what the
  inclusion adds (their parameters' and bodies' fields), the first time a request reaches
  that router: 294 ms for our 37 routers, up to 185 ms for one.

A watchdog thread reading the event loop's stack caught each as the longest wait of other
people's requests: the first two while a 5,000-row file was uploaded (`bench.lists`), the
third while a storage unit's photos were (`bench.photo_upload`).
"""

from collections.abc import Iterable

import anyio
from fastapi import APIRouter, FastAPI
from fastapi import routing as fastapi_routing


async def warm_up(app: FastAPI, routers: Iterable[APIRouter]) -> int:
    """Run these first uses now; returns how many endpoints' sources were read."""
    await anyio.to_thread.run_sync(lambda: None)
    # The included routers' prepared routes: FastAPI's own nodes, built on first use and kept
    # until the router's routes change. Without these methods there is nothing to prepare.
    for node in app.router.routes:
        for name in ("effective_candidates", "effective_low_priority_routes"):
            prepare = getattr(node, name, None)
            if callable(prepare):
                prepare()
    # A private helper of FastAPI's (cached by function): an upgrade that drops it only
    # brings back the first-request cost; tests/test_warmup.py notices.
    context = getattr(fastapi_routing, "_extract_endpoint_context", None)
    if context is None:
        return 0
    endpoints = {route.dependant.call for router in routers for route in router.routes
                 if getattr(getattr(route, "dependant", None), "call", None) is not None}
    for endpoint in endpoints:
        context(endpoint)
    return len(endpoints)
