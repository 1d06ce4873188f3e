"""A shipment that came while the system was down, from a lot that has expired since."""

import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.care import give, vaccinating_site, walk_in
from tests.support.web import browser


async def test_a_shipment_that_came_before_its_lot_expired_is_received_with_its_day(system):
    """A shipment that arrived during an outage, its lot valid then and expired since, was
    refused ("This lot has already expired; report it instead of receiving it"): it could
    not be reported either (no lot held), and the doses given from it on paper while it was
    valid could never be entered. Received with the day it came, its expiry is checked
    against that day: it is held (as an expired lot), and its paper doses are recorded."""
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    product = (await site.manager.get("/api/v1/products")).json()[0]["id"]
    receipts = f"/api/v1/locations/{site.location_id}/inventory/receipts"
    body = {"product_id": product, "doses": 10, "lot_number": "GONE-1",
            "expiration_date": str(today - timedelta(days=2))}
    late = await site.manager.post(receipts, json={**body, "request_key": uuid.uuid4().hex})
    assert late.status_code == 422, late.text  # received today: expired on arrival, refused
    assert "expiration_date" in late.json()["errors"]
    spoiled = await site.manager.post(receipts, json={
        **body, "request_key": uuid.uuid4().hex, "received_on": str(today - timedelta(days=1))})
    assert spoiled.status_code == 422, spoiled.text  # expired before the day it came
    assert "expiration_date" in spoiled.json()["errors"]

    received = await site.manager.post(receipts, json={
        **body, "request_key": uuid.uuid4().hex, "received_on": str(today - timedelta(days=6))})
    assert received.status_code == 201, received.text
    stock = (await site.manager.get(f"/api/v1/locations/{site.location_id}/inventory")).json()
    assert [lot["lot_number"] for lot in stock["expired"]] == ["GONE-1"]
    someone = await walk_in(site)
    paper = await give(site, someone["id"], received.json()["lot_id"],
                       on=today - timedelta(days=4))
    assert paper.status_code == 201, paper.text

    manager = browser(system)  # the page says where the lot went and what to do with the rest
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    page = f"/inventory/{site.location_id}"
    done = await manager.submit(page, {
        "product_id": str(product), "lot_number": "gone-2", "doses": "5",
        "request_key": uuid.uuid4().hex,
        "expiration_date": str(today - timedelta(days=1)),
        "received_on": str(today - timedelta(days=3))}, action=f"{page}/receive")
    assert done.status_code == 200, done.status_code
    assert "Received 5 doses. Lot GONE-2 expired on " in done.text, done.text
    assert "report the doses left as expired." in done.text
    await manager.http.aclose()
