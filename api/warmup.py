"""What the framework would otherwise do the first time it is needed, on the event loop, while
every request in flight waits: done once at start-up, before the first request.

- AnyIO imports its asyncio back end (and the socket and TLS modules it pulls in) the first
  time anything runs in its worker threads: ~30 ms, the first time an uploaded file larger
  than its in-memory spool is read, for example.
- FastAPI reads each endpoint's source (`inspect.getsourcelines`, for its error messages) the
  first time that endpoint answers: up to ~13 ms, once per endpoint and process.

Both showed as the slowest waits of other requests while a 5,000-row file was uploaded
(`bench.lists`), caught by a watchdog thread reading the event loop's stack.
"""

from collections.abc import Iterable

import anyio
from fastapi import APIRouter
from fastapi import routing as fastapi_routing


async def warm_up(routers: Iterable[APIRouter]) -> int:
    """Run both first uses now; returns how many endpoints' sources were read."""
    await anyio.to_thread.run_sync(lambda: None)
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
