"""Transfer deadlines as durable timers, on the time-skipping server."""

import asyncio
import uuid
from datetime import timedelta
from typing import NamedTuple

from tests.support.inventory import (
    enrolled_sites,
    lot_id,
    on_hand,
    product_id,
    receive,
    request_transfer,
    transfer_status,
    two_sites_holding,
)
from tests.support.review import reviewer

DAY, HOUR = timedelta(days=1), timedelta(hours=1)


class Requested(NamedTuple):
    state: object  # the reviewer's client
    state_email: str
    sites: object
    source: int
    sender: object
    target: int
    request: dict


async def _requested(system, names: list[str], lot: str, held: int, asked: int) -> Requested:
    """Two enrolled sites, `held` doses of `lot` received at the first and a transfer of
    `asked` of them requested to the second, and the state's reviewer."""
    state = await reviewer(system)
    state_email = (await state.get("/api/v1/me")).json()["email"]
    two = await two_sites_holding(system, names, lot, held, state)
    request = (await request_transfer(two.sender, two.source, two.target,
                                      await lot_id(two.sender, two.source, lot), asked)).json()
    return Requested(state, state_email, two.sites, two.source, two.sender, two.target, request)


async def test_undecided_requests_escalate_and_unreceived_shipments_are_flagged(ts_system):
    state = await reviewer(ts_system)
    state_email = (await state.get("/api/v1/me")).json()["email"]
    sites = await enrolled_sites(ts_system, ["T One", "T Two"], redistribution=False,
                                 state=state)
    (source, sender), (target, receiver) = sites.staff.items()
    product = await product_id(ts_system)
    await receive(sender, source, product, "TS-1", 50)
    lot = await lot_id(sender, source, "TS-1")
    undecided = (await request_transfer(sender, source, target, lot, 10)).json()
    late = (await request_transfer(sender, source, target, lot, 20)).json()
    late_url = f"/api/v1/transfers/{late['id']}"
    await state.post(f"{late_url}/decision", json={"decision": "approve"})
    await transfer_status(sender, late["id"], "approved")
    assert (await sender.post(f"{late_url}/ship")).status_code == 200
    assert await on_hand(sender, source, "TS-1") == 30
    await ts_system.env.sleep(DAY + 23 * HOUR)
    await asyncio.sleep(1)
    assert not ts_system.smtp.find(to=state_email, subject="waited too long")
    await ts_system.env.sleep(2 * HOUR)
    escalated = await ts_system.smtp.one(to=state_email,
                                         subject=f"{undecided['number']} has waited too long")
    assert "approve or deny" in escalated.text
    assert (await sender.get(f"/api/v1/transfers/{undecided['id']}")).json()["escalated"]
    queue = (await state.get("/api/v1/state/transfers")).json()
    assert undecided["id"] in [t["id"] for t in queue["awaiting_decision"]]

    await ts_system.env.sleep(3 * DAY + HOUR)  # shipped 5 days ago, never received
    for email in (sites.emails[source], sites.emails[target], state_email):
        await ts_system.smtp.one(to=email, subject=f"{late['number']} was shipped but not received")
    flagged = (await state.get("/api/v1/state/transfers")).json()["flagged"]
    assert late["id"] in [t["id"] for t in flagged]
    assert (await receiver.post(f"{late_url}/resolution", json={"outcome": "returned"})
            ).status_code == 403
    resolved = await state.post(f"{late_url}/resolution", json={"outcome": "returned"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "returned"
    assert await on_hand(sender, source, "TS-1") == 50, "the doses went back to the sender"
    back = (await sender.get(f"/api/v1/locations/{source}/ledger")).json()[0]
    assert back["kind"] == "transfer_back" and back["actor"].endswith("(Immunization Branch)")
    assert back["reason"].startswith(f"Transfer {late['number']} returned from T Two")
    assert await on_hand(receiver, target, "TS-1") == 0


async def test_a_request_whose_approval_was_refused_where_written_still_escalates(
        ts_system, monkeypatch):
    """Found in review: an approval refused where it is written (a dose was given from the
    lot's last free doses meanwhile) put the request back to "requested", but its process
    had counted the approval as the decision, so the undecided request never escalated at its
    deadline. It now waits for a decision again, and escalates at the first deadline."""
    from api.domain import transfers

    state, state_email, _sites, source, sender, _target, request = await _requested(
        ts_system, ["R One", "R Two"], "RR-1", 10, 10)
    checked = transfers._still_held

    async def waste_meanwhile(session, asked) -> None:
        await checked(session, asked)  # the page's check: all 10 held
        wasted = await sender.post(
            f"/api/v1/locations/{source}/inventory/lots/{asked.lot_id}/adjustments",
            json={"kind": "wastage", "doses": 1, "reason": "Dropped vial",
                  "request_key": uuid.uuid4().hex})
        assert wasted.status_code == 201, wasted.text

    monkeypatch.setattr(transfers, "_still_held", waste_meanwhile)
    url = f"/api/v1/transfers/{request['id']}"
    refused = await state.post(f"{url}/decision", json={"decision": "approve"})
    assert refused.status_code == 422, refused.text
    await transfer_status(sender, request["id"], "requested")
    await ts_system.env.sleep(2 * DAY + HOUR)
    await ts_system.smtp.one(to=state_email, subject=f"{request['number']} has waited too long")
    assert (await sender.get(url)).json()["escalated"]
    monkeypatch.setattr(transfers, "_still_held", checked)
    denied = await state.post(f"{url}/decision", json={"decision": "deny",
                                                       "reason": "Only 9 doses left."})
    assert denied.status_code == 200, denied.text
    await transfer_status(sender, request["id"], "denied")


async def test_an_approved_transfer_not_shipped_in_time_is_flagged_until_it_ships(ts_system):
    """Found by the state's outside check: SPEC §3 flags a move "not shipped or received in
    time", but only a shipment not received was flagged: an approved transfer never shipped
    held its doses back from the point of care for good, with nobody told. After 3 days
    unshipped it is flagged to both sites and the state (the state's list and its page say
    "Not shipped in time"); shipping ends that flag, and the receipt's own deadline follows."""
    state, state_email, sites, source, sender, target, request = await _requested(
        ts_system, ["U One", "U Two"], "US-1", 20, 5)
    url = f"/api/v1/transfers/{request['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    await transfer_status(sender, request["id"], "approved")
    approved = await ts_system.smtp.one(to=sites.emails[source],
                                        subject=f"{request['number']} was approved")
    assert "not shipped within 3 days is flagged" in approved.text
    await ts_system.env.sleep(2 * DAY + 23 * HOUR)
    await asyncio.sleep(1)
    assert not ts_system.smtp.find(to=state_email, subject="not shipped in time")
    await ts_system.env.sleep(2 * HOUR)
    for email in (sites.emails[source], sites.emails[target], state_email):
        late = await ts_system.smtp.one(
            to=email, subject=f"{request['number']} was approved but not shipped in time")
        assert "or cancels it there if it will not ship" in late.text
    assert (await sender.get(url)).json()["flagged"]
    queue = (await state.get("/api/v1/state/transfers")).json()
    assert request["id"] in [t["id"] for t in queue["flagged"]]
    page = await state.get(f"/state/transfers?status=flagged&q={request['number']}")
    assert page.status_code == 200 and "Not shipped in time" in page.text, page.text
    assert (await state.get(f"/transfers/{request['id']}")).text.count("Not shipped in time") == 1

    assert (await sender.post(f"{url}/ship")).status_code == 200
    shipped = (await sender.get(url)).json()
    assert shipped["status"] == "shipped" and not shipped["flagged"], shipped
    queue = (await state.get("/api/v1/state/transfers")).json()
    assert request["id"] not in [t["id"] for t in queue["flagged"]]
    await ts_system.env.sleep(5 * DAY + HOUR)
    await ts_system.smtp.one(to=state_email,
                             subject=f"{request['number']} was shipped but not received")
    page = await state.get(f"/transfers/{request['id']}")
    assert "Not received in time" in page.text and "Not shipped in time" not in page.text
