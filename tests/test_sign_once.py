"""The officers sign once for the organization, through the whole real system: three locations
(redistribution on) complete Section B before and after the signature; a location added later
asks for one addendum."""

from tests.support.enrollment import (
    complete_location,
    fill_section_b,
    location_body,
    register_coordinator,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import (
    SIGNING_SUBJECT,
    location_status,
    sign_token,
    signing_tokens,
    wait_for_status,
)
from tests.support.web import unique_email

DOCUMENTS = {"provider_agreement", "redistribution_agreement"}


async def sign_everything(system, enrollment, mails_seen: dict[str, int]) -> None:
    """Each officer signs every document of their newest signing email, once."""
    for role, email in (("ceo", enrollment.ceo_email), ("cmo", enrollment.cmo_email)):
        mails = await system.smtp.wait_for(to=email, subject=SIGNING_SUBJECT,
                                           count=mails_seen[email])
        tokens = signing_tokens(mails[-1])
        assert len(tokens) == 2, "one email carries both documents"
        signed = set()
        for token in tokens:
            async with system.http() as http:
                document = (await http.get(f"/api/v1/signing/{token}")).json()["document"]
            response = await sign_token(system, token, role, document)
            assert response.status_code == 201, response.text
            signed.add(document)
        assert signed == DOCUMENTS


async def test_three_locations_one_signature_then_an_addendum(system):
    enrollment = await start_enrollment(system, ["Early Clinic", "Joining Clinic",
                                                 "Late Clinic"], redistribution=True)
    (early_email, early), (join_email, joining), (late_email, late) = \
        enrollment.locations.items()
    officers = (enrollment.ceo_email, enrollment.cmo_email)
    seen = dict.fromkeys(officers, 1)

    await complete_location(system, early_email, early)
    first = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    for name in ("Early Clinic", "Joining Clinic", "Late Clinic"):
        assert name in first.text, "the request covers every location named in Section A"
    await complete_location(system, join_email, joining)  # joins the open request
    await wait_for_status(system, joining, "awaiting_signatures")
    token = signing_tokens(first)[0]
    async with system.http() as http:
        page = await http.get(f"/sign/{token}")
    assert "Joining Clinic" in page.text

    await sign_everything(system, enrollment, seen)
    for location_id in (early, joining):
        await wait_for_status(system, location_id, "pending_review")
    late_coordinator = await register_coordinator(system, late_email)
    await fill_section_b(late_coordinator, late)
    assert (await sign_and_submit(late_coordinator, late)).status_code == 200
    await wait_for_status(system, late, "pending_review")  # signed already: straight to review
    for officer in officers:
        assert len(system.smtp.find(to=officer, subject=SIGNING_SUBJECT)) == 1
        receipts = await system.smtp.wait_for(to=officer, subject="Receipt", count=2)
        assert len(receipts) == 2, "one receipt per document"
    async with system.http() as http:
        copy = await http.get(receipts[0].link("/sign/copies/"))
        forged = await http.get(receipts[0].link("/sign/copies/")[:-3] + "abc")
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")
    assert b"Late Clinic" in copy.content, "the copy lists every location covered"
    assert forged.status_code == 404

    added_email = unique_email("added")
    added = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                        json=location_body("Added Clinic", added_email))
    assert added.status_code == 201
    for officer in officers:
        addendum = await system.smtp.wait_for(to=officer, subject=SIGNING_SUBJECT, count=2)
        assert "Added Clinic" in addendum[-1].text and "Location added" in addendum[-1].text
    seen = dict.fromkeys(officers, 2)
    await sign_everything(system, enrollment, seen)
    await complete_location(system, added_email, added.json()["id"])
    await wait_for_status(system, added.json()["id"], "pending_review")
    for officer in officers:
        assert len(system.smtp.find(to=officer, subject=SIGNING_SUBJECT)) == 2
    assert await location_status(system, early) == "pending_review"
