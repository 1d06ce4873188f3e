"""Correcting an earlier dose's day was not checked against the dose after it: dose 1 moved
to dose 2's day (two doses on one day, which recording refuses) or after it, and dose 2
left days after dose 1 without the confirmation recording asks for, all saved as "The dose is
corrected.". The dose after is now checked as the dose before is: never on or before it, and
a gap shorter than the product's interval, or another product than the next dose's,
recorded only when confirmed."""

import uuid
from datetime import timedelta

from models.administrations import Administration
from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import give, stock, vaccinating_site, walk_in


def _edit(dose_id: int, on, confirmed: bool = False) -> tuple[str, dict]:
    return f"/api/v1/administrations/{dose_id}", {
        "dose_number": 1, "administered_on": str(on), "site": "LD", "route": "IM",
        "provider_name": "Pat Provider", "confirmed": confirmed}


async def test_an_earlier_dose_is_not_moved_onto_or_past_the_next(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"NX-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site)
    today = local_today(utcnow())
    first = await give(site, person["id"], lot, 1, on=today - timedelta(days=60))
    assert first.status_code == 201, first.text
    second = await give(site, person["id"], lot, 2, on=today - timedelta(days=30))
    assert second.status_code == 201, second.text
    dose_id = first.json()["id"]

    for days, field, said in ((30, "administered_on", "same day"),
                              (20, "administered_on", "cannot be after dose 2"),
                              (40, "confirmed", "due from")):
        url, body = _edit(dose_id, today - timedelta(days=days))
        refused = await site.provider.put(url, json=body)
        assert refused.status_code == 422, (days, refused.status_code, refused.text)
        assert said in refused.json()["errors"][field], (days, refused.json())
    # a shorter gap that really happened is recorded once confirmed; the order never is
    url, body = _edit(dose_id, today - timedelta(days=40), confirmed=True)
    assert (await site.provider.put(url, json=body)).status_code == 200
    url, body = _edit(dose_id, today - timedelta(days=30), confirmed=True)
    assert (await site.provider.put(url, json=body)).status_code == 422
    # moved to a lot of another product than dose 2's: asked as recording it is
    janssen = await stock(system, site, "212", f"NJ-{uuid.uuid4().hex[:5].upper()}")
    url, body = _edit(dose_id, today - timedelta(days=60))
    other = await site.provider.put(url, json={**body, "lot_id": janssen})
    assert other.status_code == 422, other.text
    assert "Dose 2 was Moderna" in other.json()["errors"]["confirmed"], other.json()
    async with system.sessions() as session:
        kept = await session.get(Administration, dose_id)
    assert kept.administered_on == today - timedelta(days=40) and kept.lot_id == lot
