"""A personal link sent before the email address was corrected, opened in a browser: the page
says it is no longer valid and offers the current link by email; the form asks the address,
names a bad one next to the field, and answers the same whether or not it is on file. In
English and Spanish, accessible at both widths."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.care import NO_TO_ALL, vaccinating_site, walk_in
from tests.support.recipients import form_of, tag
from tests.support.web import browser

pytestmark = pytest.mark.browser

LINK_MAIL = "Your COVID-19 vaccination record and personal link"


async def test_an_old_link_offers_the_current_one_by_email(page, system):
    site = await vaccinating_site(system, f"Renewal Clinic {tag()}")
    first = f"first.{tag().lower()}@example.org"
    await walk_in(site, email=first)
    old_link = (await system.smtp.one(to=first, subject=LINK_MAIL)).link("/r/")
    corrected = f"second.{tag().lower()}@example.org"
    person = browser(system)
    form = await person.get(old_link + "/edit")
    saved = await person.submit(old_link + "/edit", {**form_of(form.text), **NO_TO_ALL,
                                                     "email": corrected}, action=old_link)
    assert saved.status_code == 200, saved.text[:300]
    await system.smtp.one(to=corrected, subject=LINK_MAIL)

    await page.goto(old_link)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link is no longer valid")
    await assert_accessible(page)
    await page.get_by_role("link", name="Email me my current link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Get your personal link")
    await page.get_by_label("Email address").fill("not an address")
    await page.get_by_role("button", name="Email me my link").click()
    await expect(page.locator("#email-error")).to_contain_text(
        "Enter an email address like name@example.org.")
    await expect(page.get_by_label("Email address")).to_have_value("not an address")
    await assert_accessible(page)
    await page.get_by_label("Email address").fill(corrected)
    await page.get_by_role("button", name="Email me my link").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "If a vaccination record has this email address, we emailed its personal link")
    await assert_accessible(page)
    asked = await system.smtp.wait_for(to=corrected, subject=LINK_MAIL, count=2)
    await page.goto(asked[-1].link("/r/"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Ana")

    # in Spanish, from the language switch of the old link's page
    await page.goto(old_link)
    await page.get_by_role("link", name="Español").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Este enlace ya no es válido")
    await page.get_by_role("link", name="Enviarme mi enlace actual por correo").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Reciba su enlace personal")
    await page.get_by_role("button", name="Enviarme mi enlace por correo").click()
    await expect(page.locator("#email-error")).to_be_visible()
    await assert_accessible(page)
