"""Wastage, expiry and returns counted on paper while the system was down are entered later with
the day they happened (SPEC §6, offline; found by the check of inventory: they were dated the
day they were typed in). The day is not ahead, not before the lot arrived, and never makes the
lot's ledger show fewer than no doses on a day it shows."""

from datetime import date, timedelta

from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.support.inventory import enrolled_sites, key, lot_id, lot_received, on_hand, product_id
from tests.support.review import reviewer


async def test_a_loss_counted_on_paper_keeps_its_day(system):
    sites = await enrolled_sites(system, ["Paper Count Clinic"], redistribution=False,
                                 state=await reviewer(system))
    (site, staff), = sites.staff.items()
    today = local_today(utcnow())
    product = await product_id(system)
    came = await staff.post(f"/api/v1/locations/{site}/inventory/receipts", json={
        "product_id": product, "lot_number": "PAPER-W1", "doses": 30, "request_key": key(),
        "received_on": str(today - timedelta(days=20)),
        "expiration_date": str(today + timedelta(days=120))})
    assert came.status_code == 201, came.text
    lot = await lot_id(staff, site, "PAPER-W1")
    url = f"/api/v1/locations/{site}/inventory/lots/{lot}/adjustments"

    async def adjust(doses: int, on, kind: str = "wastage"):
        return await staff.post(url, json={"kind": kind, "doses": doses, "reason": "Paper count",
                                           "request_key": key(), "occurred_on": str(on)})

    # not ahead, not before the lot came, not a typing mistake of years ago
    for on in (today + timedelta(days=1), today - timedelta(days=21),
               today - timedelta(days=400)):
        refused = await adjust(5, on)
        assert refused.status_code == 422, refused.text
        assert "occurred_on" in refused.json()["errors"], refused.text
    assert "arrived here on" in (await adjust(5, today - timedelta(days=21))).json()[
        "errors"]["occurred_on"]
    wasted = await adjust(25, today - timedelta(days=10))
    assert wasted.status_code == 201, wasted.text
    assert wasted.json()["occurred_on"] == str(today - timedelta(days=10)), wasted.text
    # 20 more received today: 25 on hand, but 5 on the days between
    more = await staff.post(f"/api/v1/locations/{site}/inventory/receipts", json={
        "product_id": product, "lot_number": "PAPER-W1", "doses": 20, "request_key": key(),
        "expiration_date": str(today + timedelta(days=120))})
    assert more.status_code == 201, more.text
    too_many = await adjust(10, today - timedelta(days=5), "returned")
    assert too_many.status_code == 422, too_many.text
    said = too_many.json()["errors"]["occurred_on"]
    assert "only 5 doses on hand" in said, said
    assert await on_hand(staff, site, "PAPER-W1") == 25
    fits = await adjust(5, today - timedelta(days=5), "expired")
    assert fits.status_code == 201, fits.text
    today_too = await staff.post(url, json={"kind": "wastage", "doses": 1, "reason": "Dropped",
                                            "request_key": key()})
    assert today_too.status_code == 201 and today_too.json()["occurred_on"] is None
    assert await on_hand(staff, site, "PAPER-W1") == 19
    ledger = (await staff.get(f"/api/v1/locations/{site}/ledger")).json()
    days = {(e["kind"], e["doses"]): e["occurred_on"] for e in ledger}
    assert days[("wastage", -25)] == str(today - timedelta(days=10))
    assert days[("expired", -5)] == str(today - timedelta(days=5))


async def test_a_paper_dose_never_leaves_a_past_day_below_none(system):
    """The same rule for a dose from a paper form: the lot's ledger, by the day each change
    happened, never shows fewer than no doses on a day (found with the adjustments' day: 2 doses
    held 10 days ago, 5 more received today, took a third paper dose dated 10 days ago)."""
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    lot = await stock(system, site, "207", "PAPER-D1", 2,
                      arrived=utcnow() - timedelta(days=20))
    more = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/inventory/receipts", json={
            "product_id": await product_id(system), "lot_number": "PAPER-D1", "doses": 5,
            "request_key": key(), "expiration_date": str(date.today() + timedelta(days=400))})
    assert more.status_code == 201, more.text
    then = today - timedelta(days=10)
    for _ in range(2):
        given = await give(site, (await walk_in(site))["id"], lot, on=then)
        assert given.status_code == 201, given.text
    third = await give(site, (await walk_in(site))["id"], lot, on=then)
    assert third.status_code == 422, third.text
    said = third.json()["errors"]["administered_on"]
    assert "had no dose on hand on" in said and "1 dose given" in said, said
    assert (await give(site, (await walk_in(site))["id"], lot)).status_code == 201, "today: 5"


async def test_a_key_sent_again_with_another_day_is_not_taken_for_the_first(system):
    """Found by the check of inventory: the same request key sent again with another day (Back,
    the day corrected, Save) was answered with the first entry, its old day, as if the
    correction were saved. The same key with the same day is the same change (answered with
    it); with another day it is refused on the key, as another lot, kind or count is."""
    sites = await enrolled_sites(system, ["Paper Key Clinic"], redistribution=False,
                                 state=await reviewer(system))
    (site, staff), = sites.staff.items()
    today = local_today(utcnow())
    lot = await lot_received(system, staff, site, "PAPER-K1", 30, days_ago=20)
    url = f"/api/v1/locations/{site}/inventory/lots/{lot}/adjustments"
    body = {"kind": "wastage", "doses": 2, "reason": "Paper count", "request_key": key(),
            "occurred_on": str(today - timedelta(days=3))}
    first = await staff.post(url, json=body)
    assert first.status_code == 201, first.text
    again = await staff.post(url, json=body)
    assert again.json()["id"] == first.json()["id"], again.text
    for other in (str(today - timedelta(days=4)), None):
        moved = await staff.post(url, json={**body, "occurred_on": other})
        assert moved.status_code == 409, moved.text
        assert "another change" in moved.json()["errors"]["request_key"], moved.text
    assert await on_hand(staff, site, "PAPER-K1") == 28
