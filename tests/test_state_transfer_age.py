"""The state's transfer list says each transfer's age in its status (SPEC 7), and its age filter
is of that age: an approved transfer late to ship is in "approved" since its decision, not since
its request; a late shipment since it was shipped."""

import re
import uuid
from datetime import timedelta

from sqlalchemy import update

from models.base import utcnow
from models.enums import Role
from models.inventory import Transfer
from tests.support.accounts import make_user
from tests.support.web import browser
from tests.test_state_screens import cells, few_sites, seed_transfer


def ages(html: str) -> dict[str, str]:
    return dict(re.findall(r'<a href="/transfers/\d+">(TR\d+)</a>.*?'
                           r'data-label="Age in this status">([^<]*)</td>', html))


async def test_a_late_transfer_is_aged_in_its_status_and_filtered_by_that_age(system):
    marker = f"ta{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.REVIEWER, first_name="Rita")
    sites = await few_sites(system, marker, staff.id, count=3)
    now = utcnow()
    to_ship = await seed_transfer(system, staff.id, sites[0], sites[1])
    to_arrive = await seed_transfer(system, staff.id, sites[2], sites[1])
    async with system.sessions() as session:
        # requested 10 days ago, approved 4 days ago, flagged: not shipped in time
        await session.exec(update(Transfer).where(Transfer.id == int(to_ship[2:])).values(
            status="approved", flagged=True, requested_at=now - timedelta(days=10),
            decided_at=now - timedelta(days=4, hours=1)))
        # requested 20 days ago, approved 15, shipped 6 days ago, flagged: not received
        await session.exec(update(Transfer).where(Transfer.id == int(to_arrive[2:])).values(
            status="shipped", flagged=True, requested_at=now - timedelta(days=20),
            decided_at=now - timedelta(days=15), shipped_at=now - timedelta(days=6, hours=1)))
        await session.commit()
    person = browser(system)
    await person.login(staff.email)

    page = await person.get(f"/state/transfers?q={marker}")
    assert ages(page.text) == {to_ship: "4 days", to_arrive: "6 days"}, page.text
    rows = {row[0]: row for row in cells(await person.get(f"/state/transfers.csv?q={marker}"))}
    assert rows[to_ship][8] == "4" and rows[to_arrive][8] == "6"

    # "Waiting 7 days or more": neither has been 7 days in its status
    week = await person.get(f"/state/transfers?q={marker}&age=7")
    assert ages(week.text) == {}, week.text
    assert len(cells(await person.get(f"/state/transfers.csv?q={marker}&age=7"))) == 1
    assert set(ages((await person.get(f"/state/transfers?q={marker}&age=")).text)) == {
        to_ship, to_arrive}
    await person.http.aclose()
