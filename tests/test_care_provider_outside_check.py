"""What the outside check of the provider side (point of care, inventory) found, each
through the pages a person uses."""

import asyncio
import html
import re
import uuid
from datetime import timedelta

from core.timefmt import day
from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from models.inventory import Lot, Product
from tests.support.care import give, on_hand, stock, vaccinating_site, walk_in
from tests.support.web import browser


def lot_options(page: str) -> list[tuple[str, str]]:
    """The vaccine lot list's options on a page: (value, text) each, "- Select -" left out."""
    chosen = page.split('name="lot_id"', 1)[1].split("</select>", 1)[0]
    return [(value, text.strip()) for value, text in
            re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', chosen)]


async def test_a_dose_from_a_used_up_lot_names_its_lot_once_on_the_correction_page(system):
    """Found by the outside check: "Edit or remove dose" for a dose whose lot has no dose
    left (or has expired) listed that lot twice in "Vaccine lot", once chosen and once not
    (the dose's lot was added as a number, the form's as text, so the second was not seen
    as the same lot). It is listed once, chosen."""
    site = await vaccinating_site(system)
    number = f"UU-{uuid.uuid4().hex[:6].upper()}"
    lot = await stock(system, site, "207", number, doses=1)
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    page = await person.get(f"/care/doses/{dose['id']}/edit")
    assert page.status_code == 200, page.text
    options = lot_options(page.text)
    assert [value for value, _ in options].count(str(lot)) == 1, options
    assert [text for _, text in options if number in text] == [
        f"Moderna COVID-19 Vaccine, lot {number}"], options
    assert re.search(rf'<option value="{lot}"\s+selected', page.text), "still chosen"


async def test_a_dose_whose_lot_was_found_expired_later_can_still_be_corrected(system):
    """Found by the outside check: a dose given today from a lot whose expiration date the
    site then corrected to yesterday (the label's date) could not be corrected at all: saving
    it with only its route changed said "Date given: Lot ... had expired on that day.", so a
    wrong route, site or provider stayed on the record. The lot's days are asked of a dose
    moved to another lot or day, not of one whose lot and day stay as recorded."""
    site = await vaccinating_site(system)
    number = f"EX-{uuid.uuid4().hex[:6].upper()}"
    lot = await stock(system, site, "207", number)
    dose = (await give(site, (await walk_in(site))["id"], lot)).json()
    today = local_today(utcnow())
    corrected = await site.manager.put(
        f"/api/v1/locations/{site.location_id}/inventory/lots/{lot}/expiration", json={
            "expiration_date": str(today - timedelta(days=1)), "reason": "The label's date",
            "request_key": uuid.uuid4().hex})
    assert corrected.status_code == 200, corrected.text
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    edit = f"/care/doses/{dose['id']}/edit"
    saved = await person.submit(edit, {
        "lot_id": str(lot), "dose_number": "1", "administered_on": dose["administered_on"],
        "site": "LD", "route": "SC", "provider_name": "Pat Provider"})
    assert saved.status_code == 200 and "had expired" not in saved.text, saved.text
    stored = (await site.provider.get(f"/api/v1/administrations/{dose['id']}")).json()
    assert stored["route"] == "SC" and stored["lot_id"] == lot
    api = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": dose["administered_on"], "site": "RD",
        "route": "IM", "provider_name": "Pat Provider"})
    assert api.status_code == 200 and api.json()["site"] == "RD", api.text
    moved = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": str(today - timedelta(days=1)), "site": "RD",
        "route": "IM", "provider_name": "Pat Provider"})  # another day: still the lot's rule
    assert moved.status_code == 200, moved.text
    later = await site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
        "dose_number": 1, "administered_on": str(today), "site": "RD",
        "route": "IM", "provider_name": "Pat Provider"})
    assert later.status_code == 422 and "had expired" in later.text, later.text
    assert await on_hand(system, lot) == 9


async def test_a_first_dose_says_when_and_where_the_second_dose_reminder_goes(system):
    """Found by the outside check: recording dose 1 of a two-dose product said only "Dose 1
    is recorded.": the provider could not tell the person that a reminder would come, when,
    or to which address, nor that none would (no email address). The notice says it."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"RM-{uuid.uuid4().hex[:6].upper()}")
    single = await stock(system, site, "212", f"JJ-{uuid.uuid4().hex[:6].upper()}")
    today = local_today(utcnow())
    due = day(today + timedelta(days=28))  # Moderna: 28 days
    staff = browser(system)
    await staff.login(site.emails[Role.PROVIDER])
    address = f"remind-{uuid.uuid4().hex[:6]}@example.org"
    for email, said in (
            (address, f"Dose 1 is recorded. A reminder for dose 2 is emailed to {address} on "
                      f"{due}."),
            (None, f"Dose 1 is recorded. No reminder is emailed (no email address on their "
                   f"record): tell them dose 2 is due from {due}.")):
        someone = await walk_in(site, email=email)
        here = f"/care/{site.location_id}/recipients/{someone['id']}"
        page = await staff.submit(here, {
            "lot_id": str(lot), "dose_number": "1", "administered_on": str(today),
            "site": "LD", "route": "IM", "provider_name": "Pat Provider",
            "request_key": uuid.uuid4().hex}, action=f"{here}/record")
        assert page.status_code == 200 and said in html.unescape(page.text), page.text
    once = await walk_in(site, email=address.replace("remind", "once"))
    here = f"/care/{site.location_id}/recipients/{once['id']}"
    page = await staff.submit(here, {
        "lot_id": str(single), "dose_number": "1", "administered_on": str(today),
        "site": "LD", "route": "IM", "provider_name": "Pat Provider",
        "request_key": uuid.uuid4().hex}, action=f"{here}/record")
    assert "Dose 1 is recorded." in page.text and "reminder" not in page.text.split(
        "Dose 1 is recorded.")[1][:200], "a single-dose product has no reminder"


async def test_a_formulation_for_young_children_given_to_an_adult_asks_first(system):
    """Found by the outside check: a dose from a lot of "Pfizer-BioNTech COVID-19 Vaccine, 6
    months to 4 years (maroon cap)" was recorded for a 76-year-old without a word, as were
    the other formulations whose names say their ages. Such a dose asks to confirm, as one
    given early or of another product does; confirmed, it is recorded."""
    site = await vaccinating_site(system)
    maroon = await stock(system, site, "219", f"MC-{uuid.uuid4().hex[:6].upper()}")
    gray = await stock(system, site, "217", f"GC-{uuid.uuid4().hex[:6].upper()}")
    adult = await walk_in(site)  # born 1980
    staff = browser(system)
    await staff.login(site.emails[Role.PROVIDER])
    here = f"/care/{site.location_id}/recipients/{adult['id']}"
    today = str(local_today(utcnow()))
    typed = {"lot_id": str(maroon), "dose_number": "1", "administered_on": today, "site": "LD",
             "route": "IM", "provider_name": "Pat Provider", "request_key": uuid.uuid4().hex}
    page = await staff.submit(here, typed, action=f"{here}/record")
    assert page.status_code == 422, page.text
    said = html.unescape(page.text.split('id="confirmed-error">')[1].split("<")[0])
    assert "6 months to 4 years (maroon cap) is for ages 6 months to 4 years" in said, said
    assert f"was {local_today(utcnow()).year - 1980 - 1} years old" in said or (
        f"was {local_today(utcnow()).year - 1980} years old" in said), said
    assert lot_options(page.text)[0][0] == str(maroon) or f'value="{maroon}" selected' in (
        page.text), "the lot chosen is kept"
    assert (await staff.get(here)).text.count("Edit or remove dose") == 0, "nothing recorded"
    confirmed = await staff.submit(here, {**typed, "confirmed": "true"}, action=f"{here}/record")
    assert confirmed.status_code == 200 and "Dose 1 is recorded." in confirmed.text
    api = await give(site, (await walk_in(site))["id"], maroon)
    assert api.status_code == 422 and "confirmed" in api.json()["errors"], api.text
    assert (await give(site, (await walk_in(site))["id"], gray)).status_code == 201


async def test_a_dose_removed_and_moved_to_another_lot_at_once_returns_one_dose(system):
    """Found by the outside check: "Remove dose" in one tab and a correction moving the dose
    to another lot in another, saved at once, both went through: the dose came back to its
    lot twice (the removal's and the move's entries) and went out of the other lot, so one
    dose appeared from nowhere. They take turns: whichever comes second sees the first."""
    site = await vaccinating_site(system)
    first = await stock(system, site, "207", f"RA-{uuid.uuid4().hex[:6].upper()}", doses=20)
    other = await stock(system, site, "207", f"RB-{uuid.uuid4().hex[:6].upper()}", doses=20)
    for _ in range(4):
        dose = (await give(site, (await walk_in(site))["id"], first)).json()
        assert "id" in dose, dose
        removed, moved = await asyncio.gather(
            site.provider.post(f"/api/v1/administrations/{dose['id']}/removal",
                               json={"reason": "Entered for the wrong person"}),
            site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
                "lot_id": other, "dose_number": 1, "administered_on": dose["administered_on"],
                "site": "LD", "route": "IM", "provider_name": "Pat Provider"}))
        assert removed.status_code == 200, removed.text
        assert moved.status_code in (200, 409), moved.text
        stored = (await site.provider.get(f"/api/v1/administrations/{dose['id']}")).json()
        assert stored["status"] == "entered_in_error"
        assert (await on_hand(system, first), await on_hand(system, other)) == (20, 20), (
            removed.text, moved.text)


async def test_extra_doses_asked_at_once_in_two_tabs_stay_within_the_vials(system):
    """Found by the outside check: three "Extra doses drawn per vial" of 15 each, sent at
    once for a lot of 23 vials, were all recorded on the embedded database (45 extra doses,
    at most 23 allowed): the lot's row was locked with SELECT ... FOR UPDATE, which SQLite
    ignores, so each counted the extras before the others wrote. They take turns."""
    site = await vaccinating_site(system)
    for _ in range(3):  # at once is a race: three rounds make it all but sure to show
        lot = await stock(system, site, "207", f"XD-{uuid.uuid4().hex[:6].upper()}", doses=100)
        async with system.sessions() as session:
            per_vial = (await session.get(Product, (await session.get(Lot, lot)).product_id)
                        ).doses_per_vial
        vials = -(-100 // per_vial)
        sent = await asyncio.gather(*(site.manager.post(
            f"/api/v1/locations/{site.location_id}/inventory/lots/{lot}/adjustments", json={
                "kind": "extra_doses", "doses": vials, "reason": "Extra dose per vial",
                "request_key": uuid.uuid4().hex}) for _ in range(8)))
        assert sorted(r.status_code for r in sent) == [201] + [422] * 7, [r.text for r in sent]
        assert await on_hand(system, lot) == 100 + vials


async def test_a_dose_moved_into_a_lot_whose_last_dose_is_given_meanwhile_is_refused(system):
    """Found by the outside check: a correction moving a dose into a lot with one dose left,
    saved while another station gave that last dose, answered 500 "Something went wrong on
    our side" (the ledger found no dose to take). It is refused on the lot, as recording a
    dose from an empty lot is, and nothing moves."""
    site = await vaccinating_site(system)
    first = await stock(system, site, "207", f"LM-{uuid.uuid4().hex[:6].upper()}", doses=20)
    for _ in range(3):  # at once is a race: three rounds make it all but sure to show
        last = await stock(system, site, "207", f"L1-{uuid.uuid4().hex[:6].upper()}", doses=1)
        dose = (await give(site, (await walk_in(site))["id"], first)).json()
        other = await walk_in(site)
        given, moved = await asyncio.gather(
            give(site, other["id"], last),
            site.provider.put(f"/api/v1/administrations/{dose['id']}", json={
                "lot_id": last, "dose_number": 1, "administered_on": dose["administered_on"],
                "site": "LD", "route": "IM", "provider_name": "Pat Provider"}))
        assert given.status_code in (201, 422) and moved.status_code in (200, 422), (
            given.text, moved.text)
        assert sorted((given.status_code, moved.status_code)) in ([200, 422], [201, 422]), (
            given.text, moved.text)
        refused = given if given.status_code == 422 else moved
        assert "lot_id" in refused.json()["errors"], refused.text
        assert await on_hand(system, last) == 0
        stored = (await site.provider.get(f"/api/v1/administrations/{dose['id']}")).json()
        assert await on_hand(system, first) == 20 - (stored["lot_id"] == first), stored
        first = await stock(system, site, "207", f"LM-{uuid.uuid4().hex[:6].upper()}", doses=20)


async def test_an_expiry_corrected_to_before_doses_given_says_which_to_check(system):
    """Left alone by an outside check: a lot's expiration date corrected to a day before doses
    already given from it was accepted without a word, so nobody looked at those doses (given
    from a lot expired on that day: by CDC guidance not valid, to be repeated). The correction
    stays allowed (the label says what it says); its notice says how many doses were recorded
    as given after the new date, and that they need checking. Doses given by then, or removed
    as entered in error, are not counted."""
    site = await vaccinating_site(system)
    number = f"LATE-{uuid.uuid4().hex[:6].upper()}"
    lot = await stock(system, site, "207", number)
    today = local_today(utcnow())
    for days in (1, 3, 8):
        assert (await give(site, (await walk_in(site))["id"], lot,
                           on=today - timedelta(days=days))).status_code == 201
    removed = (await give(site, (await walk_in(site))["id"], lot)).json()
    assert (await site.provider.post(f"/api/v1/administrations/{removed['id']}/removal",
                                     json={"reason": "Entered twice"})).status_code == 200
    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    here = f"/inventory/{site.location_id}"
    label = today - timedelta(days=5)
    done = await manager.submit(here, {"lot_id": str(lot), "expiration_date": str(label),
                                       "reason": "The label's date",
                                       "request_key": uuid.uuid4().hex},
                                action=f"{here}/expiry")
    said = html.unescape(done.text)
    assert f"corrected to {day(label)}. 2 doses from lot {number} were recorded as given " \
           f"after {day(label)}: check those records" in said, said
    again = await manager.submit(here, {"lot_id": str(lot), "expiration_date": str(
        today - timedelta(days=10)), "reason": "Read again", "request_key": uuid.uuid4().hex},
        action=f"{here}/expiry")
    assert "3 doses from lot" in html.unescape(again.text)
    fine = await manager.submit(here, {"lot_id": str(lot), "expiration_date": str(
        today + timedelta(days=30)), "reason": "Right after all",
        "request_key": uuid.uuid4().hex}, action=f"{here}/expiry")
    assert "recorded as given after" not in fine.text
