"""One list of industries: an organization (employer, SPEC 5) is filed under the same
industries its employees choose from when they register (SPEC 6, the list eligibility reads).
There were two: an organization chose among 18 of its own ("Construction", "Child care"...),
its employees among 11 others ("Education and child care"...)."""

import re

from tests.support.recipients import location_manager
from tests.support.web import browser

SELECT = re.compile(r'<select[^>]*name="industry".*?</select>', re.S)
OPTION = re.compile(r"<option[^>]*>([^<]*)</option>")


def _industries(html: str) -> list[str]:
    found = SELECT.search(html)
    assert found, "no industry select on the page"
    return [label.strip() for label in OPTION.findall(found[0]) if label.strip()
            and not label.strip().startswith("- ")]


async def test_an_organization_and_a_recipient_are_offered_the_same_industries(system):
    manager = await location_manager(system)
    page = browser(system)
    await page.login(manager.email)
    employer = (await page.get("/portal/organizations/new")).text
    walk_in = (await page.get(f"/care/{manager.location_id}/walk-in")).text
    assert _industries(employer) == _industries(walk_in)
    assert "Other (including not employed)" in _industries(employer)
