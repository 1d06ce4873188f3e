"""Resolve pressed twice (a double click, or Back then Resolve again; found by the outside
check) resolves the case once and shows it resolved, no longer 'This case is resolved: it
cannot be resolved' (409) over notes that were in fact sent: the resolve form carries its own
key, as the reply and reopen forms do."""

import asyncio
import html
import re

from sqlmodel import select

from models.enums import Role
from models.helpdesk import CaseMessage
from tests.support.accounts import make_user
from tests.support.helpdesk import open_case, register_requester
from tests.support.web import CSRF, Browserish

KEY = re.compile(r'data-request-key="([0-9a-f]+)"')


def resolve_form(page: str) -> dict:
    """The resolve form's fields, as its page's script fills them (before the fix it had no
    key: the form is sent as it was)."""
    key = KEY.search(page[page.index('/resolve"'):page.index("</form>", page.index('/resolve"'))])
    return {"csrf_token": CSRF.search(page)[1], **({"request_key": key[1]} if key else {})}


async def opened_case(system) -> tuple[int, str]:
    api, _email = await register_requester(system)
    async with api:
        opened = await open_case(api, "other", "Resolve me twice", "It broke.")
    assert opened.status_code == 201, opened.text
    return opened.json()["id"], f"/helpdesk/cases/{opened.json()['id']}"


async def agent_page(system, http, path: str):
    """The case's page, as an agent of its team signed in on this client sees it."""
    person = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await Browserish(http).login(person.email)
    return await http.get(path)


async def resolved_under_a_stale_page(system, http, other_http, path: str):
    """An agent of the team (signed in on `http`) resolves the case while a team lead holds its
    page opened before (on `other_http`): that stale page."""
    page = await agent_page(system, http, path)
    lead = await make_user(system, Role.HELPDESK_LEAD, team="general", first_name="Lena")
    await Browserish(other_http).login(lead.email)
    stale = await other_http.get(path)
    resolved = await http.post(f"{path}/resolve", data={**resolve_form(page.text),
                                                        "notes": "Fixed it."})
    assert "The case is resolved" in resolved.text
    return stale


async def resolutions(system, case_id: int) -> list[str]:
    async with system.sessions() as session:
        return list((await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case_id, CaseMessage.kind == "resolution"))).all())


async def test_resolve_sent_again_after_back_shows_the_case_resolved(system):
    case_id, path = await opened_case(system)
    async with system.http(follow_redirects=True) as http:
        page = await agent_page(system, http, path)
        form = {**resolve_form(page.text), "notes": "Reset your password from the link."}
        first = await http.post(f"{path}/resolve", data=form)
        assert first.status_code == 200 and "The case is resolved" in first.text
        again = await http.post(f"{path}/resolve", data=form)  # Back, then Resolve again
    assert again.status_code == 200, again.text[:600]
    assert again.url.path == path, "led to the case's page, where a reload sends nothing"
    assert "cannot be resolved" not in again.text
    assert "already sent" in again.text
    assert await resolutions(system, case_id) == ["Reset your password from the link."]


async def test_resolve_double_clicked_is_one_resolution(system):
    case_id, path = await opened_case(system)
    async with system.http(follow_redirects=True) as http:
        page = await agent_page(system, http, path)
        form = {**resolve_form(page.text), "notes": "Clicked twice."}
        sends = await asyncio.gather(*(http.post(f"{path}/resolve", data=form)
                                       for _ in range(2)))
    assert [s.status_code for s in sends] == [200, 200], [s.text[:400] for s in sends]
    assert all("cannot be resolved" not in s.text for s in sends)
    assert await resolutions(system, case_id) == ["Clicked twice."]


async def test_a_refused_resolve_keeps_its_key_on_its_own_form(system):
    """Notes left blank: the resolve form comes back with its key, the reply form with another
    (a reply sent next must not take the resolution's key and leave it 'already sent')."""
    case_id, path = await opened_case(system)
    async with system.http(follow_redirects=True) as http:
        page = await agent_page(system, http, path)
        form = {**resolve_form(page.text), "notes": "   "}
        refused = await http.post(f"{path}/resolve", data=form)
        assert refused.status_code == 422, refused.text[:400]
        assert resolve_form(refused.text)["request_key"] == form["request_key"]
        reply_key = KEY.search(refused.text[refused.text.index('/reply"'):])[1]
        assert reply_key != form["request_key"]
        replied = await http.post(f"{path}/reply", data={
            "csrf_token": form["csrf_token"], "request_key": reply_key, "body": "Looking."})
        assert "Your reply was sent" in replied.text
        resolved = await http.post(f"{path}/resolve", data={**form, "notes": "Done."})
        assert "The case is resolved" in resolved.text, resolved.text[:400]
    assert await resolutions(system, case_id) == ["Done."]


async def test_resolving_a_case_another_agent_just_resolved_names_them(system):
    """Two agents with the case open: the second's Resolve says who resolved it and when and
    that these notes were not sent, no longer 'This case is resolved: it cannot be resolved'.
    Their notes are shown back to copy (into the reopening reason, or a reply): the outside
    check found what they typed gone from the page."""
    case_id, path = await opened_case(system)
    typed = "Also fixed: clear the cache, then <sign in> again & call us if it fails."
    async with system.http(follow_redirects=True) as http, \
            system.http(follow_redirects=True) as other_http:
        stale = await resolved_under_a_stale_page(system, http, other_http, path)
        second = await other_http.post(f"{path}/resolve", data={
            **resolve_form(stale.text), "notes": typed})
        again = await other_http.get(path)
    assert second.status_code == 409, second.text[:400]
    kept = re.search(r'<label class="usa-label" for="unsent-notes">Your resolution notes, not '
                     r'sent</label>.*?<textarea [^>]*id="unsent-notes"[^>]*readonly[^>]*>'
                     r'([^<]*)</textarea>', second.text, re.S)
    assert kept and html.unescape(kept[1]) == typed, second.text[second.text.find("<h1"):][:900]
    assert "/reopen" in second.text, "the case can be reopened from the same page"
    assert "unsent-notes" not in again.text, "only on the page that refused them"
    text = second.text.replace("&#39;", "'")
    assert "cannot be resolved" not in text
    assert re.search(r"Test \w+ resolved this case on \w+ \d+, \d{4}, \d+:\d\d [AP]M E[SD]T: "
                     r"your notes were not sent", text), text[text.find("usa-alert"):][:600]
    assert await resolutions(system, case_id) == ["Fixed it."]


async def test_an_agent_resolving_again_from_another_tab_is_told_they_did(system):
    """One agent with the case open in two tabs, resolving from each: the second tab's refusal
    named the agent to themselves ("Test Agent resolved this case ..."); it says "You"."""
    _case_id, path = await opened_case(system)
    async with system.http(follow_redirects=True) as http:
        first_tab = await agent_page(system, http, path)
        second_tab = await http.get(path)
        await http.post(f"{path}/resolve", data={**resolve_form(first_tab.text),
                                                 "notes": "Done in the first tab."})
        second = await http.post(f"{path}/resolve", data={**resolve_form(second_tab.text),
                                                          "notes": "Done in the second."})
    assert second.status_code == 409, second.text[:400]
    text = second.text.replace("&#39;", "'")
    assert re.search(r"You resolved this case on \w+ \d+, \d{4}, \d+:\d\d [AP]M E[SD]T: "
                     r"your notes were not sent", text), text[text.find("usa-alert"):][:600]


async def test_asking_again_from_a_stale_tab_says_the_requester_was_already_asked(system):
    """Found by the outside check: a second "Ask the requester for information" (from a tab
    opened before the first was sent) was refused as "This case is awaiting requester: it
    cannot be sent a request for information", the process's raw status words. It now says the
    requester was already asked and the case waits for them, on the message's field, what was
    typed kept; a reply still adds to the question."""
    _case_id, path = await opened_case(system)
    http = system.http(follow_redirects=True)
    page = (await agent_page(system, http, path)).text
    token = CSRF.search(page)[1]
    first = await http.post(f"{path}/request-info", data={
        "csrf_token": token, "body": "Which card do you mean?"})
    assert "the case waits for them" in first.text
    stale = await http.post(f"{path}/request-info", data={
        "csrf_token": token, "body": "And which clinic?"})
    await http.aclose()
    assert stale.status_code == 409, stale.text[:300]
    shown = html.unescape(stale.text)
    assert "awaiting requester" not in shown
    assert "already asked for information" in shown and 'id="body-error"' in stale.text
    assert "And which clinic?" in shown, "what was typed is kept"


async def test_two_tabs_resolving_at_the_same_instant_name_who_resolved_it(system):
    """Found by the emails' outside check: two tabs of the case (opened before either was
    sent, each with its own key) sending Resolve at the same instant both passed the page's
    'already resolved?' check; the case's process took one and refused the other with its raw
    words, 'This case is resolved: it cannot be resolved.', under 'Please correct the
    following'. The second is now told who resolved it and when, its notes kept unsent; one
    resolution is published (and emailed)."""
    case_id, path = await opened_case(system)
    async with system.http(follow_redirects=True) as http:
        first_tab = await agent_page(system, http, path)
        second_tab = await http.get(path)
        sends = await asyncio.gather(
            http.post(f"{path}/resolve", data={**resolve_form(first_tab.text),
                                               "notes": "Done in the first tab."}),
            http.post(f"{path}/resolve", data={**resolve_form(second_tab.text),
                                               "notes": "Done in the second tab."}))
    texts = [s.text.replace("&#39;", "'") for s in sends]
    assert all("cannot be resolved" not in t for t in texts), [
        t[t.find("usa-alert"):][:400] for t in texts]
    assert sorted(s.status_code for s in sends) == [200, 409], [s.status_code for s in sends]
    refused = texts[[s.status_code for s in sends].index(409)]
    assert re.search(r"You resolved this case on \w+ \d+, \d{4}, \d+:\d\d [AP]M E[SD]T: "
                     r"your notes were not sent", refused), refused[refused.find("usa-alert"):][:600]
    async with system.sessions() as session:  # the refused one stays unpublished
        published = (await session.exec(select(CaseMessage.body).where(
            CaseMessage.case_id == case_id, CaseMessage.kind == "resolution",
            CaseMessage.posted_at.is_not(None)))).all()
    assert len(published) == 1, published


async def test_asking_from_two_tabs_at_the_same_instant_says_already_asked(system):
    """As Resolve: two 'Ask the requester for information' sent at the same instant from two
    tabs both passed the page's check; the process took one and the other read 'This case is
    awaiting requester: it cannot be sent a request for information'. It now says the
    requester was already asked, on the message's field, what was typed kept."""
    _case_id, path = await opened_case(system)
    async with system.http(follow_redirects=True) as http:
        page = (await agent_page(system, http, path)).text
        token = CSRF.search(page)[1]
        sends = await asyncio.gather(*(http.post(f"{path}/request-info", data={
            "csrf_token": token, "body": body}) for body in ("Which card?", "Which clinic?")))
    shown = [html.unescape(s.text) for s in sends]
    assert all("awaiting requester" not in t for t in shown), [
        t[t.find("usa-alert"):][:400] for t in shown]
    assert sorted(s.status_code for s in sends) == [200, 409], [s.status_code for s in sends]
    refused = shown[[s.status_code for s in sends].index(409)]
    assert "already asked for information" in refused and 'id="body-error"' in refused
