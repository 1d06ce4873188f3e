"""A transfer marked shipped after an outage with the day it left is flagged when its receipt is
late counted from that day, not from the click (SPEC §3: "one not shipped or received in time is
flagged"; found by the check of transfers: shipped 6 days ago and marked today, it waited five
more days before anyone was told it had not arrived)."""

from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.inventory import Transfer
from tests.support.inventory import enrolled_sites, lot_received, request_transfer
from tests.support.review import reviewer


async def test_a_shipment_marked_late_is_flagged_from_the_day_it_left(system):
    state = await reviewer(system)
    state_email = (await state.get("/api/v1/me")).json()["email"]
    sites = await enrolled_sites(system, ["Late Mark North", "Late Mark South"],
                                 redistribution=False, state=state)
    (source, sender), (target, _receiver) = sites.staff.items()
    today = local_today(utcnow())
    lot = await lot_received(system, sender, source, "LATE-M1", 30, days_ago=20)
    numbers = []
    for doses in (10, 5):
        asked = await request_transfer(sender, source, target, lot, doses)
        assert asked.status_code == 201, asked.text
        numbers.append((asked.json()["id"], asked.json()["number"]))
        decided = await state.post(f"/api/v1/transfers/{numbers[-1][0]}/decision",
                                   json={"decision": "approve"})
        assert decided.status_code == 200, decided.text
    async with system.sessions() as session:  # approved before the outage
        for transfer_id, _ in numbers:
            transfer = await session.get(Transfer, transfer_id)
            transfer.decided_at = utcnow() - timedelta(days=8)
            session.add(transfer)
        await session.commit()
    (long_ago, late_number), (lately, recent_number) = numbers
    # left 6 days ago (due 5 days after: already late), and 2 days ago (3 days still to go)
    for transfer_id, days in ((long_ago, 6), (lately, 2)):
        shipped = await sender.post(f"/api/v1/transfers/{transfer_id}/ship",
                                    json={"shipped_on": str(today - timedelta(days=days))})
        assert shipped.status_code == 200, shipped.text
    for email in (sites.emails[source], sites.emails[target], state_email):
        await system.smtp.one(to=email, subject=f"{late_number} was shipped but not received")
    assert (await sender.get(f"/api/v1/transfers/{long_ago}")).json()["flagged"]
    flagged = (await state.get("/api/v1/state/transfers")).json()["flagged"]
    assert long_ago in [t["id"] for t in flagged]
    assert lately not in [t["id"] for t in flagged]
    assert not (await sender.get(f"/api/v1/transfers/{lately}")).json()["flagged"]
    assert not system.smtp.find(subject=f"{recent_number} was shipped but not received")
