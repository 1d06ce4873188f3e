"""A file kept with a refused help-desk form stayed attached: whoever chose the wrong file
could not take it off before sending. Each kept file has a "Remove" box (a checkbox named for
the file, no script needed); checked, the file is not sent, and the others still are."""

import html
import re

from sqlmodel import select

from models.enums import Role
from models.helpdesk import CaseAttachment
from tests.support.accounts import make_user
from tests.support.helpdesk import open_case, refused_new_case_keeping, register_requester
from tests.support.web import Browserish
from tests.test_helpdesk_reply_after_resolve import reply_form

PDF = b"%PDF-1.4 a page"
KEPT = re.compile(r'<span class="margin-right-2">([^<]+)</span><input type="hidden" '
                  r'name="kept\[\]" value="([^"]+)"><span class="usa-checkbox"><input '
                  r'class="usa-checkbox__input" type="checkbox" id="(remove-kept-\d+)" '
                  r'name="remove\[\]" value="\2"><label class="usa-checkbox__label margin-top-0" '
                  r'for="\3">Remove<span class="usa-sr-only"> \1</span></label>')


def kept(page: str) -> dict[str, str]:
    """Each kept file's name and reference, with its Remove box labelled with its name."""
    return {html.unescape(m[1]): html.unescape(m[2]) for m in KEPT.finditer(page)}


async def attached(system, case_id: int) -> list[str]:
    async with system.sessions() as session:
        return sorted((await session.exec(select(CaseAttachment.filename).where(
            CaseAttachment.case_id == case_id))).all())


async def test_an_agent_removes_a_kept_file_before_replying(system):
    requester, _email = await register_requester(system)
    async with requester:
        case = (await open_case(requester, "other", "Files")).json()
    path = f"/helpdesk/cases/{case['id']}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    async with system.http(follow_redirects=True) as http:
        await Browserish(http).login(staff.email)
        page = await http.get(path)
        refused = await http.post(f"{path}/reply", data={**reply_form(page.text), "body": ""},
                                  files=[("attachments", ("right.pdf", PDF, "application/pdf")),
                                         ("attachments", ("wrong.pdf", PDF, "application/pdf"))])
        assert refused.status_code == 422, refused.status_code
        files = kept(refused.text)
        assert sorted(files) == ["right.pdf", "wrong.pdf"], refused.text[-3000:]
        sent = await http.post(f"{path}/reply", data={
            **reply_form(refused.text), "body": "The right one.",
            "kept[]": list(files.values()), "remove[]": files["wrong.pdf"]})
    assert "Your reply was sent" in sent.text, sent.text[:400]
    assert await attached(system, case["id"]) == ["right.pdf"]


async def test_a_requester_removes_a_kept_file_before_opening_the_case(system):
    _client, email = await register_requester(system)
    async with system.http(follow_redirects=True) as http:
        await Browserish(http).login(email)
        refused, token = await refused_new_case_keeping(http, "wrong.pdf", PDF)
        files = kept(refused.text)
        assert list(files) == ["wrong.pdf"], refused.text[-3000:]
        opened = await http.post("/help/cases/new", data={
            "csrf_token": token, "category": "other", "subject": "My card",
            "description": "Card", "suggested": "yes", "kept[]": files["wrong.pdf"],
            "remove[]": files["wrong.pdf"]})
    assert "is open" in opened.text, opened.text[:400]
    case_id = int(re.search(r'/help/cases/(\d+)', str(opened.url))[1])
    assert await attached(system, case_id) == []
