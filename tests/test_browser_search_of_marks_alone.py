"""A search made only of apostrophes or hyphens (what a search's folding leaves out) is named
on its field ("Type letters or digits to search") and the list is not filtered; it matched
every case at the help desk (every person at the point of care) as if found."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.care import vaccinating_site, walk_in
from tests.support.helpdesk import open_case, register_requester
from tests.support.web import api_client
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser

NAMED = "Type letters or digits to search: apostrophes and hyphens alone are left out"
MARKS = "'’-"


async def test_a_console_search_of_apostrophes_alone_is_named_on_its_field(page, system):
    requester, _ = await register_requester(system)
    opened = await open_case(requester, "other", "Marks alone search check")
    assert opened.status_code == 201, opened.text
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await log_in(page, agent.email)
    await page.goto("/helpdesk?team=all")
    listed = await page.locator("tbody tr").count()
    await page.get_by_label("Search: case number").fill(MARKS)
    await page.get_by_label("Search: case number").press("Enter")
    await expect(page.locator("#f-q-error")).to_contain_text(NAMED)
    await expect(page.get_by_label("Search: case number")).to_have_value(MARKS)
    assert await page.locator("tbody tr").count() == listed, "the list is not filtered"
    await assert_accessible(page)
    client = await api_client(system, agent.email)
    for address in ("/api/v1/helpdesk/cases", "/helpdesk.csv"):
        refused = await client.get(address, params={"q": "'''", "team": "all"})
        assert refused.status_code == 422, (address, refused.text)
        assert NAMED in refused.text, refused.text
    found = await client.get("/api/v1/helpdesk/cases", params={"q": "o'marks alone",
                                                                 "team": "all"})
    assert found.status_code == 200 and found.json()["total"] == 0, "letters still search"
    await client.aclose()


async def test_a_point_of_care_name_of_apostrophes_alone_is_named_on_its_field(page, system):
    site = await vaccinating_site(system)
    await walk_in(site)
    await log_in(page, site.emails[Role.PROVIDER])
    await page.goto(f"/care/{site.location_id}")
    await page.get_by_label("Name").fill("''")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("#name-error")).to_contain_text(NAMED)
    await expect(page.get_by_role("heading", name="1 person found")).to_have_count(0)
    await expect(page.get_by_label("Name")).to_have_value("''")
    await assert_accessible(page)
