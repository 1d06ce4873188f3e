"""The enrollment emails as the outside check read them: who is greeted, what each link is
for, spacing, line breaks kept, what an officer still has to sign, sign in or register."""

import re

from models.agreements import DOCUMENTS, DocumentKind
from models.enrollment import Location
from tests.support.enrollment import (
    complete_location,
    location_body,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import (
    SIGNING_SUBJECT,
    decide,
    reviewer,
    sign_token,
    sign_until,
    signing_tokens,
    wait_for_status,
)
from tests.support.web import browser

EAST = "Eastside & Sons' Pharmacy"
REDISTRIBUTION = DOCUMENTS[DocumentKind.REDISTRIBUTION_AGREEMENT].title


def admin_copied(mail) -> bool:
    return mail.cc.startswith("oa-")


def text(mail) -> str:
    return mail.text.replace("\r\n", "\n")


async def test_the_enrollment_emails_read_right(system):
    enrollment = await start_enrollment(system, [EAST, "Westside Clinic"], redistribution=True)
    (east_email, east_id), (west_email, west_id) = enrollment.locations.items()
    await complete_location(system, east_email, east_id)
    submitted = await system.smtp.one(to=east_email, subject="Section B submitted")
    # the administrator is copied: the copy greets them too, not the coordinator alone
    assert admin_copied(submitted), submitted.cc
    async with system.sessions() as session:
        east = await session.get(Location, east_id)
    assert text(submitted).startswith(f"Hello {east.coordinator_first_name} and Olivia,"), \
        text(submitted)[:80]
    assert "See the location's status:\nhttp" in text(submitted)

    # the CEO signs one of two documents: the receipt says the other is still to sign
    request = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    assert "Earlier links" not in text(request), "the first request: no earlier links were sent"
    # the provider agreement first, as every page lists the round (CI's Postgres once sent the
    # redistribution agreement first: the rows as they lay on disk)
    provider = DOCUMENTS[DocumentKind.PROVIDER_AGREEMENT].title
    assert text(request).index(f"{provider}:\nhttp") < text(request).index(
        f"{REDISTRIBUTION}:\nhttp"), text(request)
    first = signing_tokens(request)[0]
    assert (await sign_token(system, first, "ceo")).status_code == 201
    receipt = await system.smtp.one(to=enrollment.ceo_email, subject="Receipt")
    assert f"Next step: You still have to sign the {REDISTRIBUTION}" in text(receipt)
    assert "Nothing more is needed" not in text(receipt)

    await complete_location(system, west_email, west_id)
    await sign_until(system, enrollment, [east_id, west_id])
    staff = await reviewer(system)
    assert (await decide(staff, west_id, "approve")).status_code == 200
    assert (await decide(staff, east_id, "reject", "Photo is blurry.\nRetake it.")).status_code \
        == 200
    async with system.sessions() as session:
        west = await session.get(Location, west_id)
    approved = await system.smtp.one(to=west_email, subject="is approved")
    assert text(approved).startswith(f"Hello {west.coordinator_first_name} and Olivia,"), \
        text(approved)[:80]
    # one email to both: each link says whose it is (the inventory's answered the OA with 403)
    assert "As the location's manager, open its inventory:\nhttp" in text(approved)
    assert "As the location's manager:" in approved.html
    assert "As the organization's administrator, open its enrollment" in text(approved)
    rejected = await system.smtp.one(to=east_email, subject="rejected")
    assert admin_copied(rejected), rejected.cc
    assert text(rejected).startswith(f"Hello {east.coordinator_first_name} and Olivia,"), \
        text(rejected)[:80]
    assert "Your Organization Administrator" not in text(rejected)
    assert f"{EAST} (Wake Health Partners)" in text(rejected)
    assert "Photo is blurry.<br>Retake it." in rejected.html

    # a location added after the signatures: the addendum, and an invitation to an account
    added = await enrollment.admin.post(
        f"/api/v1/organizations/{enrollment.org_id}/locations",
        json=location_body("Later Clinic", east_email))
    assert added.status_code == 201, added.text
    invitation = await system.smtp.one(to=east_email, subject="Coordinator for Later Clinic")
    assert "sign in with it from this link" in text(invitation)
    assert "Register" not in text(invitation) and "Sign in and start Section B" in invitation.html
    addendum = await system.smtp.one(to=enrollment.cmo_email, subject="addendum")
    assert "  - Location added: Later Clinic\n\nAs Chief Medical Officer" in text(addendum)
    assert "Earlier links we sent you no longer work." in " ".join(text(addendum).split())
    await wait_for_status(system, west_id, "approved")


async def test_pages_name_whom_a_location_waits_on_and_what_a_resubmission_does(system):
    """Found by the outside check: pages said "Responsible officers (CEO and CMO): sign the
    provider agreement" when only the CMO's redistribution agreement was left, and after a
    resubmission "Your CEO and CMO are emailed the provider agreement to sign" though it goes
    straight to review."""
    enrollment = await start_enrollment(system, ["Waiting Clinic"], redistribution=True)
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    for token in signing_tokens(await system.smtp.one(to=enrollment.ceo_email,
                                                      subject=SIGNING_SUBJECT)):
        assert (await sign_token(system, token, "ceo")).status_code == 201
    cmo_first = signing_tokens(await system.smtp.one(to=enrollment.cmo_email,
                                                     subject=SIGNING_SUBJECT))[0]
    assert (await sign_token(system, cmo_first, "cmo")).status_code == 201
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    await system.smtp.wait_for(to=enrollment.cmo_email, subject="Receipt")
    dashboard = (await admin.get("/organization")).text
    assert f"Chief Medical Officer (CMO) CMO Person: sign the {REDISTRIBUTION}" in dashboard
    assert "(CEO and CMO)" not in dashboard

    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Wrong unit.")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    base = f"/api/v1/locations/{location_id}"
    assert (await coordinator.post(f"{base}/section-b/resubmit")).status_code == 200
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    # the resubmission's confirmation was the first one's again ("is complete", "CEO and CMO
    # still have to sign"), not saying it goes back to review
    again = await system.smtp.one(to=email, subject="Section B resubmitted for")
    assert "goes back to the Immunization Branch for review" in " ".join(text(again).split())
    assert "is complete" not in text(again)
    person = browser(system)
    await person.login(email)
    page = (await person.get(f"/locations/{location_id}/section-b")).text
    assert "are emailed the provider agreement to sign" not in page
    assert "signed for this location: they are not asked again" in page


EXPIRES = re.compile(r"expires on (<strong>)?\w+ \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M E[SD]T")


async def test_links_expire_at_a_moment_and_the_approval_opens_the_inventory(system):
    """Found by the outside check: the invitation and the signing request said "expires on
    December 17, 2026" (no time, no zone) where the confirm-email message names the minute in
    Eastern time; a signing request for two documents said "agreement"; the approval's next
    step was to manage inventory but its link opened Section B."""
    enrollment = await start_enrollment(system, ["Moment Clinic"], redistribution=True)
    (email, location_id), = enrollment.locations.items()
    invitation = await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    assert EXPIRES.search(text(invitation)) and EXPIRES.search(invitation.html), text(invitation)
    # "pause and come back at any time" with a link that works once: how to come back
    assert "once registered, log in on the portal with your email address and password" in \
        " ".join(text(invitation).split())
    await complete_location(system, email, location_id)
    request = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    assert len(signing_tokens(request)) == 2
    assert "Please sign the COVID-19 Vaccination Program agreements for" in request.subject
    assert EXPIRES.search(text(request)) and EXPIRES.search(request.html), text(request)
    await sign_until(system, enrollment, [location_id])
    assert (await decide(await reviewer(system), location_id, "approve")).status_code == 200
    approved = await system.smtp.one(to=email, subject="is approved")
    link = approved.link("/inventory/")
    assert link.endswith(f"/inventory/{location_id}") and "section-b" not in approved.html
    person = browser(system)
    await person.login(email)
    opened = await person.get(link)
    assert opened.status_code == 200 and "Moment Clinic" in opened.text
    # it also greets the Organization Administrator, whose link is the organization's (the
    # inventory answered them 403)
    admin_link = approved.link("/organization")
    assert admin_link.endswith("/organization")
    assert "As the organization's administrator, open its enrollment" in text(approved)
    administrator = browser(system)
    await administrator.login(enrollment.admin_email)
    assert (await administrator.get(admin_link)).status_code == 200
