"""The organization's details corrected after the CEO signed but before the CMO did: both are
asked again, but only the CEO signed before. The CMO's email told them "You signed this
organization's agreement before" and called it an addendum (found by the outside check)."""

from tests.support.enrollment import ORG_DETAILS
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_round, signing_tokens
from tests.support.web import browser


async def test_a_correction_tells_only_the_officer_who_signed_that_they_signed_before(system):
    asked = await signing_round(system, "Corrected Clinic")
    enrollment = asked.enrollment
    await system.smtp.one(to=enrollment.cmo_email, subject=SIGNING_SUBJECT)
    token, = asked.ceo_tokens
    assert (await sign_token(system, token, "ceo")).status_code == 201

    corrected = await enrollment.admin.put(
        f"/api/v1/organizations/{enrollment.org_id}/details",
        json={**ORG_DETAILS, "street": "2 Health Way"})
    assert corrected.status_code == 200, corrected.text

    ceo_again = (await system.smtp.wait_for(to=enrollment.ceo_email, subject=SIGNING_SUBJECT,
                                            count=2))[-1]
    assert "You signed this organization's agreement before" in ceo_again.text
    assert "addendum" in ceo_again.subject
    cmo_again = (await system.smtp.wait_for(to=enrollment.cmo_email, subject=SIGNING_SUBJECT,
                                            count=2))[-1]
    said = " ".join(cmo_again.text.split())
    assert "You signed this organization's agreement before" not in said, said
    assert "addendum" not in cmo_again.subject.lower(), cmo_again.subject
    assert "Organization details changed: street address" in said, said
    assert "replaces" in said and "Earlier links we sent you no longer work." in said, said
    cmo_token = signing_tokens(cmo_again)[0]
    page = await browser(system).get(f"/sign/{cmo_token}")
    assert page.status_code == 200 and "What changed since we first asked you to sign" in page.text
    ceo_token = signing_tokens(ceo_again)[0]
    page = await browser(system).get(f"/sign/{ceo_token}")
    assert page.status_code == 200 and "What changed since you last signed" in page.text
