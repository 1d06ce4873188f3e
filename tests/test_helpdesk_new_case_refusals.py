"""What a provider's new case refuses, and how: a recipient's question is the public form's
(not a provider's category, even through the API), and a follow-up of someone else's case is
said once on the form, which then opens the case on its own instead of refusing every send."""

import re

from tests.support.helpdesk import open_case, register_requester
from tests.support.web import browser


async def test_a_provider_cannot_open_a_recipient_question_through_the_api(system):
    requester, _ = await register_requester(system)
    refused = await open_case(requester, "recipient_question", "My second dose")
    assert refused.status_code == 422, refused.text
    assert "public form" in refused.text and "category" in refused.text
    mine = await requester.get("/api/v1/helpdesk/cases")
    assert "My second dose" not in mine.text


async def test_a_follow_up_of_someone_elses_case_is_said_once_then_dropped(system):
    other, _ = await register_requester(system)
    theirs = (await open_case(other, "access", "Their locked account")).json()
    _, email = await register_requester(system)
    person = browser(system)
    await person.login(email)
    sent = {"category": "access", "subject": "Locked out again", "description": "Please help.",
            "related_case_id": str(theirs["id"]), "suggested": "1", "action": "submit"}
    refused = await person.submit("/help/cases/new", sent)
    assert refused.status_code == 400
    assert "A follow-up names one of your own cases. This case will be opened on its own." \
        in refused.text
    assert 'name="related_case_id"' not in refused.text
    assert 'value="Locked out again"' in refused.text  # what they typed stays
    key = re.search(r'name="request_key" value="([0-9a-f]+)"', refused.text)[1]
    again = await person.submit("/help/cases/new", {
        **{k: v for k, v in sent.items() if k != "related_case_id"}, "request_key": key})
    assert again.status_code == 200 and "is open" in again.text, again.text[:500]
    assert "Follows up" not in again.text
