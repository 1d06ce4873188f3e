"""What the outside check found in inventory and transfers, each now as it should be: a ledger
read past its newest rows, lots that cannot clash in transit, flagged shipments alone settled
by the state, bounded extra doses, keys bound to their whole body, other organizations' sites
hidden until enrolled, transfers named and found in the audit log, and the pages' words."""

import asyncio
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from api.domain import inventory
from api.domain.state_lists import pin
from api.routers.care_pages import _usable_lots
from core.timefmt import day
from models.accounts import User
from models.care_rules import DOSE_DAYS
from models.enrollment import Location
from models.inventory import LedgerEntry, Lot
from models.inventory_rules import extra_doses_problem, inventory_today, latest_expiry
from models.inventory_schemas import ExpiryCorrectionIn, ReceiptIn
from tests.support.enrollment import start_enrollment
from tests.support.inventory import (
    enrolled_sites,
    key,
    lot_id,
    on_hand,
    product_id,
    receive,
    request_transfer,
    transfer_status,
)
from tests.support.review import reviewer
from tests.support.web import browser

WHEN_CELL = 'data-label="When"'
DAY = timedelta(days=1)
LABEL, OTHER = date.today() + 200 * DAY, date.today() + 230 * DAY  # one lot's two expiries


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


async def test_nothing_shipped_can_become_unreceivable_by_a_lot_recorded_with_another_expiry(
        system, world):
    """Site A shipped lot CLASH-2 (expiring 2027-02-02) to B; B then recorded its own shipment
    of CLASH-2 expiring 2027-03-03 (accepted), and the transfer could never be received, by B or by
    the state. Now the record is refused on its expiry field, naming the transfer."""
    state, a, b = world
    a1, a2 = a.ids
    b1 = b.ids[0]
    product = await product_id(system)
    sender, receiver = a.staff[a1], b.staff[b1]
    assert (await receive(sender, a1, product, "CLASH-2", 20, LABEL)).status_code == 201
    transfer = (await request_transfer(sender, a1, b1, await lot_id(sender, a1, "CLASH-2"), 4)
                ).json()
    # while the request waits for the state, as once shipped: another expiry is refused
    for step in ("requested", "shipped"):
        if step == "shipped":
            url = f"/api/v1/transfers/{transfer['id']}"
            assert (await state.post(f"{url}/decision", json={"decision": "approve"})
                    ).status_code == 200
            assert (await sender.post(f"{url}/ship")).status_code == 200
        clash = await receive(receiver, b1, product, "clash-2", 5, OTHER)
        assert clash.status_code == 422, clash.text
        said = clash.json()["errors"]["expiration_date"]
        assert transfer["number"] in said and day(LABEL) in said, said
        assert "Alpha One" in said
    # the same lot with the same expiry is the same lot: recorded, and the transfer arrives
    assert (await receive(receiver, b1, product, "CLASH-2", 5, LABEL)).status_code == 201
    assert (await receiver.post(f"/api/v1/transfers/{transfer['id']}/receive")).status_code == 200
    assert await on_hand(receiver, b1, "CLASH-2") == 9

    # two senders of one lot number with two expiries to one site: the second is refused at
    # its request (the first to arrive would leave the other unreceivable)
    assert (await receive(sender, a1, product, "CLASH-3", 20, LABEL)).status_code == 201
    assert (await receive(a.staff[a2], a2, product, "CLASH-3", 20, OTHER + DAY)
            ).status_code == 201
    first = await request_transfer(sender, a1, b1, await lot_id(sender, a1, "CLASH-3"), 2)
    assert first.status_code == 201
    second = await request_transfer(a.staff[a2], a2, b1,
                                    await lot_id(a.staff[a2], a2, "CLASH-3"), 2)
    assert second.status_code == 422, second.text
    assert first.json()["number"] in second.json()["errors"]["lot_id"]
    # once the first is settled (here cancelled), the lot may be moved
    assert (await sender.post(f"/api/v1/transfers/{first.json()['id']}/cancel")).status_code == 200
    assert (await request_transfer(a.staff[a2], a2, b1, await lot_id(a.staff[a2], a2, "CLASH-3"),
                                   2)).status_code == 201


async def test_the_state_settles_only_a_flagged_shipment(system, world):
    """Seconds after shipping (not flagged), the reviewer's resolution "returned" answered 200,
    and a page post with outcome=received did it too, with no button shown."""
    state, a, b = world
    a1, b1 = a.ids[0], b.ids[0]
    sender, receiver = a.staff[a1], b.staff[b1]
    product = await product_id(system)
    await receive(sender, a1, product, "SETTLE-1", 30)
    transfer = (await request_transfer(sender, a1, b1, await lot_id(sender, a1, "SETTLE-1"), 6)
                ).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    assert (await sender.post(f"{url}/ship")).status_code == 200
    for outcome in ("returned", "received"):
        early = await state.post(f"{url}/resolution", json={"outcome": outcome})
        assert early.status_code == 409, early.text
        assert "not flagged" in early.json()["detail"] and "5 days" in early.json()["detail"]

    person = browser(system)
    await person.login((await state.get("/api/v1/me")).json()["email"])
    page = f"/transfers/{transfer['id']}"
    assert "Resolve:" not in (await person.get(page)).text
    for action in ("resolve", "resolution", "returned", "received"):
        await person.submit(page, {"outcome": "received"}, action=f"{page}/{action}")
    assert (await state.get(url)).json()["status"] == "shipped"
    assert await on_hand(sender, a1, "SETTLE-1") == 24
    assert (await receiver.post(f"{url}/receive")).status_code == 200, "the site receives it"
    assert await on_hand(receiver, b1, "SETTLE-1") == 6
    await person.http.aclose()


async def adjust(client, location_id: int, lot: int, kind: str, doses: int,
                 request_key: str | None = None):
    return await client.post(f"/api/v1/locations/{location_id}/inventory/lots/{lot}/adjustments",
                             json={"kind": kind, "doses": doses, "reason": "Counted",
                                   "request_key": request_key or key()})


async def test_extra_doses_are_at_most_one_a_vial_and_only_while_doses_are_on_hand(system, world):
    """1,000,000 extra doses twice took a lot from 102 to 2,000,102, and a lot with none on hand
    gained doses."""
    _state, a, _b = world
    site = a.ids[1]
    manager = a.staff[site]
    moderna = await product_id(system, "207")  # 10 doses a vial
    await receive(manager, site, moderna, "EXTRA-1", 102)  # 11 vials (the last one opened)
    lot = await lot_id(manager, site, "EXTRA-1")
    huge = await adjust(manager, site, lot, "extra_doses", 1_000_000)
    assert huge.status_code == 422, huge.text
    said = huge.json()["errors"]["doses"]
    assert "one extra dose per vial" in said and "at most 11 extra doses" in said, said
    assert (await adjust(manager, site, lot, "extra_doses", 8)).status_code == 201
    more = await adjust(manager, site, lot, "extra_doses", 4)
    assert more.status_code == 422 and "at most 3 more" in more.json()["errors"]["doses"]
    assert (await adjust(manager, site, lot, "extra_doses", 3)).status_code == 201
    assert await on_hand(manager, site, "EXTRA-1") == 113

    await receive(manager, site, moderna, "EXTRA-2", 10)
    used_up = await lot_id(manager, site, "EXTRA-2")
    assert (await adjust(manager, site, used_up, "wastage", 10)).status_code == 201
    empty = await adjust(manager, site, used_up, "extra_doses", 1)
    assert empty.status_code == 422 and "no doses on hand" in empty.json()["errors"]["lot_id"]


async def test_vials_shipped_on_give_their_extra_doses_where_they_went(system, world):
    """Found by an outside check: the cap of one extra dose per vial counted every dose a lot
    ever received, so the vials a site shipped on to another site gave their extra doses
    twice, at the sender (as though it still held them) and at the receiver. The sender's cap
    now counts the vials it kept; one not received and returned counts again."""
    state, a, _b = world
    sender, receiver = a.ids
    moderna = await product_id(system, "207")  # 10 doses a vial
    await receive(a.staff[sender], sender, moderna, "ONWARD-1", 100)  # 10 vials
    lot = await lot_id(a.staff[sender], sender, "ONWARD-1")
    asked = await request_transfer(a.staff[sender], sender, receiver, lot, 60)
    assert asked.status_code == 201, asked.text
    url = f"/api/v1/transfers/{asked.json()['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    await transfer_status(a.staff[sender], asked.json()["id"], "approved")
    assert (await a.staff[sender].post(f"{url}/ship")).status_code == 200
    too_many = await adjust(a.staff[sender], sender, lot, "extra_doses", 5)
    assert too_many.status_code == 422, too_many.text
    said = too_many.json()["errors"]["doses"]
    assert "100 doses, 60 of them shipped to other sites (4 vials of 10 kept here)" in said, said
    assert "at most 4 extra doses" in said, said
    assert (await adjust(a.staff[sender], sender, lot, "extra_doses", 4)).status_code == 201
    assert (await a.staff[receiver].post(f"{url}/receive")).status_code == 200
    await transfer_status(a.staff[receiver], asked.json()["id"], "received")
    arrived = await lot_id(a.staff[receiver], receiver, "ONWARD-1")
    there = await adjust(a.staff[receiver], receiver, arrived, "extra_doses", 7)
    assert there.status_code == 422 and "at most 6 extra doses" in there.json()["errors"][
        "doses"], there.text
    assert (await adjust(a.staff[receiver], receiver, arrived, "extra_doses", 6)).status_code \
        == 201


def test_without_doses_per_vial_extra_doses_are_a_fifth_of_the_doses_received():
    assert extra_doses_problem(100, 0, 20, 50, 1, "X") is None
    assert "at most 0 more" in extra_doses_problem(100, 20, 1, 50, 1, "X")
    assert extra_doses_problem(12, 0, 2, 5, 6, "X") is None  # two vials of six: two extra
    assert extra_doses_problem(12, 2, 1, 5, 6, "X")


async def test_an_adjustments_key_names_its_whole_body_the_lot_included(system, world):
    """The same `request_key` on an adjustment of ANOTHER lot made a second entry (201), while
    another dose count was refused: the key's body now includes the lot, and the rest."""
    _state, a, _b = world
    site = a.ids[1]
    manager = a.staff[site]
    product = await product_id(system, "208")
    for number in ("KEYLOT-1", "KEYLOT-2"):
        await receive(manager, site, product, number, 30)
    first, second = [await lot_id(manager, site, n) for n in ("KEYLOT-1", "KEYLOT-2")]
    reused = key()
    assert (await adjust(manager, site, first, "wastage", 2, reused)).status_code == 201
    again = await adjust(manager, site, first, "wastage", 2, reused)
    assert again.status_code == 201, "a retry is the same change"
    for lot, kind, doses in ((second, "wastage", 2), (first, "expired", 2),
                             (first, "wastage", 3)):
        other = await adjust(manager, site, lot, kind, doses, reused)
        assert other.status_code == 409, (lot, kind, doses, other.text)
        assert "KEYLOT-1" in other.json()["errors"]["request_key"]
    changed_reason = await manager.post(
        f"/api/v1/locations/{site}/inventory/lots/{first}/adjustments",
        json={"kind": "wastage", "doses": 2, "reason": "Another reason", "request_key": reused})
    assert changed_reason.status_code == 409
    assert await on_hand(manager, site, "KEYLOT-1") == 28
    assert await on_hand(manager, site, "KEYLOT-2") == 30

    receipt = {"product_id": product, "lot_number": "KEYLOT-3", "doses": 5,
               "expiration_date": str(LABEL), "request_key": key()}
    url = f"/api/v1/locations/{site}/inventory/receipts"
    assert (await manager.post(url, json=receipt)).status_code == 201
    for change in ({"product_id": await product_id(system, "207")},
                   {"expiration_date": str(OTHER)}):
        refused = await manager.post(url, json={**receipt, **change})
        assert refused.status_code == 409 and "request_key" in refused.json()["errors"], change


async def test_another_organizations_site_is_found_only_once_enrolled(system, world):
    """`/api/v1/sites?q=...` listed other organizations' pending sites, and a transfer to one
    answered "<its name> is not an enrolled site", naming a site nobody outside may know."""
    state, a, b = world
    a1 = a.ids[0]
    pending = await start_enrollment(system, ["Charlie Annex"])
    (annex,) = pending.locations.values()
    outsider = a.staff[a1]
    for query in ("q=Charlie", "q=Annex&enrolled=false", "q=Charlie&enrolled=true",
                  f"q={pin(annex)}"):
        found = (await outsider.get(f"/api/v1/sites?{query}")).json()
        assert annex not in [s["id"] for s in found], query
    enrolled = (await outsider.get("/api/v1/sites?q=Bravo")).json()
    assert set(b.ids) <= {s["id"] for s in enrolled}, "enrolled sites of others are found"
    for viewer in (pending.admin, state):  # their own organization; the state
        found = (await viewer.get("/api/v1/sites?q=Charlie")).json()
        assert annex in [s["id"] for s in found]

    await receive(outsider, a1, await product_id(system), "HIDDEN-1", 10)
    lot = await lot_id(outsider, a1, "HIDDEN-1")
    to_pending = await request_transfer(outsider, a1, annex, lot, 1)
    to_nowhere = await request_transfer(outsider, a1, 987_654, lot, 1)
    assert to_pending.status_code == to_nowhere.status_code == 422
    assert to_pending.json() == to_nowhere.json(), to_pending.text
    assert "Charlie" not in to_pending.text
    person = browser(system)
    await person.login(a.emails[a1])
    page = await person.submit(f"/inventory/{a1}", {
        "kind": "transfer", "from_location_id": a1, "to_location_id": pin(annex), "lot_id": lot,
        "doses": 1, "reason": "Clinic", "request_key": key()}, action=f"/inventory/{a1}/transfer")
    assert page.status_code == 422 and "Charlie" not in page.text.split("<main")[1]
    await person.http.aclose()
    # Another organization's site named as the sender (the receiver their own): refused as
    # not found, naming the field, and the same as a site that does not exist.
    from_theirs = await request_transfer(outsider, b.ids[0], a1, lot, 1)
    from_nowhere = await request_transfer(outsider, 987_654, a1, lot, 1)
    assert from_theirs.status_code == from_nowhere.status_code == 404, from_theirs.text
    assert from_theirs.json() == from_nowhere.json(), from_theirs.text
    assert "from_location_id" in from_theirs.json()["errors"], from_theirs.text


async def test_the_audit_log_names_links_and_finds_transfers_by_number_and_site(system, world):
    """The audit log showed "transfer 2" (its database id), found nothing for TR000002 or a
    site's name with the Transfers filter, had no "requested" event and no link."""
    state, a, b = world
    a1, b2 = a.ids[0], b.ids[1]
    sender = a.staff[a1]
    await receive(sender, a1, await product_id(system), "AUDIT-1", 10)
    transfer = (await request_transfer(sender, a1, b2, await lot_id(sender, a1, "AUDIT-1"), 2)
                ).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    number, link = transfer["number"], f'href="/transfers/{transfer["id"]}"'
    person = browser(system)
    await person.login((await state.get("/api/v1/me")).json()["email"])
    for q in (number, number.lower(), "Alpha One", "Bravo Two", pin(b2)):
        page = (await person.get(f"/state/audit?status=transfer&q={q}")).text
        assert link in page and f"{number} (Alpha One to Bravo Two)" in page, q
        assert "Status: Waiting for state approval" in page, "the request is an event"
        assert "Status: Approved, waiting to be shipped" in page
        assert f"transfer {transfer['id']}<" not in page
    assert link not in (await person.get("/state/audit?status=transfer&q=Alpha+Two")).text
    exported = (await person.get(f"/state/audit.csv?status=transfer&q={number}")).text
    assert f"transfer,{number}," in exported
    await person.http.aclose()


async def test_a_transfers_ledger_entries_name_who_moved_the_doses_and_why(system, world):
    """Shipped and received doses were entered as done by "Transfer TR000002" for no reason
    ("-"; in the API actor "transfer:TR000002", reason null)."""
    state, a, b = world
    a1, b1 = a.ids[0], b.ids[0]
    sender, receiver = a.staff[a1], b.staff[b1]
    await receive(sender, a1, await product_id(system), "WHO-1", 10)
    transfer = (await request_transfer(sender, a1, b1, await lot_id(sender, a1, "WHO-1"), 3)
                ).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    assert (await sender.post(f"{url}/ship")).status_code == 200
    assert (await receiver.post(f"{url}/receive")).status_code == 200
    for client, site, kind, person, where in (
            (sender, a1, "transfer_out", "Alpha Coordinator", "shipped to Bravo One"),
            (receiver, b1, "transfer_in", "Bravo Coordinator", "received from Alpha One")):
        entry = next(e for e in (await client.get(f"/api/v1/locations/{site}/ledger")).json()
                     if e["transfer_id"] == transfer["id"])
        assert entry["kind"] == kind and entry["actor"].endswith(f":{person}"), entry
        assert entry["reason"] == f"Transfer {transfer['number']} {where}: Clinic demand"
    page = browser(system)
    await page.login(b.emails[b1])
    row = next(r for r in (await page.get(f"/inventory/{b1}")).text.split("<tr>")
               if "Transfer in" in r)
    assert "Bravo Coordinator" in row and transfer["number"] in row and "Clinic demand" in row
    await page.http.aclose()


async def test_words_one_dose_a_step_done_already_and_both_reasons_of_a_denial(system, world):
    """"1 doses" in transfer emails and lot lists; a second receipt in another tab said "This
    transfer is received: it cannot be received."; a denial's email gave the state's reason as
    "Reason:", as if it were the request's, and left the request's out."""
    state, a, b = world
    a1, b1 = a.ids[0], b.ids[0]
    sender, receiver = a.staff[a1], b.staff[b1]
    await receive(sender, a1, await product_id(system), "ONE-1", 1)
    lot = await lot_id(sender, a1, "ONE-1")
    person = browser(system)
    await person.login(a.emails[a1])
    assert "ONE-1: Moderna COVID-19 Vaccine, 1 dose," in (await person.get(f"/inventory/{a1}")
                                                         ).text
    await person.http.aclose()
    transfer = (await request_transfer(sender, a1, b1, lot, 1)).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    await system.smtp.one(to=b.emails[b1],
                          subject=f"{transfer['number']} was requested: 1 dose of lot ONE-1")
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    assert (await sender.post(f"{url}/ship")).status_code == 200
    assert (await receiver.post(f"{url}/receive")).status_code == 200
    again = await receiver.post(f"{url}/receive")
    assert again.status_code == 409, again.text
    said = again.json()["detail"]
    assert f"{transfer['number']} was already received by Bravo Coordinator" in said, said
    assert b.emails[b1] in said and "cannot be received" not in said
    tab = browser(system)
    await tab.login(b.emails[b1])
    page = f"/transfers/{transfer['id']}"
    answered = await tab.submit(page, {}, action=f"{page}/receive")
    assert "was already received by Bravo Coordinator" in answered.text
    await tab.http.aclose()

    await receive(sender, a1, await product_id(system), "DENY-1", 10)
    denied = (await request_transfer(sender, a1, b1, await lot_id(sender, a1, "DENY-1"), 2)
              ).json()
    assert (await state.post(f"/api/v1/transfers/{denied['id']}/decision", json={
        "decision": "deny", "reason": "No freezer at the receiving site"})).status_code == 200
    mail = await system.smtp.one(to=a.emails[a1], subject=f"{denied['number']} was denied")
    assert "Reason for the request: Clinic demand" in mail.text
    assert "Reason for the denial:  No freezer at the receiving site" in mail.text
    assert "Reason for the denial" in mail.html and "Clinic demand" in mail.html


async def test_used_up_lots_are_listed_apart_and_offered_nowhere(system, world):
    """A lot with no dose left stayed under "Usable lots" and in the transfer and adjustment
    lists ("0 doses") and under `usable` in the JSON API; the point-of-care list did not say
    when a lot expires; 1200 was shown without its thousands separator."""
    _state, a, _b = world
    site = a.ids[0]
    manager = a.staff[site]
    product = await product_id(system, "211")
    await receive(manager, site, product, "GONE-1", 5)
    await receive(manager, site, product, "MANY-1", 1200)
    gone, many = [await lot_id(manager, site, n) for n in ("GONE-1", "MANY-1")]
    assert (await adjust(manager, site, gone, "wastage", 5)).status_code == 201
    person = browser(system)
    await person.login(a.emails[site])
    page = (await person.get(f"/inventory/{site}")).text
    usable = page.split("<h2>Usable lots</h2>")[1].split("</table>")[0]
    used_up = page.split("Used up")[1].split("</table>")[0]
    assert "GONE-1" not in usable and "GONE-1" in used_up and "MANY-1" in usable
    for form in ("adjust", "transfer"):
        lots = page.split(f'action="/inventory/{site}/{form}"')[1].split('name="lot_id"')[1] \
            .split("</select>")[0]
        assert "GONE-1" not in lots and "MANY-1: " in lots, form
    # offered nowhere but where a lot's record is corrected (a used-up lot's wrong expiry
    # would refuse the next shipment of it)
    before, after = page.split(f'action="/inventory/{site}/expiry"')
    assert ", 0 doses" not in before + after.split("</form>", 1)[1]
    assert ">1,200<" in usable and "+1,200" in page
    await person.http.aclose()

    async with system.sessions() as session:
        location = await session.get(Location, site)
        today = inventory_today()
        usable, expired_since = await _usable_lots(session, location, today,
                                                   since=today - timedelta(days=DOSE_DAYS))
        offered = dict(usable + expired_since)
    assert str(gone) not in offered
    stock = (await manager.get(f"/api/v1/locations/{site}/inventory")).json()
    assert "GONE-1" in [x["lot_number"] for x in stock["used_up"]]
    assert "GONE-1" not in [x["lot_number"] for x in stock["usable"]]
    expires = stock["usable"]
    expiry = date.fromisoformat(next(x for x in expires if x["id"] == many)["expiration_date"])
    assert offered[str(many)].endswith(f"lot MANY-1 (1,200 on hand, expires {day(expiry)})")


async def test_an_expiration_date_is_within_ten_years(system, world):
    """9999-12-31 was taken as a lot's expiration date."""
    _state, a, _b = world
    site = a.ids[0]
    product = await product_id(system)
    today = inventory_today()  # North Carolina's
    for far in (date(9999, 12, 31), latest_expiry(today) + DAY):
        refused = await receive(a.staff[site], site, product, "FAR-1", 5, far)
        assert refused.status_code == 422, refused.text
        assert "within 10 years" in refused.json()["errors"]["expiration_date"]
    assert (await receive(a.staff[site], site, product, "FAR-1", 5, latest_expiry(today))
            ).status_code == 201
    assert latest_expiry(date(2028, 2, 29)) == date(2038, 2, 28)
    person = browser(system)
    await person.login(a.emails[site])
    page = await person.submit(f"/inventory/{site}", {
        "product_id": product, "lot_number": "FAR-2", "expiration_date": "9999-12-31",
        "doses": 5, "request_key": key()}, action=f"/inventory/{site}/receive")
    assert page.status_code == 422 and "within 10 years" in page.text
    assert 'value="FAR-2"' in page.text and 'value="9999-12-31"' in page.text, "kept as typed"
    await person.http.aclose()


async def test_what_waits_on_a_site_and_who_took_each_step_are_shown(system, world):
    """The site's transfer list lacked the other site, the request date and a filter for what
    waits on it; the transfer page did not say who decided, shipped or received it, or when;
    the state's transfer list lacked "Age in this status"; nothing led the state from a site's
    review or a transfer to the site's inventory."""
    state, a, b = world
    a1, b1 = a.ids[0], b.ids[0]
    sender, receiver = a.staff[a1], b.staff[b1]
    await receive(sender, a1, await product_id(system), "WAIT-1", 20)
    lot = await lot_id(sender, a1, "WAIT-1")
    to_ship, in_transit, undecided = [(await request_transfer(sender, a1, b1, lot, 2)).json()
                                      for _ in range(3)]
    for one in (to_ship, in_transit):
        url = f"/api/v1/transfers/{one['id']}"
        assert (await state.post(f"{url}/decision", json={"decision": "approve"})
                ).status_code == 200
    assert (await sender.post(f"/api/v1/transfers/{in_transit['id']}/ship")).status_code == 200

    def listed(page: str) -> set[str]:
        table = page.split('id="transfers"')[1].split("</table>")[0]
        return set(re.findall(r"TR\d{6}", table))

    person = browser(system)
    await person.login(a.emails[a1])
    page = (await person.get(f"/inventory/{a1}")).text
    table = page.split('id="transfers"')[1].split("</table>")[0]
    assert "Other site" in table and "Bravo One" in table and "Requested" in table
    assert listed(page) >= {to_ship["number"], in_transit["number"], undecided["number"]}
    ours = {to_ship["number"], in_transit["number"], undecided["number"]}
    ship_page = (await person.get(f"/inventory/{a1}?transfers_waiting=ship")).text
    assert listed(ship_page) & ours == {to_ship["number"]}
    shown = ship_page.split('id="transfers"')[1].split("</table>")[0]
    assert shown.count("Approved, waiting to be shipped") == len(listed(ship_page))
    receive_page = (await person.get(f"/inventory/{a1}?transfers_waiting=receive")).text
    assert listed(receive_page) & ours == set(), "those go out of this site"
    assert (await person.get(f"/inventory/{a1}?transfers_waiting=x")).status_code == 422
    shipped = (await person.get(f"/transfers/{in_transit['id']}")).text
    assert re.search(r"<dt>Shipped</dt><dd>[^<]+ by Alpha Coordinator", shipped)
    assert re.search(r"<dt>Approved</dt><dd>[^<]+ by Rita ", shipped)
    # each person on the page written as the requester is, "Name (email)": the steps wrote
    # "Name <email>" under "Requested ... by Name (email)" (the outside check of a new
    # organization)
    steps = shipped.split("<dt>Requested</dt>")[1].split("</dl>")[0]
    assert "&lt;" not in steps and "&gt;" not in steps, steps
    assert re.search(r"<dt>Shipped</dt><dd>[^<]+ by Alpha Coordinator \([^()\s]+@[^()\s]+\)"
                     r"</dd>", shipped), steps
    await person.http.aclose()
    api = f"/api/v1/locations/{b1}/transfers?waiting=receive"
    waiting = (await receiver.get(api)).json()
    assert in_transit["id"] in [t["id"] for t in waiting]
    assert {t["status"] for t in waiting} == {"shipped"}
    assert {t["to_location_id"] for t in waiting} == {b1}
    assert (await receiver.get(f"/api/v1/locations/{b1}/transfers?waiting=no")
            ).status_code == 422

    reviewer_page = browser(system)
    await reviewer_page.login((await state.get("/api/v1/me")).json()["email"])
    queue = (await reviewer_page.get(f"/state/transfers?q={undecided['number']}")).text
    assert "Age in this status" in queue and "Less than a day" in queue
    for page in (f"/transfers/{in_transit['id']}", f"/review/locations/{a1}"):
        assert f'href="/inventory/{a1}"' in (await reviewer_page.get(page)).text, page
    assert (await reviewer_page.get(f"/inventory/{a1}")).status_code == 200
    await reviewer_page.http.aclose()


async def received(system, client, site: int, number: str, doses: int, expires: date) -> int:
    """A shipment of lot `number` received at `site`: the lot's id."""
    product = await product_id(system)
    assert (await receive(client, site, product, number, doses, expires)).status_code == 201
    return await lot_id(client, site, number)


async def request_while(system, email: str, site_id: int, change, request):
    """`change` made at `site_id` as `email` in a transaction left open while `request` (an
    HTTP call) is sent: its answer once the change is committed, and whether it waited."""
    async with system.sessions() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        await change(session, user, await session.get(Location, site_id))
        asked = asyncio.create_task(request)
        await asyncio.sleep(1.5)  # the request meanwhile: waiting for the change's lock
        waited = not asked.done()
        await session.commit()
    return await asked, waited


async def test_a_receipt_and_a_transfer_request_of_one_lot_at_once_cannot_both_pass(system, world):
    """B recording a shipment of lot RACE-1 (one expiry) while A asks to send RACE-1 (another
    expiry) to B: each checked the other's records before either was committed, so on Postgres
    both passed and the transfer could never be received. Each now locks the receiving site's
    row for its check: the request waits for the receipt, then sees it and is refused."""
    _state, a, b = world
    a1, b1 = a.ids[0], b.ids[0]
    product = await product_id(system)
    sender = a.staff[a1]
    lot = await received(system, sender, a1, "RACE-1", 20, LABEL)
    answer, waited = await request_while(
        system, b.emails[b1], b1, lambda session, user, site: inventory.receive(
            session, user, site, ReceiptIn(product_id=product, lot_number="RACE-1",
                                           expiration_date=OTHER, doses=5, request_key=key())),
        request_transfer(sender, a1, b1, lot, 2))
    assert answer.status_code == 422, answer.text
    assert "holds lot RACE-1" in answer.json()["errors"]["lot_id"]
    assert waited


async def test_a_lot_recorded_with_the_wrong_expiry_is_corrected_and_ledgered(system, world):
    """No route corrected a lot's expiration date: a receipt typed wrong stayed wrong (usable
    past its real date, or refused before it), and a shipment stuck on a clash of dates needed
    the database corrected by hand. The site corrects it now, with a reason, in the ledger."""
    _state, a, b = world
    a1, b1 = a.ids[0], b.ids[0]
    product = await product_id(system)
    sender, receiver = a.staff[a1], b.staff[b1]
    lot = await received(system, sender, a1, "FIX-1", 20, OTHER)
    url = f"/api/v1/locations/{a1}/inventory/lots/{lot}/expiration"
    body = {"expiration_date": str(LABEL), "reason": "Typed from the box, not the vial",
            "request_key": key()}
    fixed = await sender.put(url, json=body)
    assert fixed.status_code == 200, fixed.text
    entry = fixed.json()
    assert entry["kind"] == "expiry_corrected" and entry["doses"] == 0
    assert day(OTHER) in entry["reason"] and day(LABEL) in entry["reason"]
    assert "Typed from the box" in entry["reason"] and entry["actor"].startswith("user:")
    assert (await sender.put(url, json=body)).json()["id"] == entry["id"], "sent twice: once"
    stock = (await sender.get(f"/api/v1/locations/{a1}/inventory")).json()
    assert next(x for x in stock["usable"] if x["id"] == lot)["expiration_date"] == str(LABEL)
    ledger = (await sender.get(f"/api/v1/locations/{a1}/ledger")).json()
    assert ledger[0]["id"] == entry["id"] and await on_hand(sender, a1, "FIX-1") == 20

    again = await sender.put(url, json={**body, "request_key": key()})
    assert again.status_code == 422 and "already recorded" in again.json()["errors"][
        "expiration_date"]
    far = await sender.put(url, json={**body, "request_key": key(),
                                      "expiration_date": str(date.today() + 4000 * DAY)})
    assert far.status_code == 422 and "10 years" in far.json()["errors"]["expiration_date"]
    ancient = await sender.put(url, json={**body, "request_key": key(),
                                          "expiration_date": "0001-01-01"})
    assert ancient.status_code == 422 and "10 years" in ancient.json()["errors"][
        "expiration_date"], "a lot kept since the year 1 is a typing mistake"
    for sent, said in ((20270621, "Enter a date as YYYY-MM-DD."),
                       ("2027-02-29", "there is no such day")):
        odd = await sender.put(url, json={**body, "request_key": key(), "expiration_date": sent})
        assert odd.status_code == 422 and said in odd.json()["errors"]["expiration_date"], \
            odd.text
    assert (await receiver.put(url, json={**body, "request_key": key()})).status_code in (403,
                                                                                          404)
    # while the lot travels, its date travels with it
    moving = (await request_transfer(sender, a1, b1, lot, 2)).json()
    held = await sender.put(url, json={**body, "request_key": key(),
                                       "expiration_date": str(OTHER)})
    assert held.status_code == 422 and moving["number"] in held.json()["errors"]["lot_id"]
    await received(system, sender, a1, "FIX-STAYS", 5, LABEL)  # a lot the form does offer
    person = browser(system)
    await person.login(a.emails[a1])
    page = (await person.get(f"/inventory/{a1}")).text
    offered = page.split(f'action="/inventory/{a1}/expiry"')[1].split("</select>")[0]
    assert "FIX-STAYS" in offered
    assert f'value="{lot}"' not in offered, "a lot on its way is not offered for correction"
    await person.http.aclose()

    # a shipment stuck on a clash of dates (B's record of the lot made before the check
    # existed): B corrects its record to the label's, and the shipment is received
    url_t = f"/api/v1/transfers/{moving['id']}"
    async with system.sessions() as session:
        session.add(Lot(location_id=b1, product_id=product, lot_number="FIX-1",
                        expiration_date=OTHER, on_hand=0))
        await session.commit()
    assert (await _state.post(f"{url_t}/decision", json={"decision": "approve"})
            ).status_code == 200
    assert (await sender.post(f"{url_t}/ship")).status_code == 200
    assert (await receiver.post(f"{url_t}/receive")).status_code == 422
    theirs = await lot_id(receiver, b1, "FIX-1")
    wrong = await receiver.put(f"/api/v1/locations/{b1}/inventory/lots/{theirs}/expiration",
                               json={**body, "request_key": key(),
                                     "expiration_date": str(OTHER + DAY)})
    assert wrong.status_code == 422 and moving["number"] in wrong.json()["errors"][
        "expiration_date"], "a date that disagrees with the lot on its way here is refused"
    assert (await receiver.put(f"/api/v1/locations/{b1}/inventory/lots/{theirs}/expiration",
                               json={**body, "request_key": key()})).status_code == 200
    assert (await receiver.post(f"{url_t}/receive")).status_code == 200
    assert await on_hand(receiver, b1, "FIX-1") == 2


async def test_the_inventory_page_corrects_an_expiry_and_keeps_a_mistake(system, world):
    _state, a, _b = world
    site = a.ids[1]
    product = await product_id(system)
    assert (await receive(a.staff[site], site, product, "PAGE-FIX", 5, OTHER)).status_code == 201
    lot = await lot_id(a.staff[site], site, "PAGE-FIX")
    person = browser(system)
    await person.login(a.emails[site])
    page = f"/inventory/{site}"
    refused = await person.submit(page, {"lot_id": str(lot), "expiration_date": str(LABEL),
                                         "reason": "", "request_key": key()},
                                 action=f"/inventory/{site}/expiry")
    assert refused.status_code == 422
    form = refused.text.split(f'action="/inventory/{site}/expiry"')[1].split("</form>")[0]
    assert 'id="expiry-reason-error"' in form or "Reason" in form.split("usa-error-message")[1]
    assert f'value="{LABEL}"' in form, "the date typed is kept"
    odd = await person.submit(page, {"lot_id": "abc", "expiration_date": str(LABEL),
                                     "reason": "Label", "request_key": key()},
                              action=f"/inventory/{site}/expiry")
    assert odd.status_code == 422 and "Choose one of the options listed." in odd.text
    assert "Check the field lot_id" not in odd.text, "the field is named by its label"
    sent_key = key()
    done = await person.submit(page, {"lot_id": str(lot), "expiration_date": str(LABEL),
                                      "reason": "Label read again", "request_key": sent_key},
                               action=f"/inventory/{site}/expiry")
    assert f"corrected to {day(LABEL)}" in done.text
    again = await person.submit(page, {"lot_id": str(lot), "expiration_date": str(OTHER),
                                       "reason": "Label read again", "request_key": sent_key},
                                action=f"/inventory/{site}/expiry")
    assert again.status_code == 409 and "already sent once with other values" in again.text
    assert "new key" not in again.text, "the page's hidden key is not the person's to send"
    # the address a refused form was shown at, opened again, is the site's page at that form
    # (it answered 405)
    reopened = await person.http.get(f"/inventory/{site}/expiry", follow_redirects=False)
    assert reopened.status_code == 303 and reopened.headers["location"] == \
        f"/inventory/{site}#expiry"
    assert (await person.http.get(f"/inventory/{site}/nothing")).status_code == 404
    assert "Expiry corrected" in done.text and "Label read again" in done.text
    await person.http.aclose()


async def test_a_correction_and_a_transfer_request_of_the_lot_take_turns(system, world):
    """Found by the check of the correction: a correction and a request to send the lot, at
    once, both went through, and the transfer carried the date the lot no longer had. The
    request now waits for the correction and carries the corrected date; a request key used
    again for another date is refused instead of answering with the earlier change."""
    _state, a, _b = world
    a1, a2 = a.ids
    product = await product_id(system)
    sender = a.staff[a1]
    lot = await received(system, sender, a1, "TURN-1", 20, OTHER)
    answer, waited = await request_while(
        system, a.emails[a1], a1, lambda session, user, site: inventory.correct_expiry(
            session, user, site, lot, ExpiryCorrectionIn(
                expiration_date=LABEL, reason="Label read again", request_key=key())),
        request_transfer(sender, a1, a2, lot, 2))
    assert answer.status_code == 201, answer.text
    assert answer.json()["expiration_date"] == str(LABEL) and waited

    url = f"/api/v1/locations/{a2}/inventory/lots"
    assert (await receive(a.staff[a2], a2, product, "TURN-2", 5, OTHER)).status_code == 201
    other = await lot_id(a.staff[a2], a2, "TURN-2")
    body = {"expiration_date": str(LABEL), "reason": "Label", "request_key": key()}
    first = await a.staff[a2].put(f"{url}/{other}/expiration", json=body)
    assert first.status_code == 200, first.text
    reused = await a.staff[a2].put(f"{url}/{other}/expiration",
                                   json={**body, "expiration_date": str(LABEL + DAY)})
    assert reused.status_code == 409 and "request_key" in reused.json()["errors"], reused.text
    long = await a.staff[a2].put(f"{url}/{other}/expiration",
                                 json={**body, "request_key": key(), "reason": "x" * 401})
    assert long.status_code == 422 and "reason" in long.json()["errors"]
