"""The agents' pages say what each thing is: a case's active time counted in words ("1 minute"),
the article editor titled by its article, each "Edit" link named by its article for screen
readers, and a lead's "Assign to" showing who has the case."""

import re

from core.wording import counted
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.helpdesk import open_case, register_requester
from tests.support.web import browser


async def _lead_and_case(system):
    requester, _email = await register_requester(system)
    opened = await open_case(requester, "other", "Where is my shipment?")
    await requester.aclose()
    lead = await make_user(system, Role.HELPDESK_LEAD, team="general")
    page = browser(system)
    await page.login(lead.email)
    return page, lead, opened.json()["id"]


async def test_a_leads_assign_to_shows_the_current_assignee(system):
    page, _lead, case_id = await _lead_and_case(system)
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    assigned = await page.submit(f"/helpdesk/cases/{case_id}", {"agent_id": str(agent.id)},
                                 action=f"/helpdesk/cases/{case_id}/assign")
    assert "The case is assigned." in assigned.text
    shown = assigned.text
    chosen = re.search(r'<select[^>]*id="agent_id".*?</select>', shown, re.S)[0]
    assert re.search(rf'<option value="{agent.id}"\s+selected>', chosen), chosen
    # The active time is counted in words (a new case has 0 minutes, so the singular is
    # checked on `counted` below, not here, where it could not fail)
    assert re.search(r"<dt>Active time</dt><dd>0 minutes\b", shown)
    await page.http.aclose()


async def test_the_article_editor_and_its_edit_links_name_the_article(system):
    page, _lead, _case_id = await _lead_and_case(system)
    listing = (await page.get("/helpdesk/kb")).text
    links = re.findall(r'<a href="/helpdesk/kb/(\d+)"[^>]*>Edit<span class="usa-sr-only"> ([^<]+)'
                       r"</span></a>", listing)
    assert len(links) == listing.count(">Edit<") and len({t for _i, t in links}) == len(links)
    article_id, title = links[0]
    editor = (await page.get(f"/helpdesk/kb/{article_id}")).text
    assert f"<title>Edit article: {title} |" in editor and f"<h1>Edit article: {title}</h1>" in editor
    await page.http.aclose()


def test_counted_says_one_minute_and_many_minutes():
    assert counted(1, "minute") == "1 minute" and counted(0, "minute") == "0 minutes"
    assert counted(1200, "dose") == "1,200 doses" and counted(2, "person", "people") == "2 people"


async def test_a_providers_open_case_says_what_happens_next(system):
    """Found by the outside check: a provider's case page, just opened, said only "New, not
    yet picked up": not when the desk answers, nor that an email will say so, as the public
    question's page does. An open case's page now says it (the desk's hours, the address
    emailed, and that nothing is needed meanwhile); once the desk asks, the page says that
    instead."""
    api, email = await register_requester(system)
    opened = (await open_case(api, "other", "Where is my shipment?")).json()
    await api.aclose()
    person = browser(system)
    await person.login(email)
    page = (await person.get(f"/help/cases/{opened['id']}")).text
    assert "What happens next" in page
    assert f"We email you at {email}" in page and "Monday–Friday 7 AM–7 PM" in page
    assert "Nothing is needed from you now" in page
    await person.http.aclose()
