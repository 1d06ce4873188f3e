"""Once a dose is on record, the Recipient Portal no longer changes the person's legal name and
date of birth: the proof of vaccination (a signed SMART Health Card) names the person who was
vaccinated, not whoever holds the link. Before a dose they can still be corrected there."""

import re
import uuid

from models.recipient_rules import recipient_path
from models.recipients import Recipient
from tests.support.care import NO_TO_ALL, give, stock, vaccinating_site, walk_in
from tests.support.web import browser

LOCKED = "cannot be changed here"


def form_of(html: str) -> dict:
    found = dict(re.findall(r'<input class="usa-input[^"]*" id="([a-z_]+)" name="[a-z_]+" '
                            r'type="[a-z]+" value="([^"]*)"', html))
    for name in ("state", "industry", "language"):
        chosen = re.search(rf'<select[^>]*name="{name}".*?<option value="([^"]+)" selected',
                           html, re.S)
        found[name] = chosen[1] if chosen else ""
    return {**found, **NO_TO_ALL}


async def test_the_name_and_birth_date_are_fixed_once_a_dose_is_recorded(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "212", f"ID-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site, email=f"id-{uuid.uuid4().hex[:6]}@example.org")
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    visitor = browser(system)
    # Before any dose, a misspelt name is corrected from the link.
    page = await visitor.get(f"{link}/edit")
    assert page.status_code == 200 and 'name="first_name"' in page.text
    before = await visitor.submit(f"{link}/edit", {**form_of(page.text), "first_name": "Anna"},
                                  action=link)
    assert before.status_code == 200 and "/status" in str(before.url), before.text
    async with system.sessions() as session:
        assert (await session.get(Recipient, person["id"])).first_name == "Anna"

    assert (await give(site, person["id"], lot)).status_code == 201
    page = await visitor.get(f"{link}/edit")
    assert page.status_code == 200 and LOCKED in page.text
    assert 'name="first_name"' not in page.text and 'name="date_of_birth"' not in page.text
    # The rest is still updated as before (the form posts no name or date of birth).
    kept = await visitor.submit(f"{link}/edit", {**form_of(page.text), "city": "Raleigh"},
                                action=link)
    assert kept.status_code == 200 and "/status" in str(kept.url), kept.text
    # A name or birth date sent anyway is refused, and nothing is saved.
    forged = await visitor.submit(f"{link}/edit", {
        **form_of(page.text), "city": "Cary", "first_name": "Forged", "last_name": "Name",
        "date_of_birth": "2001-01-01"}, action=link)
    assert forged.status_code == 400 and LOCKED in forged.text
    async with system.sessions() as session:
        record = await session.get(Recipient, person["id"])
        assert (record.first_name, record.date_of_birth.isoformat(), record.city) == (
            "Anna", "1980-04-02", "Raleigh")
    proof = await visitor.get(f"{link}/proof")
    assert "Anna " in proof.text and "Forged" not in proof.text
