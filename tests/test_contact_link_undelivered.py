"""A point of contact's validation link refused by the mail server (a mistyped or closed
mailbox) is said beside them on the organization's page, with the server's words and when, so
the Location Manager does not wait 48 hours on a link that went nowhere; once the address is
corrected (a new link goes to it), the note goes. A Provider Portal account's invitation alike."""

import asyncio
import uuid

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.portal import INVITATION
from tests.support.recipients import location_manager, manager_api
from tests.support.smtp import NO_SUCH_USER
from tests.support.web import browser, unique_email
from tests.test_browser_enrollment import log_in
from tests.test_recipient_contact_upload import VALIDATION

NOTE = "Our email to this address could not be delivered"


async def page_with(person, url: str, count: int, note: str = NOTE) -> str:
    for _ in range(100):  # the process's email is refused a moment after the person is added
        page = (await person.get(url)).text
        if page.count(note) == count:
            return page
        await asyncio.sleep(0.2)
    raise AssertionError(f"{note!r} not shown {count} times: {page}")


async def refused_contact(system):
    """A manager's organization whose one point of contact's address the relay refuses:
    (the manager, their API client, the organization, the contact's id, the address)."""
    manager = await location_manager(system)
    staff = await manager_api(system, manager)
    employer = (await staff.post("/api/v1/employers", json={
        "name": f"Bounce Grocers {uuid.uuid4().hex[:6]}", "industry": "Grocery and retail",
        "street": "1 Main St", "city": "Raleigh", "state": "North Carolina",
        "zip_code": "27601"})).json()
    gone = f"{NO_SUCH_USER}{uuid.uuid4().hex[:8]}@example.org"
    added = await staff.post(f"/api/v1/employers/{employer['id']}/contacts", json={
        "first_name": "Uma", "last_name": "Gone", "email": gone, "phone": "919-555-0101"})
    assert added.status_code == 201, added.text
    return manager, staff, employer, added.json()["id"], gone


async def test_a_refused_validation_link_is_shown_until_the_address_is_corrected(system):
    manager, staff, employer, contact_id, gone = await refused_contact(system)
    person = browser(system)
    await person.login(manager.email)
    url = f"/portal/organizations/{employer['id']}"
    page = await page_with(person, url, 1)
    assert f"the mail server said: {gone}: 550 5.1.1 No such user here" in page
    assert "Check the address with Uma" in page

    right = unique_email("poc-right")
    corrected = await staff.put(f"/api/v1/employers/{employer['id']}/contacts/"
                                f"{contact_id}", json={
        "first_name": "Uma", "last_name": "Gone", "email": right, "phone": "919-555-0101"})
    assert corrected.status_code == 200, corrected.text
    await system.smtp.one(to=right, subject=VALIDATION)
    assert NOTE not in (await person.get(url)).text, "corrected: gone"


@pytest.mark.browser
async def test_the_note_in_a_browser(page, system):
    manager, _staff, employer, _contact_id, _gone = await refused_contact(system)
    waiting = browser(system)
    await waiting.login(manager.email)
    await page_with(waiting, f"/portal/organizations/{employer['id']}", 1)
    await log_in(page, manager.email)
    await page.goto(f"/portal/organizations/{employer['id']}")
    await expect(page.get_by_role("row", name="Uma Gone")).to_contain_text(NOTE)
    await assert_accessible(page)


async def test_a_refused_portal_invitation_is_shown_on_the_account_until_corrected(system):
    """The same for a Provider Portal account a manager adds: its record says the invitation
    went nowhere until the address is corrected and the invitation sent again."""
    manager = await location_manager(system)
    staff = await manager_api(system, manager)
    gone = f"{NO_SUCH_USER}{uuid.uuid4().hex[:8]}@example.org"
    created = await staff.post("/api/v1/portal/users", json={
        "first_name": "Ida", "last_name": "Gone", "email": gone,
        "location_id": manager.location_id, "profile": "provider",
        "username": f"ida.{uuid.uuid4().hex[:6]}"})
    assert created.status_code == 201, created.text
    person = browser(system)
    await person.login(manager.email)
    url = f"/portal/accounts/{created.json()['id']}"
    page = await page_with(person, url, 1,
                           "Our invitation to this address could not be delivered")
    assert f"the mail server said: {gone}: 550 5.1.1 No such user here" in page
    assert "Check the address with Ida" in page

    right = unique_email("ida-right")
    fixed = await staff.patch(url.replace("/portal/accounts", "/api/v1/portal/users"),
                              json={"email": right})
    assert fixed.status_code == 200, fixed.text
    again = await staff.post(url.replace("/portal/accounts", "/api/v1/portal/users")
                             + "/invitation")
    assert again.status_code == 202, again.text
    await system.smtp.one(to=right, subject=INVITATION)
    assert "could not be delivered" not in (await person.get(url)).text, "corrected: gone"
