"""After Section A the administrator corrects an officer or a coordinator not yet registered:
the signing link, or the invitation, goes to the corrected address and the old one dies."""

import asyncio

from models.enrollment import Location
from models.links import SIGNING_PURPOSE
from tests.support.enrollment import (
    complete_location,
    correct_coordinator,
    location_body,
    register_coordinator,
    start_enrollment,
)
from tests.support.review import (
    SIGNING_SUBJECT,
    reviewer,
    sign_token,
    signing_round,
    signing_tokens,
    wait_for_status,
)
from tests.support.web import browser, unique_email
from tests.test_invitations import expire_link


async def test_a_mistyped_officer_email_is_corrected_and_the_link_goes_to_the_new_address(system):
    """Found by the outside check: after Section A no page corrected an officer, so a CEO
    typed wrong never got the signing link and every location stayed stuck."""
    enrollment = await start_enrollment(system, ["Officer Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    sent = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    old_token, = signing_tokens(sent)

    admin = browser(system)
    await admin.login(enrollment.admin_email)
    dashboard = await admin.get("/organization")
    assert 'href="/organization/officers/ceo">Correct the CEO' in dashboard.text
    form = await admin.get("/organization/officers/ceo")
    assert form.status_code == 200 and f'value="{enrollment.ceo_email}"' in form.text
    wrong = await admin.submit("/organization/officers/ceo", {
        "name": "Dana Right", "title": "CEO", "email": "not-an-address"})
    assert wrong.status_code == 400 and 'id="email-error"' in wrong.text
    assert 'value="Dana Right"' in wrong.text, "what was typed is kept"
    right = unique_email("ceo-right")
    saved = await admin.submit("/organization/officers/ceo", {
        "name": "Dana Right", "title": "CEO", "email": right})
    assert saved.status_code == 200, saved.text[:400]
    assert f"We emailed a new signing link for the CDC COVID-19 Vaccination Program Provider " \
           f"Agreement to {right}" in saved.text.replace("&#39;", "'"), saved.text[:3000]

    fresh = await system.smtp.one(to=right, subject=SIGNING_SUBJECT)
    assert "Dana Right" in fresh.text
    new_token, = signing_tokens(fresh)
    stale = await sign_token(system, old_token, "ceo")
    assert stale.status_code == 410, stale.text
    # The old link, at the mistyped address, offers no new link: its holder is not the officer,
    # and each press killed the corrected officer's link (the outside check of a new
    # organization's enrollment)
    stranger = browser(system)
    shown = await stranger.get(f"/sign/{old_token}")
    assert shown.status_code == 410, shown.text[:300]
    assert "no longer this officer's" in shown.text.replace("&#39;", "'")
    assert f"/sign/{old_token}/renew" not in shown.text
    pressed = await stranger.submit("/login", {}, action=f"/sign/{old_token}/renew")
    assert pressed.status_code == 410 and "coordinator" not in pressed.text
    assert len(system.smtp.find(to=right, subject=SIGNING_SUBJECT)) == 1
    # the officer's own link, expired: "Email me a new link" speaks of a signing link (it spoke
    # of the coordinator's invitation), and the link goes to the officer on file
    await expire_link(system, SIGNING_PURPOSE, new_token)
    officer = browser(system)
    again = await officer.submit("/login", {}, action=f"/sign/{new_token}/renew")
    assert "We emailed a new signing link to the officer's address" in again.text, again.text
    assert "coordinator" not in again.text
    new_token, = signing_tokens((await system.smtp.wait_for(
        to=right, subject=SIGNING_SUBJECT, count=2))[-1])
    signed = await sign_token(system, new_token, "ceo", name="Dana Right")
    assert signed.status_code == 201, signed.text
    cmo_mail = await system.smtp.one(to=enrollment.cmo_email, subject=SIGNING_SUBJECT)
    for token in signing_tokens(cmo_mail):
        assert (await sign_token(system, token, "cmo")).status_code == 201
    await wait_for_status(system, location_id, "pending_review")
    # Found by the outside check: the correction's audit entry (the officer before and after)
    # made the reviewer's location page a 500, so the location could not be reviewed.
    page = await (await reviewer(system)).get(f"/review/locations/{location_id}")
    assert page.status_code == 200, page.text[:400]
    assert f"Dana Right, CEO, {right}" in page.text
    assert "Officer:" in page.text.replace("&#39;", "'")


async def test_an_unregistered_coordinator_is_corrected_and_invited_again(system):
    enrollment = await start_enrollment(system, ["Wrong Address Clinic", "Registered Clinic"])
    (wrong_email, location_id), (other_email, other_id) = enrollment.locations.items()
    old = await system.smtp.one(to=wrong_email, subject="Primary Vaccine Coordinator")
    old_token = old.link("/invite/").rsplit("/", 1)[1]
    await register_coordinator(system, other_email)

    admin = browser(system)
    await admin.login(enrollment.admin_email)
    dashboard = await admin.get("/organization")
    assert f'href="/organization/locations/{location_id}/coordinator"' in dashboard.text
    assert f'href="/organization/locations/{other_id}/coordinator"' not in dashboard.text
    url = f"/organization/locations/{location_id}/coordinator"
    blank = await admin.submit(url, {"coordinator_first_name": "Val",
                                     "coordinator_last_name": "", "coordinator_email": ""})
    assert blank.status_code == 400 and 'id="coordinator_email-error"' in blank.text
    assert 'value="Val"' in blank.text
    right = unique_email("coord-right")
    saved = await admin.submit(url, {"coordinator_first_name": "Val",
                                     "coordinator_last_name": "Right",
                                     "coordinator_email": right})
    assert "We emailed a new invitation to that address" in saved.text, saved.text[:2000]
    async with system.http() as http:
        assert (await http.get(f"/api/v1/invitations/{old_token}")).status_code == 410
    await register_coordinator(system, right)
    async with system.sessions() as session:
        location = await session.get(Location, location_id)
        assert location.coordinator_email == right and location.coordinator_user_id
    registered = await correct_coordinator(admin, other_id, "X", "Y", unique_email("late"))
    assert registered.status_code == 400 and "has registered" in registered.text


async def test_a_coordinator_corrected_while_officers_sign_sends_them_the_corrected_request(
        system):
    """Found by the outside check of the fixes: the officers' open request shows every location's
    coordinator, so after a coordinator was corrected both officers' links answered 409 ("An
    updated request is on its way") and no updated request ever came: the locations stayed
    waiting for signatures. The correction now re-sends each unsigned request as corrected."""
    enrollment = await start_enrollment(system, ["Open Round Clinic", "Unregistered Clinic"])
    (ready_email, ready_id), (wrong_email, wrong_id) = enrollment.locations.items()
    await complete_location(system, ready_email, ready_id)
    first = {role: signing_tokens(await system.smtp.one(to=address, subject=SIGNING_SUBJECT))
             for role, address in (("ceo", enrollment.ceo_email),
                                   ("cmo", enrollment.cmo_email))}

    admin = browser(system)
    await admin.login(enrollment.admin_email)
    right = unique_email("coord-fixed")
    saved = await correct_coordinator(admin, wrong_id, "Val", "Fixed", right)
    assert saved.status_code == 200, saved.text[:400]
    for role, address in (("ceo", enrollment.ceo_email), ("cmo", enrollment.cmo_email)):
        mails = await system.smtp.wait_for(to=address, subject=SIGNING_SUBJECT, count=2)
        fresh = signing_tokens(mails[-1])
        assert "what you sign changed: the vaccine coordinator of Unregistered Clinic was " \
               "corrected" in " ".join(mails[-1].text.split()), mails[-1].text
        async with system.http() as http:
            shown = (await http.get(f"/api/v1/signing/{fresh[0]}")).text
        assert right in shown and wrong_email not in shown, "the request as corrected"
        for token in first[role]:
            assert (await sign_token(system, token, role)).status_code in (409, 410)
        for token in fresh:
            signed = await sign_token(system, token, role)
            assert signed.status_code == 201, signed.text
    await wait_for_status(system, ready_id, "pending_review")


async def test_the_old_address_cannot_renew_a_corrected_coordinators_invitation(system):
    """Found by the outside check of a new organization's enrollment: the invitation sent to the
    mistyped address (a stranger's) still offered "Email me a new link" after the coordinator
    was corrected; each press killed the right coordinator's link and mailed them another, 3
    times an hour, every hour, and used up the allowance the right coordinator's own asks
    needed."""
    enrollment = await start_enrollment(system, ["Stranger Clinic"])
    (wrong_email, location_id), = enrollment.locations.items()
    old = await system.smtp.one(to=wrong_email, subject="Primary Vaccine Coordinator")
    old_token = old.link("/invite/").rsplit("/", 1)[1]
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    right = unique_email("coord-right")
    await correct_coordinator(admin, location_id, "Val", "Right", right)
    await system.smtp.one(to=right, subject="Primary Vaccine Coordinator")
    stranger = browser(system)
    page = await stranger.get(f"/invite/{old_token}")
    assert page.status_code == 410
    assert "no longer the coordinator of this location" in page.text
    assert f"/invite/{old_token}/renew" not in page.text, "no new link offered"
    async with system.http() as http:
        renewed = await http.post(f"/api/v1/invitations/{old_token}/renew")
    assert renewed.status_code == 410, renewed.text
    # the form of the page before the fix, sent anyway (its token from any page)
    pressed = await stranger.submit("/login", {}, f"/invite/{old_token}/renew")
    assert pressed.status_code == 410
    assert len(system.smtp.find(to=right, subject="Primary Vaccine Coordinator")) == 1
    await register_coordinator(system, right)  # the right coordinator's link still works


async def test_correcting_one_officer_leaves_the_other_officers_links_their_own(system):
    """Found by the outside check: once the CMO's address was corrected, the CEO's own link,
    expired (or replaced), said it 'was sent to an address that is no longer this
    officer's' and offered no new link: the CMO's change was read as the CEO's."""
    signing = await signing_round(system, "Other Officer Clinic")
    enrollment, (ceo_token,) = signing.enrollment, signing.ceo_tokens
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    saved = await admin.submit("/organization/officers/cmo", {
        "name": "Morgan Right", "title": "CMO", "email": unique_email("cmo-right")})
    assert saved.status_code == 200, saved.text[:400]

    await expire_link(system, SIGNING_PURPOSE, ceo_token)
    shown = await browser(system).get(f"/sign/{ceo_token}")
    assert shown.status_code == 410, shown.text[:300]
    assert "no longer this officer's" not in shown.text.replace("&#39;", "'")
    assert "This signing link has expired" in shown.text
    assert f"/sign/{ceo_token}/renew" in shown.text, "the CEO may ask for a new link"


async def test_a_coordinator_corrected_elsewhere_leaves_the_officers_links_as_they_were(system):
    """A coordinator corrected at a location the officers' open request does not cover (added
    after the request went out) changed nothing they sign, yet both officers were emailed new
    links and their first ones died. Now nothing is sent and their links still sign; the
    corrected officer's own email says why it came."""
    signing = await signing_round(system, "First Round Clinic")
    enrollment, (ceo_token,) = signing.enrollment, signing.ceo_tokens
    cmo_token, = signing_tokens(await system.smtp.one(to=enrollment.cmo_email,
                                                      subject=SIGNING_SUBJECT))
    added = await enrollment.admin.post(
        f"/api/v1/organizations/{enrollment.org_id}/locations",
        json=location_body("Later Clinic", unique_email("later")))
    assert added.status_code == 201, added.text
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    saved = await correct_coordinator(admin, added.json()["id"], "Val", "Later",
                                      unique_email("later-right"))
    assert saved.status_code == 200, saved.text[:400]
    retitled = await admin.submit("/organization/officers/cmo", {
        "name": "CMO Person", "title": "Chief Medical Officer", "email": enrollment.cmo_email})
    assert retitled.status_code == 200, retitled.text[:400]
    cmo_mails = await system.smtp.wait_for(to=enrollment.cmo_email, subject=SIGNING_SUBJECT,
                                           count=2)
    assert "what you sign changed: your title in the organization's records was corrected" \
        in " ".join(cmo_mails[-1].text.split()), cmo_mails[-1].text
    await asyncio.sleep(2)  # an email to the CEO, if any, arrives within this
    assert len(system.smtp.find(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)) == 1
    assert (await sign_token(system, ceo_token, "ceo")).status_code == 201
    assert (await sign_token(system, cmo_token, "cmo")).status_code in (409, 410)
    for token in signing_tokens(cmo_mails[-1]):
        assert (await sign_token(system, token, "cmo")).status_code == 201
    await wait_for_status(system, signing.location_id, "pending_review")
