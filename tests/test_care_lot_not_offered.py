"""A lot that is not offered on the record form (used up since the page was opened, or another
location's, sent by hand) no longer hides the other fields' mistakes, nor do they hide it:
one answer names every field's problem, each beside its field, and the page keeps what was
chosen and typed."""

import re
import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from models.inventory import Lot
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.web import browser

FIELDS = ("lot_id", "dose_number", "administered_on", "provider_name")


def errors_on(page) -> dict[str, str]:
    return {name: found[1] for name in FIELDS
            if (found := re.search(rf'id="{name}-error">([^<]*)<', page.text))}


def chosen(page, lot: int) -> bool:
    return re.search(rf'<option value="{lot}"\s+selected>', page.text) is not None


async def used_up_lot(system, site) -> int:
    lot = await stock(system, site, "207", f"LAST-{uuid.uuid4().hex[:6].upper()}", doses=1)
    assert (await give(site, (await walk_in(site))["id"], lot)).status_code == 201
    return lot


async def test_a_used_up_lot_and_the_other_fields_are_said_at_once(system):
    site = await vaccinating_site(system)
    await stock(system, site, "207", f"MORE-{uuid.uuid4().hex[:6].upper()}")  # still offered
    gone = await used_up_lot(system, site)
    someone = await walk_in(site)
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    here = f"/care/{site.location_id}/recipients/{someone['id']}"
    tomorrow = str(local_today(utcnow()) + timedelta(days=1))

    def typed(**changes) -> dict:
        return {"lot_id": str(gone), "dose_number": "1", "administered_on": tomorrow,
                "site": "LD", "route": "IM", "provider_name": "Pat Provider",
                "request_key": uuid.uuid4().hex, **changes}

    # a field typed wrong, and the lot used up since the page was opened
    page = await person.submit(here, typed(dose_number="-1"), action=f"{here}/record")
    assert page.status_code == 422
    shown = errors_on(page)
    assert shown.keys() == {"lot_id", "dose_number", "administered_on"}, shown
    assert "no doses on hand" in shown["lot_id"] and "has not come yet" in shown[
        "administered_on"]
    assert chosen(page, gone), "the lot chosen stays chosen, its problem beside it"
    assert 'value="-1"' in page.text and f'value="{tomorrow}"' in page.text

    # every field well formed: the day and the lot, said together
    page = await person.submit(here, typed(), action=f"{here}/record")
    assert page.status_code == 422
    assert errors_on(page).keys() == {"lot_id", "administered_on"}, errors_on(page)

    # a dose number recorded already, and the lot used up: both
    lot = await stock(system, site, "207", f"ONE-{uuid.uuid4().hex[:6].upper()}")
    assert (await give(site, someone["id"], lot)).status_code == 201
    page = await person.submit(here, typed(administered_on=str(local_today(utcnow()))),
                               action=f"{here}/record")
    assert page.status_code == 422
    shown = errors_on(page)
    assert shown.keys() == {"lot_id", "dose_number"}, shown
    assert "already recorded" in shown["dose_number"]


async def test_another_locations_lot_does_not_hide_the_days_mistake(system):
    site = await vaccinating_site(system)
    await stock(system, site, "207", f"HERE-{uuid.uuid4().hex[:6].upper()}")
    other = await vaccinating_site(system)
    theirs = await stock(system, other, "207", f"THERE-{uuid.uuid4().hex[:6].upper()}")
    someone = await walk_in(site)
    tomorrow = local_today(utcnow()) + timedelta(days=1)
    answer = await give(site, someone["id"], theirs, on=tomorrow)
    assert answer.status_code == 422
    assert answer.json()["errors"].keys() == {"lot_id", "administered_on"}, answer.json()

    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    here = f"/care/{site.location_id}/recipients/{someone['id']}"
    page = await person.submit(here, {
        "lot_id": str(theirs), "dose_number": "1", "administered_on": str(tomorrow),
        "site": "LD", "route": "IM", "provider_name": "Pat Provider",
        "request_key": uuid.uuid4().hex}, action=f"{here}/record")
    assert page.status_code == 422
    shown = errors_on(page)
    assert shown.keys() == {"lot_id", "administered_on"}, shown
    assert shown["lot_id"] == "Choose a lot held at this location."
    assert "THERE-" not in page.text, "another location's lot is not named"


async def test_a_correction_into_a_used_up_lot_says_every_mistake(system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"FIRST-{uuid.uuid4().hex[:6].upper()}")
    gone = await used_up_lot(system, site)
    someone = await walk_in(site)
    dose = (await give(site, someone["id"], lot)).json()
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    edit = f"/care/doses/{dose['id']}/edit"
    tomorrow = str(local_today(utcnow()) + timedelta(days=1))
    page = await person.submit(edit, {
        "lot_id": str(gone), "dose_number": "1", "administered_on": tomorrow, "site": "LD",
        "route": "IM", "provider_name": "P"})
    assert page.status_code == 422
    shown = errors_on(page)
    assert shown.keys() == {"lot_id", "administered_on", "provider_name"}, shown
    assert chosen(page, gone)
    page = await person.submit(edit, {
        "lot_id": str(gone), "dose_number": "1", "administered_on": tomorrow, "site": "LD",
        "route": "IM", "provider_name": "Pat Provider"})
    assert errors_on(page).keys() == {"lot_id", "administered_on"}, errors_on(page)


def options(page) -> list[str]:
    select_ = re.search(r'<select[^>]*name="lot_id".*?</select>', page.text, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)<", select_)


async def test_a_lot_expired_since_is_offered_for_a_paper_forms_dose_given_before(system):
    """Found by the outside check of the point of care: a paper form's dose, entered when the
    system is back, could not be recorded on the page when its lot had expired in between
    (the list held only lots not expired today; the API took the dose). Expired lots are
    still not offered; a link beside the list ("a dose from a paper form ...?") lists those
    expired since with doses free, after the others, their expiry said, for a dose given by
    then; a dose dated after the expiry is refused, the list kept; a lot expired more than a
    year ago (older than any paper form) and one with no doses left are not listed. A
    correction of an older dose lists the lots it could have come out of on its day."""
    site = await vaccinating_site(system)
    tag = uuid.uuid4().hex[:6].upper()
    fresh = await stock(system, site, "207", f"FRESH-{tag}")
    old = await stock(system, site, "207", f"OLD-{tag}", doses=5)
    ancient = await stock(system, site, "207", f"ANCIENT-{tag}")
    empty = await stock(system, site, "207", f"EMPTY-{tag}", doses=1)
    assert (await give(site, (await walk_in(site))["id"], empty)).status_code == 201
    today = local_today(utcnow())
    async with system.sessions() as session:
        for lot_id, days in ((old, 10), (ancient, 400), (empty, 10)):
            lot = await session.get(Lot, lot_id)
            lot.expiration_date = today - timedelta(days=days)
            session.add(lot)
        await session.commit()
    someone = await walk_in(site)
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    here = f"/care/{site.location_id}/recipients/{someone['id']}"
    page = await person.get(here)
    assert [f"FRESH-{tag}" in o for o in options(page)] == [True], "expired: not offered"
    # the link, also on a refused form's page (whose address is the form's action)
    page = await person.submit(here, {"lot_id": str(fresh), "dose_number": "x",
                                      "administered_on": str(today), "site": "LD",
                                      "route": "IM", "provider_name": "Pat Provider",
                                      "request_key": uuid.uuid4().hex}, action=f"{here}/record")
    assert page.status_code == 422
    link = re.search(r'<p class="usa-hint" id="expired-lots">[^<]*<a class="usa-link" '
                     r'href="([^"]+)">([^<]*)</a>', page.text)
    assert link and link[2] == "Also list the 1 lot expired since", page.text
    assert link[1] == f"{here}?expired=1#lot_id"
    page = await person.get(link[1].split("#")[0])
    listed = options(page)
    assert [f"FRESH-{tag}" in o for o in listed] == [True, False], listed
    expired_on = f"{today - timedelta(days=10):%B} {(today - timedelta(days=10)).day},"
    assert f"OLD-{tag}" in listed[1] and f"expired {expired_on}" in listed[1], listed
    assert "only for a dose given by then" in listed[1], listed
    assert "for a dose from a paper form given before their expiry" in page.text

    def typed(**changes) -> dict:
        return {"lot_id": str(old), "dose_number": "1", "site": "LD", "route": "IM",
                "provider_name": "Pat Provider", "request_key": uuid.uuid4().hex,
                "expired": "1", **changes}

    page = await person.submit(here, typed(administered_on=str(today), lot_id=str(fresh),
                                           dose_number="x"), action=f"{here}/record")
    assert page.status_code == 422 and len(options(page)) == 2, "a refused form keeps the list"
    page = await person.submit(here, typed(administered_on=str(today)), action=f"{here}/record")
    assert page.status_code == 422 and "had expired on that day" in errors_on(page)["lot_id"]
    assert chosen(page, old)
    given = today - timedelta(days=20)
    page = await person.submit(here, typed(administered_on=str(given)), action=f"{here}/record")
    assert page.status_code == 200, errors_on(page)
    assert "Entered late" in page.text and f"OLD-{tag}" in page.text
    assert [f"FRESH-{tag}" in o for o in options(page)] == [True], "back to the usual list"
    async with system.sessions() as session:
        assert (await session.get(Lot, old)).on_hand == 4

    other = await walk_in(site)
    dose = (await give(site, other["id"], fresh, on=given)).json()
    edit = await person.get(f"/care/doses/{dose['id']}/edit")
    listed = options(edit)
    assert any(f"OLD-{tag}" in o and "expired" in o for o in listed), listed
    assert not any(f"ANCIENT-{tag}" in o or f"EMPTY-{tag}" in o for o in listed), listed
