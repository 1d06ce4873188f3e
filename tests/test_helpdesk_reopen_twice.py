"""A requester commenting on their resolved case from two tabs at the same instant (found by
the emails' outside check, on a public question asked in Spanish): both comments passed the
'resolved, so this reopens it' reading; the case's process reopened it with one and refused
the other in its own English words ('This case is in progress: it cannot be reopened.'),
the comment lost. The second now joins the reopened case as a reply; the desk is told of the
reopening once."""

import asyncio

from sqlmodel import select

from models.helpdesk import CaseMessage
from tests.support.helpdesk import agent, open_case, register_requester


async def test_two_comments_on_a_resolved_case_at_once_are_both_kept(system):
    requester, _email = await register_requester(system)
    desk, _agent_id = await agent(system, "general")
    async with requester, desk:
        opened = await open_case(requester, "other", "Reopen me twice", "It broke.")
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]
        resolved = await desk.post(f"/api/v1/helpdesk/cases/{case_id}/resolve",
                                   json={"notes": "Fixed."})
        assert resolved.status_code == 200, resolved.text
        sends = await asyncio.gather(*(
            requester.post(f"/api/v1/helpdesk/cases/{case_id}/messages", data={"body": body})
            for body in ("Still broken (first tab).", "Still broken (second tab).")))
    assert [s.status_code for s in sends] == [201, 201], [s.text[:300] for s in sends]
    for _ in range(50):  # each is published by the case's process, a moment after
        async with system.sessions() as session:
            posted = set((await session.exec(select(CaseMessage.body).where(
                CaseMessage.case_id == case_id, CaseMessage.kind == "comment",
                CaseMessage.posted_at.is_not(None)))).all())
        if len(posted) >= 2:
            break
        await asyncio.sleep(0.1)
    assert posted == {"Still broken (first tab).", "Still broken (second tab)."}
    number = f"CS{case_id:07d}"
    await asyncio.sleep(1.5)
    reopened = [m for m in system.smtp.find(subject=number) if "reopened" in m.subject_folded]
    assert len(reopened) == 1, [m.subject_folded for m in reopened]
