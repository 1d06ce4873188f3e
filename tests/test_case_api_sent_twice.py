"""A client of the help-desk API sending the same case or reply again (a network retry: the
answer was lost, so it sends again; found by an outside check) opened a second case, or posted
the reply twice, with a second email each time: the API took no request key, where the pages'
forms carry one. Both now take an optional `request_key`: sent again with the same key, the
answer is the case (or message) the first send made, and nothing more is stored or sent."""

import asyncio
import uuid

from sqlalchemy import func
from sqlmodel import select

from models.helpdesk import Case, CaseMessage
from tests.support.helpdesk import agent, register_requester
from tests.support.web import unique_email


async def count(system, model, *where) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(model).where(*where))).one()


async def test_a_case_sent_again_with_its_key_is_one_case(system):
    requester, email = await register_requester(system)
    subject = f"Retried {unique_email('s')}"
    form = {"category": "other", "subject": subject, "description": "Once, please.",
            "request_key": f"case-{uuid.uuid4().hex}"}
    first = await requester.post("/api/v1/helpdesk/cases", data=form)
    assert first.status_code == 201, first.text
    again = await requester.post("/api/v1/helpdesk/cases", data=form)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    other = await requester.post("/api/v1/helpdesk/cases", data={
        k: v for k, v in form.items() if k != "request_key"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert await count(system, Case, Case.subject == subject) == 2
    await system.smtp.wait_for(to=email, subject="received", count=2)
    await asyncio.sleep(1)  # a third would have come with the second
    assert len(system.smtp.find(to=email, subject="received")) == 2, "one email per case"


async def test_a_reply_sent_again_with_its_key_is_one_message(system):
    requester, _email = await register_requester(system)
    case = (await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": f"Reply {unique_email('s')}",
        "description": "Help."})).json()
    reply = {"body": "Here is the detail you asked for.", "request_key": uuid.uuid4().hex}
    url = f"/api/v1/helpdesk/cases/{case['id']}/messages"
    first = await requester.post(url, data=reply)
    assert first.status_code == 201, first.text
    again = await requester.post(url, data=reply)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert await count(system, CaseMessage, CaseMessage.case_id == case["id"],
                       CaseMessage.body == reply["body"]) == 1
    bad = await requester.post(url, data={**reply, "request_key": "no"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"request_key"}, bad.text


async def test_a_key_of_someone_elses_message_shows_nothing_of_it(system):
    """A key is the sender's own: another person's message stored under it (an agent's
    internal note) is not answered to whoever sends the key."""
    requester, _email = await register_requester(system)
    case = (await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": f"Note {unique_email('s')}",
        "description": "Help."})).json()
    desk, _agent_id = await agent(system, "general")
    url = f"/api/v1/helpdesk/cases/{case['id']}/messages"
    key = "note-0001"  # a weak key, as a client may choose
    note = await desk.post(url, data={"body": "Internal: caller sounded upset.",
                                      "internal": "true", "request_key": key})
    assert note.status_code == 201, note.text
    theirs = await requester.post(url, data={"body": "Any news?", "request_key": key})
    assert theirs.status_code == 409, theirs.text
    assert set(theirs.json()["errors"]) == {"request_key"}
    assert "upset" not in theirs.text
