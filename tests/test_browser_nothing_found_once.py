"""A statewide list's search that finds nothing said so twice: "No locations match “…”" under
the search (with the link to clear it), then again in an empty table's only row. Said once
now, where the count of results is said when there are some, right under the search: no
empty table follows it for a screen reader to walk into."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser

LISTS = {"/state/locations": "No locations match", "/state/audit": "No events match",
         "/review": "Nothing waiting matches", "/state/transfers": "No transfers match"}


async def test_a_search_that_finds_nothing_says_so_once(page, system):
    staff = await make_user(system, Role.REVIEWER)
    await log_in(page, staff.email)
    for path, nothing in LISTS.items():
        await page.goto(f"{path}?q=nothing-matches-this")
        said = page.get_by_text(nothing)
        await expect(said).to_have_count(1)
        await expect(said).to_contain_text(f"{nothing} “nothing-matches-this”.")
        await expect(page.get_by_role("link", name="Clear the search and filters")).to_be_visible()
        await expect(page.get_by_role("table")).to_have_count(0)
        await assert_accessible(page)
