"""The Recipients page asked for a location that is not the person's (a bookmark from a
location they no longer manage, or another location's number typed into the address) is
refused saying so; it showed the person's own first location as if it were the one asked for."""

from tests.support.recipients import location_manager
from tests.support.web import browser


async def test_the_recipients_page_of_a_location_not_yours_is_refused_not_replaced(system):
    mine = await location_manager(system, "Own Recipients Clinic")
    theirs = await location_manager(system, "Other Recipients Clinic")
    staff = browser(system)
    await staff.login(mine.email)
    own = await staff.get(f"/recipients?location_id={mine.location_id}")
    assert own.status_code == 200 and "Own Recipients Clinic" in own.text
    other = await staff.get(f"/recipients?location_id={theirs.location_id}")
    assert other.status_code == 404, other.status_code
    assert "not one whose recipients you manage" in other.text
    assert "Other Recipients Clinic" not in other.text
    plain = await staff.get("/recipients")  # no location asked: the first of theirs
    assert plain.status_code == 200 and "Own Recipients Clinic" in plain.text
    await staff.http.aclose()
