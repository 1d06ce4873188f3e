"""Once a dose is on record, the Recipient Portal no longer changes the person's legal name and
date of birth: the proof of vaccination (a signed SMART Health Card) names the person who was
vaccinated, not whoever holds the link. Before a dose they can still be corrected there."""

import uuid

from models.recipient_rules import recipient_path
from models.recipients import Recipient
from tests.support.care import NO_TO_ALL, give, stock, vaccinating_site, walk_in
from tests.support.recipients import form_of
from tests.support.web import browser

LOCKED = "cannot be changed here"


async def test_the_name_and_birth_date_are_fixed_once_a_dose_is_recorded(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "212", f"ID-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site, email=f"id-{uuid.uuid4().hex[:6]}@example.org")
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    visitor = browser(system)
    # Before any dose, a misspelt name is corrected from the link.
    page = await visitor.get(f"{link}/edit")
    assert page.status_code == 200 and 'name="first_name"' in page.text
    before = await visitor.submit(f"{link}/edit", {**form_of(page.text), **NO_TO_ALL,
                                                   "first_name": "Anna"}, action=link)
    assert before.status_code == 200 and "/status" in str(before.url), before.text
    async with system.sessions() as session:
        assert (await session.get(Recipient, person["id"])).first_name == "Anna"

    assert (await give(site, person["id"], lot)).status_code == 201
    page = await visitor.get(f"{link}/edit")
    assert page.status_code == 200 and LOCKED in page.text
    assert 'name="first_name"' not in page.text and 'name="date_of_birth"' not in page.text
    # The rest is still updated as before (the form posts no name or date of birth).
    kept = await visitor.submit(f"{link}/edit", {**form_of(page.text), **NO_TO_ALL,
                                                 "city": "Raleigh"}, action=link)
    assert kept.status_code == 200 and "/status" in str(kept.url), kept.text
    # A name or birth date sent anyway is refused, and nothing is saved.
    forged = await visitor.submit(f"{link}/edit", {
        **form_of(page.text), **NO_TO_ALL, "city": "Cary", "first_name": "Forged", "last_name": "Name",
        "date_of_birth": "2001-01-01"}, action=link)
    assert forged.status_code == 400 and LOCKED in forged.text
    async with system.sessions() as session:
        record = await session.get(Recipient, person["id"])
        assert (record.first_name, record.date_of_birth.isoformat(), record.city) == (
            "Anna", "1980-04-02", "Raleigh")
    proof = await visitor.get(f"{link}/proof")
    assert "Anna " in proof.text and "Forged" not in proof.text


async def test_the_location_corrects_a_name_or_birth_date_and_it_is_audited(system):
    """The person cannot, once vaccinated: the location that keeps their record can (a typo
    checked against an official document), the same person twice is refused, another
    organization's location may not, and the correction is in the audit log."""
    from sqlmodel import select

    from models.audit import AuditEvent

    site, other = await vaccinating_site(system), await vaccinating_site(system)
    lot = await stock(system, site, "212", f"ID-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site)
    twin = await walk_in(site)
    assert (await give(site, person["id"], lot)).status_code == 201
    here = f"/care/{site.location_id}/recipients/{person['id']}"
    page = await site.provider.get(here)
    assert f'action="{here}/identity"' in page.text
    async with system.sessions() as session:
        record = await session.get(Recipient, person["id"])
        other_one = await session.get(Recipient, twin["id"])
    blank = await site.provider.post(f"{here}/identity", data={
        "first_name": "", "last_name": record.last_name, "date_of_birth": "1980-04-02"})
    assert blank.status_code == 422 and 'id="first_name-error"' in blank.text
    assert 'name="dose_number"' in blank.text, "the dose form is still there"
    same = await site.provider.post(f"{here}/identity", data={
        "first_name": other_one.first_name, "last_name": other_one.last_name,
        "date_of_birth": str(other_one.date_of_birth)})
    assert same.status_code in (400, 409, 422) and "Someone else is already registered" in same.text
    foreign = await other.provider.post(
        f"/care/{other.location_id}/recipients/{person['id']}/identity",
        data={"first_name": "Ann", "last_name": "X", "date_of_birth": "1980-04-03"})
    assert foreign.status_code in (403, 404)
    done = await site.provider.post(f"{here}/identity", data={
        "first_name": "Annie", "last_name": record.last_name, "date_of_birth": "1980-04-03"},
        follow_redirects=True)
    assert done.status_code == 200 and "The legal name and date of birth are corrected" in done.text
    async with system.sessions() as session:
        fixed = await session.get(Recipient, person["id"])
        assert (fixed.first_name, fixed.first_key, str(fixed.date_of_birth)) == (
            "Annie", "annie", "1980-04-03")
        audit = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "recipient", AuditEvent.subject_id == person["id"],
            AuditEvent.action == "name or birth date corrected"))).all()
    assert len(audit) == 1 and audit[0].detail["before"]["first_name"] == record.first_name
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    async with system.http() as http:
        proof = await http.get(f"{link}/proof")
    assert "Annie " in proof.text
