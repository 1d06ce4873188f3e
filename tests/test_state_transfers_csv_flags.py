"""The state's transfer queue downloaded as CSV says what its page says of each transfer."""

import csv
import io
from datetime import timedelta

from models.base import utcnow
from models.inventory import Transfer
from tests.support.inventory import lot_id, request_transfer, transfer_status, two_sites_holding
from tests.support.review import reviewer


async def test_the_flagged_list_downloaded_names_each_flag_and_its_days_in_status(system):
    """A reviewer showed "Not shipped or not received in time" and downloaded it: the file had
    no word of which transfer was late to ship and which late to arrive (the page tags each),
    and its days counted from the request where the page counts a shipment's from its
    shipping. The file now has the page's flag and its days in the status."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Csv Sender", "Csv Receiver"], "CSV-1", 40, state)
    lot = await lot_id(held.sender, held.source, "CSV-1")
    unshipped, late = [(await request_transfer(held.sender, held.source, held.target, lot,
                                               5)).json() for _ in range(2)]
    for transfer in (unshipped, late):
        decided = await state.post(f"/api/v1/transfers/{transfer['id']}/decision",
                                   json={"decision": "approve"})
        assert decided.status_code == 200, decided.text
        await transfer_status(held.sender, transfer["id"], "approved")
    assert (await held.sender.post(f"/api/v1/transfers/{late['id']}/ship")).status_code == 200
    await transfer_status(held.sender, late["id"], "shipped")
    async with system.sessions() as session:  # as the processes flag them, days on
        for transfer_id, shipped_days_ago in ((unshipped["id"], None), (late["id"], 6)):
            row = await session.get(Transfer, transfer_id)
            row.flagged = True
            # requested and approved 9 days ago (an approved transfer is in its status since
            # its approval)
            row.requested_at = row.decided_at = utcnow() - timedelta(days=9)
            if shipped_days_ago:
                row.shipped_at = utcnow() - timedelta(days=shipped_days_ago, hours=1)
            session.add(row)
        await session.commit()
    page = await state.get("/state/transfers", params={"status": "flagged"})
    assert "Not shipped in time" in page.text and "Not received in time" in page.text
    export = await state.get("/state/transfers.csv", params={"status": "flagged"})
    assert export.status_code == 200
    rows = {row["Transfer"]: row for row in csv.DictReader(io.StringIO(
        export.content.decode("utf-8-sig")))}
    assert rows[unshipped["number"]]["Flagged"] == "Not shipped in time"
    assert rows[late["number"]]["Flagged"] == "Not received in time"
    assert rows[unshipped["number"]]["Days in this status"] == "9"
    assert rows[late["number"]]["Days in this status"] == "6"
