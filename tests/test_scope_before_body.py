"""A caller who may not touch a record is told so before what they sent is read.

The API checked a path's location, organization, employer, person, transfer, case or dose
only after validating the body (or the query): another organization's caller sending a wrong
body was answered 422 with the fields the route wants, where a right body was answered 404 (or
403). `enforce` (api/access.py) now makes each such route's own scope check first."""

import uuid
from datetime import date, timedelta

from fastapi.routing import APIRoute, iter_route_contexts

from api.access import ROUTES, Scope, key
from models.enums import Role
from tests.test_access_matrix import _path, world  # noqa: F401 - the fixture, shared

NAMED = (Scope.SELF, Scope.STATE, Scope.TOKEN, Scope.PUBLIC)
BAD_QUERY = "limit=0&offset=-1&page=0&day=never&status=nonsense&q=%00"


def _scoped(route: str) -> bool:
    method, path = route.split(" ", 1)
    return path.startswith("/api/") and ROUTES[route].scope not in NAMED and "_id}" in path


def _reading(app) -> list[str]:
    """API routes that name a record in their path and read a body or a query."""
    found = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (route.dependant.body_params
                                            or route.dependant.query_params):
            found |= {key(method, context.path) for method in (context.methods or set())
                      - {"HEAD"}}
    return sorted(name for name in found if name in ROUTES and _scoped(name))


def test_every_api_route_naming_a_record_checks_it_before_reading_input(system):
    """A route that names a record and reads a body or a query declares its scope check."""
    from api.app import create_app

    missing = [name for name in _reading(create_app(system.settings))
               if getattr(ROUTES[name], "check", None) is None]
    assert not missing, "input read before the record's scope:\n" + "\n".join(missing)


async def test_a_foreign_record_is_refused_alike_whatever_the_body(system, world):  # noqa: F811
    """Every such route, as each role it is declared for (wide roles aside), on another
    organization's record (or one that does not exist), with a body of nothing it wants and a
    query of wrong values: 404 or 403, never a 422 naming the fields."""
    from api.app import create_app

    clients, records = world
    wrong, checked = [], 0
    for route in _reading(create_app(system.settings)):
        method, template = route.split(" ", 1)
        access = ROUTES[route]
        path = _path(template.replace("{action}", "ship"), records, foreign=True)
        for role in sorted(access.roles - access.wide):
            sent = ({"params": BAD_QUERY} if method == "GET"
                    else {"json": {"nothing": "wanted"}, "params": BAD_QUERY})
            response = await clients[role].request(method, path, **sent)
            checked += 1
            if response.status_code not in (403, 404):
                wrong.append(f"{route} as {role}: {response.status_code} {response.text[:120]}")
    assert checked > 60
    assert not wrong, "input read before the scope:\n" + "\n".join(wrong)


async def test_the_answer_is_the_one_a_right_body_gets(world):  # noqa: F811
    """Another organization's location, organization and employer, each with a right body and a
    wrong one: the same status and the same words."""
    clients, records = world
    other_location, other_org = records["location_id"][1], records["org_id"][1]
    other_employer = records["employer_id"][1]
    expires = (date.today() + timedelta(days=120)).isoformat()
    cases = [
        ("manager", f"/api/v1/locations/{other_location}/inventory/receipts",
         {"product_id": 1, "lot_number": "SCOPE-1", "expiration_date": expires, "doses": 10,
          "request_key": uuid.uuid4().hex}),
        ("admin", f"/api/v1/organizations/{other_org}/locations",
         {"name": "Elsewhere", "street": "1 Main St", "city": "Raleigh", "state": "NC",
          "zip_code": "27601", "coordinator_first_name": "Cora",
          "coordinator_last_name": "Dunn", "coordinator_email": "cora.scope@example.org"}),
        ("manager", f"/api/v1/employers/{other_employer}/contacts",
         {"first_name": "Pat", "last_name": "Lee", "email": "pat.scope@example.org"}),
    ]
    roles = {"manager": Role.LOCATION_MANAGER, "admin": Role.ORG_ADMIN}
    for who, path, right in cases:
        client = clients[roles[who]]
        good = await client.post(path, json=right)
        bad = await client.post(path, json={"nothing": "wanted"})
        assert good.status_code in (403, 404), (path, good.status_code, good.text)
        assert (bad.status_code, bad.json()["detail"]) == (good.status_code,
                                                            good.json()["detail"]), path
