"""The state's transfer queue says what it holds: requests awaiting a decision and moves late
to ship or to arrive."""

import html
import re

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import browser


async def test_the_transfer_queue_and_its_card_name_late_moves_too(system):
    """The queue lists approved transfers not shipped in time beside the requests (its own
    filter says "Not shipped or not received in time"), but its heading said only "awaiting a
    decision" and the reviewer's dashboard card only "shipments not received in time": a
    reviewer looking for a transfer that was never shipped was not told to look there."""
    staff = await make_user(system, Role.REVIEWER)
    person = browser(system)
    await person.login(staff.email)
    home = html.unescape((await person.get("/")).text)
    assert ("Transfers and redistributions awaiting pre-approval, and those not shipped or "
            "not received in time.") in home
    queue = html.unescape((await person.get("/state/transfers")).text)
    heading = re.search(r"<h1>([^<]+)</h1>", queue)[1]
    assert heading == "Transfers and redistributions awaiting a decision or late", heading
    await person.http.aclose()
