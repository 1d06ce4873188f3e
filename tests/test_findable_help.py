"""Help a person can find: the phone number and hours on every page, registration that says
whose it is, the bulk template as a page, and a knowledge base that ships with answers."""

from io import BytesIO

from openpyxl import load_workbook
from sqlmodel import select

from models.helpdesk import Article
from models.kb_seed import ARTICLES
from tests.support.helpdesk import agent
from tests.support.web import browser

HOURS = "Monday–Friday 7 AM–7 PM, Saturday 8 AM–4 PM"


async def test_every_page_shows_the_phone_and_hours_and_registration_says_whose(system):
    person = browser(system)
    for path in ("/", "/login", "/help", "/no-such-page"):
        page = await person.get(path)
        assert "(877) 873-6247" in page.text and HOURS in page.text, path
        assert 'href="tel:+18778736247"' in page.text
    home = (await person.get("/")).text
    assert ">Register an organization<" in home and 'href="/help/register"' in home
    register = (await person.get("/register")).text
    assert "Organization Administrator" in register and 'href="/help/register"' in register
    assert "except on state holidays" in (await person.get("/help")).text


async def test_the_bulk_template_is_a_page_with_its_download(system):
    person = browser(system)
    page = await person.get("/help/practicing-provider-template")
    assert page.status_code == 200 and "cell B1" in page.text
    assert 'href="/help/practicing-provider-template.xlsx"' in page.text
    file = await person.get("/help/practicing-provider-template.xlsx")
    sheet = load_workbook(BytesIO(file.content)).worksheets[0]
    assert sheet["A1"].value == "Location name" and sheet["A3"].value == "First Name"


async def test_the_knowledge_base_ships_with_answers_agents_can_edit(system):
    async with system.http() as anonymous:
        listed = (await anonymous.get("/api/v1/helpdesk/articles?q=redistribution")).json()
        assert listed[0]["title"] == "Transfers and redistributions: what is the difference?"
        hours = (await anonymous.get("/api/v1/helpdesk/articles?q=hours phone")).json()
        assert "(877) 873-6247" in hours[0]["body"]
        # An article that did not answer leads on to a case (with an account) or, for a
        # recipient who has none, to the question form that needs none.
        page = await anonymous.get(f"/help/articles/{listed[0]['id']}")
        assert 'href="/help/cases/new"' in page.text and 'href="/help/ask"' in page.text
        blank = await anonymous.get("/help", params={"q": "   "})
        assert "Recent articles" in blank.text and "matching" not in blank.text
    titles = {title for title, _category, _body in ARTICLES}
    async with system.sessions() as session:
        shipped = set((await session.exec(select(Article.title).where(
            Article.published, Article.title.in_(titles)))).all())
    assert shipped == titles
    staff, _ = await agent(system, "general")
    article = listed[0]
    edited = await staff.put(f"/api/v1/helpdesk/articles/{article['id']}", json={
        "title": article["title"], "body": article["body"] + " Ask us if unsure.",
        "category": "inventory"}, headers={"If-Match": f'"{article["version"]}"'})
    assert edited.status_code == 200 and edited.json()["body"].endswith("Ask us if unsure.")


async def test_a_long_search_is_named_shortened_in_the_heading_and_title(system):
    """A search of a whole pasted paragraph (or a hostile kilobyte) was repeated in full in the
    page's title and heading; both show its first 80 characters, the box keeps it whole."""
    query = "password " + "x" * 3000
    async with system.http() as http:
        page = (await http.get("/help", params={"q": query})).text
    shown = query[:79] + "…"
    assert f"<title>Search results for “{shown}”" in page, page[:600]
    assert f"Articles matching “{shown}”" in page
    assert f'value="{query}"' in page, "the box keeps what was typed"
    assert page.count("x" * 3000) == 1, "and only the box"
