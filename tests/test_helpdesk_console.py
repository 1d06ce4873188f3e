"""The agents' console at volume: all teams or one, paged, searched, filtered, sorted by when
the service level is due, with people's words for statuses and filters kept in the URL."""

import re
import uuid
from datetime import timedelta
from urllib.parse import quote

from models.base import utcnow
from models.enums import Role
from models.helpdesk import Case
from models.helpdesk_rules import Category, route
from tests.support.accounts import make_user
from tests.support.web import browser

CATEGORIES = [Category.ACCESS, Category.INVENTORY, Category.ENROLLMENT]


async def seed_cases(system, marker: str, count: int, assignee: int) -> list[Case]:
    now = utcnow()
    cases = []
    async with system.sessions() as session:
        for n in range(count):
            category = CATEGORIES[n % 3]
            status = ["new", "in_progress", "awaiting_requester"][n % 3]
            name, email = f"Pat {marker} Person{n}", f"p{n}.{marker}@x.test"
            cases.append(Case(
                requester_name=name, requester_email=email,
                search_text=Case.searchable(f"{marker} freezer {n}", name, email),
                category=category, team=route(category), subject=f"{marker} freezer {n}",
                description="Help.", status=status, assignee_id=assignee if n % 4 == 0 else None,
                sla_flag="breached" if n % 5 == 0 else None,
                sla_due_at=None if status == "awaiting_requester" else now + timedelta(
                    hours=(count - n)), created_at=now - timedelta(minutes=n)))
        session.add_all(cases)
        await session.commit()
        for case in cases:
            await session.refresh(case)
    return cases


def rows(html: str) -> list[str]:
    return re.findall(r'<a href="/helpdesk/cases/\d+">(CS\d+)</a>', html)


async def test_the_console_pages_searches_filters_and_sorts(system):
    marker = f"zq{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access", first_name="Ada",
                            last_name="Agentson")
    cases = await seed_cases(system, marker, 120, staff.id)
    person = browser(system)
    await person.login(staff.email)

    first = await person.get(f"/helpdesk?team=all&q={marker}")
    assert first.status_code == 200
    assert "120 cases in all teams, page 1 of 3" in first.text
    shown = rows(first.text)
    assert len(shown) == 50
    # Sorted by when the service level is due: the last seeded is due first; paused ones last.
    due = sorted((c for c in cases if c.sla_due_at), key=lambda c: c.sla_due_at)
    assert shown == [c.number for c in due[:50]]
    assert "Waiting for the requester" in first.text and "awaiting_requester</" not in first.text
    assert "Ada Agentson" in first.text and "Unassigned" in first.text
    next_page = re.search(r'href="([^"]+)" class="usa-pagination__link usa-pagination__next',
                          first.text)[1].replace("&amp;", "&")
    assert f"q={marker}" in next_page and "page=2" in next_page and "team=all" in next_page
    last = await person.get(f"/helpdesk?team=all&q={marker}&page=3")
    # Past the end: an empty page that says so and links to the last (it repeated the last
    # page under "page 3 of 3", found by the outside check)
    beyond = await person.get(f"/helpdesk?team=all&q={marker}&page=99")
    assert rows(beyond.text) == [] and "page 3 of 3" not in beyond.text
    link = re.search(r"There is no page 99: the last is <a class=\"usa-link\" href=\"([^\"]+)\">"
                     r"page 3</a>", beyond.text)
    assert link and rows((await person.get(link[1].replace("&amp;", "&"))).text) == rows(
        last.text)
    nothing = await person.get(f"/helpdesk?team=all&q={marker}-none&page=2")
    assert "0 cases" in nothing.text and "No cases match." in nothing.text
    paused = [c.number for c in cases if c.sla_due_at is None]
    assert rows(last.text) == paused[-20:]  # waiting on the requester: no due time, last

    one = await person.get(f"/helpdesk?team=all&q={cases[7].number}")
    assert rows(one.text) == [cases[7].number]
    # as read out on the phone or copied from a letter: "CS-0000012", "cs 12" (the outside
    # check: found nothing)
    for typed in (f"CS-{cases[7].number[2:]}", f"cs {int(cases[7].number[2:])}"):
        said = await person.get(f"/helpdesk?team=all&q={quote(typed)}")
        assert rows(said.text) == [cases[7].number], typed
    by_email = await person.get(f"/helpdesk?team=all&q=P13.{marker}@X.TEST")
    assert rows(by_email.text) == [cases[13].number]
    by_name = await person.get(f"/helpdesk?team=all&q=pat {marker} person42")
    assert rows(by_name.text) == [cases[42].number]

    inventory = await person.get(f"/helpdesk?team=inventory&q={marker}&status=all")
    assert "40 cases" in inventory.text
    waiting = await person.get(f"/helpdesk?team=all&q={marker}&status=awaiting_requester")
    assert "40 cases" in waiting.text
    mine = await person.get(f"/helpdesk?team=all&q={marker}&assignee={staff.id}&status=all")
    assert "30 cases" in mine.text
    breached = await person.get(f"/helpdesk?team=all&q={marker}&sla=breached&status=all"
                                f"&category=access")
    expected = [c for c in cases if c.sla_flag == "breached" and c.category == "access"]
    assert f"{len(expected)} cases" in breached.text
    unassigned = await person.get(f"/helpdesk?team=all&q={marker}&assignee=none&sort=newest")
    assert rows(unassigned.text)[0] == cases[1].number  # the newest unassigned

    own_team = await person.get(f"/helpdesk?q={marker}")  # no team: the agent's own
    assert "40 cases" in own_team.text
    refused = await person.get("/helpdesk?team=nonsense")
    assert refused.status_code == 422 and "Team:" in refused.text


async def test_a_search_that_finds_nothing_in_its_team_says_where_it_does(system):
    """The console opens on the agent's team; a search there that finds nothing says how many
    cases match in the other teams and links to them, rather than just "no cases"."""
    marker = f"zo{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    await seed_cases(system, marker, 3, staff.id)  # access, inventory and enrollment cases
    person = browser(system)
    await person.login(staff.email)
    here = await person.get(f"/helpdesk?q={marker}")  # the agent's team: recipients
    assert "0 cases" in here.text and "No cases match in this team." in here.text
    link = re.search(r'3 cases in other teams match: <a class="usa-link" href="([^"]+)"',
                     here.text)
    assert link, here.text[-2000:]
    everywhere = await person.get(link[1].replace("&amp;", "&"))
    assert len(rows(everywhere.text)) == 3
    none = await person.get(f"/helpdesk?q={marker}-none")
    assert "No cases match in this team." in none.text and "other teams" not in none.text


async def test_an_empty_team_view_names_its_team_and_what_waits_in_the_others(system):
    """Found by the outside check: a general-team agent's console said "0 cases ... No cases
    match in this team" (not which team) while the menu said "Bulk uploads (1 open)", as if
    there were no case at all. The heading names the view's team, and an empty team view says
    how many cases its filters find in the other teams, searched or not."""
    marker = f"ze{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await seed_cases(system, marker, 3, staff.id)  # the first (access) is assigned to them
    person = browser(system)
    await person.login(staff.email)
    here = await person.get(f"/helpdesk?assignee={staff.id}")  # the agent's team: general
    assert "<h2>0 cases in the General team</h2>" in here.text, here.text[-3000:]
    assert "No cases match in this team." in here.text
    link = re.search(r'1 case in other teams matches: <a class="usa-link" href="([^"]+)">'
                     r'show all teams</a>', here.text)
    assert link, here.text[-2000:]
    everywhere = await person.get(link[1].replace("&amp;", "&"))
    assert "<h2>1 case in all teams</h2>" in everywhere.text
    assert len(rows(everywhere.text)) == 1
    # the home page's card said "the oldest first"; the console sorts by when cases are due
    home = (await person.get("/")).text
    assert "the soonest due first" in home and "oldest first" not in home


async def test_an_unknown_team_in_the_address_is_named_once_in_plain_words(system):
    """Found by the outside check: /helpdesk?team=nope showed "Check these fields:
    team.str-enum[Team], team.literal['all']" (the types behind the field)."""
    lead = await make_user(system, Role.HELPDESK_LEAD, team="general")
    person = browser(system)
    await person.login(lead.email)
    page = await person.get("/helpdesk?team=nope")
    assert page.status_code == 422
    assert "str-enum" not in page.text and "literal[" not in page.text
    assert page.text.count("Team:") == 1, "the field named once, as people read it"


def page_items(html: str) -> list[str]:
    """The pagination's items in order: page numbers and "…" where pages are left out."""
    nav = html.split('class="usa-pagination"')[1].split("</nav>")[0]
    found = re.findall(r'aria-label="Page (\d+)"|usa-pagination__overflow[^>]*><span>(…)', nav)
    return [number or gap for number, gap in found]


async def test_pages_left_out_of_the_pagination_are_marked(system):
    """Found by the outside check: with 208 cases page 1 showed "1 2 5 Next", so pages 3 and 4
    looked missing; USWDS marks the gap with an overflow "…" item."""
    marker = f"zp{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    await seed_cases(system, marker, 208, staff.id)
    person = browser(system)
    await person.login(staff.email)
    first = await person.get(f"/helpdesk?team=all&q={marker}")
    assert page_items(first.text) == ["1", "2", "…", "5"]
    middle = await person.get(f"/helpdesk?team=all&q={marker}&page=3")
    assert page_items(middle.text) == ["1", "2", "3", "4", "5"]
    last = await person.get(f"/helpdesk?team=all&q={marker}&page=5")
    assert page_items(last.text) == ["1", "…", "4", "5"]


async def test_the_cases_api_gives_a_total_and_an_empty_page_past_the_end(system):
    """Found by the outside check: GET /api/v1/helpdesk/cases?page=100 gave the last page
    again, with no total, so a client paging "until an empty page" never stopped."""
    from tests.support.web import api_client

    marker = f"zp{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    await seed_cases(system, marker, 60, staff.id)
    client = await api_client(system, staff.email)
    url = f"/api/v1/helpdesk/cases?team=all&status=all&q={marker}"
    first = (await client.get(url)).json()
    assert (first["total"], first["page"], first["pages"], len(first["items"])) == (60, 1, 2, 50)
    second = (await client.get(f"{url}&page=2")).json()
    assert len(second["items"]) == 10
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])
    beyond = (await client.get(f"{url}&page=3")).json()
    assert beyond == {"items": [], "total": 60, "page": 3, "pages": 2}
    by_number = (await client.get(f"/api/v1/helpdesk/cases?team=all&status=all&page=100000"
                                  f"&q={second['items'][0]['number']}")).json()
    assert by_number["items"] == [] and by_number["total"] == 1


async def test_a_long_search_or_an_old_filter_is_named_on_its_field_and_the_list_stays(system):
    """Found by the outside check: /helpdesk?q=<300 characters> or a bookmarked
    /helpdesk?status=any replaced the whole console with an error page."""
    marker = f"zr{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    await seed_cases(system, marker, 3, staff.id)
    person = browser(system)
    await person.login(staff.email)
    typed = "x" * 300
    long = await person.get(f"/helpdesk?team=all&status=all&q={typed}")
    assert long.status_code == 422
    assert '<span class="usa-error-message" id="f-q-error">Use at most 200 characters.' \
        in long.text
    assert f'value="{typed}"' in long.text, "what was typed is kept in the box"
    assert len(rows(long.text)) >= 3, "the list stays"
    old = await person.get(f"/helpdesk?team=all&status=any&q={marker}")
    assert old.status_code == 422
    assert '<span class="usa-error-message" id="f-status-error">Choose one of the options.' \
        in old.text
    assert len(rows(old.text)) == 3, "the other filters kept; the status left at its default"


async def test_the_console_downloads_its_view_as_csv(system):
    """Found by the outside check: the state's lists each had "Download as CSV", the console
    none (/helpdesk.csv was a 404). The console's CSV is its search and filters' every case
    (not one page), in its order, every cell safe to open in a spreadsheet; linked from the
    page with the view's filters; for agents and leads only."""
    import csv
    import io

    from tests.support.web import api_client

    marker = f"zc{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access", first_name="Ada",
                            last_name="Agentson")
    cases = await seed_cases(system, marker, 120, staff.id)
    async with system.sessions() as session:  # subjects and names a spreadsheet would run
        for case, text in zip(cases[:3], ("=HYPERLINK(\"http://x\")", "@SUM(A1)", "+1-2"),
                              strict=True):
            case = await session.get(Case, case.id)
            case.subject, case.requester_name = f"{text} {marker}", f"-{marker} Name"
            session.add(case)
        await session.commit()
    person = browser(system)
    await person.login(staff.email)
    page = await person.get(f"/helpdesk?team=all&q={marker}&status=all&sort=newest")
    link = re.search(r'href="(/helpdesk\.csv\?[^"]+)">Download as CSV<', page.text)
    assert link, "the console links its CSV"
    url = link[1].replace("&amp;", "&")
    assert f"q={marker}" in url and "sort=newest" in url and "status=all" in url
    download = await person.get(url)
    assert download.status_code == 200, download.text[:300]
    assert download.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="helpdesk-cases-\d{4}-\d{2}-\d{2}\.csv"',
                        download.headers["content-disposition"])
    table = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["Case", "Subject"] and "Assignee" in table[0]
    assert [row[0] for row in table[1:]] == [c.number for c in cases], "all 120, newest first"
    subjects = {row[0]: row[1] for row in table[1:]}
    assert subjects[cases[0].number] == f"'=HYPERLINK(\"http://x\") {marker}"
    assert subjects[cases[1].number] == f"'@SUM(A1) {marker}"
    assert subjects[cases[2].number] == f"'+1-2 {marker}"
    assert all(row[table[0].index("Requester")].startswith("'-") for row in table[1:4])
    assert "Ada Agentson" in {row[table[0].index("Assignee")] for row in table[1:]}
    assert "Waiting for the requester" in {row[table[0].index("Status")] for row in table[1:]}
    # dates a spreadsheet sorts and filters, as the state's CSVs write them (Eastern time)
    opened = {row[table[0].index("Opened (Eastern time)")] for row in table[1:]}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", value) for value in opened), opened

    waiting = await person.get(f"/helpdesk.csv?team=all&q={marker}&status=awaiting_requester")
    assert len(list(csv.reader(io.StringIO(waiting.text)))) == 1 + 40, "the filters apply"
    refused = await person.get("/helpdesk.csv?team=nonsense")
    assert refused.status_code == 422 and "Team:" in refused.text
    for role in (Role.REQUESTER, Role.REVIEWER):
        other = await make_user(system, role)
        async with await api_client(system, other.email) as client:
            assert (await client.get(f"/helpdesk.csv?team=all&q={marker}")).status_code == 403


async def test_an_assignee_in_the_address_who_is_no_agent_is_named_not_an_empty_list(system):
    """Found by the outside check: /helpdesk?assignee=999999 (or a person who is no agent, or
    no number) said "0 cases", as if that agent held none. The field is named, the assignee
    left out, the other filters kept; the CSV and the API refuse it on the field."""
    from tests.support.web import api_client

    marker = f"za{uuid.uuid4().hex[:6]}"
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    requester = await make_user(system, Role.REQUESTER)
    await seed_cases(system, marker, 8, staff.id)
    person = browser(system)
    await person.login(staff.email)
    mine = await person.get(f"/helpdesk?team=all&status=all&q={marker}&assignee={staff.id}")
    assert mine.status_code == 200 and len(rows(mine.text)) == 2, "an agent's id: their cases"
    for wrong in ("999999", str(requester.id), "abc", "-1"):
        page = await person.get(f"/helpdesk?team=all&status=all&q={marker}&assignee={wrong}")
        assert page.status_code == 422, wrong
        assert re.search(r'<span class="usa-error-message" id="f-assignee-error">Choose one of '
                         r'the options: no help-desk agent has the id in the address', page.text)
        assert len(rows(page.text)) == 8, "the assignee left out, the search and status kept"
        assert f'value="{marker}"' in page.text
        download = await person.get(f"/helpdesk.csv?team=all&q={marker}&assignee={wrong}")
        assert download.status_code == 422 and "Assignee:" in download.text, wrong
    async with await api_client(system, staff.email) as client:
        refused = await client.get("/api/v1/helpdesk/cases?team=all&assignee=999999")
        assert refused.status_code == 422
        assert "no help-desk agent" in refused.text and "assignee" in refused.text


async def test_an_agent_finds_the_cases_assigned_to_them_in_one_click(system):
    """Found by the help desk's outside check at volume: "assigned to me" meant finding one's
    own name in the Assignee list of every agent, and a case of another team's queue held by
    the agent stayed hidden behind the team filter. The console now has "Assigned to me": every
    team, the agent's own cases."""
    ada = await make_user(system, Role.HELPDESK_AGENT, team="general", first_name="Ada")
    mine = f"Mine {uuid.uuid4().hex[:8]}"
    async with system.sessions() as session:
        session.add(Case(number=f"CS-{uuid.uuid4().hex[:8]}", requester_name="Rae Requester",
                         requester_email="rae@example.org", category=Category.INVENTORY,
                         team=route(Category.INVENTORY), subject=mine, description="Help.",
                         assignee_id=ada.id, status="in_progress"))
        await session.commit()
    person = browser(system)
    await person.login(ada.email)
    console = await person.get("/helpdesk")
    assert mine not in console.text, "another team's case: not in the own team's queue"
    link = re.search(r'<a class="usa-button[^"]*" href="([^"]+)"[^>]*>Assigned to me</a>',
                     console.text)
    assert link, console.text[console.text.find("<main"):][:1500]
    href = link[1].replace("&amp;", "&")
    assert f"assignee={ada.id}" in href and "team=all" in href
    listed = await person.get(href)
    assert listed.status_code == 200 and mine in listed.text
    assert 'aria-current="page">Assigned to me' in listed.text
