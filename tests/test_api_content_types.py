"""A body sent in the other encoding than an operation takes (found by an outside check): a
form posted to a JSON operation with no token (the token request itself) was refused as "its
security token is missing or out of date. Go back, reload the page", words for a browser's
page; JSON sent to an operation that takes a multipart form (opening a case) was told that
each field it did send "is required". Both now name the body and say which encoding to use."""

from tests.support.helpdesk import register_requester


async def test_a_form_sent_to_a_json_operation_is_told_to_send_json(system):
    async with system.http() as http:
        for path, form in (("/api/v1/auth/token", {"email": "a@example.org", "password": "x"}),
                           ("/api/v1/registrations", {"email": "a@example.org"})):
            sent = await http.post(path, data=form)
            assert sent.status_code == 422, (path, sent.text)
            body = sent.json()
            assert set(body["errors"]) == {"body"}, body
            assert "application/json" in body["detail"] and "reload" not in body["detail"]


async def test_json_sent_to_a_form_operation_is_told_to_send_a_form(system):
    requester, _email = await register_requester(system)
    sent = await requester.post("/api/v1/helpdesk/cases", json={
        "category": "other", "subject": "Sent as JSON", "description": "Please help."})
    assert sent.status_code == 422, sent.text
    body = sent.json()
    assert set(body["errors"]) == {"body"}, body
    assert "multipart/form-data" in body["detail"]
    mine = await requester.get("/api/v1/helpdesk/cases")
    assert "Sent as JSON" not in mine.text
