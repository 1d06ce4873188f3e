"""An agent's reply sent from a page opened before the case was resolved (another tab, another
agent; found by the outside check) was posted and emailed while the case stayed resolved. It
is refused as a resolution from such a page is: nothing posted or emailed, the case's page as
it is now with the reply kept and the refusal beside it; the API answers 409 naming the
status. An internal note on a resolved case is still saved."""

import asyncio
import html
import re

from sqlmodel import select

from models.enums import Role
from models.helpdesk import CaseMessage
from tests.support.accounts import make_user
from tests.support.web import CSRF, api_client
from tests.test_helpdesk_resolve_twice import (
    KEY,
    opened_case,
    resolved_under_a_stale_page,
)


def reply_form(page: str) -> dict:
    start = page.index('/reply"')
    key = KEY.search(page[start:page.index("</form>", start)])
    return {"csrf_token": CSRF.search(page)[1], "request_key": key[1]}


async def replies(system, case_id: int) -> list[str]:
    async with system.sessions() as session:
        return list((await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case_id, CaseMessage.kind == "comment",
            CaseMessage.internal.is_(False)))).all())


async def nothing_emailed(system, case_id: int) -> None:
    """The case's resolution email came; no reply's ("updated") follows it (this case's only:
    the SMTP server holds every earlier test's mail)."""
    number = f"CS{case_id:07d}"
    await system.smtp.one(subject=f"{number} resolved")
    await asyncio.sleep(1.5)  # a reply's email is sent by the case's process, a moment after
    assert [m for m in system.smtp.find(subject=number) if "updated" in m.subject_folded] \
        == [], "nothing emailed"


async def test_a_reply_from_a_page_opened_before_the_resolution_is_refused_and_kept(system):
    case_id, path = await opened_case(system)
    typed = "One more thing: <clear> the cache & sign in again."
    async with system.http(follow_redirects=True) as http, \
            system.http(follow_redirects=True) as other_http:
        stale = await resolved_under_a_stale_page(system, http, other_http, path)
        refused = await other_http.post(f"{path}/reply", data={**reply_form(stale.text),
                                                              "body": typed})
        again = await other_http.get(path)
    assert refused.status_code == 409, refused.text[:400]
    assert await replies(system, case_id) == [], "nothing posted"
    await nothing_emailed(system, case_id)
    kept = re.search(r'<label class="usa-label usa-label--error" for="unsent-reply">Your reply, '
                     r'not sent</label>\s*<span class="usa-error-message" id="unsent-reply-error">'
                     r'([^<]*)</span>.*?<textarea [^>]*id="unsent-reply"[^>]*readonly[^>]*>'
                     r'([^<]*)</textarea>', refused.text, re.S)
    assert kept, refused.text[refused.text.find("<h1"):][:1500]
    assert html.unescape(kept[2]) == typed, "what was typed is kept"
    assert re.search(r"Test \w+ resolved this case on \w+ \d+, \d{4}, \d+:\d\d [AP]M E[SD]T: "
                     r"your reply was not sent\. Reopen it", html.unescape(kept[1])), kept[1]
    assert "/reopen" in refused.text and "Resolved" in refused.text, "the case as it is now"
    assert "unsent-reply" not in again.text, "only on the page that refused it"


async def test_the_api_refuses_a_reply_on_a_resolved_case_naming_its_status(system):
    case_id, path = await opened_case(system)
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    async with await api_client(system, agent.email) as api:
        resolved = await api.post(f"/api/v1/helpdesk/cases/{case_id}/resolve",
                                  json={"notes": "Fixed it."})
        assert resolved.status_code == 200, resolved.text
        refused = await api.post(f"/api/v1/helpdesk/cases/{case_id}/messages",
                                 data={"body": "Also this.", "internal": "false"})
        note = await api.post(f"/api/v1/helpdesk/cases/{case_id}/messages",
                              data={"body": "For the record.", "internal": "true"})
    assert refused.status_code == 409, refused.text
    assert "You resolved this case on" in refused.text and "reply was not sent" in refused.text
    assert await replies(system, case_id) == []
    await nothing_emailed(system, case_id)
    assert note.status_code == 201, "an internal note on a resolved case is still saved"
