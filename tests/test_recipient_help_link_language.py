"""Found by the outside check of the recipient side: a Spanish-speaking recipient's pages speak
their record's language whatever the browser's (a phone set to English), but their "Pregunte
a la mesa de ayuda" links (the footer of every page, the "no dose yet" page, the old-link page)
led to /help/ask, which speaks the browser's language: they were asked their question in
English. The emails already lead to /language/es?next=/help/ask for this; the pages now do
the same, so the question form is in the language of the page it was opened from."""

import re

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.care import NO_TO_ALL, vaccinating_site, walk_in
from tests.support.recipients import form_of, tag
from tests.support.web import browser

HELP = re.compile(r'<a[^>]*href="([^"]*help/ask[^"]*)"[^>]*>\s*Pregunte a la mesa de ayuda')


async def _asks_in_spanish(visitor, page_text: str) -> None:
    links = HELP.findall(page_text)
    assert links, page_text
    for link in links:
        form = await visitor.get(link.replace("&amp;", "&"))
        assert form.status_code == 200, (link, form.status_code)
        assert '<html lang="es">' in form.text, (link, form.text[:300])
        assert "Su pregunta" in form.text, link
        visitor.http.cookies.clear()  # each page as a browser in English first sees it


async def test_a_spanish_recipients_help_links_ask_in_spanish(system):
    site = await vaccinating_site(system)
    email = f"ayuda.{tag().lower()}@example.org"
    await walk_in(site, email=email, language="es")
    link = (await system.smtp.one(to=email)).link("/r/")
    visitor = browser(system)
    visitor.http.headers["Accept-Language"] = "en-US,en;q=0.9"  # the phone's language

    status = await visitor.get(link + "/status")
    assert status.status_code == 200 and '<html lang="es">' in status.text
    await _asks_in_spanish(visitor, status.text)
    no_dose = await visitor.get(link + "/proof.pdf")  # no dose yet: a page, not a PDF
    assert no_dose.status_code == 409
    await _asks_in_spanish(visitor, no_dose.text)

    # the address corrected: the old link's page, in their record's language
    form = await visitor.get(link + "/edit")
    moved = await visitor.submit(link + "/edit", {**form_of(form.text), **NO_TO_ALL,
                                                  "email": f"otra.{tag().lower()}@example.org"},
                                 action=link)
    assert moved.status_code == 200
    visitor.http.cookies.clear()
    gone = await visitor.get(link + "/status")
    assert gone.status_code == 410 and '<html lang="es">' in gone.text
    await _asks_in_spanish(visitor, gone.text)


NEW_LINK = re.compile(r'href="([^"]*new-link[^"]*)"')


async def _opens_in_spanish(visitor, page_text: str, pattern=NEW_LINK) -> None:
    links = pattern.findall(page_text)
    assert links, page_text
    for link in links:
        page = await visitor.get(link.replace("&amp;", "&"))
        assert page.status_code == 200 and '<html lang="es">' in page.text, (link, page.text[:200])
        visitor.http.cookies.clear()


async def test_a_spanish_old_links_email_me_my_link_opens_in_spanish(system):
    """The same for "Enviarme mi enlace actual por correo" on the page of a link that no longer
    works (the recipient's, and a public question's after the help desk corrected its address):
    /r/new-link and /help/new-link spoke the browser's English."""
    site = await vaccinating_site(system)
    email = f"viejo.{tag().lower()}@example.org"
    await walk_in(site, email=email, language="es")
    link = (await system.smtp.one(to=email)).link("/r/")
    visitor = browser(system)
    visitor.http.headers["Accept-Language"] = "en-US,en;q=0.9"
    form = await visitor.get(link + "/edit")
    await visitor.submit(link + "/edit", {**form_of(form.text), **NO_TO_ALL,
                                          "email": f"nuevo.{tag().lower()}@example.org"},
                         action=link)
    visitor.http.cookies.clear()
    gone = await visitor.get(link)
    assert gone.status_code == 410 and '<html lang="es">' in gone.text
    await _opens_in_spanish(visitor, gone.text)

    wrong = f"typo.{tag().lower()}@example.org"
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Paz Pregunta", "question": "¿Dónde está mi segunda dosis?",
            "email": wrong, "language": "es"})
    assert asked.status_code == 201, asked.text
    case_link = (await system.smtp.one(to=wrong)).link("/help/c/")
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    page = f"/helpdesk/cases/{asked.json()['id']}"
    fixed = await agent.submit(page, {"requester_email": f"bien.{tag().lower()}@example.org"},
                               action=f"{page}/requester-email")
    assert fixed.status_code == 200, fixed.text[:300]
    old = await visitor.get(case_link)
    assert old.status_code == 410 and '<html lang="es">' in old.text, old.text[:300]
    await _opens_in_spanish(visitor, old.text)
