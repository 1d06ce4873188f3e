"""A recipient without an email address (email is optional, SPEC 6) reaches their Recipient
Portal only by their personal link: found by the outside check, no page showed it. Their
location's manager (the recipients' page) and its providers (the point of care) print or show
it with a QR code; each showing is audited; another location's staff and read-only staff get
nothing. Every page accessible at both widths."""

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.audit import AuditEvent
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import vaccinating_site, walk_in
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_a_person_without_email_gets_their_link_in_person(page, system):
    site = await vaccinating_site(system)
    other = await vaccinating_site(system)
    person = await walk_in(site)  # no email

    await log_in(page, site.emails[Role.PROVIDER])
    await page.goto(f"/care/{site.location_id}/recipients/{person['id']}")
    await expect(page.locator(".cvms-dl")).to_contain_text("None given")
    await page.get_by_role("link", name="Print or show their Recipient Portal link").click()
    await expect(page.get_by_role("img", name="QR code of Ana's personal link")).to_be_visible()
    url = await page.locator(".cvms-link-text a").inner_text()
    assert f"/r/{person['id']}/" in url
    await expect(page.get_by_role("button", name="Print")).to_be_visible()
    await assert_accessible(page)
    await page.set_viewport_size({"width": 390, "height": 800})
    assert await page.evaluate("document.documentElement.scrollWidth <= 390"), "no sideways scroll"
    await page.set_viewport_size({"width": 1280, "height": 800})

    await page.context.clear_cookies()
    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/recipients/people/{person['id']}")
    await page.get_by_role("link", name="Print or show their link").click()
    assert await page.locator(".cvms-link-text a").inner_text() == url
    await assert_accessible(page)

    await page.context.clear_cookies()
    await page.goto(url)  # the link itself, with no login: their own registration page
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/login" not in page.url

    for client, path in ((other.manager, f"/recipients/people/{person['id']}/link"),
                         (other.provider,
                          f"/care/{other.location_id}/recipients/{person['id']}/link"),
                         (site.readonly, f"/care/{site.location_id}/recipients/{person['id']}/link")):
        refused = await client.get(path)
        assert refused.status_code in (403, 404), (path, refused.status_code)
        assert f"/r/{person['id']}/" not in refused.text
    async with system.sessions() as session:
        shown = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "recipient", AuditEvent.subject_id == person["id"],
            AuditEvent.action == "link shown"))).all()
    assert len(shown) == 2
