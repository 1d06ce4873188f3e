"""Location Managers' reports, on screen and as CSV: doses by day, by product and lot,
recipients registered vs vaccinated, wastage. Removed doses do not count."""

import csv
import io
import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from tests.support.care import give, stock, vaccinating_site, walk_in


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def test_reports_count_what_was_given_and_wasted(system):
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    pfizer, janssen = f"RP-{uuid.uuid4().hex[:5].upper()}", f"RJ-{uuid.uuid4().hex[:5].upper()}"
    lot_a, lot_b = await stock(system, site, "208", pfizer), await stock(system, site, "212",
                                                                          janssen)
    people = [await walk_in(site) for _ in range(3)]
    assert (await give(site, people[0]["id"], lot_a, on=today - timedelta(days=2))
            ).status_code == 201
    assert (await give(site, people[1]["id"], lot_b)).status_code == 201
    removed = (await give(site, people[2]["id"], lot_a)).json()
    await site.provider.post(f"/api/v1/administrations/{removed['id']}/removal",
                             json={"reason": "Wrong person"})
    wasted = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/inventory/lots/{lot_a}/adjustments",
        json={"kind": "wastage", "doses": 2, "reason": "Vial dropped",
              "request_key": uuid.uuid4().hex})
    assert wasted.status_code == 201, wasted.text

    base = f"/care/{site.location_id}/reports"
    by_day = await site.manager.get(f"{base}/doses-by-day.csv")
    assert by_day.status_code == 200 and by_day.headers["content-type"].startswith("text/csv")
    assert _rows(by_day.text) == [["Date", "Doses"], [str(today - timedelta(days=2)), "1"],
                                  [str(today), "1"]]
    by_lot_csv = await site.manager.get(f"{base}/doses-by-lot.csv")
    assert by_lot_csv.status_code == 200, by_lot_csv.text[-1500:]
    by_lot = _rows(by_lot_csv.text)
    assert sorted(row[1:] for row in by_lot[1:]) == sorted([[pfizer, "1"], [janssen, "1"]])
    counts = dict(_rows((await site.manager.get(f"{base}/recipients.csv")).text)[1:])
    assert counts == {"Registered": "3", "Given at least one dose": "2",
                      "Completed their series": "1"}
    losses = _rows((await site.manager.get(f"{base}/wastage.csv")).text)
    assert [row[1:] for row in losses[1:]] == [[pfizer, "Wastage", "2"]]
    page = await site.manager.get(base)
    assert page.status_code == 200 and "Doses by product and lot" in page.text
    assert (await site.provider.get(f"{base}/wastage.csv")).status_code == 403
    assert (await site.manager.get(f"{base}/nothing.csv")).status_code == 404


async def test_the_reports_page_writes_days_as_elsewhere(system):
    """Found by the outside check: "Doses by day" on the page showed 2026-11-05 where every
    other page writes "November 5, 2026" (the CSV keeps the ISO date, for spreadsheets)."""
    from core.timefmt import day

    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"RD-{uuid.uuid4().hex[:5].upper()}")
    given = local_today(utcnow()) - timedelta(days=3)
    assert (await give(site, (await walk_in(site))["id"], lot, on=given)).status_code == 201
    page = (await site.manager.get(f"/care/{site.location_id}/reports")).text
    assert f'<td data-label="Date">{day(given)}</td>' in page
    assert str(given) not in page
    csv_rows = _rows((await site.manager.get(
        f"/care/{site.location_id}/reports/doses-by-day.csv")).text)
    assert csv_rows[1] == [str(given), "1"]
