"""A doses box given what people type: "1,000" is a thousand, " 12 " twelve; "1e3" or "12.5"
is refused beside the box, saying which box and why (never a 500, never another number), on
the pages (receipt, adjustment, transfer, a dose's number at the point of care) and in the
API, and the page keeps what was typed (the outside check's)."""

import re
import uuid
from datetime import date, timedelta

import pytest

from models.enums import Role
from models.inventory import Lot
from tests.support.care import give, product, stock, vaccinating_site, walk_in
from tests.support.web import browser

EXPIRES = str(date.today() + timedelta(days=300))


def error_of(page, prefix: str, name: str) -> str | None:
    """The message beside the box, once the summary atop the page names the box too."""
    found = re.search(rf'id="{prefix}{name}-error">([^<]*)<', page.text)
    if found:
        label = "Dose number" if name == "dose_number" else "Doses"
        assert re.search(rf'href="#{prefix}{name}">{label}', page.text), "the summary names it"
    return found[1] if found else None


@pytest.fixture(scope="module")
async def site(system):
    return await vaccinating_site(system)


async def on_hand(system, lot_id: int) -> int:
    async with system.sessions() as session:
        return (await session.get(Lot, lot_id)).on_hand


async def test_a_receipts_doses_typed_as_people_write_them(system, site):
    person = browser(system)
    await person.login(site.emails[Role.LOCATION_MANAGER])
    here = f"/inventory/{site.location_id}"
    pfizer = str((await product(system, "208")).id)
    for typed, meant in (("1,000", 1000), (" 12 ", 12), ("2,500,000", None), ("1e3", None),
                         ("12.5", None), ("1,00", None), ("", None)):
        lot = f"TYPED-{uuid.uuid4().hex[:6].upper()}"
        page = await person.submit(here, {
            "product_id": pfizer, "lot_number": lot, "expiration_date": EXPIRES,
            "doses": typed, "request_key": uuid.uuid4().hex}, action=f"{here}/receive")
        assert page.status_code < 500, (typed, page.status_code)
        said = error_of(page, "receive-", "doses")
        if meant:
            assert page.status_code == 200 and said is None, (typed, said)
            assert f"Received {meant:,} doses." in page.text, typed
            continue
        assert page.status_code == 422 and said, (typed, page.text[-2000:])
        assert f'value="{typed}"' in page.text, "what was typed is kept"
        assert "1e3" not in typed or said == "Write the number in digits, like 1000 or 1,000 " \
            "(not 1e3).", said
    api = f"/api/v1/locations/{site.location_id}/inventory/receipts"
    for typed, meant in (("1,000", 1000), (" 12 ", 12), (1e3, 1000), ("1e3", None),
                         (12.5, None), ("12.5", None)):
        answer = await site.manager.post(api, json={
            "product_id": int(pfizer), "lot_number": f"API-{uuid.uuid4().hex[:6].upper()}",
            "expiration_date": EXPIRES, "doses": typed, "request_key": uuid.uuid4().hex})
        if meant:
            assert answer.status_code == 201 and answer.json()["doses"] == meant, answer.text
        else:
            assert answer.status_code == 422 and "doses" in answer.json()["errors"], answer.text


async def test_an_adjustment_and_a_transfer_say_which_box(system, site):
    lot = await stock(system, site, "207", f"ADJ-{uuid.uuid4().hex[:6].upper()}", doses=2000)
    person = browser(system)
    await person.login(site.emails[Role.LOCATION_MANAGER])
    here = f"/inventory/{site.location_id}"
    for typed in ("1e3", "12.5"):
        page = await person.submit(here, {"lot_id": str(lot), "kind": "wastage", "doses": typed,
                                          "reason": "Dropped", "request_key": uuid.uuid4().hex},
                                   action=f"{here}/adjust")
        assert page.status_code == 422 and error_of(page, "adjust-", "doses"), typed
        assert f'value="{typed}"' in page.text
        page = await person.submit(here, {"lot_id": str(lot), "doses": typed, "kind": "transfer",
                                          "to_location_id": "", "reason": "Demand",
                                          "request_key": uuid.uuid4().hex},
                                   action=f"{here}/transfer")
        assert page.status_code == 422 and error_of(page, "transfer-", "doses"), typed
    page = await person.submit(here, {"lot_id": str(lot), "kind": "wastage", "doses": "1,000",
                                      "reason": "Dropped", "request_key": uuid.uuid4().hex},
                               action=f"{here}/adjust")
    assert page.status_code == 200 and "1,000 doses" in page.text, page.text[-1500:]
    assert await on_hand(system, lot) == 1000


async def test_a_doses_number_at_the_point_of_care(system, site):
    lot = await stock(system, site, "207", f"CARE-{uuid.uuid4().hex[:6].upper()}")
    someone = await walk_in(site)
    for typed in ("1e0", "1.5"):
        answer = await give(site, someone["id"], lot, dose_number=typed)
        assert answer.status_code == 422 and "dose_number" in answer.json()["errors"], typed
    person = browser(system)
    await person.login(site.emails[Role.PROVIDER])
    here = f"/care/{site.location_id}/recipients/{someone['id']}"
    page = await person.submit(here, {
        "lot_id": str(lot), "dose_number": "1e0", "administered_on": str(date.today()),
        "site": "LD", "route": "IM", "provider_name": "Pat Provider",
        "request_key": uuid.uuid4().hex}, action=f"{here}/record")
    assert page.status_code == 422 and error_of(page, "", "dose_number"), page.status_code
    assert 'value="1e0"' in page.text
    assert (await give(site, someone["id"], lot, dose_number=" 1 ")).status_code == 201
