"""An organization that becomes a redistribution participant after its locations were approved:
its CEO and CMO are asked to sign the Supplemental Redistribution Agreement alone, the
locations stay approved, and once both signed its redistributions are allowed."""

import re

from models.agreements import DOCUMENTS, DocumentKind
from models.enrollment import Organization
from tests.support.enrollment import ORG_DETAILS, complete_location, start_enrollment
from tests.support.inventory import (
    enrolled_sites,
    lot_id,
    product_id,
    receive,
    request_transfer,
)
from tests.support.review import (
    SIGNING_SUBJECT,
    decide,
    location_status,
    reviewer,
    sign_until,
    signing_tokens,
    wait_for_status,
)
from tests.support.web import browser

REDISTRIBUTION = DOCUMENTS[DocumentKind.REDISTRIBUTION_AGREEMENT].title
PROVIDER = DOCUMENTS[DocumentKind.PROVIDER_AGREEMENT].title


def _plain(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text.replace("&#39;", "'")).split())


async def _enrolled(system, names: list[str], redistribution: bool):
    """Two locations enrolled (approved by a reviewer), taking part in redistribution or not."""
    return await enrolled_sites(system, names, redistribution=redistribution,
                                state=await reviewer(system))


async def _correct(system, admin_email: str, participant: bool, name: str):
    """The administrator corrects the organization's details on the page."""
    admin = browser(system)
    await admin.login(admin_email)
    form = await admin.get("/organization/details")
    assert "also asked to sign the Supplemental Redistribution Agreement" in _plain(form)
    return await admin.submit("/organization/details", {
        **ORG_DETAILS, "legal_name": name,
        "redistribution_participant": "true" if participant else "false"})


async def _sign_on_the_page(system, email: str, role: str, count: int) -> tuple[str, str]:
    """The officer follows the link in the `count`th signing email and signs there: the
    email's text and the signed page's."""
    mail = (await system.smtp.wait_for(to=email, subject=SIGNING_SUBJECT, count=count))[-1]
    token, = signing_tokens(mail)
    officer = browser(system)
    page = await officer.get(f"/sign/{token}")
    assert page.status_code == 200 and REDISTRIBUTION in page.text, page.text[:2000]
    document = re.search(r'name="document" value="([^"]+)"', page.text)[1]
    signed = await officer.submit(f"/sign/{token}", {
        "signer_role": role, "document": document, "method": "typed",
        "typed_name": f"{role.upper()} Person", "consent": "yes"})
    assert signed.status_code == 200 and signed.url.path == f"/sign/{token}/signed", \
        _plain(signed)[:2000]
    await officer.http.aclose()
    return mail.text, _plain(signed)


async def _redistribute(system, sites, lot: str):
    (source, sender), (target, _) = sites.staff.items()
    received = await receive(sender, source, await product_id(system), lot, 40)
    assert received.status_code == 201, received.text
    lot_at_source = await lot_id(sender, source, lot)
    return lambda: request_transfer(sender, source, target, lot_at_source, 5, "redistribution")


async def test_a_participant_after_approval_signs_the_redistribution_agreement_alone(system):
    """Found by a review: with every location approved, a correction making the organization
    a participant asked nobody to sign, so every redistribution it requested was refused."""
    sites = await _enrolled(system, ["Late Redist North", "Late Redist South"], redistribution=False)
    enrollment = sites.enrollment
    redistribute = await _redistribute(system, sites, "LATE-R1")
    not_yet = await redistribute()
    assert not_yet.status_code == 422, not_yet.text
    assert "Redistribution Agreement" in not_yet.json()["detail"]
    asked_before = {role: len(system.smtp.find(to=email, subject=SIGNING_SUBJECT))
                    for role, email in (("ceo", enrollment.ceo_email),
                                        ("cmo", enrollment.cmo_email))}

    corrected = await _correct(system, enrollment.admin_email, True, "Late Redist Health")
    said = _plain(corrected)
    assert corrected.status_code == 200 and "details are saved" in said, said[:2000]
    assert f"The CEO and the CMO will each be emailed a link to sign the {REDISTRIBUTION}" \
        in said, said[:3000]
    assert "redistributions once both have signed" in said
    unsigned = await redistribute()
    assert unsigned.status_code == 422 and "has not signed the Supplemental Redistribution " \
        "Agreement" in unsigned.json()["detail"], unsigned.text

    admin = browser(system)
    await admin.login(enrollment.admin_email)
    for role, email in (("ceo", enrollment.ceo_email), ("cmo", enrollment.cmo_email)):
        text, signed = await _sign_on_the_page(system, email, role, asked_before[role] + 1)
        assert REDISTRIBUTION in text and PROVIDER not in text, text
        # the locations are enrolled: no review follows this agreement's signatures
        assert "reviews each location" not in signed, signed[:2000]
        assert "locations may request redistributions" in signed, signed[:2000]
        assert "redistribution participation" in text, "the addendum says what changed"
        if role == "ceo":
            half = await redistribute()
            assert half.status_code == 422, "the CMO has not signed yet"
            shown = _plain(await admin.get("/organization"))
            assert "Supplemental Redistribution Agreement: Waiting for Chief Medical Officer " \
                "(CMO) CMO Person to sign it" in shown, shown[:3000]
    for location_id in sites.ids:  # approved throughout, never sent back to review
        assert await location_status(system, location_id) == "approved"
    allowed = await redistribute()
    assert allowed.status_code == 201, allowed.text
    assert "Agreement: Signed by the CEO and the CMO" in _plain(await admin.get("/organization"))


async def test_an_organization_that_stops_redistributing_is_refused_and_signs_again(system):
    """Taking part ends the agreement: no redistribution while out, and taking part again asks
    the officers to sign it again (alone, the locations approved)."""
    sites = await _enrolled(system, ["Stop Redist East", "Stop Redist West"], redistribution=True)
    enrollment = sites.enrollment
    redistribute = await _redistribute(system, sites, "STOP-R1")
    pending = await redistribute()
    assert pending.status_code == 201
    asked = len(system.smtp.find(to=enrollment.ceo_email, subject=SIGNING_SUBJECT))

    stopped = await _correct(system, enrollment.admin_email, False, "Stop Redist Health")
    said = _plain(stopped)
    assert "no longer takes part in redistribution" in said, said[:3000]
    assert "will each be emailed" not in said
    refused = await redistribute()
    assert refused.status_code == 422, refused.text
    assert "not a redistribution participant" in refused.json()["detail"]
    # the one requested before it stopped is no longer the state's to approve: it is denied
    # (it was approved, the agreement it rests on ended)
    decide_at = f"/api/v1/transfers/{pending.json()['id']}/decision"
    state = await reviewer(system)
    approving = await state.post(decide_at, json={"decision": "approve"})
    assert approving.status_code == 422, approving.text
    assert approving.json()["detail"].startswith(
        "This redistribution can no longer be approved: This organization is not a "
        "redistribution participant"), approving.text
    denied = await state.post(decide_at, json={"decision": "deny", "reason": "It stopped."})
    assert denied.status_code == 200, denied.text

    again = await _correct(system, enrollment.admin_email, True, "Stop Redist Health")
    assert f"emailed a link to sign the {REDISTRIBUTION}" in _plain(again)
    await _sign_on_the_page(system, enrollment.ceo_email, "ceo", asked + 1)
    await _sign_on_the_page(system, enrollment.cmo_email, "cmo", asked + 1)
    for location_id in sites.ids:
        assert await location_status(system, location_id) == "approved"
    assert (await redistribute()).status_code == 201


async def test_partly_approved_the_approved_location_stays_approved(system):
    """One location approved, the other waiting for review: the correction sends the second
    back to the officers (both documents), never the first; once signed and approved, they
    redistribute."""
    enrollment = await start_enrollment(system, ["Part Redist One", "Part Redist Two"])
    coordinators = {}
    for email, location_id in enrollment.locations.items():
        coordinators[location_id] = await complete_location(system, email, location_id)
    first, second = coordinators
    await sign_until(system, enrollment, [first, second])
    state = await reviewer(system)
    assert (await decide(state, first, "approve")).status_code == 200
    await wait_for_status(system, first, "approved")
    asked = len(system.smtp.find(to=enrollment.ceo_email, subject=SIGNING_SUBJECT))

    corrected = await _correct(system, enrollment.admin_email, True, "Part Redist Health")
    said = _plain(corrected)
    assert f"sign the {PROVIDER} and the {REDISTRIBUTION}" in said, said[:3000]
    await wait_for_status(system, second, "awaiting_signatures")
    mail = (await system.smtp.wait_for(to=enrollment.ceo_email, subject=SIGNING_SUBJECT,
                                       count=asked + 1))[-1]
    assert len(signing_tokens(mail)) == 2, "the provider agreement and the redistribution one"
    await sign_until(system, enrollment, [second])
    assert await location_status(system, first) == "approved"
    assert (await decide(state, second, "approve")).status_code == 200
    await wait_for_status(system, second, "approved")

    sender = coordinators[first]
    assert (await receive(sender, first, await product_id(system), "PART-R1", 20)).status_code \
        == 201
    moved = await request_transfer(sender, first, second, await lot_id(sender, first, "PART-R1"),
                                   5, "redistribution")
    assert moved.status_code == 201, moved.text


async def test_stopping_while_the_agreement_is_asked_ends_the_officers_links(system):
    """Found by the outside check: the organization stopped taking part while the CMO had
    still to sign the agreement asked alone; the CMO's link said it 'was replaced by a newer
    one' and offered a new link, though nothing was left to sign."""
    sites = await _enrolled(system, ["Halt Redist Upper", "Halt Redist Lower"], redistribution=False)
    enrollment = sites.enrollment
    asked = len(system.smtp.find(to=enrollment.cmo_email, subject=SIGNING_SUBJECT))
    await _correct(system, enrollment.admin_email, True, "Halt Redist Health")
    await _sign_on_the_page(system, enrollment.ceo_email, "ceo", asked + 1)
    mail = (await system.smtp.wait_for(to=enrollment.cmo_email, subject=SIGNING_SUBJECT,
                                       count=asked + 1))[-1]
    token, = signing_tokens(mail)

    await _correct(system, enrollment.admin_email, False, "Halt Redist Health")
    shown = _plain(await browser(system).get(f"/sign/{token}"))
    assert "What this link asked you to sign has changed, so it no longer works" in shown, \
        shown[:2000]
    assert "replaced by a newer one" not in shown and "Email me a new link" not in shown


async def test_an_organization_left_without_the_agreement_is_told_how_to_ask_for_it(system):
    """An organization made a participant after approval by a process started before the fix
    (the flag stored, no officer asked: simulated here by storing it) read "the CEO and the
    CMO are asked to sign it with their next signing request", a request that never comes. It
    is told to save its details, which asks them, and saving them does."""
    sites = await _enrolled(system, ["Stuck Redist Upper", "Stuck Redist Lower"], redistribution=False)
    enrollment = sites.enrollment
    async with system.sessions() as session:
        org = await session.get(Organization, enrollment.org_id)
        org.redistribution_participant = True
        session.add(org)
        await session.commit()
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    shown = _plain(await admin.get("/organization"))
    assert "next signing request" not in shown, shown[:3000]
    assert "Supplemental Redistribution Agreement: Not signed, and no signing request asks " \
        "for it: save your organization's details (Correct the organization's details) to " \
        "email the CEO and the CMO a link to sign it" in shown, shown[:3000]
    asked = len(system.smtp.find(to=enrollment.ceo_email, subject=SIGNING_SUBJECT))
    saved = await _correct(system, enrollment.admin_email, True, ORG_DETAILS["legal_name"])
    assert f"emailed a link to sign the {REDISTRIBUTION}" in _plain(saved), _plain(saved)[:2000]
    text, _signed = await _sign_on_the_page(system, enrollment.ceo_email, "ceo", asked + 1)
    assert REDISTRIBUTION in text
