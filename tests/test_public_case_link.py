"""A recipient who asked on the public form has no account: every email about the case carries
a personal link that opens the case without signing in, where they read the answers, reply,
and reopen it once resolved. A link with a wrong key, or to an account holder's case, opens
nothing. An agent's reply to someone who left only a phone number says to call them."""

from models.enums import Role
from models.helpdesk import Case
from tests.support.accounts import make_user
from tests.support.helpdesk import open_case, register_requester
from tests.support.web import browser, unique_email


async def ask(system, **contact) -> int:
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Pat Public", "question": "Can I bring my child to the Elm St clinic?",
            **contact})
    assert asked.status_code == 201, asked.text
    return asked.json()["id"]


async def agent_replies(system, case_id: int, body: str):
    """A recipients-team agent signs in and replies on the case page: (the agent, the page)."""
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    return agent, await agent.submit(f"/helpdesk/cases/{case_id}", {"body": body},
                                     action=f"/helpdesk/cases/{case_id}/reply")


async def test_the_emailed_link_opens_the_case_to_reply_and_reopen_without_an_account(system):
    email = unique_email("public")
    case_id = await ask(system, email=email)
    link = (await system.smtp.one(to=email, subject="We received your case")).link("/help/c/")
    path = "/" + link.split("/", 3)[3]
    assert path.startswith(f"/help/c/{case_id}/")

    agent, replied = await agent_replies(system, case_id, "Yes, bring them.")
    assert "Your reply was sent." in replied.text
    updated = await system.smtp.one(to=email, subject="updated")
    assert updated.link("/help/c/") == link, "every email carries the same personal link"

    visitor = browser(system)  # never signed in
    page = await visitor.http.get(path)
    assert page.status_code == 200 and "Yes, bring them." in page.text, page.text[:300]
    assert "/login" not in str(page.url)
    answered = await visitor.submit(path, {"body": "Thank you! Which door?"},
                                    action=f"{path}/reply")
    assert answered.status_code == 200 and "Thank you! Which door?" in answered.text
    assert "Your reply was sent to the help desk." in answered.text

    resolved = await agent.submit(f"/helpdesk/cases/{case_id}", {"notes": "The north door."},
                                  action=f"/helpdesk/cases/{case_id}/resolve")
    assert resolved.status_code == 200, resolved.text[:300]
    assert (await system.smtp.one(to=email, subject="resolved")).link("/help/c/") == link
    reopened = await visitor.submit(path, {"body": "It was locked."}, action=f"{path}/reply")
    assert "Your comment reopened the case" in reopened.text
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
    assert case.status == "in_progress" and case.requester_user_id is None

    refused = await visitor.submit(path, {"body": ""}, action=f"{path}/reply")
    assert refused.status_code == 400 and 'id="body-error"' in refused.text


async def test_a_wrong_key_or_an_account_holders_case_opens_nothing(system):
    case_id = await ask(system, email=unique_email("wrong"))
    visitor = browser(system)
    for path in (f"/help/c/{case_id}/{'0' * 40}", f"/help/c/{case_id}/short",
                 f"/help/c/{case_id + 10_000}/{'0' * 40}"):
        page = await visitor.http.get(path)
        assert page.status_code == 404 and "does not open a case" in page.text, path
    requester, requester_email = await register_requester(system)
    own = await open_case(requester, "other", "My own case")
    assert own.status_code == 201, own.text
    mail = await system.smtp.one(to=requester_email, subject="We received your case")
    assert f"/help/cases/{own.json()['id']}" in mail.text, "an account holder signs in"
    assert "/help/c/" not in mail.text


async def test_a_reply_to_someone_who_left_only_a_phone_number_says_to_call(system):
    case_id = await ask(system, phone="919-555-0199")
    _agent, replied = await agent_replies(system, case_id, "We will call.")
    assert "gave no email address: call them at 919-555-0199" in replied.text


async def test_an_agents_reply_to_a_new_case_takes_it(system):
    """Answering a new, unassigned case picks it up: it is the agent's and in progress (it
    used to stay "New, not yet picked up" and unassigned after the answer went out)."""
    case_id = await ask(system, email=unique_email("taken"))
    _agent, replied = await agent_replies(system, case_id, "Here is the answer.")
    assert "Your reply was sent." in replied.text and "Being worked on" in replied.text
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
        assert case.status == "in_progress" and case.assignee_id is not None
        assignee = case.assignee_id
    _other, second = await agent_replies(system, case_id, "And one more thing.")
    assert "Your reply was sent." in second.text
    async with system.sessions() as session:
        assert (await session.get(Case, case_id)).assignee_id == assignee, "not taken again"
