"""A form sent to a recipient's page that only shows (a POST to the status page, 405) says the
action is not available there and leads back to the person's page, in their language; it
said "This link is not valid", of a link that is."""

import pytest
from playwright.async_api import expect

from models.recipient_rules import recipient_path
from tests.support.a11y import assert_accessible
from tests.support.care import vaccinating_site, walk_in

pytestmark = pytest.mark.browser

POST_HERE = """() => { const form = document.createElement("form");
  form.method = "post"; form.action = location.pathname; document.body.append(form);
  form.submit(); }"""


async def test_a_post_to_a_recipients_status_page_is_not_available_not_a_bad_link(page, system):
    site = await vaccinating_site(system)
    someone = await walk_in(site)
    base = recipient_path(system.settings.secret_key.get_secret_value(), someone["id"])
    await page.goto(f"{base}/status")
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    async with page.expect_navigation():
        await page.evaluate(POST_HERE)
    await expect(page.get_by_role("heading", name="That action is not available here")
                 ).to_be_visible()
    await expect(page.get_by_text("This link is not valid")).to_have_count(0)
    await expect(page.get_by_text("Go back to the page and use its own buttons and links.")
                 ).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="Open your Recipient Portal page").click()
    await page.wait_for_url(f"**{base}/status")
    async with system.http() as http:  # in Spanish for a Spanish browser; a bad link stays so
        spanish = await http.post(f"{base}/status", headers={"Accept-Language": "es"})
        assert spanish.status_code == 405
        assert "Esa acción no está disponible aquí" in spanish.text, spanish.text
        assert f'href="{base}"' in spanish.text
        forged = await http.get(f"/r/{someone['id']}/{'x' * 43}/status")
        assert forged.status_code == 404 and "This link is not valid" in forged.text
