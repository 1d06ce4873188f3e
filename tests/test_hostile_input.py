"""No 500 on any input, and request keys that belong to their owner (issue 16, items 8 and 9).

Ids arrive as text or past 2^63-1 in paths, queries and forms; each is refused with a 4xx that
names the field. A transfer's request key replayed by another person reveals nothing.
"""

import pytest

from models.enums import Role
from models.helpdesk import Case
from tests.support.accounts import make_user
from tests.support.inventory import enrolled_sites, key, lot_id, product_id, receive
from tests.support.review import reviewer
from tests.support.web import api_client, browser

HUGE = 2**63  # one past the largest 64-bit integer
PAST_INT = 2**31  # one past the id columns' 32-bit INTEGER on Postgres


@pytest.fixture(scope="module")
async def world(system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Hostile North", "Hostile South"],
                                 redistribution=False, state=state)
    return state, sites


async def logged_in(system, email: str):
    person = browser(system)
    assert (await person.login(email)).status_code == 200
    return person


def refused(response, field: str, status: int = 422) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    if response.headers["content-type"].startswith("application/json"):
        assert field in response.json()["errors"], response.json()
    else:  # a page: the field's own error (an id not one of the options says so by it)
        assert field in response.text or "Choose one of the options listed." in response.text


async def test_text_and_oversized_ids_in_api_paths_and_queries_answer_422(system, world):
    state, sites = world
    north = sites.ids[0]
    coordinator = sites.staff[north]
    for bad in ("abc", str(HUGE), str(PAST_INT), "1e3", "-1", "0"):
        refused(await coordinator.get(f"/api/v1/locations/{bad}/section-b"), "location_id")
        refused(await coordinator.get(f"/api/v1/transfers/{bad}"), "transfer_id")
    refused(await coordinator.post(f"/api/v1/locations/{north}/inventory/lots/{HUGE}/adjustments",
                                   json={"kind": "wastage", "doses": 1, "reason": "Dropped",
                                         "request_key": key()}), "lot_id")
    refused(await state.get("/api/v1/review/queue", params={"offset": str(HUGE)}), "offset")
    largest = await coordinator.get(f"/api/v1/transfers/{PAST_INT - 1}")
    assert largest.status_code == 404, largest.text


async def test_text_and_oversized_ids_in_page_paths_are_pages_not_found(system, world):
    """A page's address that names nothing is not found (the API answers 422 naming the part:
    test_input_limits)."""
    _state, sites = world
    north = sites.ids[0]
    person = await logged_in(system, sites.emails[north])
    for url in (f"/locations/{HUGE}/section-b", "/locations/north/section-b",
                f"/inventory/{HUGE}", f"/transfers/{HUGE}", f"/files/{HUGE}"):
        page = await person.get(url)
        assert page.status_code == 404, (url, page.status_code)
        assert "could not find that page" in page.text and "Traceback" not in page.text
        assert "<h1>Page not found</h1>" in page.text, "the heading in people's words"
    odd = await person.get("/helpdesk/kb?page=zero")  # a hand-edited address
    assert "Unprocessable" not in odd.text and "<code>" not in odd.text, odd.text


async def test_an_inventory_adjustment_with_a_text_lot_is_refused_on_the_lot(system, world):
    _state, sites = world
    north = sites.ids[0]
    assert (await receive(sites.staff[north], north, await product_id(system), "ADJ-1",
                          10)).status_code == 201  # the adjustment form shows once a lot exists
    person = await logged_in(system, sites.emails[north])
    for lot in ("north-lot", str(HUGE)):
        page = await person.submit(f"/inventory/{north}", {
            "lot_id": lot, "kind": "wastage", "doses": "1", "reason": "Dropped",
            "request_key": key()}, action=f"/inventory/{north}/adjust")
        assert page.status_code == 422, page.status_code
        assert 'id="adjust-lot_id-error"' in page.text


async def test_help_desk_forms_with_text_ids_are_refused(system, world):
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Rosa Recipient", "phone": "(919) 555-0123", "question": "Where is my card?"})
    assert asked.status_code == 201, asked.text
    case_id = asked.json()["id"]
    lead = await make_user(system, Role.HELPDESK_LEAD, team="recipients")
    person = await logged_in(system, lead.email)
    page = await person.submit(f"/helpdesk/cases/{case_id}", {"agent_id": "someone"},
                               action=f"/helpdesk/cases/{case_id}/assign")
    refused(page, "agent_id")
    article = await person.submit("/helpdesk/kb", {
        "article_id": "first", "title": "Second doses", "body": "When to come back.",
        "published": "yes"})
    refused(article, "article_id")
    async with await api_client(system, lead.email) as api:
        for agent_id in ("someone", HUGE):
            refused(await api.post(f"/api/v1/helpdesk/cases/{case_id}/assign",
                                   json={"agent_id": agent_id}), "agent_id")


async def test_a_lead_who_names_nobody_is_asked_to_choose(system, world):
    """A lead's "Assign to" left on "- Select -" took the case for the lead, unsaid; now it asks
    who, and the list shows who has the case (found by the outside check)."""
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Rosa Recipient", "phone": "(919) 555-0124", "question": "My card?"})
    case_id = asked.json()["id"]
    lead = await make_user(system, Role.HELPDESK_LEAD, team="recipients", first_name="Lee")
    agent = await make_user(system, Role.HELPDESK_AGENT, team="recipients", first_name="Ari")
    person = await logged_in(system, lead.email)
    blank = await person.submit(f"/helpdesk/cases/{case_id}", {"agent_id": ""},
                                action=f"/helpdesk/cases/{case_id}/assign")
    refused(blank, "agent_id")
    assert "Choose who takes the case." in blank.text
    async with system.sessions() as session:
        assert (await session.get(Case, case_id)).assignee_id is None
    assigned = await person.submit(f"/helpdesk/cases/{case_id}", {"agent_id": str(agent.id)},
                                   action=f"/helpdesk/cases/{case_id}/assign")
    assert assigned.status_code == 200 and "The case is assigned." in assigned.text
    assert f'<option value="{agent.id}" selected>' in assigned.text


async def test_the_generic_transfer_action_route_refuses_decisions_without_a_body(system, world):
    state, sites = world
    north, south = sites.ids
    sender = sites.staff[north]
    assert (await receive(sender, north, await product_id(system), "HOST-1", 50)).status_code == 201
    lot = await lot_id(sender, north, "HOST-1")
    requested = await sender.post("/api/v1/transfers", json={
        "kind": "transfer", "from_location_id": north, "to_location_id": south, "lot_id": lot,
        "doses": 5, "reason": "Clinic demand", "request_key": key()})
    assert requested.status_code in (200, 201), requested.text
    transfer_id = requested.json()["id"]
    for action in ("decide", "resolve", "approve"):
        # The generic route is the sites' (api/access.py): the state is refused before the
        # path or the body is read.
        answer = await state.post(f"/api/v1/transfers/{transfer_id}/{action}")
        assert answer.status_code == 403, answer.text
    reviewer_page = await logged_in(system, (await make_user(system, Role.REVIEWER)).email)
    page = await reviewer_page.submit(f"/transfers/{transfer_id}", {},
                                      action=f"/transfers/{transfer_id}/decide")
    assert page.status_code == 422 and "Not done: Check these fields: decision" in page.text


async def test_another_persons_replayed_request_key_reveals_nothing(system, world):
    _state, sites = world
    north, south = sites.ids
    first, second = sites.staff[north], sites.staff[south]
    products = await product_id(system)
    for client, site, lot in ((first, north, "OWN-1"), (second, south, "OWN-2")):
        assert (await receive(client, site, products, lot, 40)).status_code == 201
    shared_key = key()
    mine = await first.post("/api/v1/transfers", json={
        "kind": "transfer", "from_location_id": north, "to_location_id": south,
        "lot_id": await lot_id(first, north, "OWN-1"), "doses": 3,
        "reason": "Private reason of the north site", "request_key": shared_key})
    assert mine.status_code in (200, 201), mine.text
    replayed = await second.post("/api/v1/transfers", json={
        "kind": "transfer", "from_location_id": south, "to_location_id": north,
        "lot_id": await lot_id(second, south, "OWN-2"), "doses": 4,
        "reason": "South's own request", "request_key": shared_key})
    assert replayed.status_code in (200, 201), replayed.text
    theirs = replayed.json()
    assert theirs["id"] != mine.json()["id"]
    assert theirs["reason"] == "South's own request" and theirs["doses"] == 4
    again = await first.post("/api/v1/transfers", json={
        "kind": "transfer", "from_location_id": north, "to_location_id": south,
        "lot_id": await lot_id(first, north, "OWN-1"), "doses": 3,
        "reason": "Private reason of the north site", "request_key": shared_key})
    assert again.json()["id"] == mine.json()["id"], "the owner's own replay is still one request"
