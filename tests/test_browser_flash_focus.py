"""A message of what was just done, shown on the page a form redirected to ("The case is
assigned.", "Su respuesta se envió a la mesa de ayuda."), takes focus as the page loads: a
status region present at load is not announced by screen readers (USWDS alert pattern)."""

import pytest
from playwright.async_api import Page, expect

from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.care import vaccinating_site, walk_in
from tests.support.helpdesk import open_case, register_requester
from tests.support.web import unique_email
from tests.test_browser_enrollment import log_in

# What a page looks like and how it reads does not depend on the database: SQLite pass only.
pytestmark = [pytest.mark.browser, pytest.mark.once]


async def _focused_message(page: Page, text: str) -> None:
    await expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()
    focused = await page.evaluate("document.activeElement.outerHTML")
    assert 'role="status"' in focused.split(">")[0] and text in focused, \
        f"focus is on: {focused[:80]!r}"


async def test_a_success_message_after_a_redirect_takes_focus(page, system):
    requester, _email = await register_requester(system)
    opened = await open_case(requester, "other", "Focus me")
    await requester.aclose()
    agent = await make_user(system, Role.HELPDESK_AGENT, team="general")
    await log_in(page, agent.email)
    await page.goto(f"/helpdesk/cases/{opened.json()['id']}")
    await page.get_by_role("button", name="Take this case").click()
    await _focused_message(page, "The case is assigned.")


async def test_a_spanish_reply_sent_from_the_case_link_is_announced(page, system):
    email = unique_email("es")
    async with system.http() as http:
        await http.post("/api/v1/helpdesk/questions", json={
            "name": "Ana", "question": "¿Puedo ir sin cita?", "email": email,
            "language": "es"})
    received = await system.smtp.one(to=email, subject="caso")
    await page.goto(received.link("/help/c/"))
    await page.get_by_label("Su respuesta").fill("Gracias.")
    await page.get_by_role("button", name="Enviar respuesta").click()
    await _focused_message(page, "Su respuesta se envió a la mesa de ayuda.")


async def test_what_a_form_did_is_announced_on_the_page_it_shows(page, system):
    """Found by the outside check: a recipient who saved their answers (in Spanish) landed on
    their eligibility page with "Sus respuestas están guardadas." unannounced, and the pages
    that answer "we emailed you a link" (a forgotten password, a new signing link, a
    recipient's current link) said so in a status region present at load: nothing was heard."""
    site = await vaccinating_site(system)
    person = await walk_in(site, language="es")
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])
    await page.goto(f"{link}/edit")
    await page.get_by_role("button", name="Guardar mis respuestas").click()
    await _focused_message(page, "Sus respuestas están guardadas.")
    await assert_accessible(page)

    for path, button, said in (("/password/forgot", "Email me a link", "link"),
                               ("/sign/request-link", "Email me a new link", "link"),
                               ("/r/new-link", "Email me my link", "link")):
        await page.goto(path)
        await page.get_by_label("Email address").fill(unique_email("asked"))
        await page.get_by_role("button", name=button).click()
        await _focused_message(page, said)
