"""What the outside check found on a Location Manager's inventory page: errors came in rounds
(an expiration date 1900-01-01 said nothing while the lot number was wrong; wastage of more
doses than on hand said nothing while the reason was too long), and the date limits counted
from the UTC day, not North Carolina's (at 9 PM Eastern, "by December 5, 2036" on December 4).
Every problem the form shows is now said at once, next to its field, counted from NC's day."""

import html
import re
from datetime import UTC, date, datetime, time

import pytest

import models.base
from core.timefmt import day
from models.care_rules import local_today
from models.inventory_rules import latest_expiry
from tests.support.inventory import enrolled_sites, key, lot_id, on_hand, product_id, receive
from tests.support.review import reviewer
from tests.support.web import browser

LONG = "x" * 501  # longer than any reason the forms take


@pytest.fixture(scope="module")
async def site(system):
    """One enrolled site with lot ROUND-1 (88 doses), and its Location Manager signed in."""
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Round Clinic"], redistribution=False, state=state)
    location = sites.ids[0]
    manager = sites.staff[location]
    assert (await receive(manager, location, await product_id(system), "ROUND-1", 88)
            ).status_code == 201
    person = browser(system)
    await person.login(sites.emails[location])
    yield location, manager, person, await lot_id(manager, location, "ROUND-1")
    await person.http.aclose()


def said(page: str, form: str) -> dict[str, str]:
    """Each field's error as shown next to it in one of the page's forms."""
    return {name: html.unescape(text) for name, text in re.findall(
        rf'id="{form}-(\w+)-error">([^<]*)<', page)}


async def test_a_receipt_names_its_expiration_date_with_the_other_fields(system, site):
    location, manager, person, _lot = site
    product = await product_id(system)
    typed = {"product_id": str(product), "lot_number": "x", "doses": "0", "request_key": key()}
    for expires, words in (("1900-01-01", "This lot has already expired"),
                           ("2999-01-01", "within 10 years")):
        page = await person.submit(f"/inventory/{location}", {**typed, "expiration_date": expires},
                                   action=f"/inventory/{location}/receive")
        assert page.status_code == 422
        errors = said(page.text, "receive")
        assert words in errors.get("expiration_date", ""), (expires, errors)
        assert "lot number" in errors["lot_number"] and "at least 1" in errors["doses"], errors
        assert f'value="{expires}"' in page.text and 'value="x"' in page.text, "kept as typed"
    # the API's 422 names it beside the other fields too
    refused = await manager.post(f"/api/v1/locations/{location}/inventory/receipts", json={
        "product_id": product, "lot_number": "x", "doses": 0, "request_key": key(),
        "expiration_date": "1900-01-01"})
    assert refused.status_code == 422
    assert {"lot_number", "doses", "expiration_date"} <= set(refused.json()["errors"])
    # a product not in the list is named with them (the database is asked for it)
    page = await person.submit(f"/inventory/{location}", {
        **typed, "product_id": "999999", "expiration_date": "1900-01-01"},
        action=f"/inventory/{location}/receive")
    errors = said(page.text, "receive")
    assert errors.get("product_id") == "Choose a product from the list.", errors
    assert "already expired" in errors["expiration_date"] and "lot_number" in errors


async def test_an_adjustment_names_the_doses_on_hand_with_a_reason_too_long(system, site):
    location, manager, person, lot = site
    page = await person.submit(f"/inventory/{location}", {
        "lot_id": str(lot), "kind": "wastage", "doses": "1000", "reason": LONG,
        "request_key": key()}, action=f"/inventory/{location}/adjust")
    assert page.status_code == 422
    errors = said(page.text, "adjust")
    assert errors.get("doses") == "Only 88 doses of lot ROUND-1 are on hand.", errors
    assert "500 characters" in errors["reason"], errors
    assert 'value="1000"' in page.text, "kept as typed"
    extra = await person.submit(f"/inventory/{location}", {
        "lot_id": str(lot), "kind": "extra_doses", "doses": "1000", "reason": "",
        "request_key": key()}, action=f"/inventory/{location}/adjust")
    errors = said(extra.text, "adjust")
    assert "extra dose" in errors.get("doses", "") and "reason" in errors, errors
    assert (await person.submit(f"/inventory/{location}", {
        "lot_id": str(lot), "kind": "wastage", "doses": "1000", "reason": "Dropped",
        "request_key": key()}, action=f"/inventory/{location}/adjust")).status_code == 422
    assert await on_hand(manager, location, "ROUND-1") == 88, "nothing refused was recorded"


async def test_a_correction_names_its_date_with_a_reason_too_long(system, site):
    location, manager, person, lot = site
    page = await person.submit(f"/inventory/{location}", {
        "lot_id": str(lot), "expiration_date": "1900-01-01", "reason": LONG,
        "request_key": key()}, action=f"/inventory/{location}/expiry")
    assert page.status_code == 422
    errors = said(page.text, "expiry")
    assert "within 10 years of today" in errors.get("expiration_date", ""), errors
    assert "400 characters" in errors["reason"], errors
    assert 'value="1900-01-01"' in page.text, "kept as typed"
    held = next(x for x in (await manager.get(f"/api/v1/locations/{location}/inventory")
                            ).json()["usable"] if x["id"] == lot)
    same = await person.submit(f"/inventory/{location}", {
        "lot_id": str(lot), "expiration_date": held["expiration_date"], "reason": "",
        "request_key": key()}, action=f"/inventory/{location}/expiry")
    errors = said(same.text, "expiry")
    assert "already recorded" in errors.get("expiration_date", "") and "reason" in errors, errors
    refused = await manager.put(
        f"/api/v1/locations/{location}/inventory/lots/{lot}/expiration",
        json={"expiration_date": "1900-01-01", "reason": "x" * 401, "request_key": key()})
    assert refused.status_code == 422
    assert {"expiration_date", "reason"} <= set(refused.json()["errors"])


def test_the_limits_count_from_the_north_carolina_day():
    """At 02:00 UTC on December 5 it is 9 PM on December 4 in North Carolina."""
    from models.inventory_rules import (
        corrected_expiry_problem,
        inventory_today,
        receipt_expiry_problem,
    )

    evening = datetime(2026, 12, 5, 2, tzinfo=UTC)
    today = inventory_today(evening)
    assert today == date(2026, 12, 4)
    assert "by December 4, 2036 at the latest" in receipt_expiry_problem(date(2036, 12, 5), today)
    assert receipt_expiry_problem(date(2026, 12, 4), today) is None, "not expired yet in NC"
    assert "from December 4, 2016 to December 4, 2036" in corrected_expiry_problem(
        date(2036, 12, 5), today)


class Evening(datetime):
    """The clock in North Carolina's evening, when its day is still the one before UTC's: 02:00
    UTC today, or the real time when it is that evening already (before 04:00 UTC). Set ahead
    at 02:00 while it was still 00:00-01:30 UTC, the clock was over 30 minutes past the
    signed-in person's last request, and their session had ended (the idle timeout: 401)."""

    @classmethod
    def now(cls, tz=None):
        real = datetime.now(UTC)
        evening = real if real.time() < time(4) else datetime.combine(real.date(), time(2),
                                                                       tzinfo=UTC)
        return evening.astimezone(tz)


async def test_the_pages_count_from_the_north_carolina_day_in_the_evening(system, site,
                                                                          monkeypatch):
    location, manager, person, _lot = site
    utc_day = datetime.now(UTC).date()
    monkeypatch.setattr(models.base, "datetime", Evening)  # every utcnow() in NC's evening
    nc_day = local_today(Evening.now(UTC))
    assert nc_day < utc_day
    product = await product_id(system)
    page = await person.submit(f"/inventory/{location}", {
        "product_id": str(product), "lot_number": "EVENING-1", "doses": "5",
        "expiration_date": str(latest_expiry(utc_day)), "request_key": key()},
        action=f"/inventory/{location}/receive")
    assert page.status_code == 422
    assert said(page.text, "receive")["expiration_date"].endswith(
        f"by {day(latest_expiry(nc_day))} at the latest."), "NC's day, not UTC's"
    # a lot that expires on NC's today is still good tonight: received, usable
    assert (await receive(manager, location, product, "EVENING-2", 5, nc_day)).status_code == 201
    stock = (await manager.get(f"/api/v1/locations/{location}/inventory")).json()
    assert "EVENING-2" in [x["lot_number"] for x in stock["usable"]]
    lot = await lot_id(manager, location, "EVENING-2")
    far = await person.submit(f"/inventory/{location}", {
        "lot_id": str(lot), "expiration_date": str(latest_expiry(utc_day)), "reason": "Label",
        "request_key": key()}, action=f"/inventory/{location}/expiry")
    assert said(far.text, "expiry")["expiration_date"].endswith(
        f"from {day(latest_expiry(nc_day, -10))} to {day(latest_expiry(nc_day))}.")


async def test_a_transfer_request_names_the_doses_on_hand_with_its_other_mistakes(system, site):
    """The request form said "Only N doses … are on hand" only once the receiving site and the
    reason were right."""
    location, manager, person, lot = site
    page = await person.submit(f"/inventory/{location}", {
        "kind": "transfer", "from_location_id": str(location), "to_location_id": "",
        "lot_id": str(lot), "doses": "100000", "reason": LONG, "request_key": key()},
        action=f"/inventory/{location}/transfer")
    assert page.status_code == 422
    errors = said(page.text, "transfer")
    on = await on_hand(manager, location, "ROUND-1")
    assert errors.get("doses") == f"Only {on} doses of lot ROUND-1 are on hand.", errors
    assert {"to_location_id", "reason"} <= set(errors), errors
    assert 'value="100000"' in page.text, "kept as typed"
