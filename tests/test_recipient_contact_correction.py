"""Staff correct a recipient's email address (SPEC 6: an address mistyped in a bulk upload; the
invitation went to the wrong one and the person never got the link to fix it). Their
location's manager corrects it on the recipient's page: the link sent to the old address dies
(410), the new address is emailed a working link (the invitation, as they have not registered),
the change is audited with the old and new address; a bad address is named on the field and
kept; blank removes the address, kills the link and emails nothing; another location's
manager gets nothing."""

import asyncio
import re

from sqlmodel import select

from models.audit import AuditEvent
from models.enums import Role
from models.recipients import Recipient
from tests.support.care import vaccinating_site
from tests.support.recipients import (
    Manager,
    csv_file,
    location_manager,
    manager_api,
    person,
    rows,
    tag,
    upload,
    xlsx,
)
from tests.support.web import CSRF, api_client, browser
from tests.test_recipient_contact_upload import point_of_contact
from tests.test_recipient_upload import finished

INVITED = "Register for your COVID-19 vaccination"
NO_LONGER = "This link is no longer valid"


async def invited_with_typo(system, name: str):
    """A person uploaded with a mistyped address (their invitation went there): the site, the
    upload's line, their id and the link the wrong address got."""
    site = await vaccinating_site(system, f"{name} {tag()}")
    line = person(4, tag())
    line[4] = line[4].replace("@", ".typo@")
    sent = await upload(site.manager, Manager(0, "", site.location_id, site.name), xlsx([line]))
    assert sent.status_code == 201, sent.text
    # the upload ends after its invitations are sent: its result page is shown once it has
    await finished(site.manager, sent.json()["id"])
    link = (await system.smtp.one(to=line[4], subject=INVITED)).link("/r/")
    return site, line, int(link.split("/r/")[1].split("/")[0]), link


async def _manager(system, site):
    staff = browser(system)
    await staff.login(site.emails[Role.LOCATION_MANAGER])
    return staff


def _save(staff, recipient_id: int, email: str, phone: str = "919-555-0100"):
    return staff.submit(f"/recipients/people/{recipient_id}/contact",
                        {"email": email, "phone": phone})


async def test_a_manager_corrects_a_mistyped_address_and_the_old_link_dies(system):
    site, line, recipient_id, old_link = await invited_with_typo(system, "Correction Clinic")
    visitor = browser(system)
    assert (await visitor.get(old_link)).status_code == 200

    staff = await _manager(system, site)
    page = await staff.get(f"/recipients/people/{recipient_id}")
    assert f'href="/recipients/people/{recipient_id}/contact"' in page.text
    heading = re.search(r"<h1>([^<]+)</h1>", page.text)[1]
    assert f"<title>Recipient: {heading} |" in page.text  # named, not "Recipient" for everyone
    right = f"fixed.{tag().lower()}@example.org"
    done = await _save(staff, recipient_id, f" {right.upper()} ")
    assert done.status_code == 200 and str(done.url).endswith(f"/people/{recipient_id}")
    assert (f"We emailed an invitation with a new link to {right}; the old link no longer "
            "works.") in done.text

    gone = await visitor.get(old_link)
    assert gone.status_code == 410 and NO_LONGER in gone.text
    mail = await system.smtp.one(to=right, subject=INVITED)
    new_link = mail.link("/r/")
    assert new_link != old_link
    opened = await visitor.get(new_link)
    assert opened.status_code == 200 and line[0] in opened.text
    assert len(system.smtp.find(to=line[4])) == 1  # the wrong address got only its invitation

    async with system.sessions() as session:
        stored = await session.get(Recipient, recipient_id)
        audit = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "recipient", AuditEvent.subject_id == recipient_id,
            AuditEvent.action == "contact corrected"))).one()
    assert stored.email == right and stored.link_version == 1 and stored.invited_at
    assert audit.detail["changed"]["email"] == {"from": line[4], "to": right}
    assert audit.actor and audit.at and audit.detail["user_id"]

    # saved again as it is: nothing changes, nothing more is emailed
    again = await _save(staff, recipient_id, right)
    assert "Nothing changed" in again.text
    await asyncio.sleep(0.5)
    assert len(system.smtp.find(to=right)) == 1


async def test_a_bad_address_is_named_on_its_field_and_kept(system):
    site, line, recipient_id, old_link = await invited_with_typo(system, "Typo Field Clinic")
    staff = await _manager(system, site)
    refused = await _save(staff, recipient_id, "not an address", "12")
    assert refused.status_code == 400
    assert 'id="email-error"' in refused.text and 'value="not an address"' in refused.text
    assert "Enter an email address like name@example.org." in refused.text
    assert 'id="phone-error"' in refused.text and 'value="12"' in refused.text
    assert (await browser(system).get(old_link)).status_code == 200  # nothing moved
    async with system.sessions() as session:
        assert (await session.get(Recipient, recipient_id)).email == line[4]


async def test_removing_the_address_kills_the_link_and_sends_nothing(system):
    site, line, recipient_id, old_link = await invited_with_typo(system, "Removal Clinic")
    staff = await _manager(system, site)
    done = await _save(staff, recipient_id, "")
    assert done.status_code == 200
    assert "Their email address is removed and nothing was emailed" in done.text
    assert (await browser(system).get(old_link)).status_code == 410
    await asyncio.sleep(0.5)
    assert len(system.smtp.find(to=line[4])) == 1
    shown = await staff.get(f"/recipients/people/{recipient_id}/link")
    assert shown.status_code == 200 and f"/r/{recipient_id}/" in shown.text
    assert old_link not in shown.text

    # an address given again: their link (the one printed since) is emailed, and stays
    again = f"again.{tag().lower()}@example.org"
    given = await _save(staff, recipient_id, again)
    assert f"We emailed an invitation with their link to {again}." in given.text
    mail = await system.smtp.one(to=again, subject=INVITED)
    assert (await browser(system).get(mail.link("/r/"))).status_code == 200


async def test_another_locations_manager_cannot_correct_the_address(system):
    site, line, recipient_id, old_link = await invited_with_typo(system, "Own Clinic")
    other = await vaccinating_site(system, f"Elsewhere Clinic {tag()}")
    stranger = await _manager(system, other)
    assert (await stranger.get(f"/recipients/people/{recipient_id}/contact")).status_code in (
        403, 404)
    token = CSRF.search((await stranger.get("/recipients")).text)[1]
    refused = await stranger.http.post(f"/recipients/people/{recipient_id}/contact", data={
        "email": "hijack@example.org", "phone": "919-555-0100", "csrf_token": token})
    assert refused.status_code in (403, 404)
    for role in (Role.PROVIDER, Role.PROVIDER_READONLY):
        client = site.clients[role]
        assert (await client.get(f"/recipients/people/{recipient_id}/contact")).status_code \
            in (403, 404)
    assert (await browser(system).get(old_link)).status_code == 200
    async with system.sessions() as session:
        assert (await session.get(Recipient, recipient_id)).email == line[4]


async def test_an_uploader_is_told_how_a_mistyped_address_is_corrected(system):
    """Uploading the row again keeps the record as it is (the same person): the result page
    says who corrects the address - the manager on the recipient's page; the organization's
    point of contact, who sees no recipient's page, asks the location's manager."""
    site, line, recipient_id, old_link = await invited_with_typo(system, "Told Clinic")
    staff = await _manager(system, site)
    async with system.sessions() as session:
        upload_id = (await session.get(Recipient, recipient_id)).upload_id
    page = await staff.get(f"/recipients/uploads/{upload_id}")
    assert "correct it on the recipient's page" in page.text

    manager = await location_manager(system, f"Told Contact Clinic {tag()}")
    _employer, email = await point_of_contact(system, await manager_api(system, manager),
                                              f"Told Grocers {tag()}")
    contact = await api_client(system, email)
    answer = await upload(contact, manager, csv_file(rows(1, tag())), name="staff.csv")
    assert answer.status_code == 201, answer.text
    await finished(contact, answer.json()["id"])
    told = await contact.get(f"/recipients/uploads/{answer.json()['id']}")
    assert f"ask {manager.location_name}'s Location Manager to correct it" in told.text
