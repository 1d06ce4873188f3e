"""What an agent may do on a case (found by the fourth outside check of the help desk): a case
another agent holds is theirs to answer, an agent reopens a resolved case from its page, and
the agent sees the Provider PIN the requester registered with."""

from api.domain.state_lists import pin
from models.helpdesk import Case
from tests.support.enrollment import start_enrollment
from tests.support.helpdesk import desk, open_case, register_requester
from tests.support.web import browser, unique_email


async def status(system, case_id: int) -> str:
    async with system.sessions() as session:
        return str((await session.get(Case, case_id)).status)


async def test_an_agent_does_not_answer_over_the_agent_who_holds_the_case(system):
    """Another agent replied to, asked about and resolved a case Ada held (only "Take this
    case" was refused); Ada was not told. Now: refused, naming Ada; a note for her is fine, and
    a team lead may still answer."""
    requester, _ = await register_requester(system)
    (ada, ada_api), (bob, bob_api), (_lead, lead_api) = await desk(system)
    case = (await open_case(requester, "other", f"Held {unique_email('c')}")).json()
    url = f"/api/v1/helpdesk/cases/{case['id']}"
    assert (await ada_api.post(f"{url}/assign", json={})).status_code == 200

    for action, body in (("messages", {"body": "I answer instead."}),
                         ("request-info", {"body": "Which one?"}),
                         ("resolve", {"notes": "Done by me."})):
        sent = (await bob_api.post(f"{url}/{action}", data=body) if action == "messages"
                else await bob_api.post(f"{url}/{action}", json=body))
        assert sent.status_code == 409, (action, sent.text)
        assert f"{ada.full_name} holds this case" in sent.json()["detail"]
    assert await status(system, case["id"]) == "in_progress"
    note = await bob_api.post(f"{url}/messages", data={"body": "Ada: they called.",
                                                       "internal": "true"})
    assert note.status_code == 201, note.text
    assert (await lead_api.post(f"{url}/messages", data={"body": "Lead here."})).status_code == 201

    # The page offers Bob the note only, and a reply sent from an older page is refused next
    # to the message
    person = browser(system)
    await person.login(bob.email)
    page_url = f"/helpdesk/cases/{case['id']}"
    page = await person.get(page_url)
    assert "holds this case: you may leave them an internal note" in page.text
    assert "Save as internal note" in page.text
    assert "Reply to the requester" not in page.text and ">Resolve<" not in page.text
    refused = await person.submit(page_url, {"body": "From an old page."},
                                  action=f"{page_url}/reply")
    assert refused.status_code == 409
    assert 'id="body-error"' in refused.text and "holds this case" in refused.text
    assert await status(system, case["id"]) == "in_progress"


async def test_an_agent_reopens_a_resolved_case_from_its_page(system):
    """A resolved case's page had no form at all: only the API reopened it, and its holder was
    emailed "reopened by the requester" even when an agent did it."""
    requester, _ = await register_requester(system)
    (ada, ada_api), _, (lead, lead_api) = await desk(system)
    case = (await open_case(requester, "other", f"Reopen {unique_email('c')}")).json()
    url = f"/api/v1/helpdesk/cases/{case['id']}"
    assert (await ada_api.post(f"{url}/resolve", json={"notes": "Fixed."})).status_code == 200

    person = browser(system)
    await person.login(ada.email)
    page_url = f"/helpdesk/cases/{case['id']}"
    page = await person.get(page_url)
    assert "Reopen the case" in page.text and f'action="{page_url}/reopen"' in page.text
    empty = await person.submit(page_url, {"body": ""}, action=f"{page_url}/reopen")
    assert empty.status_code == 422 and 'id="body-error"' in empty.text
    done = await person.submit(page_url, {"body": "The requester called: still broken."},
                               action=f"{page_url}/reopen")
    assert done.status_code == 200, done.text
    assert "The case is reopened" in done.text
    assert await status(system, case["id"]) == "in_progress"

    # A lead reopening Ada's case: Ada is told who did it; her own reopening told her nothing
    assert (await ada_api.post(f"{url}/resolve", json={"notes": "Fixed again."})).status_code == 200
    reopened = await lead_api.post(f"{url}/reopen", json={"body": "Not fixed, says the phone."})
    assert reopened.status_code == 200, reopened.text
    mail = await system.smtp.one(to=ada.email, subject=f"{case['number']}: reopened by")
    assert f"reopened by {lead.full_name}" in mail.subject
    assert not system.smtp.find(to=ada.email, subject="reopened by the requester")


async def test_the_agent_sees_the_provider_pin_the_requester_registered_with(system):
    """The registration code (the Provider PIN naming the provider's location) was stored and
    shown nowhere: the agent could not tell which clinic a provider was from."""
    enrollment = await start_enrollment(system, ["Pin Clinic"], submit=False)
    location_id = next(iter(enrollment.locations.values()))
    (agent, _), _, _ = await desk(system)
    person = browser(system)
    await person.login(agent.email)
    for code, shown in ((pin(location_id), f"Provider PIN {pin(location_id)}: Pin Clinic"),
                        ("NCA999999", "Provider PIN NCA999999: no location has this PIN"),
                        ("VAC2021", "VAC2021 (the generic code: no Provider PIN given)")):
        requester, _ = await register_requester(system, code=code)
        case = (await open_case(requester, "other", f"PIN {unique_email('c')}")).json()
        page = await person.get(f"/helpdesk/cases/{case['id']}")
        assert "Registered with" in page.text and shown in page.text, code


async def test_the_recipient_import_message_links_each_part_by_its_address(system):
    """The agent's import of a Recipient bulk upload case told the requester (on the case and
    in its email) "Follow them among your uploads: /recipients/uploads/1", a bare path."""
    from api.domain.case_imports import XLSX_TYPE
    from tests.support.helpdesk import agent
    from tests.support.recipients import location_manager, manager_api, rows, tag, xlsx

    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    case = (await open_case(http, "recipient_bulk_upload", f"List {t}",
                            location_id=manager.location_id,
                            files=[("list.xlsx", xlsx(rows(3, t)), XLSX_TYPE)])).json()
    staff, _ = await agent(system, "recipients")
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    done = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/recipients", json={
        "attachment_id": detail["attachments"][0]["id"], "location_id": manager.location_id})
    assert done.status_code == 201, done.text
    mail = await system.smtp.one(to=manager.email, subject=f"Case {case['number']} updated")
    address = system.settings.link("/recipients/uploads/")
    assert "Follow them among your uploads: " + address in mail.text, mail.text
    assert ": /recipients/uploads/" not in mail.text


def test_the_upload_done_email_counts_one_as_one():
    """"1 imported (1 new recipients) ... 1 invitations emailed": the counts took a plural
    whatever the number."""
    from notifications.catalogue import EmailKind, RecipientUploadDoneContext
    from notifications.render import render

    def said(n: int) -> str:
        mail = render(EmailKind.RECIPIENT_UPLOAD_DONE, RecipientUploadDoneContext(
            recipient_name="Lena", location_name="Clinic", filename="list.xlsx",
            total_rows=n, imported=n, new_recipients=n, invited=n, skipped=0,
            url="http://x/recipients/uploads/1"))
        return " ".join(mail.text.split()) + " ".join(mail.html.split())

    one = said(1)
    assert "1 row," in one and "(1 new recipient)" in one and "1 invitation emailed" in one
    assert "recipients)" not in one and "invitations" not in one
    many = said(1200)
    assert "1,200 rows," in many and "(1,200 new recipients)" in many
    assert "1,200 invitations emailed" in many


async def test_the_requester_reads_that_the_case_waits_for_their_reply(system):
    """The requester's own case page and list said "Waiting for the requester" (the desk's
    word for it) to the requester."""
    requester, email = await register_requester(system)
    (_agent, staff), _, _ = await desk(system)
    case = (await open_case(requester, "other", f"Wait {unique_email('c')}")).json()
    asked = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/request-info",
                             json={"body": "Which lot?"})
    assert asked.status_code == 200, asked.text
    person = browser(system)
    await person.login(email)
    for url in (f"/help/cases/{case['id']}", "/help/cases"):
        page = (await person.get(url)).text
        assert "Waiting for your reply" in page and "Waiting for the requester" not in page, url


async def test_a_page_number_that_is_no_number_is_named_on_the_console(system):
    """/helpdesk?page=abc said only "Please correct the following: Enter a whole number.",
    naming nothing."""
    (agent, _), _, _ = await desk(system)
    person = browser(system)
    await person.login(agent.email)
    page = await person.get("/helpdesk?page=abc")
    assert page.status_code == 422
    assert 'href="#page-error"' in page.text and "Page:" in page.text
    assert "The first page is shown." in page.text
