"""A new case's form sent twice (Back from the case page, then "Submit the case" again; found
by the outside check) is one case: the form carries a random key, kept through the suggestions
step, and the requester's second send is led to the case the first one opened."""

import asyncio
import re

from sqlalchemy import func
from sqlmodel import select

from models.helpdesk import Case, CaseMessage
from tests.support.helpdesk import register_requester
from tests.support.web import CSRF, Browserish, unique_email

KEY = re.compile(r'name="request_key" value="([^"]+)"')


async def suggested_form(person: Browserish, email: str, subject: str):
    """Log in and fill the new-case form up to its suggestions: (the form, the page)."""
    await person.login(email)
    form = {"category": "other", "subject": subject, "description": "Once, please."}
    suggested = await person.submit("/help/cases/new", {**form, "action": "suggest"})
    assert suggested.status_code == 200, suggested.text[:300]
    return form, suggested


async def ready_to_send(http, email: str, subject: str) -> dict:
    """The new-case form as its page would send it after the suggestions: key and token."""
    form, suggested = await suggested_form(Browserish(http), email, subject)
    return {**form, "suggested": "1", "request_key": KEY.search(suggested.text)[1],
            "csrf_token": CSRF.search(suggested.text)[1]}


async def test_the_same_form_sent_twice_opens_one_case(system):
    _api, email = await register_requester(system)
    subject = f"Sent twice {unique_email('s')}"
    async with system.http(follow_redirects=True) as http:
        person = Browserish(http)
        form, suggested = await suggested_form(person, email, subject)
        key = KEY.search(suggested.text)[1]
        first_page = await http.get("/help/cases/new")  # another form: another key
        assert KEY.search(first_page.text)[1] != key
        sent = {**form, "suggested": "1", "request_key": key}
        first = await person.submit("/help/cases/new", sent)
        assert first.status_code == 200 and "is open" in first.text, first.text[:300]
        again = await person.submit("/help/cases/new", sent)
        assert "was already sent, so it was not sent again" in again.text
        assert str(again.url) == str(first.url), "led to the case the first send opened"
        other = await person.submit("/help/cases/new", {**form, "suggested": "1"})
        assert "is open" in other.text, "a form without a key still opens its case"
    async with system.sessions() as session:
        count = (await session.exec(select(func.count()).select_from(Case).where(
            Case.subject == subject))).one()
    assert count == 2, "the repeated form made no second case; the new form made its own"
    await system.smtp.wait_for(to=email, subject="received", count=2)


async def test_the_same_form_sent_twice_at_the_same_instant_opens_one_case(system):
    """A double click: both sends before either is stored. The second meets the first's key
    (a unique constraint) and is led to the case the first opened, not shown a conflict."""
    _api, email = await register_requester(system)
    subject = f"Clicked twice {unique_email('s')}"
    async with system.http(follow_redirects=True) as http:
        sent = await ready_to_send(http, email, subject)
        sends = await asyncio.gather(*(http.post("/help/cases/new", data=sent)
                                       for _ in range(3)))
    assert [s.status_code for s in sends] == [200] * 3, [s.status_code for s in sends]
    assert len({str(s.url) for s in sends}) == 1 and "/help/cases/" in str(sends[0].url)
    assert sum("was already sent, so it was not sent again" in s.text for s in sends) == 2
    async with system.sessions() as session:
        count = (await session.exec(select(func.count()).select_from(Case).where(
            Case.subject == subject))).one()
    assert count == 1


async def test_a_reply_sent_twice_at_the_same_instant_is_one_message(system):
    """The reply's form double-clicked: the second send meets the first's key and is told the
    reply was already sent, on the case's page (no conflict page, no second message)."""
    _api, email = await register_requester(system)
    subject = f"Reply twice {unique_email('s')}"
    async with system.http(follow_redirects=True) as http:
        opened = await http.post("/help/cases/new",
                                 data=await ready_to_send(http, email, subject))
        case_path = opened.url.path
        page = await http.get(case_path)
        reply = {"body": "One reply, clicked twice.", "csrf_token": CSRF.search(page.text)[1],
                 "request_key": re.search(r'data-request-key="([0-9a-f]+)"', page.text)[1]}
        sends = await asyncio.gather(*(http.post(f"{case_path}/reply", data=reply)
                                       for _ in range(3)))
    assert [s.status_code for s in sends] == [200] * 3, [s.status_code for s in sends]
    assert {s.url.path for s in sends} == {case_path}
    async with system.sessions() as session:
        bodies = (await session.exec(select(CaseMessage.body).where(
            CaseMessage.body == reply["body"]))).all()
    assert len(bodies) == 1
