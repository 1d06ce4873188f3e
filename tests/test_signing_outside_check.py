"""What an outside check of the officers' signing pages found, as the officers use them."""

import html
import re

from api.domain import signing as signing_domain
from tests.support.review import SIGNING_SUBJECT, signing_round, signing_tokens
from tests.support.web import browser

THANKS = "Thank you: the document is signed"


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))


async def _ceo_asked(system, name: str) -> tuple[str, str]:
    """A location's Section B submitted: its CEO's address and emailed signing token."""
    signing = await signing_round(system, name)
    return signing.enrollment.ceo_email, signing.ceo_tokens[0]


async def _reloaded_sends_nothing(system, officer, answer, said: str, ceo: str) -> None:
    """An answer reached by one redirect, reloaded: the same page, and one new link only,
    that works."""
    assert [r.status_code for r in answer.history] == [303]
    assert answer.status_code == 200 and said in answer.text
    again = await officer.get(str(answer.url))  # reloaded
    assert again.status_code == 200 and said in again.text
    mails = await system.smtp.wait_for(to=ceo, subject=SIGNING_SUBJECT, count=2)
    assert len(system.smtp.find(to=ceo, subject=SIGNING_SUBJECT)) == 2
    fresh, = signing_tokens(mails[-1])
    assert (await officer.get(f"/sign/{fresh}")).status_code == 200
    await officer.http.aclose()


async def test_adopt_and_use_pressed_twice_shows_the_signature_not_the_form_again(
        system, monkeypatch):
    """"Adopt and use" pressed twice (a double click, or the same link signed in two tabs):
    the browser shows the second answer, which was the signing form again, headed "Please
    correct the following: This signing link was already used", with the agreement to sign
    once more (or "This link cannot be used"). The second press now leads where the first
    did: the thank-you page of the signature made."""
    _, token = await _ceo_asked(system, "Double Press Clinic")
    told = signing_domain.signing_process.sign

    async def first_press_lands_meanwhile(gateway, session, organization_id, number, command):
        await told(gateway, session, organization_id, number, command)  # the first press
        return await told(gateway, session, organization_id, number, command)

    monkeypatch.setattr(signing_domain.signing_process, "sign", first_press_lands_meanwhile)
    officer = browser(system)
    page = await officer.get(f"/sign/{token}")
    document = re.search(r'name="document" value="([^"]+)"', page.text)[1]
    second = await officer.submit(f"/sign/{token}", {
        "signer_role": "ceo", "document": document, "method": "typed",
        "typed_name": "Cora Chief", "consent": "yes"})
    shown = _text(second)
    assert second.status_code == 200, shown[:2000]
    assert second.url.path == f"/sign/{token}/signed"
    assert THANKS in shown and "Signed by" in shown
    assert "Please correct" not in shown and 'name="typed_name"' not in second.text
    await officer.http.aclose()


async def test_asking_for_a_new_link_keeps_the_address_and_a_reload_sends_nothing(system):
    """"Email me a new link": an address refused came back with the box emptied; an address
    taken answered "on its way" as the form's own answer, so reloading that page (the
    browser's "Confirm form resubmission") emailed another link and killed the one just
    sent. A refused address is kept as typed; the answer comes by a redirect, to reload."""
    ceo, _ = await _ceo_asked(system, "Asked Again Clinic")
    officer = browser(system)
    refused = await officer.submit("/sign/request-link", {"email": "ceo@clinic"})
    assert refused.status_code == 400
    assert re.search(r'name="email"[^>]*\s+value="ceo@clinic"', refused.text), refused.text
    asked = await officer.submit("/sign/request-link", {"email": ceo})
    await _reloaded_sends_nothing(system, officer, asked, "signing link is on its way", ceo)


async def test_a_new_link_asked_from_an_old_one_is_said_on_a_page_to_reload(system):
    """"Email me a new link" on an old link's page answered "A new link is on its way" as the
    form's own answer: reloading it (the browser's "Confirm form resubmission") emailed
    another link and killed the one just sent. The answer now comes by a redirect."""
    ceo, token = await _ceo_asked(system, "Renewed Page Clinic")
    officer = browser(system)
    renewed = await officer.submit(f"/sign/{token}", {}, action=f"/sign/{token}/renew")
    await _reloaded_sends_nothing(system, officer, renewed, "A new link is on its way", ceo)
