"""Found by an outside check: the scope came after the input in two places. The day's
appointments asked for without `day` answered another location's staff 422 ("day: field
required"), where any day answered 404: a GET with no query skipped the scope check made
before the input is read. And recording a dose for a person another location serves, with a
field wrong, answered 422 with the fields, where a right form answered 404 for the person:
the person named in the body is now checked, as the path's location is, before the rest of
the body is read."""

import uuid

from tests.support.care import give, stock, vaccinating_site, walk_in

NO_RECIPIENT = "We could not find that recipient at this location."


async def test_the_days_appointments_without_a_day_check_the_location_first(system):
    site, other = await vaccinating_site(system), await vaccinating_site(system)
    api = f"/api/v1/locations/{site.location_id}/appointments"
    mine = await other.provider.get(f"/api/v1/locations/{other.location_id}/appointments")
    assert mine.status_code == 422 and "day" in mine.json()["errors"], mine.text
    for asked in ({}, {"day": "2026-01-05"}):
        refused = await other.provider.get(api, params=asked)
        assert refused.status_code == 404, (asked, refused.text)


async def test_a_dose_for_someone_served_elsewhere_is_refused_on_the_person_first(system):
    site, other = await vaccinating_site(system), await vaccinating_site(system)
    lot = await stock(system, other, "207", f"SC-{uuid.uuid4().hex[:6]}")
    theirs = await walk_in(site)
    right = await give(other, theirs["id"], lot)
    assert right.status_code == 404, right.text
    assert right.json()["detail"] == NO_RECIPIENT, right.text
    wrong = await other.provider.post(f"{other.care}/administrations", json={
        "recipient_id": theirs["id"], "lot_id": lot, "dose_number": 0, "site": "nowhere"})
    assert wrong.status_code == 404, wrong.text
    assert wrong.json()["detail"] == NO_RECIPIENT, wrong.text
    # their own location's person with the same wrong form: the fields, as before
    mine = await walk_in(other)
    fields = await other.provider.post(f"{other.care}/administrations", json={
        "recipient_id": mine["id"], "lot_id": lot, "dose_number": 0, "site": "nowhere"})
    assert fields.status_code == 422 and "dose_number" in fields.json()["errors"], fields.text
