"""A public question asked in Spanish whose link died with its corrected address said "This
link is no longer valid" in English (the browser's language): it is said in the question's
language, as the question's emails and pages are, unless the visitor chose another."""

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import browser, unique_email


async def test_a_spanish_questions_old_link_says_it_is_no_longer_valid_in_spanish(system):
    wrong = unique_email("typo-es")
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Rosa Readdress", "question": "¿Dónde está mi segunda dosis?",
            "email": wrong, "language": "es"})
    assert asked.status_code == 201, asked.text
    case_id = asked.json()["id"]
    received = await system.smtp.one(to=wrong, subject="Recibimos")
    old_link = "/" + received.link("/help/c/").split("/", 3)[3]

    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    page = f"/helpdesk/cases/{case_id}"
    done = await agent.submit(page, {"requester_email": unique_email("right-es")},
                              action=f"{page}/requester-email")
    assert done.status_code == 200, done.text[:300]
    await agent.http.aclose()

    visitor = browser(system)
    gone = await visitor.http.get(old_link, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert gone.status_code == 410
    assert '<html lang="es">' in gone.text, gone.text[:400]
    assert "This link is no longer valid" not in gone.text
    await visitor.http.aclose()
