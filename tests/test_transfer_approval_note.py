"""A reviewer's note written with a transfer's approval ("ship it in a cooler with a data
logger") reaches the sites in the approval's email, as a location's approval carries its note:
it was kept on the transfer's page only, and the emails said nothing of it."""

from tests.support.inventory import lot_id, request_transfer, transfer_status, two_sites_holding
from tests.support.review import reviewer


async def test_the_approval_email_carries_the_reviewers_note(system):
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Note North", "Note South"], "NOTE-1", 30, state)
    lot = await lot_id(held.sender, held.source, "NOTE-1")
    transfer = (await request_transfer(held.sender, held.source, held.target, lot, 5)).json()
    note = "Ship it in a cooler with a data logger;\nthe receiving site checks the log."
    decided = await state.post(f"/api/v1/transfers/{transfer['id']}/decision",
                               json={"decision": "approve", "reason": note})
    assert decided.status_code == 200, decided.text
    await transfer_status(held.sender, transfer["id"], "approved")
    for email in held.sites.emails.values():  # both sites' coordinators
        mail = await system.smtp.one(to=email, subject=f"{transfer['number']} was approved")
        assert "Note from the Immunization Branch:" in mail.text, mail.text
        assert "Ship it in a cooler with a data logger;" in mail.text
        assert "the receiving site checks the log." in mail.text
        assert "Reason for the denial" not in mail.text and "denial" not in mail.html
        assert "Note from the Immunization Branch" in mail.html
        assert "data logger;<br>the receiving site" in mail.html, mail.html
