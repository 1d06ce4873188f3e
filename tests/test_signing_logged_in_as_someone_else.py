"""An officer's signing link opened in a browser where someone else is logged in (the
coordinator's office computer, a link forwarded to the administrator): the page offered the
signing form as if nothing were odd, and "Adopt and use" recorded a signature in the officer's
name made by the person logged in. The page now says who is logged in and whom the link is for,
takes no signature, and logs them out back to the same link for the officer to sign."""

import html
import re

from sqlmodel import select

from models.signatures import Signature
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, signing_round, signing_tokens
from tests.support.web import browser


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))


async def test_a_link_opened_while_someone_else_is_logged_in_takes_no_signature(system):
    signing = await signing_round(system, "Shared Desk Clinic")
    enrollment, coordinator, (token,) = signing.enrollment, signing.coordinator, \
        signing.ceo_tokens
    someone = browser(system)
    await someone.login(coordinator)
    page = await someone.get(f"/sign/{token}")
    shown = _text(page)
    assert page.status_code == 200, shown[:2000]
    assert f"You are logged in as {coordinator}" in shown, shown[:3000]
    assert "CEO Person" in shown and 'name="typed_name"' not in page.text
    document = re.search(r'name="document" value="([^"]+)"', page.text)
    assert document is None  # no signing form to send
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    forged = await someone.http.post(f"/sign/{token}", data={
        "csrf_token": csrf, "signer_role": "ceo", "document": "provider_agreement",
        "method": "typed", "typed_name": "CEO Person", "consent": "yes"})
    assert forged.status_code == 403, _text(forged)[:2000]
    assert f"You are logged in as {coordinator}" in _text(forged)
    async with system.sessions() as session:
        assert (await session.exec(select(Signature).where(
            Signature.organization_id == enrollment.org_id,
            Signature.signer_role == "ceo"))).all() == []
    out = await someone.http.post("/logout", data={"csrf_token": csrf,
                                                   "next": f"/sign/{token}"})
    assert out.url.path == f"/sign/{token}", out.url
    assert 'name="typed_name"' in out.text and "You are logged in as" not in _text(out)
    await someone.http.aclose()


async def test_the_officer_logged_in_with_their_own_address_signs_as_before(system):
    """An administrator who is also the organization's CEO is logged in as themself."""
    enrollment = await start_enrollment(system, ["Own Desk Clinic"], submit=False)
    admin = enrollment.admin
    body = {"name": "Ada Admin", "title": "CEO", "email": enrollment.admin_email}
    assert (await admin.put(f"/api/v1/organizations/{enrollment.org_id}/officers/ceo",
                            json=body)).status_code == 200
    assert (await admin.post(f"/api/v1/organizations/{enrollment.org_id}/submit")
            ).status_code == 200
    (coordinator, location_id), = enrollment.locations.items()
    await complete_location(system, coordinator, location_id)
    token, = signing_tokens(await system.smtp.one(to=enrollment.admin_email,
                                                  subject=SIGNING_SUBJECT))
    officer = browser(system)
    await officer.login(enrollment.admin_email.upper())
    page = await officer.get(f"/sign/{token}")
    assert 'name="typed_name"' in page.text and "You are logged in as" not in _text(page)
    document = re.search(r'name="document" value="([^"]+)"', page.text)[1]
    signed = await officer.submit(f"/sign/{token}", {
        "signer_role": "ceo", "document": document, "method": "typed",
        "typed_name": "Ada Admin", "consent": "yes"})
    assert signed.url.path == f"/sign/{token}/signed", _text(signed)[:2000]
    await officer.http.aclose()
