"""A person whose name, username or email is one long unbroken word (a pasted string, 90
letters) no longer widens the Location Manager's account list past the screen: those cells
break anywhere, at a desktop width and at 200% zoom (WCAG 1.4.10)."""

import pytest

from models.enrollment import UserLocation
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.recipients import location_manager
from tests.test_browser_enrollment import log_in

pytestmark = [pytest.mark.browser, pytest.mark.once]
SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


async def test_a_long_unbroken_name_wraps_in_the_account_list(page, system):
    manager = await location_manager(system)
    long = "Wolfeschlegelsteinhausenbergerdorff" * 3
    person = await make_user(system, Role.PROVIDER, first_name=long,
                             last_name=long, username=long.lower()[:80],
                             email=f"{long.lower()[:60]}@example.org")
    async with system.sessions() as session:
        session.add(UserLocation(user_id=person.id, location_id=manager.location_id,
                                 profile=Role.PROVIDER, direct=True))
        await session.commit()
    await log_in(page, manager.email)
    for width in (1280, 640):
        await page.set_viewport_size({"width": width, "height": 800})
        await page.goto("/portal/accounts?name=Wolfe")
        assert await page.get_by_text(long[:40], exact=False).count(), "listed"
        assert await page.evaluate(SIDEWAYS) <= 0, f"the list scrolls sideways at {width} px"
        await page.goto(f"/portal/accounts/{person.id}")
        wide = await page.evaluate("""() => [...document.querySelectorAll('body *')].filter(
            e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-3).map(
            e => e.tagName + '.' + e.className + ' ' + (e.id || '') + ': '
                 + (e.textContent || '').slice(0, 60))""")
        assert await page.evaluate(SIDEWAYS) <= 0, (width, wide)
