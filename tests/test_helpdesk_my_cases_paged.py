"""A requester's "Your cases" is paged as the console is (the shared pager): a provider with many
cases got every one of them on one page, and the API's list for requesters was one page of all."""

import re

from api.domain.helpdesk_console import PAGE_SIZE
from models.enums import Role
from models.helpdesk import Case
from models.helpdesk_rules import Category, route
from tests.support.accounts import make_user
from tests.support.web import api_client, browser

COUNT = PAGE_SIZE + 7


async def requester_with_cases(system, count: int = COUNT) -> tuple:
    person = await make_user(system, Role.REQUESTER, first_name="Paige", last_name="Many")
    async with system.sessions() as session:
        cases = [Case(requester_user_id=person.id, requester_name=person.full_name,
                      requester_email=person.email, category=Category.OTHER,
                      team=route(Category.OTHER), subject=f"Question {n}", description="Help.",
                      search_text=Case.searchable(f"Question {n}", person.full_name,
                                                  person.email))
                 for n in range(count)]
        session.add_all(cases)
        await session.commit()
        ids = [case.id for case in cases]
    return person, ids


def numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/help/cases/\d+">(CS\d+)</a>', html)


def number(case_id: int) -> str:
    return f"CS{case_id:07d}"


async def test_your_cases_come_a_page_at_a_time_with_the_shared_pager(system):
    person, ids = await requester_with_cases(system)
    newest_first = [number(i) for i in reversed(ids)]
    visitor = browser(system)
    await visitor.login(person.email)
    first = await visitor.get("/help/cases")
    assert first.status_code == 200
    assert numbers(first.text) == newest_first[:PAGE_SIZE]
    assert f"{COUNT} cases, page 1 of 2, the newest first." in first.text
    assert 'aria-label="Pages of your cases"' in first.text
    assert 'href="/help/cases?page=2"' in first.text
    second = await visitor.get("/help/cases?page=2")
    assert numbers(second.text) == newest_first[PAGE_SIZE:]
    assert 'href="/help/cases"' in second.text, "back to the first page"
    # past the last: the last; no number: the first ('²' is a digit to str.isdigit, not to
    # int(), and so are thousands of 9s: both were 'Something went wrong')
    for odd in ("page=9", "page=abc", "page=0", "page=²", f"page={'9' * 5000}"):
        shown = await visitor.get(f"/help/cases?{odd}")
        assert shown.status_code == 200, odd
        assert numbers(shown.text) == (newest_first[PAGE_SIZE:] if odd == "page=9"
                                       else newest_first[:PAGE_SIZE]), odd


async def test_the_api_pages_a_requesters_cases_too(system):
    person, ids = await requester_with_cases(system)
    async with await api_client(system, person.email) as api:
        first = (await api.get("/api/v1/helpdesk/cases")).json()
        second = (await api.get("/api/v1/helpdesk/cases?page=2")).json()
        beyond = (await api.get("/api/v1/helpdesk/cases?page=3")).json()
    assert [c["id"] for c in first["items"]] == list(reversed(ids))[:PAGE_SIZE]
    assert (first["total"], first["page"], first["pages"]) == (COUNT, 1, 2)
    assert [c["id"] for c in second["items"]] == list(reversed(ids))[PAGE_SIZE:]
    assert beyond == {"items": [], "total": COUNT, "page": 3, "pages": 2}, "as the console's"


async def test_a_few_cases_show_no_pager(system):
    person, ids = await requester_with_cases(system, 2)
    visitor = browser(system)
    await visitor.login(person.email)
    page = await visitor.get("/help/cases")
    assert numbers(page.text) == [number(i) for i in reversed(ids)]
    assert "2 cases." in page.text and "usa-pagination" not in page.text
