"""An agent replying on a case that closed while their page was open (another tab) was told
the requester's "Open a new case if you still need help" and lost what they typed: a closed
case's page has no reply form. They are told in the desk's words when and why it closed and
what is left (the requester opens a new case linked to it; the agent reaches them by email or
phone), and the reply is kept in a read-only box beside the refusal; nothing is posted."""

import html
import re

from sqlmodel import select

from models.helpdesk import CaseMessage
from tests.support.helpdesk import agent, open_case, register_requester
from tests.support.web import CSRF, browser
from tests.test_case_lifecycle import DATE, DAY, until_status
from tests.test_helpdesk_reply_after_resolve import reply_form


async def test_a_reply_from_a_page_opened_before_the_case_closed_is_refused_and_kept(ts_system):
    requester, email = await register_requester(ts_system)
    staff, _agent_id = await agent(ts_system, "general")
    case = (await open_case(requester, "other", "Closes while I type")).json()
    path = f"/helpdesk/cases/{case['id']}"
    person = browser(ts_system)
    await person.login((await staff.get("/api/v1/me")).json()["email"])
    stale = await person.get(path)
    resolved = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/resolve",
                                json={"notes": "Fixed it."})
    assert resolved.status_code == 200, resolved.text
    await ts_system.env.sleep(7 * DAY + DAY)  # the reopening period ends: closed for good
    await until_status(requester, case["id"], "closed")
    typed = "One more thing: <clear> the cache & sign in again."
    refused = await person.http.post(f"{path}/reply", data={**reply_form(stale.text), "body": typed})
    note = await person.http.post(f"{path}/note", data={"csrf_token": CSRF.search(stale.text)[1],
                                                   "body": "For the record."})
    api = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/messages",
                           data={"body": "Also this.", "internal": "false"})
    assert refused.status_code == 409, refused.text[:400]
    assert "Open a new case if you still need help" not in refused.text
    kept = re.search(r'<label class="usa-label usa-label--error" for="unsent-message">Your '
                     r'reply, not sent</label>\s*<span class="usa-error-message" '
                     r'id="unsent-message-error">([^<]*)</span>.*?<textarea [^>]*'
                     r'id="unsent-message"[^>]*readonly[^>]*>([^<]*)</textarea>',
                     refused.text, re.S)
    assert kept, refused.text[refused.text.find("<h1"):][:2000]
    assert html.unescape(kept[2]) == typed, "what was typed is kept"
    said = html.unescape(kept[1])
    assert re.search(rf"^This case closed on {DATE} \(the reopening period ended\): your reply "
                     r"was not sent\. A closed case is not reopened: the requester may open a "
                     r"new case from its page, linked to this one; to reach them now, write to "
                     rf"them at {re.escape(email)}\.$", said), said
    assert 'href="#unsent-message"' in refused.text, "named in the error summary"
    assert note.status_code == 409 and "Your note, not saved" in note.text
    assert "your note was not saved" in html.unescape(note.text)
    assert api.status_code == 409 and "your reply was not sent" in api.text, api.text
    async with ts_system.sessions() as session:
        bodies = (await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case["id"]))).all()
    assert list(bodies) == ["Fixed it."], "nothing posted"
