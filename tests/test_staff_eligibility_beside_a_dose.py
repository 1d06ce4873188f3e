"""A walk-in whose answers put them in a phase not yet open, given a dose by a provider,
showed "Eligibility: Waiting" on the staff record right beside the recorded dose. The provider
who gave it judged them eligible: staff read that, with what their answers alone say; before
any dose they read the status in words. The person's own page and stored answers are theirs."""

import re
import uuid

from models.enums import Role
from models.recipient_rules import recipient_path
from models.recipients import Recipient
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.web import browser

WAITING = "Not yet: their group&#39;s phase is not open"


def eligibility(html: str) -> str:
    found = re.search(r"<dt>Eligibility</dt><dd>(.*?)</dd>", html, re.S)
    assert found, html[-2000:]
    return found[1].strip()


async def test_a_person_given_a_dose_is_not_shown_as_waiting_to_staff(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"EL-{uuid.uuid4().hex[:6]}")
    teacher = await walk_in(site, email=f"t-{uuid.uuid4().hex[:8]}@example.org",
                            industry="education")  # phase 3, not open
    staff = browser(system)
    await staff.login(site.emails[Role.PROVIDER])
    record = f"/care/{site.location_id}/recipients/{teacher['id']}"
    assert eligibility((await staff.get(record)).text) == WAITING

    # judged eligible at the desk: the dose is recorded as given
    assert (await give(site, teacher["id"], lot, confirmed=True)).status_code == 201
    judged = (f"Judged eligible by the provider who vaccinated them at {site.name}. By their "
              "answers alone: not yet, their group&#39;s phase is not open")
    shown = eligibility((await staff.get(record)).text)
    assert shown == judged and "Waiting" not in shown, shown

    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    theirs = (await manager.get(f"/recipients/people/{teacher['id']}")).text
    assert eligibility(theirs).startswith(judged), eligibility(theirs)
    listed = (await manager.get(f"/recipients?location_id={site.location_id}")).text
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", listed, re.S) if teacher["last_name"] in r)
    assert ("Judged eligible by the provider who vaccinated them. By their answers alone: not "
            "yet") in row and "Waiting" not in row, row

    own = await system.http(follow_redirects=True).get(recipient_path(
        system.settings.secret_key.get_secret_value(), teacher["id"]))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", own.text))
    assert "Your group: Frontline essential workers (Phase 3)." in text, text[:1500]
    assert "Judged eligible" not in text
    async with system.sessions() as session:
        person = await session.get(Recipient, teacher["id"])
    assert (person.industry, person.eligibility) == ("education", "waiting"), "their answers"
