"""A first dose's day corrected moves its second-dose reminder, but the page said only "The
dose is corrected.": the provider, who tells the person when to come back, did not learn the
reminder's new day (recording the dose says it). The correction now says it as recording does."""

import uuid
from datetime import timedelta

from core.timefmt import day
from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import give, stock, vaccinating_site, walk_in


async def test_a_corrected_first_dose_says_when_the_reminder_is_emailed(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"RM-{uuid.uuid4().hex[:5].upper()}")  # 28 days
    email = f"rm-{uuid.uuid4().hex[:6]}@example.org"
    person = await walk_in(site, email=email)
    today = local_today(utcnow())
    dose = await give(site, person["id"], lot, on=today - timedelta(days=2))
    assert dose.status_code == 201, dose.text
    moved = today - timedelta(days=1)
    done = await site.provider.post(f"/care/doses/{dose.json()['id']}/edit", data={
        "lot_id": str(lot), "dose_number": "1", "administered_on": str(moved), "site": "LD",
        "route": "IM", "provider_name": "Pat Provider"}, follow_redirects=True)
    assert done.status_code == 200, done.text[:300]
    said = (f"The dose is corrected. A reminder for dose 2 is emailed to {email} on "
            f"{day(moved + timedelta(days=28))}.")
    assert said in " ".join(done.text.split()), " ".join(done.text.split())[:3000]
