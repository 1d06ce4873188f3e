"""After Section A the administrator corrects an officer or a coordinator not yet registered:
the signing link, or the invitation, goes to the corrected address and the old one dies."""

from models.enrollment import Location
from tests.support.enrollment import complete_location, register_coordinator, start_enrollment
from tests.support.review import SIGNING_SUBJECT, sign_token, signing_tokens, wait_for_status
from tests.support.web import browser, unique_email


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
    signed = await sign_token(system, new_token, "ceo", name="Dana Right")
    assert signed.status_code == 201, signed.text
    cmo_mail = await system.smtp.one(to=enrollment.cmo_email, subject=SIGNING_SUBJECT)
    for token in signing_tokens(cmo_mail):
        assert (await sign_token(system, token, "cmo")).status_code == 201
    await wait_for_status(system, location_id, "pending_review")


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
    registered = await admin.submit(f"/organization/locations/{other_id}/coordinator", {
        "coordinator_first_name": "X", "coordinator_last_name": "Y",
        "coordinator_email": unique_email("late")})
    assert registered.status_code == 400 and "has registered" in registered.text
