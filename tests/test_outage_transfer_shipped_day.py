"""A transfer shipped and received while the system was down: once it is back, the sending site
marks it shipped on the day it left and the receiving site received on the day it came, so the
doses given from it on paper at the receiving site are entered with their real days (found by
the outside check: the shipment could only be dated the day it was marked, the receipt not
before it, and a paper dose from the days between was refused as dated before its lot came)."""

import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.inventory import Transfer
from tests.support.inventory import enrolled_sites, lot_id, lot_received, request_transfer
from tests.support.review import reviewer


async def test_a_transfer_moved_during_an_outage_keeps_its_days(system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Shipped Day North", "Shipped Day South"],
                                 redistribution=False, state=state)
    (source, sender), (target, receiver) = sites.staff.items()
    today = local_today(utcnow())
    lot = await lot_received(system, sender, source, "OUTAGE-T1", 30, days_ago=20)
    asked = await request_transfer(sender, source, target, lot, 10)
    assert asked.status_code == 201, asked.text
    number = asked.json()["id"]
    decided = await state.post(f"/api/v1/transfers/{number}/decision",
                               json={"decision": "approve"})
    assert decided.status_code == 200, decided.text
    async with system.sessions() as session:  # approved before the outage
        transfer = await session.get(Transfer, number)
        transfer.decided_at = utcnow() - timedelta(days=10)
        session.add(transfer)
        await session.commit()
    before = await sender.post(f"/api/v1/transfers/{number}/ship",
                               json={"shipped_on": str(today - timedelta(days=11))})
    assert before.status_code == 422, before.text
    assert "approved on" in before.json()["errors"]["shipped_on"]
    # (the system goes down; the doses leave 4 days ago and arrive 3 days ago; it is back)
    ahead = await sender.post(f"/api/v1/transfers/{number}/ship",
                              json={"shipped_on": str(today + timedelta(days=1))})
    assert ahead.status_code == 422 and "shipped_on" in ahead.json()["errors"], ahead.text
    shipped = await sender.post(f"/api/v1/transfers/{number}/ship",
                                json={"shipped_on": str(today - timedelta(days=4))})
    assert shipped.status_code == 200, shipped.text
    received = await receiver.post(f"/api/v1/transfers/{number}/receive",
                                   json={"received_on": str(today - timedelta(days=3))})
    assert received.status_code == 200, received.text
    ledger = (await sender.get(f"/api/v1/locations/{source}/ledger")).json()
    out = next(e for e in ledger if e["kind"] == "transfer_out")
    assert out["occurred_on"] == str(today - timedelta(days=4)), out
    care = f"/api/v1/locations/{target}/care"
    person = await receiver.post(f"{care}/walk-ins", json={
        "first_name": "Paz", "last_name": "Papel", "date_of_birth": "1980-04-02",
        "phone": "919-555-0100", "email": None, "street": "5 Elm St", "city": "Durham",
        "state": "NC", "zip_code": "27701", "industry": "health_care", "language": "es",
        "health_care_worker": "no", "long_term_care": "no", "high_risk_condition": "no",
        "shared_living": "no", "registered_on": str(today - timedelta(days=2))})
    assert person.status_code == 201, person.text
    there = await lot_id(receiver, target, "OUTAGE-T1")
    given = await receiver.post(f"{care}/administrations", json={
        "recipient_id": person.json()["id"], "lot_id": there, "dose_number": 1,
        "administered_on": str(today - timedelta(days=2)), "site": "LD", "route": "IM",
        "provider_name": "Pat Provider", "request_key": uuid.uuid4().hex})
    assert given.status_code == 201, given.text
