"""The help-desk console and case page at 200% zoom (640 px wide) and with a subject of one
long unbroken word: nothing scrolls sideways (WCAG 1.4.10)."""

import pytest

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.helpdesk import open_case, register_requester
from tests.test_browser_enrollment import log_in

# What a page looks like and how it reads does not depend on the database: SQLite pass only.
pytestmark = [pytest.mark.browser, pytest.mark.once]
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


async def test_the_console_reflows_at_640_px_and_long_subjects_wrap(page, system):
    requester, _email = await register_requester(system)
    opened = await open_case(requester, "other", "https://example.org/" + "a" * 150)
    assert opened.status_code == 201, opened.text
    await requester.aclose()
    lead = await make_user(system, Role.HELPDESK_LEAD, team="general")
    await log_in(page, lead.email)
    for width in (1280, 640):
        await page.set_viewport_size({"width": width, "height": 800})
        await page.goto("/helpdesk?team=all")
        assert await page.evaluate(SIDEWAYS) <= 0, f"the console scrolls sideways at {width} px"
        await page.goto(f"/helpdesk/cases/{opened.json()['id']}")
        assert await page.evaluate(SIDEWAYS) <= 0, f"the case scrolls sideways at {width} px"



async def test_the_requesters_list_of_cases_wraps_a_long_subject(page, system):
    """Found by the outside check: the console wrapped a subject of one long unbroken word,
    but the requester's own list of cases (/help/cases) scrolled sideways by hundreds of
    pixels on a desktop screen. Its subject cell breaks anywhere too."""
    requester, email = await register_requester(system)
    opened = await open_case(requester, "other", "https://example.org/" + "a" * 150)
    assert opened.status_code == 201, opened.text
    await requester.aclose()
    await log_in(page, email)
    for width in (1280, 640, 390):
        await page.set_viewport_size({"width": width, "height": 800})
        await page.goto("/help/cases")
        assert await page.evaluate(SIDEWAYS) <= 0, f"the list scrolls sideways at {width} px"
