"""Section B's pages as the coordinator uses them: nothing typed is lost, mistakes are named
on their field, on the step's page, all at once."""

import re

from sqlmodel import func, select

from models.enrollment import PracticingProvider, StorageUnit
from tests.support.enrollment import (
    STEP_BODIES,
    coordinator_in_browser,
    fill_section_b,
    photo,
    refused_step,
    register_coordinator,
    start_enrollment,
)
from tests.support.web import PASSWORD, browser


async def units(system, location_id: int) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(StorageUnit).where(
            StorageUnit.location_id == location_id))).one()


async def coordinator_both_ways(system, name: str):
    """A new location's coordinator, registered: (their API client, their browser signed in,
    the location's id)."""
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    person = browser(system)
    await person.login(email)
    return coordinator, person, location_id


async def test_a_storage_unit_typed_then_next_is_added_not_lost(system):
    """Found by the outside check: a storage unit typed whole (brand, model, type, both photos)
    was thrown away when the person pressed Next instead of "Add storage unit"."""
    person, location_id = await coordinator_in_browser(system, "Typed Unit Clinic")
    url = f"/locations/{location_id}/section-b/storage"
    photos = {"inside_photo": ("in.jpg", photo(), "image/jpeg"),
              "outside_photo": ("out.jpg", photo("white"), "image/jpeg")}
    half = await person.submit(url, {"brand": "Helmer", "model": "", "unit_type": "freezer",
                                     "action": "next"}, files=photos)
    assert half.status_code == 422, half.text[:300]
    assert "You typed a storage unit but did not add it" in half.text
    assert 'value="Helmer"' in half.text and 'id="model-error"' in half.text
    assert "We kept the photo you uploaded (in.jpg)" in half.text
    assert await units(system, location_id) == 0
    onward = await person.submit(url, {"brand": "Helmer", "model": "HPR105",
                                       "unit_type": "refrigerator", "action": "next"},
                                 files=photos)
    assert onward.status_code == 200 and "Step 8 of 12" in onward.text, onward.text[:500]
    assert await units(system, location_id) == 1


async def test_a_provider_typed_then_next_is_created_not_lost(system):
    """As a storage unit: a provider typed on step 8 was thrown away when the person pressed
    Next instead of "Create provider", and the 25-or-more choice was forgotten unless saved
    with its own button (they were separate forms)."""
    person, location_id = await coordinator_in_browser(system, "Typed Provider Clinic")
    url = f"/locations/{location_id}/section-b/providers"
    half = await person.submit(url, {"first_name": "Ana", "last_name": "", "license_type": "MD",
                                     "license_number": "MD-1", "action": "next"})
    assert half.status_code == 422, half.text[:300]
    assert "You typed a practicing provider but did not create them" in half.text
    assert 'value="Ana"' in half.text and 'id="last_name-error"' in half.text
    onward = await person.submit(url, {"first_name": "Ana", "last_name": "Lopez",
                                       "license_type": "MD", "license_number": "MD-1",
                                       "action": "next"})
    assert onward.status_code == 200 and "Step 9 of 12" in onward.text, onward.text[:500]
    async with system.sessions() as session:
        names = (await session.exec(select(PracticingProvider.last_name).where(
            PracticingProvider.location_id == location_id))).all()
    assert names == ["Lopez"]
    chosen = await person.submit(url, {"bulk_choice_shown": "yes", "bulk_upload_planned": "yes",
                                       "action": "pause"})  # as a browser sends the form
    assert chosen.status_code == 200
    assert re.search(r'id="bulk_upload_planned"[^>]*checked', (await person.get(url)).text)


async def test_a_provider_listed_twice_is_named_on_the_license_number_with_the_form_kept(system):
    """Found by the outside check: the same provider again on step 8 answered a bare 409 page
    ("…already listed with licence… Go back with your browser's Back button"), and editing a
    provider on step 9 into another's license was saved."""
    person, location_id = await coordinator_in_browser(system, "Twin Provider Clinic")
    url = f"/locations/{location_id}/section-b/providers"
    pat = {"action": "create", "first_name": "Pat", "middle_initial": "Q",
           "last_name": "Duplicate", "license_type": "PA", "license_number": "PA-555"}
    assert "Pat Duplicate was added" in (await person.submit(url, pat)).text
    # the same provider again, as typed (Create pressed twice, an old tab): already listed,
    # said on the step (tests/test_browser_section_b_old_tabs.py); another name with the
    # license is the mistake, named on its field
    same = await person.submit(url, pat)
    assert same.status_code == 200 and "Pat Q. Duplicate is already listed, with license PA " \
        "PA-555." in same.text and 'value="Duplicate"' not in same.text
    again = await person.submit(url, {**pat, "first_name": "Patsy"})
    assert again.status_code == 409, again.text[:300]
    assert 'id="license_number-error"' in again.text and "Back button" not in again.text
    assert "already listed with license PA PA-555" in again.text
    assert 'value="Patsy"' in again.text and "Step 8 of 12" in again.text
    assert "licence" not in again.text.lower()
    other = {**pat, "first_name": "Lee", "license_number": "PA-777"}
    assert "Lee Duplicate was added" in (await person.submit(url, other)).text
    edit_page = await person.get(f"/locations/{location_id}/section-b/edit_providers")
    lee_edit = re.search(r'href="([^"]+/edit)">Edit Lee', edit_page.text)[1]
    into_twin = await person.submit(lee_edit, {**other, "license_number": "pa555"})
    assert into_twin.status_code == 400, into_twin.text[:300]
    assert 'id="license_number-error"' in into_twin.text and 'value="pa555"' in into_twin.text
    assert "already listed with license PA PA-555" in into_twin.text
    kept = await person.submit(lee_edit, {**other, "middle_initial": "R"})
    assert "The provider is saved" in kept.text


async def test_every_mistake_on_a_step_is_named_at_once(system):
    """Found by the outside check: rules between fields (an address asked for by "differs =
    Yes", a number and Unknown both, the typed name of a signature) were said only once every
    field passed, so a page took several submissions to show all its mistakes."""
    coordinator, person, location_id = await coordinator_both_ways(system, "All At Once Clinic")
    base = f"/locations/{location_id}/section-b"
    step2 = await person.submit(f"{base}/location", {
        **STEP_BODIES["location"], "shipping_zip": "123", "admin_address_differs": "yes",
        "other_org_orders": "yes", "action": "next"})
    assert refused_step(step2)
    for field in ("shipping_zip", "admin_street", "admin_city", "admin_zip",
                  "ordering_organization"):
        assert f'id="{field}-error"' in step2.text, field
    profile = {k: v for k, v in STEP_BODIES["provider"].items() if k != "provider_type"}
    step5 = await person.submit(f"{base}/provider", {
        **profile, "age_0_18_unknown": "true", "action": "next"})
    assert refused_step(step5)
    assert 'id="provider_type-error"' in step5.text
    assert "Enter the number or choose Unknown, not both." in step5.text

    await fill_section_b(coordinator, location_id)
    step11 = await person.submit(f"{base}/agreement", {
        "method": "typed", "typed_name": "", "action": "sign"})
    assert step11.status_code == 422, step11.text[:300]
    assert "Type your full name to sign." in step11.text and 'id="consent-error"' in step11.text


async def test_the_error_summary_names_each_field_as_the_page_shows_it(system):
    """Found by the outside check: the summary said "Email:" and "Phone:" for the backup
    coordinator's, the administration address read as the shipping one, "First name:" for a
    step with no provider, nothing for step 6's capacity, and step 4's "between 00:00 and
    12:00" where the morning's times start at 06:00."""
    person, location_id = await coordinator_in_browser(system, "Summary Clinic")
    base = f"/locations/{location_id}/section-b"
    step2 = await person.submit(f"{base}/location", {
        **STEP_BODIES["location"], "shipping_zip": "1", "admin_address_differs": "yes",
        "action": "next"})
    assert 'href="#shipping_zip">Shipping ZIP code:' in step2.text
    assert 'href="#admin_zip">ZIP code where vaccine is administered:' in step2.text
    step3 = await person.submit(f"{base}/coordinators", {
        **STEP_BODIES["coordinators"], "backup_email": "x", "backup_phone": "1",
        "action": "next"})
    assert 'href="#backup_email">Backup coordinator&#39;s email:' in step3.text
    assert 'href="#backup_phone">Backup coordinator&#39;s phone:' in step3.text
    step4 = await person.submit(f"{base}/availability", {
        "mon_am_from": "11:00", "mon_am_to": "10:00", "action": "next"})
    assert "both no later than 12:00" in step4.text and "00:00" not in step4.text
    step6 = await person.submit(f"{base}/population", {
        **STEP_BODIES["population"], "no_capacity": "true", "action": "next"})
    assert 'href="#no_capacity">Storage capacity: Choose No capacity' in step6.text
    assert 'id="no_capacity-error"' in step6.text
    step8 = await person.submit(f"{base}/providers", {"action": "next"})
    assert 'href="#providers">Practicing providers: Add at least one' in step8.text
    assert "First name:" not in step8.text


async def test_signing_pages_storage_removal_and_reactivation(system):
    """Found by the outside check: step 12's "Before you can sign" left out step 11; step 11's
    review had neither the location's name nor the units' photos; a storage unit's "Remove"
    removed it at once; a deactivated provider could only be created again (listed twice)."""
    coordinator, person, location_id = await coordinator_both_ways(system, "Review Clinic")
    base = f"/locations/{location_id}/section-b"
    before = (await person.get(f"{base}/attestation")).text
    assert "Step 11: review Section B and sign the provider agreement." in before
    await fill_section_b(coordinator, location_id)
    review = (await person.get(f"{base}/agreement")).text
    assert "<dt>Location name</dt><dd>Review Clinic</dd>" in review
    assert 'alt="Inside of Helmer HPR105"' in review and 'alt="Outside of Helmer HPR105"' in review

    storage = (await person.get(f"{base}/storage")).text
    unit_id = re.search(r'value="remove-(\d+)">Remove Helmer HPR105<', storage)[1]
    asked = await person.submit(f"{base}/storage", {"action": f"remove-{unit_id}"})
    assert "Yes, remove Helmer HPR105" in asked.text and await units(system, location_id) == 1
    removed = await person.submit(f"{base}/storage", {"action": f"confirm-remove-{unit_id}"})
    assert "The storage unit was removed" in removed.text
    assert await units(system, location_id) == 0

    page = (await person.get(f"{base}/deactivate_providers")).text
    provider_id = re.search(r'id="provider-(\d+)" name="provider_ids\[\]"', page)[1]
    await person.submit(f"{base}/deactivate_providers", {
        "action": "deactivate", "provider_ids[]": provider_id})
    back = await person.submit(f"{base}/deactivate_providers",
                               {"action": f"reactivate-{provider_id}"})
    assert "Pat Q. Provider is active again" in back.text
    await person.submit(f"{base}/deactivate_providers", {
        "action": "deactivate", "provider_ids[]": provider_id})
    await person.submit(f"{base}/providers", {
        "action": "create", "first_name": "Pat", "last_name": "Again", "license_type": "MD",
        "license_number": "MD-1000"})
    twin = await person.submit(f"{base}/deactivate_providers",
                               {"action": f"reactivate-{provider_id}"})
    assert twin.status_code == 409 and "already listed with license MD MD-1000" in twin.text


async def test_the_dashboard_shows_the_name_the_coordinator_registered_with(system):
    enrollment = await start_enrollment(system, ["Renamed Clinic"])
    (email, _location_id), = enrollment.locations.items()
    mail = await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    token = mail.link("/invite/").rsplit("/", 1)[1]
    async with system.http() as http:
        registered = await http.post(f"/api/v1/invitations/{token}/register", json={
            "first_name": "Víctor", "last_name": "Núñez", "password": PASSWORD,
            "password_confirm": PASSWORD})
    assert registered.status_code == 201, registered.text
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    dashboard = (await admin.get("/organization")).text
    assert "Víctor Núñez" in dashboard and "Renamed Coordinator" not in dashboard


async def test_step_6_says_each_vial_count_is_needed_before_it_is_refused(system):
    """Found by the outside check: step 6 never said each vial count was needed (0 where none),
    then refused an empty one with "... or choose No capacity", a sentence with no full stop."""
    person, location_id = await coordinator_in_browser(system, "Capacity Clinic")
    url = f"/locations/{location_id}/section-b/population"
    shown = await person.get(url)
    hint = "Enter a number for each kind of storage, 0 for a kind you do not have"
    assert hint in shown.text
    assert re.search(r'<fieldset class="usa-fieldset" aria-describedby="capacity-hint"', shown.text)
    step6 = await person.submit(url, {
        **STEP_BODIES["population"], "ultra_cold_vials": "", "action": "next"})
    assert refused_step(step6)
    assert ("Enter the vials you can store of this kind, or enter 0 if this location has "
            "none." in step6.text)
    assert hint in step6.text


async def test_a_providers_name_is_letters_as_on_the_license(system):
    """Found by the outside check: step 8 took `<b>Ana</b> 💉` as a provider's first name,
    though the page asks for each name exactly as on the medical license."""
    person, location_id = await coordinator_in_browser(system, "License Name Clinic")
    url = f"/locations/{location_id}/section-b/providers"
    ana = {"action": "create", "first_name": "<b>Ana</b> 💉", "middle_initial": "Z",
           "last_name": "García-López", "license_type": "MD", "license_number": "2019-01234"}
    refused = await person.submit(url, ana)
    assert refused.status_code == 422 and 'id="first_name-error"' in refused.text
    assert "Write the name with letters only" in refused.text
    assert 'value="&lt;b&gt;Ana&lt;/b&gt; 💉"' in refused.text and 'value="García-López"' in \
        refused.text
    added = await person.submit(url, {**ana, "first_name": "Ana-Sofía O'Brien St. Clair",
                                      "middle_initial": "É"})
    assert "Ana-Sofía O&#39;Brien St. Clair É. García-López was added" in added.text \
        or "Ana-Sofía O&#39;Brien St. Clair García-López was added" in added.text, \
        added.text[:400]
    initial = await person.submit(url, {**ana, "first_name": "Bea", "middle_initial": "4"})
    assert initial.status_code == 422 and 'id="middle_initial-error"' in initial.text


async def test_a_provider_the_location_does_not_list_is_not_found_and_not_changed(system):
    """A provider's edit form at a location that does not list that provider (another
    location's, in a hand-edited address) is not found, shown or sent: sending it answered a
    server error (found by posting every page's form as no browser would)."""
    owner, owner_location = await coordinator_in_browser(system, "Listed Provider Clinic")
    pat = {"action": "create", "first_name": "Pat", "last_name": "Listed",
           "license_type": "PA", "license_number": "PA-4040"}
    assert "Pat Listed was added" in (await owner.submit(
        f"/locations/{owner_location}/section-b/providers", pat)).text
    async with system.sessions() as session:
        provider_id = (await session.exec(select(PracticingProvider.id).where(
            PracticingProvider.location_id == owner_location))).one()
    other, other_location = await coordinator_in_browser(system, "Unlisted Provider Clinic")
    url = f"/locations/{other_location}/section-b/providers/{provider_id}/edit"
    shown = await other.get(url)
    assert shown.status_code == 404 and "not listed at this location" in shown.text
    sent = await other.submit(f"/locations/{other_location}/section-b/edit_providers",
                              {**pat, "last_name": "Changed"}, action=url)
    assert sent.status_code == 404, sent.text[:300]
    assert "not listed at this location" in sent.text
    async with system.sessions() as session:
        provider = await session.get(PracticingProvider, provider_id)
    assert provider.last_name == "Listed"


async def test_a_storage_units_wrong_photo_is_replaced_on_its_own_until_submission(system):
    """A wrong photo of a storage unit could only be changed by removing the unit and adding
    it again. It is replaced on its own now (page and API), checked as a new unit's photos
    are, the unit's brand, model, type and other photo kept; not at another location's unit,
    and not once Section B is submitted."""
    from tests.support.enrollment import add_storage_unit, sign_and_submit

    coordinator, person, location_id = await coordinator_both_ways(system, "Photo Clinic")
    added = await add_storage_unit(coordinator, location_id, photo(), photo("white"))
    assert added.status_code == 201, added.text
    unit = added.json()
    base = f"/locations/{location_id}/section-b"
    url = f"{base}/storage-units/{unit['id']}/photos"
    assert f'href="{url}"' in (await person.get(f"{base}/storage")).text
    assert "Replace a photo of Helmer HPR105" in (await person.get(url)).text
    nothing = await person.submit(url, {})
    assert nothing.status_code == 400 and "Choose the new photo" in nothing.text
    pdf = {"inside_photo": ("scan.pdf", b"%PDF-1.4 not a photo", "application/pdf")}
    refused = await person.submit(url, {}, files=pdf)
    assert refused.status_code == 400 and 'id="inside_photo-error"' in refused.text
    assert "scan.pdf is not a picture we can read" in refused.text, refused.text
    replaced = await person.submit(url, {}, files={
        "inside_photo": ("new.jpg", photo("gray"), "image/jpeg")})
    assert replaced.status_code == 200 and str(replaced.url).endswith(f"{base}/storage")
    assert "The inside photo of Helmer HPR105 was replaced." in replaced.text
    async with system.sessions() as session:
        stored = await session.get(StorageUnit, unit["id"])
    assert stored.inside_photo_id != unit["inside_photo_id"]
    assert stored.outside_photo_id == unit["outside_photo_id"]
    assert (stored.brand, stored.model, stored.unit_type) == ("Helmer", "HPR105", "refrigerator")
    assert await units(system, location_id) == 1

    api = f"/api/v1/locations/{location_id}/storage-units/{unit['id']}/photos"
    empty = await coordinator.post(api, files={})
    assert empty.status_code == 422 and "inside_photo" in empty.json()["errors"], empty.text
    outside = await coordinator.post(api, files={
        "outside_photo": ("out.png", photo("black"), "image/jpeg")})
    assert outside.status_code == 200, outside.text
    assert outside.json()["outside_photo_id"] != unit["outside_photo_id"]
    assert outside.json()["inside_photo_id"] == stored.inside_photo_id

    other, other_person, other_location = await coordinator_both_ways(system, "Other Clinic")
    theirs = f"/locations/{other_location}/section-b/storage-units/{unit['id']}/photos"
    assert (await other_person.get(theirs)).status_code == 404
    assert (await other.post(f"/api/v1/locations/{other_location}/storage-units/"
                             f"{unit['id']}/photos", files={
        "inside_photo": ("x.jpg", photo(), "image/jpeg")})).status_code == 404
    assert (await other.post(api, files={
        "inside_photo": ("x.jpg", photo(), "image/jpeg")})).status_code in (403, 404)

    await fill_section_b(coordinator, location_id)
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    late = await coordinator.post(api, files={"inside_photo": ("x.jpg", photo(), "image/jpeg")})
    assert late.status_code == 409, late.text
    shown = await person.get(url)
    assert "Section B is submitted and can no longer be changed." in shown.text


async def test_a_list_of_boxes_with_none_ticked_says_choose_at_least_one(system):
    """Populations served and the settings, none ticked (a form sends nothing for them), said
    "This field is required." under "(all that apply)" (the outside check of a new
    organization); they say "Choose at least one.", the rest kept."""
    person, location_id = await coordinator_in_browser(system, "None Ticked Clinic")
    base = f"/locations/{location_id}/section-b"
    step6 = await person.submit(f"{base}/population", {
        **{k: v for k, v in STEP_BODIES["population"].items() if k != "populations"},
        "action": "next"})
    assert refused_step(step6)
    assert re.search(r'id="populations-error"[^>]*>\s*(<span[^>]*>[^<]*</span>)?\s*'
                     r'Choose at least one\.', step6.text), step6.text[:200]
    assert 'value="NCIR-12345"' in step6.text
    step5 = await person.submit(f"{base}/provider", {
        **{k: v for k, v in STEP_BODIES["provider"].items() if k != "settings"},
        "action": "next"})
    assert refused_step(step5)
    assert "This field is required." not in step5.text
    assert "Choose at least one." in step5.text


async def test_the_ordering_organizations_name_is_a_name_not_markup(system):
    """Step 2's "another organization orders for this location" took "<b>Org</b>" as the
    ordering organization's name, where every other organization's or location's name refuses
    < and >; now it is refused on its field, what was typed kept, and a name with its
    punctuation and spacing tidied is taken."""
    coordinator, person, location_id = await coordinator_both_ways(system, "Ordered For Clinic")
    url = f"/locations/{location_id}/section-b/location"
    body = {**STEP_BODIES["location"], "other_org_orders": "yes", "action": "next"}
    refused = await person.submit(url, {**body, "ordering_organization": "<b>Org</b> Health"})
    assert refused_step(refused)
    assert 'id="ordering_organization-error"' in refused.text
    assert "without &lt; or &gt;" in refused.text and "&lt;b&gt;Org&lt;/b&gt; Health" in refused.text
    taken = await person.submit(url, {**body,
                                      "ordering_organization": "  St. Mary's   #2 (Main) "})
    assert not refused_step(taken), taken.text[:400]
    step = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()
    assert step["steps"]["location"]["ordering_organization"] == "St. Mary's #2 (Main)"
