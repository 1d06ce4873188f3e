"""Every page state of enrollment, signing and review, with long values, at 1280 and 390 px:
axe-core finds no WCAG 2.1 AA violation and nothing scrolls sideways. Errors are summarised by
the labels people see, in page order, linked to their fields, and the summary takes focus."""

import pytest
from playwright.async_api import Page, expect

from api.domain.section_b_view import change_label
from models.enums import Role
from models.section_b import STEPS
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.enrollment import (
    STEP_BODIES,
    add_storage_unit,
    photo,
    register_coordinator,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import (
    SIGNING_SUBJECT,
    decide,
    sign_token,
    signing_tokens,
    wait_for_status,
)
from tests.support.web import api_client
from tests.test_browser_enrollment import log_in

# What a page looks like and how it reads does not depend on the database: SQLite pass only.
pytestmark = [pytest.mark.browser, pytest.mark.once]

UNBROKEN = "Supercalifragilisticexpialidocious-Wellness-Collaborative-Building"  # 66 characters
LOCATION = f"Blue Ridge Mountains Regional Community Health and Wellness Center {UNBROKEN}"
LONG = {
    "location": {**STEP_BODIES["location"], "shipping_street": f"1234 {UNBROKEN} Boulevard",
                 "shipping_street2": f"Loading dock behind the {UNBROKEN} annex, suite 100",
                 "other_org_orders": True, "ordering_organization": f"The {UNBROKEN} Group"},
    "coordinators": {**STEP_BODIES["coordinators"], "backup_first_name": "Maximiliana-Alexandra",
                     "backup_last_name": "Featherstonehaugh-Cholmondeley",
                     "backup_email": "maximiliana.featherstonehaugh-cholmondeley@"
                                     "blue-ridge-community-health.example.org"},
}
# Live regions, less the file inputs' own "No file selected." status and the character
# counts' own count (silent until one types) that USWDS adds to each.
LIVE = ":is([role=alert], [role=status], [aria-live]):not(.usa-file-input *, .usa-character-count *)"


async def _fill_long_section_b(system, email: str, location_id: int):
    coordinator = await register_coordinator(system, email)
    base = f"/api/v1/locations/{location_id}"
    for step, body in {**STEP_BODIES, **LONG}.items():
        assert (await coordinator.put(f"{base}/section-b/{step}", json=body)).status_code == 200
    unit = await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                  brand=f"Thermo {UNBROKEN}")
    assert unit.status_code == 201, unit.text
    created = await coordinator.post(f"{base}/providers", json={
        "first_name": "Bartholomew-Fitzgerald", "middle_initial": "Q",
        "last_name": f"Vanderbilt-{UNBROKEN}", "license_type": "MD",
        "license_number": "MD-1234567890"})
    assert created.status_code == 201, created.text
    return coordinator


async def _error_summary(page: Page, first_label: str, field_id: str) -> None:
    """The summary is focused, the only live region, and links the label to its field."""
    summary = page.locator("#error-summary")
    await expect(summary).to_be_focused()
    assert await page.locator(LIVE).count() == 1
    first = summary.get_by_role("link").first
    await expect(first).to_contain_text(f"{first_label}:")
    await first.click()
    await expect(page.locator(f"#{field_id}")).to_be_focused()
    await assert_accessible(page)


async def _section_b_states(page: Page, location_id: int) -> None:
    await page.goto("/locations")
    await assert_accessible(page)
    await page.goto(f"/locations/{location_id}/section-b")
    await assert_accessible(page)
    for step in STEPS:
        await page.goto(f"/locations/{location_id}/section-b/{step.key}")
        await expect(page.get_by_role("heading", name=f"Step {step.number} of 12")).to_be_visible()
        await assert_accessible(page)
    await page.goto(f"/locations/{location_id}/section-b/location")
    await page.get_by_label("City").first.fill("")
    await page.get_by_label("ZIP code").first.fill("")
    await page.get_by_role("button", name="Next").click()
    items = page.locator("#error-summary li")
    await expect(items).to_have_count(2)
    await expect(items.nth(0)).to_contain_text("Shipping city:")
    await expect(items.nth(1)).to_contain_text("Shipping ZIP code:")
    await expect(page.get_by_label("Street address").first).to_have_value(
        LONG["location"]["shipping_street"])
    await _error_summary(page, "Shipping city", "shipping_city")
    await page.goto(f"/locations/{location_id}/section-b/storage")
    await page.get_by_label("Brand").fill("Helmer")
    await page.get_by_label("Inside photo").set_input_files(
        {"name": "inside.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"})
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.locator("#error-summary li").nth(1)).to_contain_text("Type:")
    await _error_summary(page, "Model", "model")
    await expect(page.get_by_label("Brand")).to_have_value("Helmer")
    # a unit's wrong photo replaced on its own: its page, and its refusal
    await page.goto(f"/locations/{location_id}/section-b/storage")
    await page.get_by_role("link", name=f"Replace a photo of Thermo {UNBROKEN}").click()
    await assert_accessible(page)
    await page.get_by_role("button", name="Replace the photo").click()
    await _error_summary(page, "Inside photo", "inside_photo")


async def _officer_states(page: Page, link: str) -> None:
    await page.goto(link)
    await expect(page.get_by_role("cell", name=LOCATION)).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await _error_summary(page, "Consent to sign electronically", "consent-box")
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use, and sign").click()
    await expect(page.get_by_role("heading", name="Thank you: the document is signed")).to_be_visible()
    await expect(page.get_by_text(" EST").or_(page.get_by_text(" EDT")).first).to_be_visible()
    await assert_accessible(page)


async def _photo_shown(page: Page, name: str) -> None:
    image = page.get_by_role("img", name=name)
    await expect(image).to_be_visible()
    # Visible is not loaded: once (the suite's SQLite pass) the review page's photo was still
    # on its way when read. Wait for it to load or fail, then require that it loaded.
    assert await image.evaluate(LOADED), name


LOADED = """img => img.complete ? img.naturalWidth > 0 : new Promise(done => {
    img.addEventListener("load", () => done(img.naturalWidth > 0), {once: true});
    img.addEventListener("error", () => done(false), {once: true});
})"""


async def test_every_enrollment_signing_and_review_state_is_accessible(page, system):
    enrollment = await start_enrollment(system, [LOCATION])
    (email, location_id), = enrollment.locations.items()
    coordinator = await _fill_long_section_b(system, email, location_id)
    await log_in(page, email)
    await _section_b_states(page, location_id)
    typed = {**STEP_BODIES["location"], **LONG["location"]}  # the error state kept blanks
    assert (await coordinator.put(f"/api/v1/locations/{location_id}/section-b/location",
                                  json=typed)).status_code == 200
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200

    await page.context.clear_cookies()
    ceo_mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    await _officer_states(page, ceo_mail.link("/sign/"))
    cmo_mail = await system.smtp.one(to=enrollment.cmo_email, subject=SIGNING_SUBJECT)
    assert (await sign_token(system, signing_tokens(cmo_mail)[0], "cmo")).status_code == 201
    await wait_for_status(system, location_id, "pending_review")

    reviewer = await make_user(system, Role.REVIEWER)
    staff = await api_client(system, reviewer.email)
    await log_in(page, reviewer.email)
    await page.goto("/review")
    await expect(page.get_by_role("link", name=LOCATION)).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name=LOCATION).click()
    await _photo_shown(page, f"Inside of Thermo {UNBROKEN} HPR105")
    signed = (await staff.get(f"/api/v1/review/locations/{location_id}")).json()
    for signature in signed["officer_signatures"]:
        hash_shown = page.locator("code.cvms-hash", has_text=signature["content_sha256"])
        await expect(hash_shown).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("button", name="Reject").click()
    await _error_summary(page, "Reason (required to reject; the coordinator receives it)", "reason")
    await page.get_by_label("Reason").fill("The inside photo does not show the thermometer")
    await page.get_by_role("button", name="Reject").click()
    await expect(page.get_by_role("status")).to_contain_text("was rejected")
    await assert_accessible(page)

    await _resubmit_with_changes(system, coordinator, location_id)
    await page.goto(f"/review/locations/{location_id}")
    changes = page.locator(".cvms-changes")
    await expect(changes.get_by_role("rowheader", name=change_label(
        "steps.location.shipping_city"))).to_be_visible()
    await expect(changes).to_contain_text("Raleigh")
    await expect(changes).to_contain_text("Asheville")
    await _photo_shown(page, "Storage unit 1: inside photo, before")
    await _photo_shown(page, "Storage unit 1: inside photo, now")
    for internal in ("sha256", "steps.", "shipping_city", "storage_units"):
        await expect(changes).not_to_contain_text(internal)
    await assert_accessible(page)
    assert (await decide(staff, location_id, "approve")).status_code == 200


async def _resubmit_with_changes(system, coordinator, location_id: int) -> None:
    base = f"/api/v1/locations/{location_id}"
    assert (await coordinator.post(f"{base}/section-b/resubmit")).status_code == 200
    moved = {**STEP_BODIES["location"], **LONG["location"], "shipping_city": "Asheville"}
    assert (await coordinator.put(f"{base}/section-b/location", json=moved)).status_code == 200
    unit = (await coordinator.get(f"{base}/section-b")).json()["storage_units"][0]["id"]
    assert (await coordinator.delete(f"{base}/storage-units/{unit}")).status_code == 204
    assert (await add_storage_unit(coordinator, location_id, photo("darkgreen"),
                                   photo("orange"))).status_code == 201
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")
