"""Once a dose is on record, the Recipient Portal no longer changes the person's legal name and
date of birth: the proof of vaccination (a signed SMART Health Card) names the person who was
vaccinated, not whoever holds the link. Before a dose they can still be corrected there."""

import uuid

from models.recipient_rules import recipient_path
from models.recipients import Recipient
from tests.support.care import NO_TO_ALL, give, letters, stock, vaccinating_site, walk_in
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


async def test_a_birth_date_corrected_to_after_a_dose_or_the_registration_is_refused(system):
    """Found by the outside check: "Correct their legal name or date of birth" took a date of
    birth after the person's first dose (and after the day their paper registration was filled
    in), so the proof of vaccination showed a dose given before the person was born; a dose
    dated before the birth is refused, and so is a paper form. Now the correction is refused
    on the date of birth, with the day it cannot follow, and nothing changes."""
    from datetime import timedelta

    from models.base import utcnow
    from models.care_rules import local_today

    site = await vaccinating_site(system)
    lot = await stock(system, site, "212", f"ID-{uuid.uuid4().hex[:5].upper()}")
    person = await walk_in(site)
    today = local_today(utcnow())
    assert (await give(site, person["id"], lot, on=today - timedelta(days=3))).status_code == 201
    here = f"/care/{site.location_id}/recipients/{person['id']}"
    async with system.sessions() as session:
        record = await session.get(Recipient, person["id"])
    after = await site.provider.post(f"{here}/identity", data={
        "first_name": record.first_name, "last_name": record.last_name,
        "date_of_birth": str(today - timedelta(days=1))})
    assert after.status_code == 422 and 'id="date_of_birth-error"' in after.text, after.text
    assert "Dose 1 was given on" in after.text
    async with system.sessions() as session:
        assert str((await session.get(Recipient, person["id"])).date_of_birth) == "1980-04-02"

    paper = await site.provider.post(f"{site.care}/walk-ins", json={
        **NO_TO_ALL, "first_name": "Paper", "last_name": f"Form {letters()}",
        "date_of_birth": "1990-01-01", "phone": "9195550100", "street": "1 Main St",
        "city": "Raleigh", "state": "NC", "zip_code": "27601", "industry": "other",
        "language": "en", "registered_on": str(today - timedelta(days=10))})
    assert paper.status_code == 201, paper.text
    refused = await site.provider.post(
        f"/care/{site.location_id}/recipients/{paper.json()['id']}/identity", data={
            "first_name": "Paper", "last_name": paper.json()["last_name"],
            "date_of_birth": str(today - timedelta(days=5))})
    assert refused.status_code == 422 and "registered on" in refused.text, refused.text
