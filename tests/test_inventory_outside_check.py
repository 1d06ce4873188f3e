"""What the outside check found in inventory and transfers, each now as it should be: a ledger
read past its newest rows, lots that cannot clash in transit, flagged shipments alone settled
by the state, bounded extra doses, keys bound to their whole body, other organizations' sites
hidden until enrolled, transfers named and found in the audit log, and the pages' words."""

import re

import pytest
from sqlalchemy import insert

from models.inventory import LedgerEntry
from tests.support.inventory import enrolled_sites, lot_id, product_id, receive
from tests.support.review import reviewer
from tests.support.web import browser

WHEN_CELL = 'data-label="When"'


@pytest.fixture(scope="module")
async def world(system):
    """Organization A (2 sites, redistribution participant) and B (2 sites)."""
    state = await reviewer(system)
    a = await enrolled_sites(system, ["Alpha One", "Alpha Two"], redistribution=True, state=state)
    b = await enrolled_sites(system, ["Bravo One", "Bravo Two"], redistribution=False,
                             state=state)
    return state, a, b


async def test_the_ledger_is_read_fifty_entries_at_a_time_past_its_newest(system, world):
    """The page showed the newest 100 entries with no way further, the API exactly 200 whatever
    `offset` and `limit` said."""
    _state, a, _b = world
    site = a.ids[1]
    manager = a.staff[site]
    assert (await receive(manager, site, await product_id(system), "LEDGER-1", 10)
            ).status_code == 201
    lot = await lot_id(manager, site, "LEDGER-1")
    async with system.sessions() as session:  # 240 more entries that leave the lot as it was
        connection = await session.connection()
        await connection.execute(insert(LedgerEntry), [{
            "key": f"ledger-history-{site}-{n}", "lot_id": lot, "location_id": site,
            "kind": "wastage" if n % 2 else "received", "doses": -1 if n % 2 else 1,
            "reason": f"history {n}", "actor": "test"} for n in range(240)])
        await session.commit()

    api = f"/api/v1/locations/{site}/ledger"
    first = (await manager.get(api)).json()
    assert len(first) == 50
    ids = [e["id"] for e in first]
    assert ids == sorted(ids, reverse=True), "the newest first"
    second = (await manager.get(f"{api}?offset=50&limit=100")).json()
    assert len(second) == 100 and max(e["id"] for e in second) < min(ids)
    last = (await manager.get(f"{api}?offset=200&limit=200")).json()
    assert len(last) == 41 and last[-1]["reason"] == "Shipment received", "the very first entry"
    for bad, name in (("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset"),
                      ("limit=ten", "limit")):
        refused = await manager.get(f"{api}?{bad}")
        assert refused.status_code == 422 and name in refused.text, (bad, refused.text)
    async with system.http() as anonymous:
        described = (await anonymous.get("/api/openapi.json")).json()
    params = {p["name"]: p for p in described["paths"]["/api/v1/locations/{location_id}/ledger"]
              ["get"]["parameters"]}
    assert params["limit"]["schema"]["maximum"] == 200 and "offset" in params

    person = browser(system)
    await person.login(a.emails[site])
    page = (await person.get(f"/inventory/{site}")).text
    assert page.count(WHEN_CELL) == 50
    assert "Older entries" in page and "Newer entries" not in page
    older = re.search(r'href="([^"]*ledger_from=50[^"]*)"', page)[1].replace("&amp;", "&")
    page = (await person.get(older)).text
    assert page.count(WHEN_CELL) == 50 and "Newer entries" in page and "Older entries" in page
    page = (await person.get(f"/inventory/{site}?ledger_from=200")).text
    assert page.count(WHEN_CELL) == 41 and "Older entries" not in page
    assert "Shipment received" in page
    assert (await person.get(f"/inventory/{site}?ledger_from=-5")).status_code == 422
    await person.http.aclose()
