"""A personal link sent before the email address was corrected, opened in a browser: the page
says it is no longer valid and offers the current link by email; the form asks the address,
names a bad one next to the field, and answers the same whether or not it is on file. In
English and Spanish, accessible at both widths."""

import pytest
from playwright.async_api import expect

from tests.support.care import NO_TO_ALL, vaccinating_site, walk_in
from tests.support.link_asks import ask_for_the_current_link, ask_in_spanish
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

    await ask_for_the_current_link(
        page, old_link, "Get your personal link", corrected,
        "If a vaccination record has this email address, we emailed its personal link")
    asked = await system.smtp.wait_for(to=corrected, subject=LINK_MAIL, count=2)
    await page.goto(asked[-1].link("/r/"))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Ana")

    # in Spanish, from the language switch of the old link's page
    await ask_in_spanish(page, old_link, "Reciba su enlace personal")
