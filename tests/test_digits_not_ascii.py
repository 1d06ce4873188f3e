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


async def test_recipient_and_account_pages_take_no_odd_number(system):
    """The same mistake, looked for in the pages the outside check did not reach: the
    recipients' list (`?page=²`), an upload sent with its location '²' (the form's value sent
    back altered) and the portal accounts' search (`?page=²`)."""
    manager = await location_manager(system)
    page = browser(system)
    await page.login(manager.email)
    for odd in ODD_PAGES:
        found = await page.get(f"/recipients?q=Ro&page={odd}")  # refused on its field
        assert found.status_code in (200, 422), (odd[:8], found.status_code)
        assert "Something went wrong" not in found.text, odd[:8]
        people = await page.get(f"/portal/accounts?name=Rob&page={odd}")
        assert people.status_code in (200, 422), (odd[:8], people.status_code)
        assert "Something went wrong" not in people.text, odd[:8]
    sent = await page.submit("/recipients", {"location_id": "²"}, action="/recipients/uploads",
                             files={"file": ("people.csv", b"First Name\n", "text/csv")})
    assert sent.status_code == 422 and "did not say which location" in sent.text, \
        sent.status_code  # said of the location since (test_recipient_upload.py)


async def test_a_kept_file_reference_sent_back_altered_is_none_of_ours():
    """A kept photo's or a case attachment's reference ('id.key', sent back by the form) whose
    id Python's isdigit takes and int() refuses raised ValueError (a 500) where it is ignored:
    it names none of our files, so no database is asked."""
    from api.domain.attachments import pending_files
    from api.domain.files import kept_file_id

    for odd in ODD_PAGES:
        assert kept_file_id("s3cret", f"{odd}.abc") is None
    assert await pending_files(None, "s3cret", 7, [f"{odd}.abc" for odd in ODD_PAGES]) == []
