"""Which route the app's router chooses for a request, as FastAPI's router does (the routing
index test and bench/routing.py)."""

import re

from fastapi.routing import _IncludedRouter, iter_route_contexts
from starlette.routing import Match


def scope(method: str, path: str) -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "",
            "headers": [], "query_string": b""}


def resolve(app, method: str, path: str):
    """The route the app's router hands this request to (FULL, else the first PARTIAL, as
    FastAPI's router does), or None."""
    request = scope(method, path)
    chosen = None
    for route in app.router.routes:
        match, _ = route.matches(request)
        if match == Match.FULL or (match == Match.PARTIAL and chosen is None):
            if isinstance(route, _IncludedRouter):
                _, _, route, _ = route._match(request)
            if match == Match.FULL:
                return route
            chosen = route
    return chosen


def sample_path(path_format: str) -> str:
    """A concrete path for a route's template: every parameter becomes 7 (or a/b for a path)."""
    return re.sub(r"{(\w+)(:path)?}", lambda m: "a/b" if m.group(2) else "7", path_format)


def requests(app) -> list[tuple[str, str]]:
    asked = [(method, sample_path(context.path_format))
             for context in iter_route_contexts(app.routes)
             for method in sorted(context.methods or {"GET"})]
    # near misses: a wrong method, a trailing slash, a longer path, nothing at all
    return asked + [("DELETE", "/api/v1/me"), ("GET", "/api/v1/me/"), ("GET", "/review/7/x"),
                    ("GET", "/nope"), ("POST", "/"), ("GET", "/static/x.css")]
