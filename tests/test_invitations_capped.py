"""The program's email is no spam channel: a self-registered administrator chooses the
coordinator addresses and names its invitations carry, so the invitations an organization makes
the program send are capped, per address (3 in 24 hours, whichever organizations ask) and per
organization after Section A (10 in 24 hours). Past a cap the answer is 429 with Retry-After,
the reason next to the coordinator's email field, what was typed kept, nothing changed or sent."""

import asyncio

from sqlmodel import select

from models.enrollment import Location, Organization
from models.enrollment_enums import OfficerRole
from models.enrollment_rules import officers_of
from tests.support.enrollment import complete_location, location_body, start_enrollment
from tests.support.review import SIGNING_SUBJECT
from tests.support.web import browser, unique_email

INVITATION = "Primary Vaccine Coordinator"


def coordinator(first: str, email: str) -> dict:
    return {"coordinator_first_name": first, "coordinator_last_name": "Stranger",
            "coordinator_email": email}


async def test_an_address_changed_back_and_forth_is_not_mailed_each_time(system):
    enrollment = await start_enrollment(system, ["Spam Clinic"])
    (first, location_id), = enrollment.locations.items()
    stranger, other = unique_email("stranger"), unique_email("other")
    url = f"/api/v1/organizations/{enrollment.org_id}/locations/{location_id}/coordinator"
    sent = {stranger: 0, other: 0}
    # Section A's invitation first: an invitation reads the address as it is sent, so one not
    # yet sent when the address changed went to the new one (and every later one shifted on:
    # the last address was mailed a fourth time, under a full run's load)
    await system.smtp.wait_for(to=first, subject=INVITATION, count=1)
    for email in (stranger, other, stranger, other, stranger, other):
        moved = await enrollment.admin.put(url, json=coordinator("Pat", email))
        assert moved.status_code == 200, moved.text
        sent[email] += 1  # each read before the next change (the process reads the address)
        await system.smtp.wait_for(to=email, subject=INVITATION, count=sent[email])
    refused = await enrollment.admin.put(url, json=coordinator("Pat", stranger))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0, refused.text
    said = refused.json()["errors"]["coordinator_email"]
    assert stranger in said and "3 invitations or signing links in the last 24 hours" in said, said
    async with system.sessions() as session:
        assert (await session.get(Location, location_id)).coordinator_email == other, \
            "nothing changed"
    # the page: the reason on the field, what was typed kept
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    page_url = f"/organization/locations/{location_id}/coordinator"
    page = await admin.submit(page_url, {**coordinator("Quinn", stranger)})
    assert page.status_code == 429 and int(page.headers["retry-after"]) > 0, page.text[:400]
    assert 'id="coordinator_email-error"' in page.text and "Quinn" in page.text
    assert f'value="{stranger}"' in page.text
    # another organization typing the same stranger is refused too
    elsewhere = await start_enrollment(system, ["Other Clinic"], submit=False)
    added = await elsewhere.admin.post(f"/api/v1/organizations/{elsewhere.org_id}/locations",
                                       json=location_body("Another Place", stranger))
    assert added.status_code == 201, "a draft sends nothing"
    submitted = await elsewhere.admin.post(f"/api/v1/organizations/{elsewhere.org_id}/submit")
    assert submitted.status_code == 429, submitted.text
    assert stranger in submitted.json()["errors"]["coordinator_email"]
    await asyncio.sleep(1)
    for address in (stranger, other):  # (a mail delivered twice by a retried send is one)
        links = {m.link("/invite/") for m in system.smtp.find(to=address, subject=INVITATION)}
        assert len(links) == 3, (address, links)
    assert len(system.smtp.find(to=first, subject=INVITATION)) == 1, "once, with Section A"


async def test_an_organization_invites_a_bounded_number_a_day_after_section_a(system):
    enrollment = await start_enrollment(system, ["Busy Clinic"])
    (_first, location_id), = enrollment.locations.items()
    url = f"/api/v1/organizations/{enrollment.org_id}/locations/{location_id}/coordinator"
    for _ in range(9):
        moved = await enrollment.admin.put(url, json=coordinator("Pat", unique_email("many")))
        assert moved.status_code == 200, moved.text
    added = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                        json=location_body("Tenth Place", unique_email("tenth")))
    assert added.status_code == 201, added.text
    refused = await enrollment.admin.put(url, json=coordinator("Pat", unique_email("more")))
    assert refused.status_code == 429, refused.text
    assert "Your organization had 10 invitations or signing links" in \
        refused.json()["errors"]["coordinator_email"]
    # adding a location on the dashboard: refused on the field, nothing stored, typed kept
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    late = unique_email("late")
    page = await admin.submit("/organization", {
        **location_body("Eleventh Place", late)}, action="/organization/locations")
    assert page.status_code == 429, page.text[:400]
    assert 'id="coordinator_email-error"' in page.text and f'value="{late}"' in page.text
    assert 'value="Eleventh Place"' in page.text
    async with system.sessions() as session:
        names = (await session.exec(select(Location.name).where(
            Location.organization_id == enrollment.org_id))).all()
    assert "Eleventh Place" not in names
    await asyncio.sleep(1)
    assert not system.smtp.find(to=late)


async def test_an_officers_address_changed_back_and_forth_is_not_mailed_each_time(system):
    """The same channel through the officers: after Section A a corrected CEO or CMO is
    emailed a fresh signing link for what waits for them, so an address changed back and
    forth mailed it each time; it counts as an invitation does."""
    enrollment = await start_enrollment(system, ["Officer Spam Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    stranger, other = unique_email("officer-stranger"), unique_email("officer-other")
    sent = {stranger: 0, other: 0}
    for address in (stranger, other, stranger, other, stranger, other):
        saved = await admin.submit("/organization/officers/ceo", {
            "name": "Dana Spam", "title": "CEO", "email": address})
        assert saved.status_code == 200, saved.text[:400]
        sent[address] += 1
        await system.smtp.wait_for(to=address, subject=SIGNING_SUBJECT, count=sent[address])
    refused = await admin.submit("/organization/officers/ceo", {
        "name": "Dana Typed", "title": "CEO", "email": stranger})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert 'id="email-error"' in refused.text and 'value="Dana Typed"' in refused.text
    async with system.sessions() as session:
        officers = await officers_of(session, await session.get(Organization, enrollment.org_id))
    assert officers[OfficerRole.CEO].email == other, "nothing changed"
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=stranger, subject=SIGNING_SUBJECT)) == 3
