"""A number in an address or a kept form value that Python's str.isdigit takes but int() refuses
('²', a superscript two; thousands of digits) is no page and no lot: the first page, or the
lot left unchosen with its field's problem, never 'Something went wrong' (500)."""

import uuid

from models.enums import Role
from tests.support.care import stock, vaccinating_site, walk_in
from tests.support.recipients import location_manager
from tests.support.web import browser

ODD_PAGES = ("²", "٣", "9" * 5000, "-1", "abc")


async def test_the_point_of_care_keeps_no_lot_that_is_no_number(system):
    site = await vaccinating_site(system, f"Digit Clinic {uuid.uuid4().hex[:6]}")
    await stock(system, site, "207", f"DIGIT-{uuid.uuid4().hex[:6].upper()}")
    someone = await walk_in(site)
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    here = f"/care/{site.location_id}/recipients/{someone['id']}"
    page = await person.submit(here, {
        "lot_id": "²", "dose_number": "1", "administered_on": "2020-01-01", "site": "LD",
        "route": "IM", "provider_name": "Pat Provider", "request_key": uuid.uuid4().hex},
        action=f"{here}/record")
    assert page.status_code == 422, page.status_code
    assert 'id="lot_id-error"' in page.text

    for odd in ODD_PAGES:
        found = await person.get(f"/care/{site.location_id}?name=Ro&page={odd}")
        assert found.status_code == 200, odd[:8]


async def test_organization_management_pages_take_no_odd_number(system):
    manager = await location_manager(system)
    page = browser(system)
    await page.login(manager.email)
    for odd in ODD_PAGES:
        found = await page.get(f"/portal/organizations?q=Foundry&page={odd}")
        assert found.status_code == 200, odd[:8]
