"""A case's 201 answer said `sla_due_at: null`: the due time is projected by the case's
process a moment after it starts, after the answer was written. The answer now carries it, as
the process computes it (the response target counted in the desk's hours from the opening)."""

import asyncio
from datetime import datetime, timedelta

from tests.support.helpdesk import agent, open_case, register_requester


async def test_the_opened_case_answer_carries_its_due_time(system):
    requester, _email = await register_requester(system)
    opened = await open_case(requester, "other", "Where is my shipment?")
    assert opened.status_code == 201, opened.text
    answered = opened.json()["sla_due_at"]
    assert answered is not None, opened.json()
    due = datetime.fromisoformat(answered)
    assert due > datetime.fromisoformat(opened.json()["created_at"])
    staff, _ = await agent(system, "general")
    for _ in range(60):  # once the process projects its own figure: the same, a moment on
        case = (await staff.get(f"/api/v1/helpdesk/cases/{opened.json()['id']}")).json()["case"]
        if case["sla_due_at"] != answered:
            break
        await asyncio.sleep(0.05)
    assert abs(datetime.fromisoformat(case["sla_due_at"]) - due) < timedelta(seconds=5)
