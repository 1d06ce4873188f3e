"""Nothing a person typed is lost, in a real browser: a location typed but not "Added" survives
Next (or stops the page with a message), a good photo survives a refused one, and correcting
the organization's details shows every answer given, the redistribution choice included."""

import re

import pytest
from playwright.async_api import Page, expect
from sqlmodel import select

from models.enrollment import Location, PracticingProvider
from tests.support.a11y import assert_accessible
from tests.support.accounts import register_org_admin
from tests.support.enrollment import photo, register_coordinator, start_enrollment
from tests.support.web import unique_email
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def type_location(page: Page, name: str, email: str | None) -> None:
    await page.get_by_label("Location name").fill(name)
    if email:
        await page.get_by_label("Street address").fill("9 Elm St")
        await page.get_by_label("City").fill("Durham")
        await page.locator("#state").select_option("NC")
        await page.get_by_label("ZIP code").fill("27701")
        await page.get_by_label("First name").fill("Typed")
        await page.get_by_label("Last name").fill("Coordinator")
        await page.get_by_label("Email address").fill(email)


async def test_a_typed_location_is_kept_or_the_page_says_so(page, system):
    email = await register_org_admin(system)
    await log_in(page, email)
    await page.goto("/organization")
    await page.get_by_role("link", name="Start Section A").click()
    await page.get_by_label("Legal name of the organization").fill("Keeping Health")
    await page.get_by_label("Type of organization").select_option("clinic")
    await page.get_by_label("Street address").fill("5 Oak St")
    await page.get_by_label("City").fill("Durham")
    await page.locator("#state").select_option("NC")
    await page.get_by_label("ZIP code").fill("27701")
    await page.get_by_label("Phone").fill("9195551234")
    await page.get_by_label("Organization contact email").fill("info@keeping.example")
    await page.get_by_role("radio", name="Yes").check()
    await page.get_by_role("button", name="Next").click()

    await type_location(page, "Half Typed Clinic", None)
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator(".usa-alert--error")).to_contain_text("did not add it")
    await expect(page.get_by_label("Location name")).to_have_value("Half Typed Clinic")
    await assert_accessible(page)

    await type_location(page, "Fully Typed Clinic", unique_email("typed"))
    await page.get_by_role("button", name="Next").click()
    await expect(page.get_by_role("heading", name="Step 3 of 4 Responsible officers")).to_be_visible()
    await page.goto("/organization/section-a/locations")
    await expect(page.locator("td", has_text="Fully Typed Clinic").first).to_be_visible()
    await page.get_by_role("button", name="Remove Fully Typed Clinic").click()  # asks first
    await expect(page.get_by_role("button", name="Yes, remove Fully Typed Clinic")).to_be_visible()
    # the question far down the table is where focus lands, not the top of the page
    await expect(page.locator("[role=alert]:has-text('Remove Fully Typed Clinic from')")
                 ).to_be_focused()
    await assert_accessible(page)
    await page.get_by_role("link", name="Keep it").click()
    await expect(page.get_by_role("button", name="Remove Fully Typed Clinic")).to_be_visible()

    # a location that already holds rows cannot go: the refusal is summed up, focused, and
    # tied to the button it answers, as any refused form is
    async with system.sessions() as session:
        location = (await session.exec(select(Location).where(
            Location.name == "Fully Typed Clinic"))).one()
        session.add(PracticingProvider(location_id=location.id, first_name="Avery",
                                       last_name="Import", license_type="MD",
                                       license_number="MD-10042", source="bulk"))
        await session.commit()
    await page.get_by_role("button", name="Remove Fully Typed Clinic").click()
    summary = page.locator("#error-summary")
    await expect(summary).to_be_focused()
    await expect(summary).to_contain_text("Remove Fully Typed Clinic: Fully Typed Clinic cannot "
                                          "be removed")
    assert (await page.title()).startswith("Error: ")
    await expect(page.get_by_role("button", name="Remove Fully Typed Clinic")
                 ).to_have_accessible_description(re.compile("cannot be removed"))
    await summary.get_by_role("link").click()
    await expect(page.get_by_role("button", name="Remove Fully Typed Clinic")).to_be_focused()
    await assert_accessible(page)


async def type_unit(page: Page, system, location_name: str, outside: bytes) -> int:
    """A new location's coordinator on the storage step, a unit typed whole (not added)."""
    enrollment = await start_enrollment(system, [location_name])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b/storage")
    await page.get_by_label("Brand").fill("Helmer")
    await page.get_by_label("Model").fill("HPR105")
    await page.get_by_label("Type").select_option("refrigerator")
    await page.locator("#inside_photo").set_input_files(
        {"name": "inside.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    await page.locator("#outside_photo").set_input_files(
        {"name": "outside.jpg", "mimeType": "image/jpeg", "buffer": outside})
    return location_id


async def test_a_good_photo_survives_a_refused_one(page, system):
    await type_unit(page, system, "Photo Clinic", b"not a picture at all")
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.locator("#outside_photo-error")).to_be_visible()
    await expect(page.locator("#inside_photo-kept")).to_contain_text("We kept the photo")
    await expect(page.get_by_label("Brand")).to_have_value("Helmer")
    await assert_accessible(page)
    await page.locator("#outside_photo").set_input_files(
        {"name": "outside.jpg", "mimeType": "image/jpeg", "buffer": photo("white")})
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.get_by_role("status")).to_contain_text("The storage unit was added")
    await expect(page.get_by_role("img", name="Inside of Helmer HPR105")).to_be_visible()
    await expect(page.get_by_role("img", name="Outside of Helmer HPR105")).to_be_visible()


async def test_a_good_new_photo_survives_a_refused_one_when_replacing_a_units_photos(page,
                                                                                   system):
    """Replacing both photos of a unit, the outside one refused: the good inside one chosen
    with it was dropped without a word (chosen again or the unit kept its wrong photo). It is
    kept, as a new unit's, and the page says so."""
    location_id = await type_unit(page, system, "Replace Photo Clinic", photo("white"))
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.get_by_role("status")).to_contain_text("The storage unit was added")
    await page.get_by_role("link", name="Replace a photo of Helmer HPR105").click()
    await page.locator("#inside_photo").set_input_files(
        {"name": "new-inside.jpg", "mimeType": "image/jpeg", "buffer": photo("gray")})
    await page.locator("#outside_photo").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 not a photo"})
    await page.get_by_role("button", name="Replace the photo").click()
    await expect(page.locator("#outside_photo-error")).to_be_visible()
    await expect(page.locator("#inside_photo-kept")).to_contain_text(
        "We kept the photo you uploaded (new-inside.jpg)")
    await assert_accessible(page)
    await page.locator("#outside_photo").set_input_files(
        {"name": "new-outside.jpg", "mimeType": "image/jpeg", "buffer": photo("black")})
    await page.get_by_role("button", name="Replace the photo").click()
    await expect(page.get_by_role("status")).to_contain_text(
        "The inside and outside photos of Helmer HPR105 were replaced.")
    assert page.url.endswith(f"/locations/{location_id}/section-b/storage")


async def test_correcting_the_details_shows_every_answer(page, system):
    enrollment = await start_enrollment(system, ["Correction Page Clinic"],
                                        redistribution=True)
    await log_in(page, enrollment.admin_email)
    await page.goto("/organization/details")
    await expect(page.get_by_label("Legal name of the organization")).to_have_value(
        "Wake Health Partners")
    await expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    await assert_accessible(page)


async def test_a_storage_unit_typed_whole_survives_next(page, system):
    """Found by the outside check: Next (or Enter) threw away a unit typed whole but not
    "Added": the unit's fields were a form of their own, apart from Next's."""
    location_id = await type_unit(page, system, "Next Unit Clinic", photo("white"))
    await page.get_by_role("button", name="Next").click()
    await expect(page.get_by_text("Step 8 of 12").first).to_be_attached()
    await page.goto(f"/locations/{location_id}/section-b/storage")
    await expect(page.get_by_role("img", name="Inside of Helmer HPR105")).to_be_visible()


async def test_a_provider_typed_survives_next_and_enter_creates(page, system):
    """As a storage unit: a provider typed on step 8 was thrown away by Next. Enter in a
    provider's field creates the provider (the step's first button), Next takes one typed."""
    enrollment = await start_enrollment(system, ["Next Provider Clinic"])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    await log_in(page, email)
    await page.goto(f"/locations/{location_id}/section-b/providers")

    async def type_provider(first: str, last: str, number: str) -> None:
        await page.get_by_label("First name").fill(first)
        await page.get_by_label("Last name").fill(last)
        await page.get_by_label("License type").select_option("NP")
        await page.get_by_label("License number").fill(number)

    await type_provider("Enter", "Keyed", "NP-1")
    await page.get_by_label("License number").press("Enter")
    await expect(page.get_by_text("Enter Keyed was added")).to_be_visible()
    await expect(page.get_by_text("Step 8 of 12").first).to_be_attached()
    await type_provider("Next", "Pressed", "NP-2")
    await page.get_by_role("button", name="Next", exact=True).click()
    await expect(page.get_by_text("Step 9 of 12").first).to_be_attached()
    await expect(page.get_by_text("Next Pressed").first).to_be_visible()
    await expect(page.get_by_text("Enter Keyed").first).to_be_visible()


async def test_back_or_reload_after_a_refused_step_sends_nothing_again(page, system):
    """A refused Next was the POST's own answer: Back to it, or a reload, met the browser's
    "Confirm form resubmission". It now leads (303) to the step's page, which shows the
    mistakes by their fields and what was typed, kept in the draft."""
    enrollment = await start_enrollment(system, ["Refused Step Clinic"])
    (email, location_id), = enrollment.locations.items()
    await register_coordinator(system, email)
    await log_in(page, email)
    base = f"/locations/{location_id}/section-b"
    await page.goto(f"{base}/location")
    await page.goto(f"{base}/coordinators")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST"
            else None)
    await page.locator("#primary_phone").fill("919-555-0100")
    await page.locator("#backup_first_name").fill("Sam 2")
    await page.locator("#backup_last_name").fill("Backup")
    await page.get_by_role("button", name="Next").click()
    await expect(page.locator("#backup_first_name-error")).to_be_visible()
    await expect(page.locator("#backup_first_name")).to_have_value("Sam 2")
    await assert_accessible(page)
    await page.reload()  # was the form sent again
    await expect(page.locator("#backup_first_name-error")).to_be_visible()
    await expect(page.locator("#backup_first_name")).to_have_value("Sam 2")
    assert len(posts) == 1, posts
    assert page.url.endswith(f"{base}/coordinators?check=1"), page.url
    await page.go_back()  # the step as it was opened, from the draft
    await expect(page.locator("#backup_first_name")).to_have_value("Sam 2")
    assert page.url.endswith(f"{base}/coordinators"), page.url
    await page.go_back()
    await expect(page.get_by_text("Step 2 of 12").first).to_be_attached()
    await page.go_forward()
    await page.go_forward()
    await expect(page.locator("#backup_first_name-error")).to_be_visible()
    assert len(posts) == 1, posts
