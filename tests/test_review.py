"""Enrollment part 2: officers sign from their emails, the state reviews, rejection, resubmission."""

import html
import re
from datetime import datetime

from sqlmodel import func, select

from models.review import SigningRequest
from models.signatures import Signature
from tests.support.enrollment import (
    add_storage_unit,
    complete_location,
    photo,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import (
    SIGNING_SUBJECT,
    decide,
    enrolled_site,
    reviewer,
    sign_until,
    signing_round,
    wait_for_status,
)

REASON = "Storage photos are stock images"


async def test_sign_review_reject_resubmit_approve(system):
    enrollment = await start_enrollment(system, ["Approve Clinic", "Reject Clinic"])
    (approve_email, approve_id), (reject_email, reject_id) = enrollment.locations.items()
    coordinators = {}
    for email, location_id in enrollment.locations.items():
        coordinators[location_id] = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [approve_id, reject_id])
    receipt = await system.smtp.one(to=enrollment.ceo_email, subject="Receipt: you signed")
    assert "SHA-256" in receipt.text
    staff = await reviewer(system)
    queue = (await staff.get("/api/v1/review/queue")).json()
    ours = [(datetime.fromisoformat(item["pending_since"]), item["location_id"])
            for item in queue["items"] if item["location_id"] in (approve_id, reject_id)]
    # oldest first: whichever location's officers finished first, not the older id
    assert len(ours) == 2 and sorted(ours) == ours, ours
    waiting = (await coordinators[approve_id].get(f"/locations/{approve_id}/section-b")).text
    assert "is reviewing the location" in waiting, "what happens next, as it stands"
    assert "are emailed the provider agreement" not in waiting
    detail = (await staff.get(f"/api/v1/review/locations/{reject_id}")).json()
    assert len(detail["storage_units"]) == 1 and detail["providers"]
    assert {s["signer_role"] for s in detail["officer_signatures"]} == {"ceo", "cmo"}
    page = (await staff.get(f"/review/locations/{reject_id}")).text  # in people's words
    for code in ("With section b", "(portal)", "(COORDINATOR)", "['provider_agreement'",
                 "ceo:", "from: Not started; to: Not started", "sha256:", ">round:"):
        assert code not in page, code
    assert "Reviewed with Section B" in page and "(Vaccine coordinator)" in page
    assert "Signing round: 1" in page and "Fingerprint of the signed text (SHA-256)" in page

    assert (await decide(staff, approve_id, "approve")).json()["status"] == "approved"
    approved = await system.smtp.one(to=approve_email, subject="is approved")
    assert enrollment.admin_email in approved.to
    rejected = await decide(staff, reject_id, "reject", REASON)
    assert rejected.json()["status"] == "rejected"
    mail = await system.smtp.one(to=reject_email, subject="rejected")
    assert REASON in mail.subject and REASON in mail.text and REASON in mail.html
    assert mail.cc == enrollment.admin_email

    coordinator = coordinators[reject_id]
    base = f"/api/v1/locations/{reject_id}"
    reopened = await coordinator.post(f"{base}/section-b/resubmit")
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    section = (await coordinator.get(f"{base}/section-b")).json()
    assert section["steps"]["location"]["shipping_city"] == "Raleigh", "prefilled"
    old_unit = section["storage_units"][0]["id"]
    assert (await coordinator.delete(f"{base}/storage-units/{old_unit}")).status_code == 204
    assert (await add_storage_unit(coordinator, reject_id, photo("darkgreen"),
                                   photo("orange"), brand="RealFridge")).status_code == 201
    assert (await sign_and_submit(coordinator, reject_id)).status_code == 200
    # the resubmission is confirmed by email, as the page says (its email was keyed by the
    # first completion's time, so the second was taken for a repeat and never sent)
    await system.smtp.one(to=reject_email, subject="Section B submitted")
    await system.smtp.one(to=reject_email, subject="Section B resubmitted")
    await wait_for_status(system, reject_id, "pending_review")
    changes = (await staff.get(f"/api/v1/review/locations/{reject_id}")).json()
    changed = {c["field"] for c in changes["changes_since_rejection"]}
    assert "storage_units.1.brand" in changed and "storage_units.1.inside_photo_sha256" in changed
    assert (await decide(staff, reject_id, "approve")).json()["status"] == "approved"
    await system.smtp.wait_for(to=reject_email, subject="is approved")
    timeline = (await staff.get(f"/api/v1/locations/{reject_id}/timeline")).json()
    actions = [event["action"] for event in timeline]
    for expected in ("status:submitted", "signatures:requested", "signed:provider_agreement",
                     "decision:rejected", "status:in_progress", "decision:approved"):
        assert expected in actions, expected
    assert actions.index("decision:rejected") < actions.index("decision:approved")
    # the reviewer's decisions name them as any account is named, and a search for them finds
    # them (they were "reviewer:Rita ..." by name alone, and the search matched their words)
    me = (await staff.get("/api/v1/me")).json()
    who = html.escape(f"{me['first_name']} {me['last_name']} <{me['email']}>")
    page = (await staff.get(f"/review/locations/{reject_id}")).text
    audit = (await staff.get("/state/audit", params={"q": me["email"]})).text
    for shown in (page, audit):
        for decision in ("Not approved — changes requested", "Approved"):
            row = rf'Decision: {decision}</td>\s*<td[^>]*data-label="Who">{re.escape(who)}</td>'
            assert re.search(row, shown), (decision, re.findall(r"Decision: .{0,200}", shown))
    pdf = await staff.get(f"/locations/{reject_id}/agreement.pdf")
    assert pdf.content.startswith(b"%PDF") and b"Officer Signer" in pdf.content


async def test_a_redistribution_participant_needs_both_documents_from_both_officers(system):
    enrollment = await start_enrollment(system, ["Redistrib Clinic"], redistribution=True)
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    ceo_mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    cmo_mail = await system.smtp.one(to=enrollment.cmo_email, subject=SIGNING_SUBJECT)
    assert "Supplemental COVID-19 Vaccine Redistribution Agreement" in ceo_mail.text
    from tests.support.review import sign_token, signing_tokens

    ceo_tokens, cmo_tokens = signing_tokens(ceo_mail), signing_tokens(cmo_mail)
    assert len(ceo_tokens) == len(cmo_tokens) == 2
    for token in ceo_tokens + cmo_tokens[:1]:
        role = "ceo" if token in ceo_tokens else "cmo"
        assert (await sign_token(system, token, role)).status_code == 201
    await system.smtp.wait_for(subject="Receipt: you signed", count=1)
    from tests.support.review import location_status
    assert await location_status(system, location_id) == "awaiting_signatures"
    assert (await sign_token(system, cmo_tokens[1], "cmo")).status_code == 201
    await wait_for_status(system, location_id, "pending_review")


async def signature_count(system, org_id: int) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(Signature).where(
            Signature.organization_id == org_id, Signature.signer_role != "coordinator"))).one()


async def test_bad_links_are_refused_and_record_nothing(system):
    from tests.support.review import sign_token, signing_tokens
    from tests.test_invitations import expire_link

    signing = await signing_round(system, "Links Clinic")
    enrollment, location_id, ceo_token = (signing.enrollment, signing.location_id,
                                          signing.ceo_tokens[0])
    cmo_token = signing_tokens(await system.smtp.one(to=enrollment.cmo_email,
                                                    subject=SIGNING_SUBJECT))[0]
    changed = ceo_token[:-1] + ("A" if ceo_token[-1] != "A" else "B")
    tampered = await sign_token(system, changed, "ceo", "provider_agreement")
    assert tampered.status_code == 410 and "not valid" in tampered.json()["detail"]
    crossed = await sign_token(system, ceo_token, "cmo", "provider_agreement")
    assert crossed.status_code == 403 and "Chief Executive Officer" in crossed.json()["detail"]
    assert await signature_count(system, enrollment.org_id) == 0
    assert (await sign_token(system, ceo_token, "ceo")).status_code == 201
    again = await sign_token(system, ceo_token, "ceo", "provider_agreement")
    assert again.status_code == 200, "sent again: the signature made (a retry), not another"
    crossed_after = await sign_token(system, ceo_token, "cmo", "provider_agreement")
    assert crossed_after.status_code == 410 and "already used" in crossed_after.json()["detail"]
    await expire_link(system, "officer_signing", cmo_token)
    late = await sign_token(system, cmo_token, "cmo", "provider_agreement")
    assert late.status_code == 410 and "expired" in late.json()["detail"]
    assert await signature_count(system, enrollment.org_id) == 1
    async with system.http() as http:
        renewed = await http.post(f"/api/v1/signing/{cmo_token}/renew")
        assert renewed.status_code == 202
    mails = await system.smtp.wait_for(to=enrollment.cmo_email, subject=SIGNING_SUBJECT, count=2)
    fresh = signing_tokens(mails[-1])[0]
    assert fresh != cmo_token
    assert (await sign_token(system, cmo_token, "cmo", "provider_agreement")).status_code == 410
    assert (await sign_token(system, fresh, "cmo")).status_code == 201
    await wait_for_status(system, location_id, "pending_review")


async def test_no_active_provider_cannot_be_approved_until_one_is_added(system):
    enrollment = await start_enrollment(system, ["Bulk Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    refused = await decide(staff, location_id, "approve")
    assert refused.status_code == 422
    assert "no active practicing provider" in refused.json()["detail"]
    added = await coordinator.post(f"/api/v1/locations/{location_id}/providers", json={
        "first_name": "Late", "last_name": "Provider", "license_type": "DO",
        "license_number": "DO-777"})
    assert added.status_code == 201
    approved = await decide(staff, location_id, "approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


async def test_deciding_twice_or_without_the_role_is_refused(system):
    enrollment = await start_enrollment(system, ["Twice Decided"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    no_reason = await decide(staff, location_id, "reject", "  ")
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["detail"]
    forbidden = await decide(coordinator, location_id, "approve")
    assert forbidden.status_code == 403
    assert (await decide(staff, location_id, "approve")).status_code == 200
    twice = await decide(staff, location_id, "reject", "changed my mind")
    assert twice.status_code == 409 and twice.json()["detail"] == (
        "This location's status is \u201cApproved\u201d: there is nothing to decide.")


async def test_changed_organization_details_void_signatures_and_ask_again(system):
    from tests.support.enrollment import ORG_DETAILS

    enrollment = await start_enrollment(system, ["Changed Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    updated = await enrollment.admin.put(
        f"/api/v1/organizations/{enrollment.org_id}/details",
        json={**ORG_DETAILS, "street": "2 New Address Blvd"})
    assert updated.status_code == 200
    await wait_for_status(system, location_id, "awaiting_signatures")
    async with system.sessions() as session:
        voided = (await session.exec(select(Signature).where(
            Signature.organization_id == enrollment.org_id,
            Signature.signer_role != "coordinator"))).all()
        assert voided and all(s.voided_at and "changed" in s.void_reason for s in voided)
        statuses = (await session.exec(select(SigningRequest.status).where(
            SigningRequest.organization_id == enrollment.org_id))).all()
        assert "void" in statuses
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    detail = (await staff.get(f"/api/v1/review/locations/{location_id}")).json()
    assert len(detail["officer_signatures"]) == 2
    async with system.sessions() as session:
        valid = (await session.exec(select(Signature).where(
            Signature.organization_id == enrollment.org_id, Signature.voided_at.is_(None),
            Signature.signer_role != "coordinator"))).all()
    assert len(valid) == 2 and all("2 New Address Blvd" in s.signed_content for s in valid)


async def test_a_storage_unit_added_to_an_enrolled_site_is_reviewed_on_its_own(system):
    site = await enrolled_site(system, "Growing Clinic")
    email, location_id = site.email, site.location_id
    coordinator, staff = site.coordinator, site.staff
    added = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                   brand="NewFreezer")
    assert added.status_code == 201
    for _ in range(100):
        queue = (await staff.get("/api/v1/review/queue?limit=200")).json()["items"]
        mine = [i for i in queue if i["location_id"] == location_id]
        if mine:
            break
        import asyncio
        await asyncio.sleep(0.1)
    assert mine[0]["kind"] == "change to an enrolled site"
    assert (await decide(staff, location_id, "approve")).json()["amendment"] is True
    mail = await system.smtp.one(to=email, subject="Change approved")
    assert "NewFreezer" in mail.subject
    detail = (await staff.get(f"/api/v1/review/locations/{location_id}")).json()
    assert detail["location"]["status"] == "approved"
    assert [u["review_status"] for u in detail["storage_units"]] == ["with_section_b", "approved"]


async def test_the_reviewers_home_names_each_link_apart(system):
    """Found by the outside check: the review queue's and the transfers' links were both
    "Open the queue", alike in a screen reader's list of links."""
    from models.enums import Role
    from tests.support.accounts import make_user
    from tests.support.web import browser

    person = browser(system)
    await person.login((await make_user(system, Role.REVIEWER)).email)
    home = (await person.get("/")).text
    links = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', home.split("<main", 1)[1])
    names = [name for _, name in links]
    assert "Open the review queue" in names and "Open the transfers queue" in names, links
    assert len(set(names)) == len(names), links


def test_a_resubmission_in_the_same_second_is_confirmed_again():
    """The confirmation's key was the completion's time to the second: once Temporal handed
    out each step at once, the test above resubmitted within the second of the first
    completion, and the second confirmation was taken for a repeat and never sent."""
    from datetime import UTC, datetime

    from activities.enrollment import section_b_submitted_key

    first = datetime(2026, 12, 4, 19, 40, 1, 200_000, tzinfo=UTC)
    again = first.replace(microsecond=900_000)
    assert section_b_submitted_key(7, first) != section_b_submitted_key(7, again)
    assert section_b_submitted_key(7, first) == section_b_submitted_key(7, first), "a retry"
