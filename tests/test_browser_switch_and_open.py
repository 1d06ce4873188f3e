"""Found by the outside check: a person who manages one location and is a Healthcare Provider
at another, working at the second, opened a Location Manager's page and was told "switch your
active location to <the first> ..., then open it again"; switching (on the portal page, the only
place it can be done) left them on the portal page, to find their way back. The refusal now
offers the switch itself, which opens the page they asked for."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.recipients import location_manager
from tests.test_browser_enrollment import log_in
from tests.test_browser_form_location_other_tab import _provider_elsewhere, _working_at

pytestmark = pytest.mark.browser


async def test_the_refusal_switches_and_opens_the_page_asked_for(page, system):
    manager = await location_manager(system)
    other_id, _other_name = await _provider_elsewhere(system, manager)
    await log_in(page, manager.email)
    await _working_at(page, other_id)  # a Healthcare Provider there

    refused = await page.goto("/portal/accounts?name=Lena")
    assert refused.status == 403
    main = page.locator("main")
    await expect(main).to_contain_text(f"switch your active location to {manager.location_name}")
    await assert_accessible(page)
    await page.get_by_role("button", name=f"Switch to {manager.location_name}").click()
    await expect(main).to_contain_text(f"You are now working at {manager.location_name}")
    assert page.url.endswith("/portal/accounts?name=Lena"), page.url
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Account management")

    # the switch's form leads only to this site's pages
    await _working_at(page, other_id)
    answer = await page.request.post("/portal/active-location", form={
        "location_id": str(manager.location_id), "next": "//elsewhere.example/x",
        "csrf_token": await page.locator("input[name=csrf_token]").first.input_value()},
        max_redirects=0)
    assert answer.status == 303 and answer.headers["location"] == "/", answer.headers
