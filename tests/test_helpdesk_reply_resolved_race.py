"""An agent's reply sent at the moment the case is resolved: the database still said "in
progress" when the reply was checked, so only the case's process knew it was resolved, and it
took the reply, published and emailed it on a case that stayed resolved. The process refuses
it now, and the API answers as when the database already said so: 409 naming who resolved it
and when, nothing posted or emailed."""

from sqlmodel import select

from models.enums import Role
from models.helpdesk import Case, CaseMessage, CaseStatus
from tests.support.accounts import make_user
from tests.support.web import api_client
from tests.test_helpdesk_reply_after_resolve import nothing_emailed
from tests.test_helpdesk_resolve_twice import opened_case


async def published_replies(system, case_id: int) -> list[str]:
    """A message the process refused stays stored unpublished, hidden (workflows/case.py)."""
    async with system.sessions() as session:
        return list((await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case_id, CaseMessage.kind == "comment",
            CaseMessage.internal.is_(False), CaseMessage.posted_at.is_not(None)))).all())


async def as_if_not_yet_projected(system, case_id: int) -> None:
    """The moment between the process resolving the case and the database saying so."""
    async with system.sessions() as session:
        case = (await session.exec(select(Case).where(Case.id == case_id))).one()
        case.status = CaseStatus.IN_PROGRESS
        session.add(case)
        await session.commit()


async def test_a_reply_the_database_lets_through_is_refused_by_the_case_process(system):
    case_id, _path = await opened_case(system)
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    async with await api_client(system, agent.email) as api:
        resolved = await api.post(f"/api/v1/helpdesk/cases/{case_id}/resolve",
                                  json={"notes": "Fixed it."})
        assert resolved.status_code == 200, resolved.text
        await as_if_not_yet_projected(system, case_id)
        refused = await api.post(f"/api/v1/helpdesk/cases/{case_id}/messages",
                                 data={"body": "Also this.", "internal": "false"})
        note = await api.post(f"/api/v1/helpdesk/cases/{case_id}/messages",
                              data={"body": "For the record.", "internal": "true"})
    assert refused.status_code == 409, refused.text
    assert "You resolved this case on" in refused.text, refused.text
    assert "reply was not sent" in refused.text
    assert await published_replies(system, case_id) == [], "nothing posted"
    await nothing_emailed(system, case_id)
    assert note.status_code == 201, "an internal note still goes"
