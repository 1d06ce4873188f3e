"""Deny by default, proven: every route x every role x own and foreign records.

The declarations (api/access.py) say which roles may call each route and on which scope. This
test walks every route the app serves: a role the declaration does not name is refused (and
an anonymous visitor sent to log in); a declared role is refused another location's,
organization's, employer's or person's record. A route with no declaration fails the suite
(and is refused to everyone at run time)."""

import re
import uuid
from datetime import date, timedelta
from unittest.mock import patch
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from api.access import ROUTES, Scope, route_keys, undeclared
from models.employers import Employer, EmployerContact
from models.enrollment import Location, Organization, UserLocation
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.inventory import LedgerEntry, Lot, Product, Transfer
from models.inventory_rules import EntryKind
from tests.support.accounts import make_user
from tests.support.web import CSRF, api_client

REFUSED = {401, 403}
NOBODY = None  # the anonymous visitor
STRINGS = {"token": "x" * 43, "step": "location", "tab": "recipients", "role": "ceo",
           "document": "cdc_provider_agreement", "key": "x"}
ACTIONS = {"/inventory/": "receive", "/transfers/": "ship", "/help/cases/": "reply",
           "/helpdesk/cases/": "reply", "/portal/accounts/": "edit"}
UNKNOWN = 2_000_000_000  # an id of nothing: kinds this test builds no record of


def _location(org_id: int, name: str, coordinator: int | None = None) -> Location:
    return Location(organization_id=org_id, name=name, street="1 Main St", city="Raleigh",
                    state="NC", zip_code="27601", coordinator_first_name="C",
                    coordinator_last_name="D", coordinator_email=f"{uuid.uuid4().hex}@x.org",
                    coordinator_user_id=coordinator, status=LocationStatus.APPROVED)


async def _records(system, users: dict[Role, object]) -> dict[str, tuple[int, int]]:
    """(own, foreign) ids for each kind of record a path names."""
    outsider = await make_user(system, Role.ORG_ADMIN)
    foreigner = await make_user(system, Role.PROVIDER)
    async with system.sessions() as session:
        own_org = Organization(legal_name="Own", admin_user_id=users[Role.ORG_ADMIN].id)
        other_org = Organization(legal_name="Other", admin_user_id=outsider.id)
        session.add_all([own_org, other_org])
        await session.flush()
        own = _location(own_org.id, "Own site", users[Role.COORDINATOR].id)
        other, third = _location(other_org.id, "Other site"), _location(other_org.id, "Third")
        session.add_all([own, other, third])
        await session.flush()
        session.add(UserLocation(user_id=users[Role.COORDINATOR].id, location_id=own.id))
        for role in (Role.LOCATION_MANAGER, Role.PROVIDER, Role.PROVIDER_READONLY):
            session.add(UserLocation(user_id=users[role].id, location_id=own.id, profile=role,
                                     direct=True))
        session.add(UserLocation(user_id=foreigner.id, location_id=other.id,
                                 profile=Role.PROVIDER, direct=True))
        employers = [Employer(name=n, industry="Other (including not employed)", location_id=loc,
                              created_by=users[Role.LOCATION_MANAGER].id)
                     for n, loc in (("Own employer", own.id), ("Other employer", other.id))]
        session.add_all(employers)
        await session.flush()
        contacts = [EmployerContact(employer_id=e.id, first_name="P", last_name="C",
                                    email=f"{uuid.uuid4().hex}@x.org", created_by=e.created_by)
                    for e in employers]
        contacts[0].user_id, contacts[0].status = users[Role.ORG_CONTACT].id, "validated"
        session.add_all(contacts)
        product = (await session.exec(select(Product))).first()
        lot = Lot(location_id=other.id, product_id=product.id, lot_number="F-1", on_hand=10,
                  expiration_date=date.today() + timedelta(days=90))
        session.add(lot)
        await session.flush()
        # received as the ledger would have it (other tests check every lot against its ledger)
        session.add(LedgerEntry(key=f"access-{uuid.uuid4().hex}", lot_id=lot.id,
                                location_id=other.id, kind=EntryKind.RECEIVED, doses=10,
                                actor="access matrix setup"))
        transfer = Transfer(kind="transfer", from_location_id=other.id, to_location_id=third.id,
                            requested_by_location_id=other.id, requested_by=foreigner.id,
                            lot_id=lot.id, product_id=product.id, lot_number="F-1",
                            expiration_date=lot.expiration_date, doses=1, reason="r",
                            request_key=uuid.uuid4().hex)
        session.add(transfer)
        await session.commit()
        return {"location_id": (own.id, other.id), "org_id": (own_org.id, other_org.id),
                "employer_id": (employers[0].id, employers[1].id),
                "contact_id": (contacts[0].id, contacts[1].id),
                "user_id": (users[Role.PROVIDER].id, foreigner.id),
                "transfer_id": (UNKNOWN, transfer.id)}


@pytest.fixture(scope="module")
async def world(system):
    users = {role: await make_user(system, role, username=f"{role.value}-{uuid.uuid4().hex[:6]}")
             for role in Role}
    records = await _records(system, users)
    clients = {role: await api_client(system, users[role].email) for role in Role}
    clients[NOBODY] = system.http()
    return clients, records


def _path(template: str, records: dict, foreign: bool) -> str:
    path = template
    for name, (own, other) in records.items():
        path = path.replace(f"{{{name}}}", str(other if foreign else own))
    for prefix, action in ACTIONS.items():
        if path.startswith(prefix):
            path = path.replace("{action}", action)
    for name, value in STRINGS.items():
        path = path.replace(f"{{{name}}}", value)
    while "{" in path:  # ids of kinds this test builds no record of
        start = path.index("{")
        path = path[:start] + str(UNKNOWN) + path[path.index("}", start) + 1:]
    return path


async def _call(client, method: str, path: str):
    body = {"json": {}} if path.startswith("/api/") else {"data": {}}
    if method in ("GET", "DELETE"):
        body = {}
    return await client.request(method, path, **body)


def _routes():
    return sorted(k for k in ROUTES if ROUTES[k].roles is not None)


def test_every_route_is_declared_and_every_declaration_is_a_route(system):
    from api.app import create_app

    app = create_app(system.settings)
    assert undeclared(app) == [], "routes with no access declaration (refused to everyone)"
    assert set(ROUTES) <= route_keys(app), "declarations of routes that do not exist"


async def test_no_role_reaches_a_route_it_is_not_declared_for(world):
    clients, records = world
    wrong, checked = [], 0
    for route in _routes():
        method, template = route.split(" ", 1)
        access = ROUTES[route]
        for role, client in clients.items():
            if role is not NOBODY and role in access.roles:
                continue
            response = await _call(client, method, _path(template, records, foreign=False))
            checked += 1
            to_login = response.status_code == 303 and "/login" in response.headers["location"]
            if response.status_code not in REFUSED and not to_login:
                wrong.append(f"{route} as {role}: {response.status_code}")
    assert checked > 1000
    assert not wrong, "undeclared access:\n" + "\n".join(wrong)


async def test_declared_roles_cannot_reach_another_places_records(world):
    clients, records = world
    wrong, checked = [], 0
    for route in _routes():
        method, template = route.split(" ", 1)
        access = ROUTES[route]
        if access.scope in (Scope.SELF, Scope.STATE, Scope.TOKEN, Scope.PUBLIC):
            continue
        if not any(f"{{{name}}}" in template for name in records):
            continue
        for role in access.roles - access.wide:
            response = await _call(clients[role], method, _path(template, records, True))
            checked += 1
            if response.status_code < 400 or response.status_code >= 500:
                wrong.append(f"{route} as {role}: {response.status_code}")
    assert checked > 40
    assert not wrong, "a foreign record was reached:\n" + "\n".join(wrong)


async def test_removing_one_declaration_fails_the_suite_and_refuses_the_route(system, world):
    from api.app import create_app

    clients, _records = world
    gone = "GET /api/v1/portal/me"
    assert (await clients[Role.PROVIDER].get("/api/v1/portal/me")).status_code == 200
    with patch.dict(ROUTES):
        del ROUTES[gone]
        assert undeclared(create_app(system.settings)) == [gone]
        refused = await clients[Role.PROVIDER].get("/api/v1/portal/me")
        assert refused.status_code == 403 and "declares no access" in refused.json()["detail"]


FIELD = re.compile(r'name="([\w\-\[\].]+)"')
FORM = "application/x-www-form-urlencoded"


async def _fields_of(client, path: str) -> set[str]:
    """The field names on the page at `path` and above it (where its form is shown)."""
    names: set[str] = set()
    for page in (path, path.rsplit("/", 1)[0] or "/"):
        names |= set(FIELD.findall((await client.get(page)).text))
    return names - {"csrf_token"}


async def test_no_page_form_answers_5xx_to_what_no_browser_sends(world):
    """Every page's form, as a role it is declared for, sent as no browser would: each field
    twice, a file for each field, bytes that are not UTF-8. Each is answered as a person's
    mistake (4xx) or done; none is a server error. Found so: a repeated field reached handlers
    as a list (`/login`'s "next", Section A's locations: 500), a file for a text field as a
    file (500), and a provider's edit form for a provider the location does not list (500)."""
    clients, records = world
    # the anonymous browser's form token (clients with a bearer token need none)
    token = CSRF.search((await clients[NOBODY].get("/login")).text)[1]
    broken, checked = [], 0
    for route in sorted(k for k in ROUTES if k.startswith("POST /")
                        and not k.startswith("POST /api/") and k != "POST /logout"):
        access = ROUTES[route]
        role = NOBODY if access.roles is None else min(access.roles, key=str)
        client, path = clients[role], _path(route.split(" ", 1)[1], records, foreign=False)
        names = await _fields_of(client, path) | {"name", "email", "next"}
        twice = urlencode([(n, v) for n in sorted(names) for v in ("a", "b")]
                          + [("csrf_token", token)])
        sent = [await client.post(path, content=twice, headers={"content-type": FORM}),
                await client.post(path, data={"csrf_token": token},
                                  files={n: ("x.txt", b"x", "text/plain") for n in names}),
                await client.post(path, content=b"a=%ff&b=\xff\xfe&csrf_token=" + token.encode(),
                                  headers={"content-type": FORM})]
        checked += len(sent)
        broken += [f"{route} as {role}: {r.status_code}" for r in sent if r.status_code >= 500]
    assert checked > 150
    assert not broken, "server errors:\n" + "\n".join(broken)


# Bodies no client of ours sends: each must be refused as the caller's mistake (4xx).
ODD_BODIES = [
    (b'{"a": 1, "a": 2}', "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),  # deeper than Python's recursion limit
    (b'{"x": NaN, "y": Infinity}', "application/json"),
    (b'"a string"', "application/json"),
    (b"null", "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b'{"email": ["a", "b"], "name": {"x": 1}, "doses": 1e400, "id": 99999999999999999999}',
     "application/json"),
    (b"a=1&a=2&email=x", FORM),
    (b"--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xx--\r\n",
     "multipart/form-data; boundary=xx"),
    (b"--xx\r\nbroken", "multipart/form-data; boundary=xx"),
    (b"{}", "text/plain"),
    (b"", "application/json"),
]


async def test_no_api_call_answers_5xx_to_a_body_no_client_sends(world):
    """Every API call that takes a body, as a role it is declared for, sent bodies no client of
    ours sends (nested 5,000 deep, NaN, a repeated key, bytes that are not UTF-8, a broken
    multipart, the wrong type): each is refused as the caller's mistake. Found so: a public
    question nested deeper than Python's recursion limit answered 500."""
    clients, records = world
    broken, checked = [], 0
    for route in sorted(k for k in ROUTES if k.split(" ")[0] in ("POST", "PUT", "PATCH")
                        and " /api/" in k):
        method, template = route.split(" ", 1)
        access = ROUTES[route]
        role = NOBODY if access.roles is None else min(access.roles, key=str)
        path = _path(template, records, foreign=False)
        for body, content_type in ODD_BODIES:
            response = await clients[role].request(method, path, content=body,
                                                   headers={"content-type": content_type})
            checked += 1
            if response.status_code >= 500:
                broken.append(f"{route} as {role}, {body[:20]!r}: {response.status_code}")
    assert checked > 500
    assert not broken, "server errors:\n" + "\n".join(broken)
