"""Someone invited by a file who comes in before registering, registered at the desk with the
Email field left empty (nobody asked, or they did not say it again), keeps the address the file
gave: their invitation went there and their reminders will. It was erased, silently: the
invitation's link died, no reminder could reach them, and the staff page said nothing of
the link."""

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.enums import Role
from models.recipients import Recipient
from tests.support.care import vaccinating_site
from tests.support.recipients import Manager, person, tag, upload, xlsx
from tests.test_browser_enrollment import log_in
from tests.test_browser_point_of_care import answer

pytestmark = pytest.mark.browser
LINK_MAIL = "Your COVID-19 vaccination record and personal link"


async def test_a_walk_in_left_without_email_keeps_the_invited_address(page, system):
    site = await vaccinating_site(system)
    line, unreachable = person(5, tag()), person(6, tag(), email=False)
    sent = await upload(site.manager, Manager(0, "", site.location_id, site.name),
                        xlsx([line, unreachable]))
    assert sent.status_code == 201, sent.text
    invitation = await system.smtp.one(to=line[4], subject="Register for your COVID-19")

    await log_in(page, site.emails[Role.PROVIDER])
    await _register_at_the_desk(page, site, line)
    notice = page.get_by_role("status")
    await expect(notice).to_contain_text("was invited before")
    # the address on file is kept, and staff are told where the link went
    await expect(notice).to_contain_text(f"emailed to {line[4]}")
    await expect(page.get_by_text(line[4]).first).to_be_visible()

    async with system.sessions() as session:
        kept = (await session.exec(select(Recipient).where(
            Recipient.last_name == line[1]))).one()
    assert kept.email == line[4] and kept.registered_at is not None
    await system.smtp.one(to=line[4], subject=LINK_MAIL)  # their record's link, to that address
    opened = await page.context.new_page()
    await opened.goto(invitation.link("/r/"))  # the invitation's link still opens the record
    await expect(opened.get_by_role("heading", name=f"Your eligibility, {line[0]}")
                 ).to_be_visible()

    # invited without an address and registered without one: staff are told to give the link
    await _register_at_the_desk(page, site, unreachable)
    await expect(notice).to_contain_text("was invited before")
    await expect(notice).to_contain_text("not emailed (no email address): print or show it")


async def _register_at_the_desk(page, site, line: list[str]) -> None:
    await page.goto(f"/care/{site.location_id}/walk-in")
    month, day_, year = line[2].split("/")
    await page.get_by_label("Legal first name").fill(line[0])
    await page.get_by_label("Legal last name").fill(line[1])
    await page.get_by_label("Date of birth").fill(f"{year}-{month}-{day_}")
    await page.get_by_label("Phone").fill("919-555-0177")
    await page.get_by_label("Street address").fill("7 Cedar St")
    await page.get_by_label("City").fill("Durham")
    await page.get_by_label("ZIP code").fill("27701")
    await page.get_by_label("Preferred language").select_option("en")
    await answer(page, "no")
    await page.get_by_role("button", name="Register").click()
