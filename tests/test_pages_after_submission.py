"""Pages that stay open after Section B: providers, a new storage unit, corrected org details."""

from tests.support.enrollment import (
    ORG_DETAILS,
    complete_location,
    coordinator_in_browser,
    location_body,
    photo,
    start_enrollment,
)
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.support.web import browser


async def test_after_submission_only_providers_storage_and_details_stay_open(system):
    enrollment = await start_enrollment(system, ["After Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    person = browser(system)
    await person.login(email)
    base = f"/locations/{location_id}/section-b"
    closed = await person.get(f"{base}/availability")
    assert "Section B is submitted and can no longer be changed" in closed.text
    providers = await person.get(f"{base}/providers")
    assert "You can still update the practicing providers" in providers.text
    added = await person.submit(f"{base}/providers", {
        "action": "create", "first_name": "Nia", "last_name": "Late", "license_type": "PA",
        "license_number": "PA-4242"})
    assert "Nia Late was added" in added.text
    assert (await person.get(f"{base}/storage")).text.count("can no longer be changed") == 1

    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "approve")).status_code == 200
    await wait_for_status(system, location_id, "approved")
    storage = await person.submit(f"{base}/storage", {
        "action": "add", "brand": "Extra", "model": "X1", "unit_type": "freezer"},
        files={"inside_photo": ("in.jpg", photo(), "image/jpeg"),
               "outside_photo": ("out.jpg", photo("white"), "image/jpeg")})
    assert "sent to the Immunization Branch for review" in storage.text

    admin = browser(system)
    await admin.login(enrollment.admin_email)
    corrected = await admin.submit("/organization/details", {
        **{k: v for k, v in ORG_DETAILS.items() if k != "redistribution_participant"},
        "redistribution_participant": "false", "phone": "919-555-7777"})
    assert "details are saved" in corrected.text
    invalid = await admin.submit("/organization/details", {**ORG_DETAILS, "zip_code": "ABC"})
    assert invalid.status_code == 400 and "5-digit ZIP code" in invalid.text


async def test_step_2_starts_with_the_address_from_section_a_until_saved(system):
    """The shipping address is typed once: step 2 opens with the location's address from
    Section A (and says so); once the step is saved, what was saved is shown."""
    person, location_id = await coordinator_in_browser(system, "Prefill Clinic")
    url = f"/locations/{location_id}/section-b/location"
    first = await person.get(url)
    assert 'id="shipping_street" name="shipping_street" type="text"\n    value="100 Main St"' in \
        first.text and 'value="27601"' in first.text
    assert "address from Section A" in first.text
    saved = await person.submit(url, {
        "shipping_street": "7 Dock Rd", "shipping_city": "Cary", "shipping_state": "NC",
        "shipping_zip": "27511", "admin_address_differs": "no", "other_org_orders": "no",
        "action": "pause"})
    assert saved.status_code == 200 and "Section B is saved" in saved.text, saved.text[:300]
    again = await person.get(url)
    assert 'value="7 Dock Rd"' in again.text and 'value="27511"' in again.text
    assert "address from Section A" not in again.text


async def test_another_organizations_location_is_not_found_as_one_that_does_not_exist(system):
    """Found by the outside check: another organization's administrator was refused with 403
    ("Only the location's Primary Vaccine Coordinator…") where a made-up id was 404, which
    told them the location exists."""
    from tests.support.accounts import register_org_admin

    _person, location_id = await coordinator_in_browser(system, "Other Org Clinic")
    stranger = browser(system)
    await stranger.login(await register_org_admin(system))
    for url in (f"/locations/{location_id}/section-b/location",
                "/locations/99999999/section-b/location"):
        page = await stranger.get(url)
        assert page.status_code == 404 and "Primary Vaccine Coordinator" not in page.text, url


async def test_a_location_added_after_section_a_keeps_what_was_typed_on_a_mistake(system):
    """The dashboard's "Add a location": a mistake (an empty form, a four-digit ZIP) answered
    500 and lost what was typed; the same location again answered a bare 409 page. Each is now
    named on its field, on the dashboard, with the form open and filled as typed."""
    enrollment = await start_enrollment(system, ["Later Clinic"])
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    typed = {**location_body("Eastside Pharmacy", "vc-east@example.org"), "zip_code": "2758"}
    wrong = await admin.submit("/organization", typed, action="/organization/locations")
    assert wrong.status_code == 400, wrong.text
    assert 'id="zip_code-error"' in wrong.text and 'value="Eastside Pharmacy"' in wrong.text
    assert 'value="vc-east@example.org"' in wrong.text and 'aria-expanded="true"' in wrong.text
    empty = await admin.submit("/organization", {}, action="/organization/locations")
    assert empty.status_code == 400 and 'id="name-error"' in empty.text
    again = await admin.submit("/organization", location_body("Later Clinic", "x@example.org"),
                               action="/organization/locations")
    assert again.status_code == 400 and 'id="name-error"' in again.text
    assert "is already one of your locations" in again.text
    assert 'value="x@example.org"' in again.text
    added = await admin.submit("/organization", {**typed, "zip_code": "27587"},
                               action="/organization/locations")
    assert "Eastside Pharmacy is added and its coordinator invited" in added.text
