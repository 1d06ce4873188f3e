"""The new-case form's follow-up link of a case still open (found by the outside check of the
help desk): /help/cases/new?follow_up= of an open case (an old bookmark, the address edited)
prefilled a form saying "This case follows up an earlier, closed case", which its send then
refused. The open case's own page is where to add to it: the link leads there, saying so."""

from tests.support.helpdesk import open_case, register_requester
from tests.support.web import browser


async def test_a_follow_up_link_of_an_open_case_leads_to_that_case(system):
    requester, email = await register_requester(system)
    earlier = (await open_case(requester, "access", "Cannot sign in")).json()
    await requester.aclose()
    person = browser(system)
    await person.login(email)
    page = await person.get(f"/help/cases/new?follow_up={earlier['id']}")
    assert page.status_code == 200
    assert str(page.url).endswith(f"/help/cases/{earlier['id']}"), page.url
    assert f"Case {earlier['number']} is still open: reply to it below." in page.text
    assert "follows up an earlier, closed case" not in page.text
    await person.http.aclose()
