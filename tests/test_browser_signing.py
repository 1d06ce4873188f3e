"""An officer of a redistributing organization signs in the browser: the thank-you page says
what is still unsigned and offers a copy of what was signed."""

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.signatures import Signature
from tests.support.a11y import assert_accessible
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, ceo_signing_token
from tests.test_browser_review import draw

pytestmark = pytest.mark.browser


async def test_the_thank_you_page_names_what_is_left_and_offers_a_copy(page, system):
    enrollment = await start_enrollment(system, ["Copy Clinic"], redistribution=True)
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    await page.goto(mail.link("/sign/"))
    await expect(page.get_by_role("cell", name="Complete")).to_be_visible()
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    await expect(page.get_by_text("Still waiting for your signature")).to_be_visible()
    await expect(page.get_by_text("Supplemental COVID-19 Vaccine Redistribution")).to_be_visible()
    await assert_accessible(page)
    # the thank-you page is a GET: reloading it signs nothing again and shows the same
    assert page.url.endswith("/signed")
    await page.reload()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    await expect(page.get_by_text("Supplemental COVID-19 Vaccine Redistribution")).to_be_visible()
    # the used link names the document still to sign, not "nothing more is needed"
    await page.goto(mail.link("/sign/"))
    await expect(page.get_by_role("alert")).to_contain_text("already used")
    await expect(page.get_by_text("Supplemental COVID-19 Vaccine Redistribution")).to_be_visible()
    await expect(page.get_by_text("Nothing more is needed")).to_have_count(0)
    await expect(page.get_by_role("button", name="Email me a new link for what is left")
                 ).to_be_visible()
    await assert_accessible(page)
    await page.go_back()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    href = await page.get_by_role("link", name="Download a copy of what you signed").get_attribute(
        "href")
    copy = await page.request.get(href)
    assert copy.ok and copy.headers["content-type"] == "application/pdf"
    assert (await copy.body()).startswith(b"%PDF")


async def test_a_refused_drawn_signature_comes_back_on_the_pad(page, system):
    """Found by the outside check: a refused signing form came back set to "Type my name", the
    account's name typed in, consent unticked. A drawing now comes back drawn, with the
    consent as it was left; ticking consent then signs with that drawing."""
    await page.goto(f"/sign/{await ceo_signing_token(system, 'Redrawn Clinic')}")
    await page.get_by_label("Full name, as your signature").fill("Cecilia E. Ejecutiva")
    await page.get_by_label("Draw my signature").check()
    await page.locator("[data-pad]").scroll_into_view_if_needed()
    await draw(page)
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.locator("#consent .usa-error-message")).to_contain_text("agree to sign")
    await expect(page.get_by_label("Draw my signature")).to_be_checked()
    await expect(page.get_by_label("I agree to sign electronically")).not_to_be_checked()
    await expect(page.locator("[data-pad]")).to_be_visible()
    await page.wait_for_function(  # the drawing is back on the pad (fails on a blank pad)
        "() => { const p = document.querySelector('[data-pad]');"
        " return p.getContext('2d').getImageData(0, 0, p.width, p.height).data.some(v => v); }",
        timeout=5000)
    await assert_accessible(page)
    await page.get_by_label("Type my name").check()
    await expect(page.get_by_label("Full name, as your signature")).to_have_value(
        "Cecilia E. Ejecutiva")
    await page.get_by_label("Draw my signature").check()
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    async with system.sessions() as session:
        signature = (await session.exec(select(Signature).where(
            Signature.signer_role == "ceo").order_by(Signature.id.desc()))).first()
    assert signature.method == "drawn" and signature.image_file_id
