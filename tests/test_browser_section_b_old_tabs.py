"""Section B's pages used from an old tab (or pressed twice) after the location moved on, in
Chromium: each lands on a page that says where things stand, by a redirect (a reload sends
nothing again), never "This could not be done" (409)."""

import pytest
from playwright.async_api import expect
from sqlmodel import select

from models.enrollment import PracticingProvider
from tests.support.enrollment import (
    add_storage_unit,
    complete_location,
    fill_section_b,
    photo,
    register_coordinator,
    sign_and_submit,
    start_enrollment,
)
from tests.support.review import decide, enrolled_site, reviewer, sign_until, wait_for_status
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_an_old_tabs_resubmit_after_the_resubmission_went_to_review(page, system):
    """Two tabs showed the rejected location's Resubmit; the first reopened Section B and the
    coordinator resubmitted it, then pressed Resubmit in the other: "This could not be done
    ... Only a rejected location can be resubmitted. This location's status: Waiting for
    review." (409). It lands on the location's page, told it is with the reviewers."""
    enrollment = await start_enrollment(system, ["Old Tab Resubmit Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "reject", "Photos are blurry")).status_code == 200
    await wait_for_status(system, location_id, "rejected")
    await log_in(page, email)
    overview = f"/locations/{location_id}/section-b"
    await page.goto(overview)
    old = await page.context.new_page()
    await old.goto(overview)
    await page.get_by_role("button", name="Resubmit").click()
    await expect(page).to_have_url(f"{system.base_url}{overview}/location")
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200
    await wait_for_status(system, location_id, "pending_review")

    await old.get_by_role("button", name="Resubmit").click()
    await expect(old).to_have_url(f"{system.base_url}{overview}")
    await expect(old.get_by_role("status")).to_contain_text(
        "Section B was already resubmitted. It is with the Immunization Branch's reviewers. "
        "The location's status: Waiting for review.")
    await expect(old.locator("main")).not_to_contain_text("could not be done")
    await old.reload()  # a page to reload: nothing is sent again
    await expect(old).to_have_url(f"{system.base_url}{overview}")
    await wait_for_status(system, location_id, "pending_review")


async def test_an_old_tabs_bulk_choice_after_submission(page, system):
    """Step 8 open in a tab while Section B was submitted from another: its "Save this
    choice" answered "This could not be done ... can no longer be changed" (409), and so did
    the step's own page after submission, which still offered the choice. The old tab lands
    on step 8 as it is now, told why; the page no longer offers what it would refuse."""
    enrollment = await start_enrollment(system, ["Old Tab Bulk Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id)
    await log_in(page, email)
    step = f"/locations/{location_id}/section-b/providers"
    await page.goto(step)
    assert (await sign_and_submit(coordinator, location_id)).status_code == 200

    await page.get_by_label("This location has 25 or more practicing providers").check()
    await page.get_by_role("button", name="Save this choice").click()
    await expect(page).to_have_url(f"{system.base_url}{step}")
    await expect(page.get_by_role("status")).to_contain_text(  # the choice, not the step
        "Section B was already submitted, so its choice about 25 or more practicing providers "
        "was not changed")
    await expect(page.locator("main")).not_to_contain_text("could not be done")
    await expect(page.get_by_role("button", name="Save this choice")).to_have_count(0)
    await expect(page.get_by_role("button", name="Create provider")).to_be_visible()
    section = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()
    assert section["bulk_upload_planned"] is False


async def test_a_storage_unit_removed_twice_or_from_an_old_tab(page, system):
    """A storage unit removed in one tab, then "Yes, remove" pressed in another (or twice),
    "Remove" in a third, and a photo replaced from a fourth: the storage step came back with
    "That storage unit is not part of this location" (404), the photo page as an error page.
    Each lands on step 7 as it is now, told the unit was already removed."""
    enrollment = await start_enrollment(system, ["Old Tab Unit Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    unit = (await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                   brand="Twotab", model="R1")).json()
    await log_in(page, email)
    step = f"/locations/{location_id}/section-b/storage"
    tabs = [page] + [await page.context.new_page() for _ in range(3)]
    for tab in tabs:
        await tab.goto(step)
    for tab in tabs[:2]:
        await tab.get_by_role("button", name="Remove Twotab R1").click()
    await tabs[3].get_by_role("link", name="Replace a photo of Twotab R1").click()
    await tabs[3].get_by_label("Inside photo").set_input_files(
        {"name": "in.jpg", "mimeType": "image/jpeg", "buffer": photo("navy")})
    await page.get_by_role("button", name="Yes, remove Twotab R1").click()
    await expect(page.get_by_role("status")).to_contain_text("The storage unit was removed.")

    await tabs[1].get_by_role("button", name="Yes, remove Twotab R1").click()
    await tabs[2].get_by_role("button", name="Remove Twotab R1").click()
    await tabs[3].get_by_role("button", name="Replace the photo").click()
    for tab in tabs[1:]:
        await expect(tab).to_have_url(f"{system.base_url}{step}")
        await expect(tab.get_by_role("status")).to_contain_text(
            "That storage unit is no longer listed: it was already removed.")
        await expect(tab.locator("main")).not_to_contain_text("not part of this location")
        await expect(tab.get_by_role("button", name="Remove Twotab R1")).to_have_count(0)
    assert unit["id"] and not (await coordinator.get(
        f"/api/v1/locations/{location_id}/section-b")).json()["storage_units"]


async def _type_provider(tab, first: str, last: str, number: str) -> None:
    await tab.get_by_label("First name").fill(first)
    await tab.get_by_label("Last name").fill(last)
    await tab.get_by_label("License type").select_option("NP")
    await tab.get_by_label("License number").fill(number)


async def test_create_provider_pressed_twice_lists_the_provider_once(page, system):
    """"Create provider" pressed again from an old tab (or twice: tests/test_section_b_pressed_
    twice.py) answered "... is already listed with license ...: a provider is listed once" on
    the form still filled, as if what was typed were a mistake. A provider listed exactly as
    typed is said so on the step, by a redirect; another name with that license is still the
    mistake named on its field, the form kept."""
    enrollment = await start_enrollment(system, ["Old Tab Provider Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await log_in(page, email)
    step = f"/locations/{location_id}/section-b/providers"
    old, other = await page.context.new_page(), await page.context.new_page()
    for tab in (page, old, other):
        await tab.goto(step)
    await _type_provider(page, "Dana", "Twiceclick", "NP-7701")
    await page.get_by_role("button", name="Create provider").click()
    await expect(page.get_by_role("status")).to_contain_text("Dana Twiceclick was added.")
    await _type_provider(old, "dana", "TWICECLICK", "np7701")
    await old.get_by_role("button", name="Create provider").click()
    await expect(old).to_have_url(f"{system.base_url}{step}")
    await expect(old.get_by_role("status")).to_contain_text(
        "Dana Twiceclick is already listed, with license NP NP-7701.")
    await expect(old.get_by_label("Last name")).to_have_value("")

    await _type_provider(other, "Robin", "Otherperson", "NP-7701")
    await other.get_by_role("button", name="Create provider").click()
    await expect(other.locator("#license_number-error")).to_contain_text(
        "Dana Twiceclick is already listed with license NP NP-7701")
    await expect(other.get_by_label("Last name")).to_have_value("Otherperson")
    listed = (await coordinator.get(f"/api/v1/locations/{location_id}/section-b")).json()
    assert [p["license_number"] for p in listed["providers"]] == ["NP-7701"]


async def test_a_provider_deactivated_twice_keeps_when_it_was(page, system):
    """"Deactivate the selected providers" sent again from an old tab (or pressed twice) said
    "1 provider deactivated." again and moved the time the provider was deactivated (and
    recorded the change twice). It says the provider was already deactivated; the time stays."""
    enrollment = await start_enrollment(system, ["Old Tab Deactivate Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    await fill_section_b(coordinator, location_id, providers=2)
    await log_in(page, email)
    step = f"/locations/{location_id}/section-b/deactivate_providers"
    old = await page.context.new_page()
    for tab in (page, old):
        await tab.goto(step)
        await tab.get_by_label("Select Lee Q. Provider").check()
    await page.get_by_role("button", name="Deactivate the selected providers").click()
    await expect(page.get_by_role("status")).to_contain_text("1 provider deactivated.")
    async with system.sessions() as session:
        first = (await session.exec(select(PracticingProvider.deactivated_at).where(
            PracticingProvider.location_id == location_id,
            PracticingProvider.first_name == "Lee"))).one()

    await old.get_by_role("button", name="Deactivate the selected providers").click()
    await expect(old).to_have_url(f"{system.base_url}{step}")
    await expect(old.get_by_role("status")).to_contain_text(
        "The selected provider was already deactivated.")
    await expect(old.get_by_role("button", name="Reactivate Lee Q. Provider")).to_be_visible()
    async with system.sessions() as session:
        assert (await session.exec(select(PracticingProvider.deactivated_at).where(
            PracticingProvider.location_id == location_id,
            PracticingProvider.first_name == "Lee"))).one() == first


async def test_a_storage_unit_added_again_from_an_old_tab_is_listed_once(page, system):
    """The same storage unit added from two tabs (or "Add storage unit" pressed twice) was
    listed twice, and at an enrolled site sent twice to the reviewers. The second is told the
    unit is listed already; a unit of the same model with other photos is another unit."""
    site = await enrolled_site(system, "Old Tab Unit Review Clinic")
    await log_in(page, site.email)
    step = f"/locations/{site.location_id}/section-b/storage"
    old = await page.context.new_page()
    for tab in (page, old):
        await tab.goto(step)
        await tab.get_by_label("Brand").fill("Twicesent")
        await tab.get_by_label("Model").fill("TS-2")
        await tab.locator("#unit_type").select_option("refrigerator")
        for label, color in (("Inside photo", "olive"), ("Outside photo", "maroon")):
            await tab.get_by_label(label).set_input_files(
                {"name": "unit.jpg", "mimeType": "image/jpeg", "buffer": photo(color)})
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.get_by_role("status")).to_contain_text("sent to the Immunization Branch")
    await old.get_by_role("button", name="Add storage unit").click()
    await expect(old).to_have_url(f"{system.base_url}{step}")
    await expect(old.get_by_role("status")).to_contain_text(
        "The storage unit Twicesent TS-2 is already listed, with the same photos.")
    await expect(old.get_by_role("row", name="Twicesent TS-2")).to_have_count(1)
    other = await add_storage_unit(site.coordinator, site.location_id, photo("olive"),
                                   photo("navy"), brand="Twicesent", model="TS-2")
    assert other.status_code == 201, other.text
    again = await add_storage_unit(site.coordinator, site.location_id, photo("olive"),
                                   photo("navy"), brand="Twicesent", model="TS-2")
    assert again.status_code == 409 and "already listed" in again.json()["detail"]
    section = (await site.coordinator.get(
        f"/api/v1/locations/{site.location_id}/section-b")).json()
    assert [u["brand"] for u in section["storage_units"]].count("Twicesent") == 2
