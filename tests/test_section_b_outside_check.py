"""Found by an outside check of Section B in Chromium: a typed signature and the backup
coordinator's name took `<script>alert(1)</script>` (names are letters elsewhere); the license
number's message repeated what was typed instead of its rule; a storage unit's photo chosen empty
or as a PDF was asked for as if none had been chosen; step 11 read "Before you can sign Step 8:
..." and listed no provider at all when every one was deactivated; an empty typed name's error
was the signature's fieldset's, not its input's."""

import re

from sqlmodel import select

from models.signatures import Signature
from tests.support.accounts import register_org_admin
from tests.support.enrollment import (
    ORG_DETAILS,
    STEP_BODIES,
    fill_section_b,
    indicator_says,
    refused_step,
)
from tests.support.review import ceo_signing_token, sign_token
from tests.support.web import browser
from tests.test_section_b_pages import coordinator_both_ways

SCRIPT = "<script>alert(1)</script>"
LETTERS_ONLY = "Write the name with letters only"


def input_tag(html: str, field_id: str) -> str:
    return re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)[0]


async def signatures(system, location_id: int) -> list[Signature]:
    async with system.sessions() as session:
        return list((await session.exec(select(Signature).where(
            Signature.location_id == location_id))).all())


async def test_a_typed_signature_is_a_persons_name(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Typed Sign Clinic")
    await fill_section_b(coordinator, location_id)
    base = f"/locations/{location_id}/section-b"
    refused = await person.submit(f"{base}/agreement", {
        "method": "typed", "typed_name": SCRIPT, "consent": "yes", "action": "sign"})
    assert refused.status_code == 422, refused.text[:300]
    assert 'id="typed_name-error">' + LETTERS_ONLY in refused.text
    name_input = input_tag(refused.text, "typed_name")
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in name_input  # kept as typed
    assert 'aria-invalid="true"' in name_input and 'aria-describedby="typed_name-error"' in \
        name_input
    assert 'href="#typed_name">Full name, as your signature:' in refused.text
    assert await signatures(system, location_id) == []
    api = await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement",
        json={"method": "typed", "typed_name": "Casey 2 💉", "consent": True})
    assert api.status_code == 422 and LETTERS_ONLY in api.json()["errors"]["typed_name"]
    # a name other than the account's is a signature all the same
    signed = await person.submit(f"{base}/agreement", {
        "method": "typed", "typed_name": "José O'Neil-Smith", "consent": "yes",
        "action": "sign"})
    assert "The provider agreement is signed" in signed.text, signed.text[:300]
    assert [s.typed_name for s in await signatures(system, location_id)] == \
        ["José O'Neil-Smith"]


async def test_an_officers_typed_signature_is_a_persons_name(system):
    token = await ceo_signing_token(system, "Officer Name Clinic")
    refused = await sign_token(system, token, "ceo", name=SCRIPT)
    assert refused.status_code == 422 and LETTERS_ONLY in refused.json()["errors"]["typed_name"]
    assert (await sign_token(system, token, "ceo", name="Dana Q. Right")).status_code == 201


async def test_an_empty_typed_name_is_named_on_its_input(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Empty Name Clinic")
    await fill_section_b(coordinator, location_id)
    refused = await person.submit(f"/locations/{location_id}/section-b/agreement", {
        "method": "typed", "typed_name": "", "consent": "yes", "action": "sign"})
    assert refused.status_code == 422
    assert 'href="#typed_name">Full name, as your signature: Type your full name to sign.' in \
        refused.text
    assert 'href="#method-typed"' not in refused.text
    name_input = input_tag(refused.text, "typed_name")
    assert 'aria-invalid="true"' in name_input and "typed_name-error" in name_input


async def test_the_backup_coordinators_name_is_a_persons_name(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Backup Name Clinic")
    url = f"/locations/{location_id}/section-b/coordinators"
    refused = await person.submit(url, {**STEP_BODIES["coordinators"], "backup_first_name": SCRIPT,
                                        "backup_last_name": "Backup 2", "action": "next"})
    assert refused_step(refused), refused.text[:300]
    for field in ("backup_first_name", "backup_last_name"):
        assert f'id="{field}-error">{LETTERS_ONLY}' in refused.text, field
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in refused.text
    api = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/coordinators",
                                json={**STEP_BODIES["coordinators"], "backup_first_name": SCRIPT})
    assert api.status_code == 422 and LETTERS_ONLY in api.json()["errors"]["backup_first_name"]
    kept = await person.submit(url, {**STEP_BODIES["coordinators"],
                                     "backup_first_name": "Zoë-Anne", "action": "next"})
    assert "Step 4 of 12" in kept.text, kept.text[:300]


async def test_the_license_numbers_message_says_its_rule(system):
    _coordinator, person, location_id = await coordinator_both_ways(system, "License Clinic")
    refused = await person.submit(f"/locations/{location_id}/section-b/providers", {
        "action": "create", "first_name": "Ann", "last_name": "Osteo", "license_type": "DO",
        "license_number": "DO 4455"})
    assert refused.status_code == 422
    assert ('id="license_number-error">Enter the license number as it appears on the license: '
            '3 to 40 letters, digits or hyphens, without spaces.') in refused.text


async def test_a_photo_that_is_empty_or_not_a_picture_is_named(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Photo Clinic")
    url = f"/locations/{location_id}/section-b/storage"
    refused = await person.submit(url, {"brand": "Helmer", "model": "HPR105",
                                        "unit_type": "freezer", "action": "add"}, files={
        "inside_photo": ("inside.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        "outside_photo": ("x.jpg", b"", "image/jpeg")})
    assert refused.status_code == 422
    assert ('id="inside_photo-error">inside.pdf is not a picture we can read: upload a JPEG or '
            'PNG photo') in refused.text
    assert 'id="outside_photo-error">x.jpg is empty (0 bytes)' in refused.text
    for name in ("inside_photo", "outside_photo"):
        tag = input_tag(refused.text, name)
        assert 'aria-invalid="true"' in tag and f"{name}-error" in tag, tag
        assert "accept=" not in tag  # USWDS's file input dropped a PDF before it was sent
    api = await coordinator.post(f"/api/v1/locations/{location_id}/storage-units",
                                 data={"brand": "Helmer", "model": "HPR105",
                                       "unit_type": "freezer"},
                                 files={"inside_photo": ("in.jpg", b"", "image/jpeg")})
    assert api.status_code == 422
    assert api.json()["errors"]["inside_photo"].startswith("in.jpg is empty (0 bytes)")
    # one too large is named as well (found by a later outside check: it said "This photo")
    large = await coordinator.post(f"/api/v1/locations/{location_id}/storage-units",
                                   data={"brand": "Helmer", "model": "HPR105",
                                         "unit_type": "freezer"},
                                   files={"inside_photo": ("big.jpg", b"\xff" * (10 * 2**20 + 1),
                                                           "image/jpeg")})
    assert large.status_code == 422
    assert large.json()["errors"]["inside_photo"] == (
        "big.jpg is larger than 10 MB: upload a smaller photo of the storage unit.")
    # no file chosen at all is still asked for
    none = await person.submit(url, {"brand": "Helmer", "model": "HPR105",
                                     "unit_type": "freezer", "action": "add"},
                               files={"inside_photo": ("", b"", "application/octet-stream")})
    assert "Upload a photo of the inside of the storage unit." in none.text


async def test_step_11_with_every_provider_deactivated(system):
    coordinator, person, location_id = await coordinator_both_ways(system, "Inactive Clinic")
    await fill_section_b(coordinator, location_id, providers=2)
    providers = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()[
        "providers"]
    deactivated = await coordinator.post(
        f"/api/v1/locations/{location_id}/providers/deactivate",
        json={"provider_ids": [p["id"] for p in providers]})
    assert deactivated.status_code == 200, deactivated.text
    page = (await person.get(f"/locations/{location_id}/section-b/agreement")).text
    assert "Before you can sign, finish these steps" in page
    assert "<li>None active (2 deactivated)</li>" in page


async def test_the_backup_coordinator_is_another_person(system):
    """Found by the outside check of a new organization's enrollment: step 3 took the
    coordinator's own email address (in capitals) as the backup's, so the attestation signed
    "on behalf of myself and the backup vaccine coordinator" named one person twice."""
    coordinator, person, location_id = await coordinator_both_ways(system, "Backup Twin Clinic")
    me = (await coordinator.get("/api/v1/me")).json()["email"]
    body = {**STEP_BODIES["coordinators"], "backup_email": me.upper()}
    base = f"/locations/{location_id}/section-b"
    refused = await person.submit(f"{base}/coordinators", {**body, "action": "next"})
    assert refused_step(refused), refused.text[:300]
    assert 'id="backup_email-error">' in refused.text
    assert "another person" in refused.text
    assert f'value="{me.upper()}"' in refused.text  # kept as typed
    api = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/coordinators",
                                json=body)
    assert api.status_code == 422 and "another person" in api.json()["errors"]["backup_email"]
    await fill_section_b(coordinator, location_id)  # the backup's own address: taken
    assert (await person.submit(f"{base}/coordinators", {**body, "action": "pause"})).is_success
    sign = await coordinator.post(
        f"/api/v1/locations/{location_id}/section-b/signatures/provider_agreement",
        json={"method": "typed", "typed_name": "Casey Coordinator", "consent": True})
    assert sign.status_code == 422 and "another person" in sign.text, sign.text


async def test_the_step_indicator_says_which_steps_are_done(system):
    """Found by the outside check: step 12 opened from its address, with the provider agreement
    not signed, told a screen reader "Step 11 completed" (every step before the page's was),
    and step 7 opened first said steps 2 to 6 were completed."""
    coordinator, person, location_id = await coordinator_both_ways(system, "Indicator Clinic")
    base = f"/locations/{location_id}/section-b"
    storage = indicator_says((await person.get(f"{base}/storage")).text)
    assert storage[1] == "completed"  # registering
    assert all(storage[n] == "not completed" for n in range(2, 7)), storage
    await fill_section_b(coordinator, location_id)
    attestation = indicator_says((await person.get(f"{base}/attestation")).text)
    assert all(attestation[n] == "completed" for n in range(1, 11)), attestation
    assert attestation[11] == "not completed" and attestation[12] == ""


async def test_an_officer_is_told_what_to_do_when_something_is_wrong(system):
    """Found by the outside check: the officer's signing page, showing the organization's and
    its locations' data to sign for, offered only "Adopt and use, and sign": an officer who saw
    a wrong address or coordinator was not told how to have it corrected instead."""
    token = await ceo_signing_token(system, "Wrong Data Clinic")
    async with system.http() as officer:
        page = await officer.get(f"/sign/{token}")
    assert page.status_code == 200
    assert "If something above is wrong, do not sign" in page.text
    assert "Organization Administrator" in page.text


async def test_an_address_is_letters_digits_and_punctuation(system):
    """Found by the outside check of a new organization's enrollment: the organization's street
    took "1 Main St 😀" (printed on the signed agreement's PDF, where no font has it, and
    on the shipping address), and Section B's administration street took
    `<img src=x onerror=alert(1)>`, which the reviewer was shown as the location's address."""
    coordinator, person, location_id = await coordinator_both_ways(system, "Address Clinic")
    body = {**STEP_BODIES["location"], "admin_address_differs": True,
            "admin_street": "<img src=x onerror=alert(1)>", "admin_city": "Cary 🏥",
            "admin_state": "NC", "admin_zip": "27511"}
    api = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/location",
                                json=body)
    assert api.status_code == 422, api.text
    assert set(api.json()["errors"]) == {"admin_street", "admin_city"}
    refused = await person.submit(f"/locations/{location_id}/section-b/location",
                                  {**body, "admin_address_differs": "yes",
                                   "other_org_orders": "no", "action": "next"})
    assert refused_step(refused) and 'id="admin_street-error">' in refused.text
    # an address's own characters are taken: accents, digits, # / - . , '
    fine = {**body, "admin_street": "12-B Rue d'Orléans #4, Apt. 5/6", "admin_city": "Cary"}
    kept = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/location",
                                 json=fine)
    assert kept.status_code == 200, kept.text
    admin = browser(system)
    await admin.login(await register_org_admin(system))
    details = {**ORG_DETAILS, "street": "1 Main St 😀", "redistribution_participant": "false",
               "action": "next"}
    street = await admin.submit("/organization/section-a/details", details)
    assert street.status_code == 400 and 'id="street-error">' in street.text
    assert 'value="1 Main St 😀"' in street.text  # kept as typed


async def test_a_submission_the_officers_already_signed_for_waits_on_the_review(system):
    """Found by the outside check: the page right after Section B's submission (a resubmission,
    or a location completed after the officers signed for it) said "Waiting on: Responsible
    officers (CEO and CMO): sign the provider agreement" above "Your CEO and CMO have already
    signed for this location", in the moment before the process sends it on to review."""
    from models.enrollment import Location
    from tests.support.enrollment import complete_location, start_enrollment
    from tests.support.review import sign_until

    enrollment = await start_enrollment(system, ["Signed Before Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    async with system.sessions() as session:  # as the projection reads just after submitting
        location = await session.get(Location, location_id)
        location.status = "submitted"
        location.waiting_on = "Responsible officers (CEO and CMO): sign the provider agreement"
        session.add(location)
        await session.commit()
    person = browser(system)
    await person.login(email)
    page = await person.get(f"/locations/{location_id}/section-b")
    assert "Waiting on: <strong>Immunization Branch: review the location" in page.text
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    dashboard = await admin.get("/organization")
    assert "Immunization Branch: review the location" in dashboard.text
    assert "sign the provider agreement" not in dashboard.text


async def test_another_locations_provider_in_the_address_is_not_found_by_no_field(system):
    """A provider id of another location in a PUT's or a reactivation's address answered 404
    naming the field `provider_ids`, which neither request has (the deactivation's list has
    it, and keeps it)."""
    coordinator, _person, location_id = await coordinator_both_ways(system, "Own Clinic")
    other, _other_person, other_id = await coordinator_both_ways(system, "Their Clinic")
    await fill_section_b(other, other_id, providers=1)
    theirs = (await other.get(f"/api/v1/locations/{other_id}/section-b")).json()["providers"]
    base = f"/api/v1/locations/{location_id}/providers"
    edited = await coordinator.put(f"{base}/{theirs[0]['id']}", json={
        "first_name": "Ann", "middle_initial": "Q", "last_name": "Provider",
        "license_type": "MD", "license_number": "MD-2000"})
    assert edited.status_code == 404 and edited.json()["errors"] == {}, edited.text
    listed = await coordinator.post(f"{base}/deactivate",
                                    json={"provider_ids": [theirs[0]["id"]]})
    assert listed.status_code == 404 and "provider_ids" in listed.json()["errors"], listed.text
